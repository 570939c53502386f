package billingsync

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/requests"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/bssopenapi"

	"github.com/cloudlens/cloudlens/shared/aliyunsim"
	"github.com/cloudlens/cloudlens/shared/app"
	"github.com/cloudlens/cloudlens/shared/app/apptest"
	"github.com/cloudlens/cloudlens/shared/billing"
	"github.com/cloudlens/cloudlens/shared/money"
)

// upfrontOrder is a SubscriptionOrder of row's instance paying amount for period×unit.
func upfrontOrder(row aliyunsim.BillItem, amount int64, period, unit string) aliyunsim.BillItem {
	it := row
	it.Item, it.SubscriptionType, it.BillingItem, it.BillingItemCode = "SubscriptionOrder", "Subscription", "", ""
	it.ServicePeriod, it.ServicePeriodUnit = period, unit
	it.Usage, it.UsageUnit, it.ListPrice, it.ListPriceUnit = "", "", "", ""
	it.PretaxGrossAmount, it.InvoiceDiscount, it.AfterDiscountAmount, it.DeductedByCoupons = amount, 0, amount, 0
	it.PretaxAmount, it.DeductedByCashCoupons, it.DeductedByPrepaidCard = amount, 0, 0
	it.PaymentAmount, it.CashAmount, it.OutstandingAmount, it.AdjustAmount = amount, amount, 0, 0
	return it
}

// amortizedByInstance asks the simulated BSS, through the SDK, what it amortised to each
// instance within start..end (one billing cycle): CurrentAmortizationPretaxAmount, and the
// whole of each charge (Previously + Current + Remaining) beside what was billed.
func amortizedByInstance(t *testing.T, e *env, sa aliyunsim.Account, start, end string, ids []string) (within map[string]int64, whole, billed int64) {
	t.Helper()
	client, err := bssopenapi.NewClientWithAccessKey("cn-hangzhou", sa.AccessKeyID, sa.AccessKeySecret)
	if err != nil {
		t.Fatal(err)
	}
	within = map[string]int64{}
	next := ""
	for {
		req := bssopenapi.CreateDescribeInstanceAmortizedCostByAmortizationPeriodDateRequest()
		req.SetDomain(e.addr)
		req.SetScheme("HTTP")
		req.BillingCycle, req.AmortizationDateStart, req.AmortizationDateEnd = start[:7], start, end
		req.InstanceIdList = &ids
		req.MaxResults = requests.NewInteger(300)
		req.NextToken = next
		resp, err := client.DescribeInstanceAmortizedCostByAmortizationPeriodDate(req)
		if err != nil {
			t.Fatal(err)
		}
		var body struct {
			Data struct {
				NextToken string
				Items     []struct {
					InstanceID                        string
					PretaxAmount                      string
					PreviouslyAmortizedPretaxAmount   string
					CurrentAmortizationPretaxAmount   string
					RemainingAmortizationPretaxAmount string
				}
			}
		}
		if err := json.Unmarshal(resp.GetHttpContentBytes(), &body); err != nil {
			t.Fatal(err)
		}
		amount := func(s string) int64 {
			m, err := money.Parse(s)
			if err != nil {
				t.Fatalf("amount %q: %v", s, err)
			}
			return int64(m)
		}
		for _, it := range body.Data.Items {
			within[it.InstanceID] += amount(it.CurrentAmortizationPretaxAmount)
			whole += amount(it.PreviouslyAmortizedPretaxAmount) + amount(it.CurrentAmortizationPretaxAmount) + amount(it.RemainingAmortizationPretaxAmount)
			billed += amount(it.PretaxAmount)
		}
		if next = body.Data.NextToken; next == "" {
			return within, whole, billed
		}
	}
}

