package billingsync

import (
	"bytes"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cloudlens/cloudlens/shared/account"
	"github.com/cloudlens/cloudlens/shared/aliyunsim"
	"github.com/cloudlens/cloudlens/shared/app"
	"github.com/cloudlens/cloudlens/shared/app/apptest"
	"github.com/cloudlens/cloudlens/shared/billing"
	"github.com/cloudlens/cloudlens/shared/store"
	"github.com/cloudlens/cloudlens/shared/store/storetest"
)

func dayOf(t testing.TB, s string) time.Time {
	t.Helper()
	d, err := time.ParseInLocation(time.DateOnly, s, billing.Shanghai)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// twinOrders are a renewal and an upgrade of the instance of row on its day: two
// SubscriptionOrder items that share every identifying field, as DescribeInstanceBill
// sends them (it has no order number). They differ in amount, spec and service period.
func twinOrders(row aliyunsim.BillItem) (renewal, upgrade aliyunsim.BillItem) {
	order := func(amount int64, spec, period string) aliyunsim.BillItem {
		it := row
		it.Item, it.SubscriptionType, it.BillingItem, it.BillingItemCode = "SubscriptionOrder", "Subscription", "", ""
		it.InstanceSpec, it.ServicePeriod, it.ServicePeriodUnit = spec, period, "Month"
		it.Usage, it.UsageUnit, it.ListPrice, it.ListPriceUnit = "", "", "", ""
		it.PretaxGrossAmount, it.InvoiceDiscount, it.AfterDiscountAmount, it.DeductedByCoupons = amount, 0, amount, 0
		it.PretaxAmount, it.DeductedByCashCoupons, it.DeductedByPrepaidCard = amount, 0, 0
		it.PaymentAmount, it.CashAmount, it.OutstandingAmount, it.AdjustAmount = amount, amount, 0, 0
		return it
	}
	return order(1_100_490_000, "ecs.g7.large", "1"), order(361_370_000, "ecs.g7.xlarge", "11")
}

// purchases returns the billed cost of the Purchase rows of resource on day, by spec.
func purchases(t *testing.T, s *store.Store, accountID int64, day, resource string) map[string]int64 {
	t.Helper()
	rows, err := s.DB().Query("SELECT instance_spec, service_period, billed_cost, item_key FROM cost_line_items"+
		" WHERE account_id = ? AND charge_date = ? AND resource_id = ? AND charge_category = ?", accountID, day, resource, billing.ChargePurchase)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[string]int64{}
	for rows.Next() {
		var spec, period string
		var billed int64
		var key []byte
		if err := rows.Scan(&spec, &period, &billed, &key); err != nil {
			t.Fatal(err)
		}
		out[spec+"/"+period+"/"+billing.Key(key).String()] = billed
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestTwinChargesBothStoredAndStable(t *testing.T) {
	apptest.Each(t, func(t *testing.T, d *app.Deps) {
		e := newEnv(t, d, envOptions{accounts: 1, resources: 6, now: "2026-03-12 10:00", months: 0})
		acc, uid, day := e.accs[0], e.uids[e.accs[0].ID], "2026-03-05"
		row := e.world.BillItems(uid, dayOf(t, day), e.clock.Now())[0]
		renewal, upgrade := twinOrders(row)
		// The renewal arrives twice: the same charge delivered twice is counted, not stored twice.
		e.sim.SetDayQuirks(uid, day, aliyunsim.DayQuirks{Extra: []aliyunsim.BillItem{renewal, upgrade, renewal}})

		var first map[string]int64
		for run := 1; run <= 2; run++ {
			if err := Job(d)(t.Context(), fcxEvent()); err != nil {
				t.Fatal(err)
			}
			got := purchases(t, d.Store, acc.ID, day, row.InstanceID)
			var sum int64
			for _, v := range got {
				sum += v
			}
			if len(got) != 2 || sum != 1_100_490_000+361_370_000 {
				t.Fatalf("run %d: purchases of %s on %s = %v; want the renewal 1100.49 and the upgrade 361.37", run, row.InstanceID, day, got)
			}
			if first == nil {
				first = got
			} else if len(got) != len(first) {
				t.Fatalf("run %d changed the stored twins: %v, was %v", run, got, first)
			} else {
				for k, v := range first {
					if got[k] != v {
						t.Fatalf("run %d changed the stored twins: %v, was %v", run, got, first)
					}
				}
			}
			want := e.truth(t)
			want[key{acc.ID, day, row.ProductCode}] += 1_100_490_000 + 361_370_000
			compare(t, "line items with twins", stored(t, d.Store, "cost_line_items"), want)
			compare(t, "daily roll-up with twins", stored(t, d.Store, "cost_daily"), want)
			r := runs(t, d, acc.ID)[0]
			if r.Status != store.SyncSucceeded || r.Twins != 1 || r.Duplicates != 1 || r.Rejected != 0 {
				t.Fatalf("run %d: %+v", run, r)
			}
			t.Logf("run %d: twins %d, duplicates %d, rows %d", run, r.Twins, r.Duplicates, r.Rows)
		}
	})
}

func TestPagingLoopsFailOnlyTheirDay(t *testing.T) {
	apptest.Each(t, func(t *testing.T, d *app.Deps) {
		e := newEnv(t, d, envOptions{accounts: 1, resources: 8, now: "2026-03-12 10:00", months: 0})
		acc, uid := e.accs[0], e.uids[e.accs[0].ID]
		loops := map[string]aliyunsim.DayQuirks{
			// The same page forever: caught by its repeated token.
			"2026-03-03": {PageSize: 5, Paging: aliyunsim.PagingRepeat},
			// The last page points back to the first, TotalCount left out: caught by the token.
			"2026-03-06": {PageSize: 5, Paging: aliyunsim.PagingCycle, NoTotalCount: true},
			// The same with TotalCount: caught before the extra page is fetched.
			"2026-03-09": {PageSize: 5, Paging: aliyunsim.PagingCycle},
		}
		for day, q := range loops {
			e.sim.SetDayQuirks(uid, day, q)
		}
		err := Job(d)(t.Context(), fcxEvent())
		if err == nil || !strings.Contains(err.Error(), "3 of 11 days could not be synced") {
			t.Fatalf("job error = %v", err)
		}
		r := runs(t, d, acc.ID)[0]
		if r.Status != store.SyncFailed || r.FailedDays != 3 || !strings.Contains(r.Error, "2026-03-03: paging loop") ||
			!strings.Contains(r.Error, "2026-03-06: paging loop") || !strings.Contains(r.Error, "2026-03-09: paging does not end") {
			t.Fatalf("run: %+v", r)
		}
		// Each looping day cost at most one page more than it has.
		if n := e.sim.Stats().Requests["DescribeInstanceBill"]; n > int64(r.Pages) || r.Pages > 8+3*(30/5+1) {
			t.Fatalf("%d requests, %d pages: a loop was followed", n, r.Pages)
		}
		got, _ := d.Store.GetAccount(t.Context(), account.AllAccounts, acc.ID)
		if got.Status != account.StatusFailing || !strings.Contains(got.StatusMessage, "paging loop") {
			t.Fatalf("account: %s %q", got.Status, got.StatusMessage)
		}
		gaps, err := d.Store.IncompleteDays(t.Context(), account.AllAccounts, "2026-03-01", "2026-03-31")
		if err != nil || len(gaps) != 1 || strings.Join(gaps[0].Dates, ",") != "2026-03-03,2026-03-06,2026-03-09" || gaps[0].Reason == "" {
			t.Fatalf("gaps = %+v, %v", gaps, err)
		}
		// Every other day is whole.
		want, have := e.truth(t), stored(t, d.Store, "cost_daily")
		for k := range want {
			if _, looping := loops[k.day]; looping {
				delete(want, k)
				delete(have, k)
			}
		}
		for k := range have {
			if _, looping := loops[k.day]; looping {
				delete(have, k)
			}
		}
		compare(t, "days that did not loop", have, want)

		// The service pages properly again: the next sync completes the days and the gaps close.
		for day := range loops {
			e.sim.SetDayQuirks(uid, day, aliyunsim.DayQuirks{})
		}
		e.clock.Add(time.Hour)
		if err := Job(d)(t.Context(), fcxEvent()); err != nil {
			t.Fatal(err)
		}
		compare(t, "daily roll-up after the loops ended", stored(t, d.Store, "cost_daily"), e.truth(t))
		if gaps, err := d.Store.IncompleteDays(t.Context(), account.AllAccounts, "2026-03-01", "2026-03-31"); err != nil || len(gaps) != 0 {
			t.Fatalf("gaps after a complete sync = %+v, %v", gaps, err)
		}
		if got, _ := d.Store.GetAccount(t.Context(), account.AllAccounts, acc.ID); got.Status != account.StatusOK {
			t.Fatalf("account after a complete sync: %s %q", got.Status, got.StatusMessage)
		}
	})
}

func TestOddFieldTypesStoredOrRejectedPerItem(t *testing.T) {
	apptest.Each(t, func(t *testing.T, d *app.Deps) {
		e := newEnv(t, d, envOptions{accounts: 1, resources: 6, now: "2026-03-12 10:00", months: 0})
		acc, uid, day := e.accs[0], e.uids[e.accs[0].ID], "2026-03-04"
		e.sim.SetDayQuirks(uid, day, aliyunsim.DayQuirks{UsageAsNumber: true, AmountsAsStrings: true, SubMicro: true, UnreadableItem: 2})
		if err := Job(d)(t.Context(), fcxEvent()); err != nil {
			t.Fatal(err)
		}
		items := e.world.BillItems(uid, dayOf(t, day), e.clock.Now())
		wantRounded := int64(0)
		for i, it := range items {
			if i == 1 {
				continue
			}
			for _, v := range []int64{it.PretaxAmount, it.PretaxGrossAmount} {
				if v != 0 {
					wantRounded++
				}
			}
		}
		r := runs(t, d, acc.ID)[0]
		if r.Status != store.SyncSucceeded || r.Rejected != 1 || r.Rounded != wantRounded || wantRounded == 0 {
			t.Fatalf("run: %+v; want 1 rejected and %d rounded", r, wantRounded)
		}
		t.Logf("rounded amounts in the run: %d", r.Rounded)
		rej, err := d.Store.ListSyncRejects(t.Context(), acc.ID, r.ID, 10)
		// The reject is the item as it arrived: its bytes (keys in the order sent, amounts as the
		// strings sent with their seventh decimal), not a re-encoding of what was read.
		if err != nil || len(rej) != 1 || !strings.Contains(rej[0].Reason, "Usage") || !strings.HasPrefix(rej[0].Raw, `{"AdjustAmount":`) ||
			!strings.Contains(rej[0].Raw, `"Usage":{"unit":`) || !strings.Contains(rej[0].Raw, `0005","PretaxGrossAmount":"`) {
			t.Fatalf("rejects = %+v, %v", rej, err)
		}
		want := e.truth(t)
		want[key{acc.ID, day, items[1].ProductCode}] -= items[1].PretaxAmount
		compare(t, "line items", stored(t, d.Store, "cost_line_items"), want)
		var numeric int64
		if err := d.Store.DB().QueryRow("SELECT COUNT(*) FROM cost_line_items WHERE charge_date = ? AND pricing_quantity <> ''", day).Scan(&numeric); err != nil || numeric != int64(len(items)-1) {
			t.Fatalf("%d items kept their numeric usage, want %d (%v)", numeric, len(items)-1, err)
		}
		gaps, err := d.Store.IncompleteDays(t.Context(), account.AllAccounts, day, day)
		if err != nil || len(gaps) != 1 || !strings.Contains(gaps[0].Reason, "rejected") {
			t.Fatalf("gaps = %+v, %v", gaps, err)
		}
	})
}

// flaky is a front to the simulator that drops the connection of four early requests, so
// the client sees transport errors, whose text names the signed request URL.
func flaky(t testing.TB, dropped *atomic.Int64) func(string) string {
	return func(target string) string {
		u, _ := url.Parse("http://" + target)
		p := httputil.NewSingleHostReverseProxy(u)
		var n atomic.Int64
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if n.Add(1)%4 == 2 && dropped.Load() < 4 {
				if hj, ok := w.(http.Hijacker); ok {
					if c, _, err := hj.Hijack(); err == nil {
						dropped.Add(1)
						_ = c.(*net.TCPConn).SetLinger(0)
						_ = c.Close()
						return
					}
				}
			}
			p.ServeHTTP(w, r)
		}))
		t.Cleanup(srv.Close)
		return strings.TrimPrefix(srv.URL, "http://")
	}
}

