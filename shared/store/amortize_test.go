package store_test

import (
	"testing"
	"time"

	"github.com/cloudlens/cloudlens/shared/account"
	"github.com/cloudlens/cloudlens/shared/billing"
	"github.com/cloudlens/cloudlens/shared/cost"
	"github.com/cloudlens/cloudlens/shared/money"
	"github.com/cloudlens/cloudlens/shared/store"
	"github.com/cloudlens/cloudlens/shared/store/storetest"
)

// upfront is a Subscription purchase (or, negative, its refund) of term period×unit.
func upfront(account int64, day string, n int, billed money.Micros, period, unit string) billing.LineItem {
	li := testItem(account, day, n, "rds", "cn-shanghai", billed, billing.Tag{Key: "team", Value: "db"})
	li.ChargeCategory, li.SubscriptionType = billing.ChargePurchase, "Subscription"
	if billed < 0 {
		li.ChargeCategory = billing.ChargeCredit
	}
	li.ServicePeriod, li.ServicePeriodUnit = period, unit
	li.ListCost, li.InvoiceDiscount = billed, 0
	li.ResourceGroup, li.CostUnit = "rg-db", "cu-db"
	li.EffectiveCost = 0
	if li.AmortizationTerm() <= 1 {
		li.EffectiveCost = billed
	}
	return li
}

func daysFrom(first string, n int) []string {
	d, _ := time.Parse(time.DateOnly, first)
	out := make([]string, n)
	for i := range out {
		out[i] = d.AddDate(0, 0, i).Format(time.DateOnly)
	}
	return out
}

// effective sums metric effective over start..end by period at granularity g, grouped by dims.
func effective(t *testing.T, s *store.Store, start, end string, g cost.Granularity, dims ...string) map[string]money.Micros {
	t.Helper()
	q := cost.Query{Start: start, End: end, Granularity: g, Metric: cost.Effective}
	for _, d := range dims {
		dim, err := cost.ParseDim(d)
		if err != nil {
			t.Fatal(err)
		}
		q.GroupBy = append(q.GroupBy, dim)
	}
	if err := q.Validate(); err != nil {
		t.Fatal(err)
	}
	rows, err := s.CostRows(t.Context(), account.AllAccounts, q)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]money.Micros{}
	for _, r := range rows {
		out[r.Period] += r.Cost
		out[""] += r.Cost
	}
	return out
}

