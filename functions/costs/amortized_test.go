package costs

import (
	"net/url"
	"strconv"
	"testing"

	"github.com/cloudlens/cloudlens/shared/app"
	"github.com/cloudlens/cloudlens/shared/app/apptest"
	"github.com/cloudlens/cloudlens/shared/billing"
	"github.com/cloudlens/cloudlens/shared/money"
)

// TestEffectiveMetricSpreadsAPurchase: a year's subscription bought on 10 Feb shows in the
// monthly explorer as a February spike in billed cost and as a twelfth-ish each month in
// effective cost, through the months after the last bill; over the term effective adds up to
// what was billed.
func TestEffectiveMetricSpreadsAPurchase(t *testing.T) {
	apptest.Each(t, func(t *testing.T, d *app.Deps) {
		f := setup(t, d)
		acc := f.data.Accounts[0]
		var base billing.LineItem
		for _, li := range f.data.Items {
			if li.AccountID == acc.ID && li.ChargeDate == "2025-02-10" {
				base = li
				break
			}
		}
		buy := base
		buy.Key[0] ^= 0xff
		buy.ChargeCategory, buy.ChargeFrequency, buy.SubscriptionType = billing.ChargePurchase, billing.FrequencyOneTime, "Subscription"
		buy.ServicePeriod, buy.ServicePeriodUnit = "1", "年"
		buy.ListCost, buy.BilledCost, buy.InvoiceDiscount, buy.CouponDeduction, buy.CashCouponDeduction = 36_500_000_000, 36_500_000_000, 0, 0, 0
		buy.EffectiveCost = 0
		if _, err := d.Store.UpsertLineItems(t.Context(), 99, []billing.LineItem{buy}); err != nil {
			t.Fatal(err)
		}
		if err := d.Store.RebuildDaily(t.Context(), acc.ID, []string{buy.ChargeDate}); err != nil {
			t.Fatal(err)
		}
		months := func(metric, start, end string) map[string]money.Micros {
			v := url.Values{"start": {start}, "end": {end}, "granularity": {"month"}, "metric": {metric}, "accountId": {strconv.FormatInt(acc.ID, 10)}}
			var got struct {
				Items []struct {
					Currency string
					Groups   []struct {
						Points []struct {
							Period string
							Cost   money.Micros
						}
					}
				}
			}
			r := f.c.Do("GET", "/api/v1/costs/explore?"+v.Encode(), f.admin, nil)
			if r.Status != 200 {
				t.Fatalf("explore %d %s", r.Status, r.Body)
			}
			r.JSON(t, &got)
			out := map[string]money.Micros{}
			for _, it := range got.Items {
				for _, g := range it.Groups {
					for _, p := range g.Points {
						out[p.Period] += p.Cost
						out[""] += p.Cost
					}
				}
			}
			return out
		}
		billed := months("billed", "2025-01-01", "2025-12-31")
		effective := months("effective", "2025-01-01", "2025-12-31")
		rest := months("effective", "2026-01-01", "2026-02-28")
		// 100.00 a day for 365 days from 10 Feb 2025: 19 days in February, 31 in March …
		if got := billed["2025-02"] - effective["2025-02"]; got != 36_500_000_000-19*100_000_000 {
			t.Errorf("February: billed − effective = %s, want the purchase less its 19 days (34,600.00)", got.Exact())
		}
		if effective["2025-07"] != 31*100_000_000 || billed["2025-07"] != 0 {
			t.Errorf("July (no bills yet): effective %s billed %s; want 3,100.00 and 0", effective["2025-07"].Exact(), billed["2025-07"].Exact())
		}
		if got, want := effective[""]+rest[""], billed[""]; got != want {
			t.Errorf("effective over the whole term %s, billed %s", got.Exact(), want.Exact())
		}
	})
}
