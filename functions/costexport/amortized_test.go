package costexport

import (
	"bytes"
	"encoding/csv"
	"strings"
	"testing"

	"github.com/cloudlens/cloudlens/shared/app"
	"github.com/cloudlens/cloudlens/shared/app/apptest"
	"github.com/cloudlens/cloudlens/shared/billing"
	"github.com/cloudlens/cloudlens/shared/cost"
	"github.com/cloudlens/cloudlens/shared/money"
)

// TestFocusCarriesAmortizedShares: a month's subscription bought within the range appears as
// its purchase (BilledCost, EffectiveCost 0) and as one Usage row per day of its term with the
// day's share as EffectiveCost, so EffectiveCost adds up to BilledCost over the whole term.
func TestFocusCarriesAmortizedShares(t *testing.T) {
	apptest.Each(t, func(t *testing.T, d *app.Deps) {
		f := setup(t, d)
		base := f.data.Items[0]
		for i := range f.data.Items {
			if f.data.Items[i].ChargeDate == "2025-02-10" {
				base = f.data.Items[i]
				break
			}
		}
		buy := base
		buy.Key[0] ^= 0xff
		buy.ChargeDate, buy.BillingPeriod, buy.WeekStart = "2025-02-10", "2025-02", "2025-02-10"
		buy.ChargeCategory, buy.ChargeFrequency, buy.SubscriptionType = billing.ChargePurchase, billing.FrequencyOneTime, "Subscription"
		buy.ServicePeriod, buy.ServicePeriodUnit = "1", "月"
		buy.ListCost, buy.BilledCost, buy.InvoiceDiscount, buy.CouponDeduction, buy.CashCouponDeduction = 2_800_000_010, 2_800_000_010, 0, 0, 0
		buy.EffectiveCost = 0
		if buy.AmortizationTerm() != 28 {
			t.Fatalf("term %d, want 28 (10 Feb to 9 Mar)", buy.AmortizationTerm())
		}
		if _, err := d.Store.UpsertLineItems(t.Context(), 99, []billing.LineItem{buy}); err != nil {
			t.Fatal(err)
		}
		if err := d.Store.RebuildDaily(t.Context(), buy.AccountID, []string{buy.ChargeDate}); err != nil {
			t.Fatal(err)
		}

		r := f.c.Do("GET", "/api/v1/costs/focus?start=2025-02-01&end=2025-03-14", f.admin, nil)
		if r.Status != 200 {
			t.Fatalf("focus csv %d %s", r.Status, r.Body)
		}
		recs, err := csv.NewReader(bytes.NewReader(r.Body)).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		billed, effective := map[string]money.Micros{}, map[string]money.Micros{}
		shares := 0
		for _, rec := range recs[1:] {
			row := map[string]string{}
			for i, h := range recs[0] {
				row[h] = rec[i]
			}
			if err := cost.CheckFocusRow(row); err != nil {
				t.Fatalf("row %v: %v", rec, err)
			}
			b, _ := money.Parse(row["BilledCost"])
			e, _ := money.Parse(row["EffectiveCost"])
			billed[row["BillingCurrency"]] += b
			effective[row["BillingCurrency"]] += e
			if strings.Contains(row["ChargeDescription"], "amortised: purchase of 2025-02-10") {
				shares++
				if row["ChargeCategory"] != billing.ChargeUsage || b != 0 || row["ResourceId"] != buy.ResourceID {
					t.Errorf("share row %v", row)
				}
			}
		}
		if shares != 28 {
			t.Errorf("%d share rows, want one per day of the 28-day term", shares)
		}
		for c, b := range billed {
			if effective[c] != b {
				t.Errorf("%s: FOCUS EffectiveCost adds to %s, BilledCost to %s; over a whole term they agree", c, effective[c].Exact(), b.Exact())
			}
		}
	})
}
