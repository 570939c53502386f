package costexport

import (
	"bytes"
	"encoding/csv"
	"strconv"
	"strings"
	"testing"

	"github.com/parquet-go/parquet-go"

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
		// Filters apply to the shares as to the bill's items.
		count := func(filter string) int {
			r := f.c.Do("GET", "/api/v1/costs/focus?start=2025-02-01&end=2025-03-14&filter="+filter, f.admin, nil)
			if r.Status != 200 {
				t.Fatalf("focus %s: %d %s", filter, r.Status, r.Body)
			}
			return strings.Count(string(r.Body), "amortised: purchase of 2025-02-10")
		}
		if in, out := count("product:in:"+buy.ServiceCode), count("product:notin:"+buy.ServiceCode); in != 28 || out != 0 {
			t.Errorf("filtered on the purchase's product: %d share rows; excluding it: %d", in, out)
		}
		for c, b := range billed {
			if effective[c] != b {
				t.Errorf("%s: FOCUS EffectiveCost adds to %s, BilledCost to %s; over a whole term they agree", c, effective[c].Exact(), b.Exact())
			}
		}
	})
}

// TestFocusCountsIncompleteDays: FOCUS rows have no place for a note, so the answer counts the
// slice's incomplete bill days in a header and the Parquet file lists them in its metadata.
func TestFocusCountsIncompleteDays(t *testing.T) {
	apptest.Each(t, func(t *testing.T, d *app.Deps) {
		f := setup(t, d)
		acc := f.data.Accounts[1].ID
		for _, day := range []string{"2025-02-03", "2025-02-04"} {
			if err := d.Store.MarkDayIncomplete(t.Context(), acc, day, "throttled past every retry", 1, now); err != nil {
				t.Fatal(err)
			}
		}
		for _, tc := range []struct{ path, want string }{
			{"start=2025-02-01&end=2025-02-28", "2"},
			{"start=2025-02-04&end=2025-02-28&format=parquet", "1"},
			{"start=2025-03-01&end=2025-03-14", "0"},
			{"start=2025-02-01&end=2025-02-28&accountId=" + strconv.FormatInt(f.data.Accounts[0].ID, 10), "0"},
		} {
			r := f.c.Do("GET", "/api/v1/costs/focus?"+tc.path, f.admin, nil)
			if r.Status != 200 || r.Header.Get("X-CloudLens-Incomplete-Days") != tc.want {
				t.Errorf("%s: %d, incomplete days %q, want %q", tc.path, r.Status, r.Header.Get("X-CloudLens-Incomplete-Days"), tc.want)
			}
			if strings.Contains(tc.path, "parquet") {
				pf, err := parquet.OpenFile(bytes.NewReader(r.Body), int64(len(r.Body)))
				if err != nil {
					t.Fatal(err)
				}
				meta, _ := pf.Lookup("cloudlens_incomplete")
				if !strings.Contains(meta, `"dates":["2025-02-04"]`) || !strings.Contains(meta, "throttled past every retry") {
					t.Errorf("parquet metadata cloudlens_incomplete = %s", meta)
				}
			}
		}
	})
}