// lockedBuffer collects log output written from many goroutines.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// Every log line of a sync run that is throttled and loses connections names the action
// and the account, never the signed query: no AccessKeyId, no Signature.
func TestSyncLogsCarryNoSecrets(t *testing.T) {
	var logs lockedBuffer
	h := slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug})
	prev := slog.Default()
	slog.SetDefault(slog.New(h)) // the store logs through the default logger
	t.Cleanup(func() { slog.SetDefault(prev) })

	d := apptest.Deps(t, storetest.SQLite(t))
	d.Log = slog.New(h)
	var dropped atomic.Int64
	e := newEnv(t, d, envOptions{accounts: 1, resources: 4, now: "2026-03-08 10:00", months: 0, simQPS: 20, clientQPS: 50,
		proxy: flaky(t, &dropped)})
	acc := e.accs[0]
	e.sim.FailNext(e.uids[acc.ID], 8, "Throttling.User", 400)
	if err := Job(d)(t.Context(), fcxEvent()); err != nil {
		t.Fatalf("%v\nlogs:\n%s", err, logs.String())
	}
	compare(t, "line items", stored(t, d.Store, "cost_line_items"), e.truth(t))
	text := logs.String()
	if st := e.sim.Stats(); st.Throttled+st.Injected < 8 || dropped.Load() == 0 || !strings.Contains(text, "aliyun: retrying") {
		t.Fatalf("throttling and dropped connections were not exercised: %+v, %d dropped", st, dropped.Load())
	}
	for _, secret := range []string{"AccessKeyId", "Signature", acc.AccessKeyID, "SignatureNonce"} {
		if strings.Contains(text, secret) {
			i := strings.Index(text, secret)
			t.Fatalf("the logs carry %q: …%s…", secret, text[max(0, i-200):min(len(text), i+100)])
		}
	}
	if !strings.Contains(text, `"action":"DescribeInstanceBill"`) {
		t.Fatalf("the retry warnings do not name the action: %s", text)
	}
}