func TestAmortizedEffectiveCost(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		const usage = 10_000_000 // 10.00 a day, pay-as-you-go
		days := daysFrom("2026-01-01", 90)
		var items []billing.LineItem
		for i, d := range days {
			items = append(items, testItem(1, d, i, "ecs", "cn-hangzhou", usage))
		}
		// 1,000.00 for three months from 15 Jan: 90 days, 15 Jan to 14 Apr.
		quarter := upfront(1, "2026-01-15", 1000, 1_000_000_000, "3", "月")
		// 3,650.01 for a year from 20 Jan (Year, as the international site writes it): 365 days.
		year := upfront(1, "2026-01-20", 1001, 3_650_010_000, "1", "Year")
		// A refund of 58.00 on 10 Feb for the one month it no longer covers: 28 days.
		refund := upfront(1, "2026-02-10", 1002, -58_000_000, "1", "月")
		// A subscription billed day by day stays on its day.
		daily := upfront(1, "2026-01-16", 1003, 7_000_000, "1", "天")
		items = append(items, quarter, year, refund, daily)
		if got := []int{quarter.AmortizationTerm(), year.AmortizationTerm(), refund.AmortizationTerm(), daily.AmortizationTerm()}; got[0] != 90 || got[1] != 365 || got[2] != 28 || got[3] != 1 {
			t.Fatalf("terms = %v, want 90 365 28 1", got)
		}
		if _, err := s.UpsertLineItems(ctx, 1, items); err != nil {
			t.Fatal(err)
		}
		if err := s.RebuildDaily(ctx, 1, days); err != nil {
			t.Fatal(err)
		}
		var billed money.Micros
		for _, li := range items {
			billed += li.BilledCost
		}
		whole := func() money.Micros {
			// The year's term ends on 19 Jan 2027; a query covers at most 366 days.
			return effective(t, s, "2026-01-01", "2026-12-31", cost.Month)[""] + effective(t, s, "2027-01-01", "2027-01-31", cost.Month)[""]
		}
		if got := whole(); got != billed {
			t.Fatalf("effective cost over every term = %s, billed %s: they must agree to the micro-unit", got, billed)
		}

		perDay := effective(t, s, "2026-01-14", "2026-01-21", cost.Day)
		// 1,000.00 / 90 = 11.1111111…: the first day gets 11.111111; 3,650.01 / 365 = 10.000027…
		for day, want := range map[string]money.Micros{
			"2026-01-14": usage,
			"2026-01-15": usage + 11_111_111,
			"2026-01-16": usage + 11_111_111 + 7_000_000,
			"2026-01-20": usage + 11_111_111 + 10_000_027,
		} {
			if perDay[day] != want {
				t.Errorf("effective on %s = %s, want %s", day, perDay[day], want)
			}
		}
		// The month of the purchases does not spike: January's effective cost is its usage
		// and the days of the terms that fall in it, not the 4,650.01 bought.
		months := effective(t, s, "2026-01-01", "2026-03-31", cost.Month)
		if jan := months["2026-01"]; jan > 31*usage+17*11_111_112+12*10_000_028+7_000_000 || jan < 31*usage {
			t.Errorf("January effective = %s; it must hold the month's shares only", jan)
		}
		if feb, mar := months["2026-02"], months["2026-03"]; feb < 28*usage+28*11_111_111 || mar < 31*usage+14*11_111_111 {
			t.Errorf("February %s and March %s must carry the quarter's shares", feb, mar)
		}
		// Days after the billed window carry shares only.
		if got := effective(t, s, "2026-07-01", "2026-07-01", cost.Day)[""]; got != 10_000_027 && got != 10_000_028 {
			t.Errorf("effective on 1 Jul = %s, want the year's daily share", got)
		}

		// Every source agrees: tag roll-up, attribute roll-up, product × region, line items.
		for _, dims := range [][]string{{"tag.team"}, {"costUnit"}, {"product", "region"}, {"resourceGroup", "costUnit"}, {"account"}} {
			got := effective(t, s, "2026-01-01", "2026-12-31", cost.Month, dims...)[""] +
				effective(t, s, "2027-01-01", "2027-01-31", cost.Month, dims...)[""]
			if got != billed {
				t.Errorf("grouped by %v: effective over every term = %s, billed %s", dims, got, billed)
			}
		}

		// Drill-down agrees, from the resource roll-ups and, with a tag filter, from line items.
		feb := cost.Query{Start: "2026-02-01", End: "2026-02-28", Granularity: cost.Month, Metric: cost.Effective}
		tagged := feb
		f, err := cost.ParseFilter("tag.team:in:db")
		if err != nil {
			t.Fatal(err)
		}
		tagged.Filters = []cost.Filter{f}
		// February holds 28 of the quarter's shares and 28 of the year's, each on its own resource.
		for name, q := range map[string]cost.Query{"roll-up": feb, "line items": tagged} {
			top, err := s.TopResources(ctx, account.AllAccounts, q, 10)
			if err != nil {
				t.Fatal(err)
			}
			got := map[string]money.Micros{}
			for _, r := range top {
				got[r.ResourceID] = r.Cost
			}
			var wantQuarter money.Micros
			for k := 17; k < 17+28; k++ { // 1 Feb is day 17 of the term from 15 Jan
				wantQuarter += billing.Share(quarter.BilledCost, 90, k)
			}
			if got[quarter.ResourceID] != wantQuarter {
				t.Errorf("%s: top resources give the quarter's resource %s in February, want %s", name, got[quarter.ResourceID].Exact(), wantQuarter.Exact())
			}
			series, err := s.ResourceSeries(ctx, account.AllAccounts, quarter.ResourceID, q)
			if err != nil {
				t.Fatal(err)
			}
			if len(series) != 1 || series[0].Cost != wantQuarter {
				t.Errorf("%s: resource series %+v, want %s in February", name, series, wantQuarter.Exact())
			}
		}

		// Amortising the same days again finds every share as stored: no day is marked for a
		// rebuild (a re-sync of an open window must not rebuild a year of roll-ups).
		waiting := func() int {
			var n int
			if err := s.DB().QueryRowContext(ctx, "SELECT COUNT(*) FROM cost_rollup_dirty").Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}
		if err := store.Amortize(ctx, s, 1, days); err != nil {
			t.Fatal(err)
		}
		if n := waiting(); n != 0 {
			t.Fatalf("%d days marked for a rebuild though no share changed", n)
		}
		// A changed purchase marks every day of its term, and a rebuild clears them.
		changed := quarter
		changed.BilledCost = 999_999_999
		if _, err := s.UpsertLineItems(ctx, 5, []billing.LineItem{changed}); err != nil {
			t.Fatal(err)
		}
		if err := store.Amortize(ctx, s, 1, []string{"2026-01-15"}); err != nil {
			t.Fatal(err)
		}
		// 999.999999 instead of 1,000.00 over 90 days moves only the days whose share differs.
		moved := 0
		for k := range 90 {
			if billing.Share(changed.BilledCost, 90, k) != billing.Share(quarter.BilledCost, 90, k) {
				moved++
			}
		}
		if n := waiting(); n != moved || moved == 0 || moved == 90 {
			t.Fatalf("%d days marked for a rebuild, want the %d whose share moved", n, moved)
		}
		if err := s.RebuildDaily(ctx, 1, nil); err != nil {
			t.Fatal(err)
		}
		if n := waiting(); n != 0 {
			t.Fatalf("%d days wait for a rebuild after a rebuild", n)
		}
		if _, err := s.UpsertLineItems(ctx, 6, []billing.LineItem{quarter}); err != nil {
			t.Fatal(err)
		}
		if err := s.RebuildDaily(ctx, 1, []string{"2026-01-15"}); err != nil {
			t.Fatal(err)
		}
		if got := whole(); got != billed {
			t.Fatalf("back to the first amount: effective over every term = %s, billed %s", got, billed)
		}

		// The purchase is billed again with another amount (a day re-fetched while open): the
		// days of its term outside the rebuilt day follow, and the totals still agree.
		lastDay := effective(t, s, "2026-04-14", "2026-04-14", cost.Day)[""]
		quarter.BilledCost, quarter.ListCost = 900_000_000, 900_000_000
		if _, err := s.UpsertLineItems(ctx, 2, []billing.LineItem{quarter}); err != nil {
			t.Fatal(err)
		}
		if err := s.RebuildDaily(ctx, 1, []string{"2026-01-15"}); err != nil {
			t.Fatal(err)
		}
		if got, want := whole(), billed-100_000_000; got != want {
			t.Fatalf("after the change: effective over every term = %s, billed %s", got, want)
		}
		// The quarter's last day held 1,000.00 − 1,000.00·89/90 = 11.111112; now 900.00/90 = 10.00.
		if got := effective(t, s, "2026-04-14", "2026-04-14", cost.Day)[""]; int64(got-lastDay) != 10_000_000-11_111_112 {
			t.Errorf("effective on 14 Apr (the quarter's last day) moved by %d micro-units, want -1111112", int64(got-lastDay))
		}

		// A purchase stored before amortisation existed (effective = billed) is amortised by
		// the next rebuild of its day, and not counted twice.
		before := effective(t, s, "2026-03-05", "2026-03-05", cost.Day)[""]
		old := upfront(1, "2026-03-01", 1004, 310_000_000, "1", "月")
		old.EffectiveCost = old.BilledCost
		if _, err := s.UpsertLineItems(ctx, 3, []billing.LineItem{old}); err != nil {
			t.Fatal(err)
		}
		if err := s.RebuildDaily(ctx, 1, []string{"2026-03-01"}); err != nil {
			t.Fatal(err)
		}
		if got, want := whole(), billed-100_000_000+310_000_000; got != want {
			t.Fatalf("with an old purchase: effective over every term = %s, billed %s", got, want)
		}
		if got := effective(t, s, "2026-03-05", "2026-03-05", cost.Day)[""]; got-before != 10_000_000 {
			t.Errorf("effective on 5 Mar moved by %s with the old purchase; want its share 310.00/31 = 10.00", got-before)
		}
	})
}