// TestAmortizedCostMatchesBSS syncs a month with two upfront purchases (a month's renewal
// and a year's) and compares CloudLens' effective cost per instance and day with what the
// simulated DescribeInstanceAmortizedCostByAmortizationPeriodDate answers, to the micro-unit,
// on every day from the first purchase to two months on; then checks that the effective cost
// over each whole term is what was billed.
func TestAmortizedCostMatchesBSS(t *testing.T) {
	apptest.Each(t, func(t *testing.T, d *app.Deps) {
		e := newEnv(t, d, envOptions{accounts: 1, resources: 6, now: "2026-03-12 10:00", months: 0})
		acc, uid := e.accs[0], e.uids[e.accs[0].ID]
		sa := e.world.Accounts()[0]
		rows := e.world.BillItems(uid, dayOf(t, "2026-03-02"), e.clock.Now())
		monthly := upfrontOrder(rows[0], 1_100_490_000, "1", "Month")
		monthly.BillingDate = "2026-03-05"
		yearly := upfrontOrder(rows[len(rows)-1], 3_650_010_000, "1", "年")
		if yearly.InstanceID == monthly.InstanceID {
			t.Fatal("the test needs two instances")
		}
		e.sim.SetDayQuirks(uid, "2026-03-02", aliyunsim.DayQuirks{Extra: []aliyunsim.BillItem{yearly}})
		e.sim.SetDayQuirks(uid, "2026-03-05", aliyunsim.DayQuirks{Extra: []aliyunsim.BillItem{monthly}})
		if err := Job(d)(t.Context(), fcxEvent()); err != nil {
			t.Fatal(err)
		}

		ids := []string{monthly.InstanceID, yearly.InstanceID}
		perDay := func(day string) map[string]int64 {
			rs, err := d.Store.DB().Query("SELECT resource_id, SUM(effective_cost) FROM cost_daily_resources WHERE account_id = ? AND charge_date = ? AND resource_id IN (?, ?) GROUP BY resource_id",
				acc.ID, day, ids[0], ids[1])
			if err != nil {
				t.Fatal(err)
			}
			defer rs.Close()
			out := map[string]int64{}
			for rs.Next() {
				var id string
				var v int64
				if err := rs.Scan(&id, &v); err != nil {
					t.Fatal(err)
				}
				out[id] = v
			}
			return out
		}
		start := dayOf(t, "2026-03-01")
		compared := 0
		for day := start; day.Before(dayOf(t, "2026-05-01")); day = day.AddDate(0, 0, 1) {
			ds := day.Format(time.DateOnly)
			want, _, _ := amortizedByInstance(t, e, sa, ds, ds, ids)
			got := perDay(ds)
			for _, id := range ids {
				if got[id] != want[id] {
					t.Errorf("%s %s: CloudLens effective %s, BSS amortised %s", ds, id, money.Micros(got[id]), money.Micros(want[id]))
				}
				if want[id] != 0 {
					compared++
				}
			}
		}
		if compared < 60 {
			t.Fatalf("only %d instance-days carried amortised cost", compared)
		}
		// March as a whole: every charge of the two instances amortised in full, as billed.
		_, whole, billed := amortizedByInstance(t, e, sa, "2026-03-01", "2026-03-31", ids)
		if whole != billed {
			t.Fatalf("BSS amortised %s of %s billed", money.Micros(whole), money.Micros(billed))
		}
		// CloudLens over each whole term: the month's renewal (5 Mar – 4 Apr) and the year's.
		var monthTerm, yearTerm int64
		if err := d.Store.DB().QueryRow("SELECT COALESCE(SUM(effective_cost), 0) FROM cost_amortized_daily WHERE account_id = ? AND resource_id = ? AND source_date = ?",
			acc.ID, monthly.InstanceID, "2026-03-05").Scan(&monthTerm); err != nil {
			t.Fatal(err)
		}
		if err := d.Store.DB().QueryRow("SELECT COALESCE(SUM(effective_cost), 0) FROM cost_amortized_daily WHERE account_id = ? AND resource_id = ? AND source_date = ?",
			acc.ID, yearly.InstanceID, "2026-03-02").Scan(&yearTerm); err != nil {
			t.Fatal(err)
		}
		if monthTerm != monthly.PretaxAmount || yearTerm != yearly.PretaxAmount {
			t.Fatalf("terms sum to %s and %s; billed %s and %s", money.Micros(monthTerm), money.Micros(yearTerm),
				money.Micros(monthly.PretaxAmount), money.Micros(yearly.PretaxAmount))
		}
		if term := billing.Term("2026-03-05", "Subscription", billing.ChargePurchase, "1", "Month"); term != 31 {
			t.Fatalf("a month from 5 Mar is %d days, want 31", term)
		}
	})
}
