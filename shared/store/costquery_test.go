package store_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/cloudlens/cloudlens/shared/account"
	"github.com/cloudlens/cloudlens/shared/billing"
	"github.com/cloudlens/cloudlens/shared/cost"
	"github.com/cloudlens/cloudlens/shared/cost/costtest"
	"github.com/cloudlens/cloudlens/shared/store"
	"github.com/cloudlens/cloudlens/shared/store/storetest"
)

func rowsText(rows []cost.Row) []string {
	out := make([]string, 0, len(rows))
	for _, r := range rows {
		out = append(out, fmt.Sprintf("%s %s %v %d", r.Currency, r.Period, r.Keys, r.Cost))
	}
	slices.Sort(out)
	return out
}

func TestCostRowsRollupEqualsLineItems(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		now := time.Date(2025, 3, 15, 10, 0, 0, 0, billing.Shanghai)
		data := costtest.Load(t, s, costtest.Options{Seed: 3, Accounts: 3, Resources: 8, Now: now, Days: 40})
		// A filter that keeps everything but names a line-item dimension forces the line-item path.
		neutral := cost.Filter{Dim: cost.Dim{Kind: cost.DimBillingItem}, Exclude: true, Values: []string{"no such item"}}
		for _, g := range []cost.Granularity{cost.Day, cost.Week, cost.Month} {
			for _, by := range [][]cost.Dim{nil, {{Kind: cost.DimAccount}}, {{Kind: cost.DimProduct}}, {{Kind: cost.DimAccount}, {Kind: cost.DimRegion}},
				{{Kind: cost.DimSubscriptionType}, {Kind: cost.DimChargeCategory}}, {{Kind: cost.DimRegion}},
				{{Kind: cost.DimRegion}, {Kind: cost.DimSubscriptionType}}, {{Kind: cost.DimSubscriptionType}, {Kind: cost.DimProduct}}} {
				for _, m := range []cost.Metric{cost.Billed, cost.List, cost.Discount} {
					q := cost.Query{Start: "2025-02-10", End: "2025-03-14", Granularity: g, GroupBy: by, Metric: m, Top: 10}
					if !q.InRollup() {
						t.Fatal("query should be answered from the roll-up")
					}
					rollup, err := s.CostRows(ctx, account.AllAccounts, q)
					if err != nil {
						t.Fatal(err)
					}
					q.Filters = []cost.Filter{neutral}
					items, err := s.CostRows(ctx, account.AllAccounts, q)
					if err != nil {
						t.Fatal(err)
					}
					if a, b := rowsText(rollup), rowsText(items); len(a) == 0 || !slices.Equal(a, b) {
						t.Fatalf("%s %v %s: roll-up and line items differ (%d vs %d rows)", g, by, m, len(a), len(b))
					}
				}
			}
		}

		// Scope: an empty scope reads nothing; one account reads only its own costs.
		q := cost.Query{Start: "2025-02-10", End: "2025-03-14", Granularity: cost.Month, Metric: cost.Billed, Top: 10}
		if rows, err := s.CostRows(ctx, account.Scope{}, q); err != nil || len(rows) != 0 {
			t.Fatalf("empty scope: %v %v", rows, err)
		}
		id := data.Accounts[1].ID
		rows, err := s.CostRows(ctx, account.Scope{IDs: []int64{id}}, q)
		if err != nil {
			t.Fatal(err)
		}
		want := data.Sum(func(li *billing.LineItem) bool {
			return li.AccountID == id && li.ChargeDate >= q.Start && li.ChargeDate <= q.End
		}, costtest.Billed)
		got := map[string]int64{}
		for _, r := range rows {
			got[r.Currency] += int64(r.Cost)
		}
		if fmt.Sprint(got) != fmt.Sprint(map[string]int64{data.Accounts[1].Site.Currency(): int64(want[data.Accounts[1].Site.Currency()])}) {
			t.Fatalf("one account: %v, want %v", got, want)
		}

		// Product names: every billed product, with the name its bills carry.
		names, err := s.ProductNames(ctx, account.AllAccounts, q)
		if err != nil {
			t.Fatal(err)
		}
		wantNames := map[string]string{}
		for _, li := range data.Items {
			wantNames[li.ServiceCode] = max(wantNames[li.ServiceCode], li.ServiceName)
		}
		if len(names) < 3 || fmt.Sprint(names) != fmt.Sprint(wantNames) {
			t.Fatalf("product names = %v, want %v", names, wantNames)
		}

		// Line items stream back whole, tags included.
		n, tags := 0, 0
		err = s.EachLineItem(ctx, account.AllAccounts, q, func(li *billing.LineItem) error {
			n++
			tags += len(li.Tags)
			return nil
		})
		wantN, wantTags := 0, 0
		for _, li := range data.Items {
			if li.ChargeDate >= q.Start && li.ChargeDate <= q.End {
				wantN++
				wantTags += len(li.Tags)
			}
		}
		if err != nil || n != wantN || tags != wantTags {
			t.Fatalf("streamed %d items with %d tags, want %d and %d (%v)", n, tags, wantN, wantTags, err)
		}
	})
}

// TestCostRowsTagRollup checks the tag roll-up (cost_daily_tags with the day totals of days
// without the key) against the line-item path and against sums over the generated items.
func TestCostRowsTagRollup(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		now := time.Date(2025, 3, 15, 10, 0, 0, 0, billing.Shanghai)
		data := costtest.Load(t, s, costtest.Options{Seed: 5, Accounts: 3, Resources: 12, Now: now, Days: 40})
		neutral := cost.Filter{Dim: cost.Dim{Kind: cost.DimBillingItem}, Exclude: true, Values: []string{"no such item"}}
		app := cost.Dim{Kind: cost.DimTag, TagKey: "app"}
		// "app" is missing on some resources; "nosuchkey" on every item, so it is all ''.
		cases := []struct {
			name    string
			groupBy []cost.Dim
			filters []cost.Filter
		}{
			{"by app", []cost.Dim{app}, nil},
			{"by account and app", []cost.Dim{{Kind: cost.DimAccount}, app}, nil},
			{"by missing key", []cost.Dim{{Kind: cost.DimTag, TagKey: "nosuchkey"}}, nil},
			{"app filter in", []cost.Dim{{Kind: cost.DimAccount}}, []cost.Filter{{Dim: app, Values: []string{"", "shop"}}}},
			{"app filter notin", []cost.Dim{app}, []cost.Filter{{Dim: app, Exclude: true, Values: []string{""}}}},
			{"account filter", []cost.Dim{app}, []cost.Filter{{Dim: cost.Dim{Kind: cost.DimAccount}, Values: []string{fmt.Sprint(data.Accounts[0].ID)}}}},
		}
		for _, c := range cases {
			for _, g := range []cost.Granularity{cost.Day, cost.Week, cost.Month} {
				for _, m := range []cost.Metric{cost.Billed, cost.Discount} {
					q := cost.Query{Start: "2025-02-10", End: "2025-03-14", Granularity: g, GroupBy: c.groupBy, Filters: c.filters, Metric: m, Top: 10}
					rollup, err := s.CostRows(ctx, account.AllAccounts, q)
					if err != nil {
						t.Fatal(err)
					}
					q.Filters = append(slices.Clone(c.filters), neutral)
					items, err := s.CostRows(ctx, account.AllAccounts, q)
					if err != nil {
						t.Fatal(err)
					}
					if a, b := rowsText(rollup), rowsText(items); len(a) == 0 || !slices.Equal(a, b) {
						t.Fatalf("%s %s %s: tag roll-up and line items differ:\n%v\n%v", c.name, g, m, a, b)
					}
				}
			}
		}

		// Independent sums: billed cost per app value over the range, "" for items without it.
		q := cost.Query{Start: "2025-02-10", End: "2025-03-14", Granularity: cost.Month, GroupBy: []cost.Dim{app}, Metric: cost.Billed, Top: 10}
		rows, err := s.CostRows(ctx, account.AllAccounts, q)
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]int64{}
		for _, r := range rows {
			got[r.Currency+" "+r.Keys[0]] += int64(r.Cost)
		}
		want := map[string]int64{}
		for i := range data.Items {
			li := &data.Items[i]
			if li.ChargeDate >= q.Start && li.ChargeDate <= q.End {
				want[li.Currency+" "+costtest.Tag(li, "app")] += int64(li.BilledCost)
			}
		}
		if want[data.Accounts[0].Site.Currency()+" "] == 0 || fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("billed by app = %v, want %v", got, want)
		}

		// The answer rests on the roll-ups alone: without line items it is the same.
		dropLineItems(t, s)
		again, err := s.CostRows(ctx, account.AllAccounts, q)
		if err != nil || !slices.Equal(rowsText(again), rowsText(rows)) {
			t.Fatalf("without line items: %v (%v), want %v", rowsText(again), err, rowsText(rows))
		}
	})
}

// topBothWays returns the top resources of q from the roll-ups, failing unless the line-item
// path gives the same: a filter on the subscription type, which the resource roll-ups lack,
// sends the same query to the line items.
func topBothWays(t *testing.T, s *store.Store, q cost.Query, limit int) []store.ResourceCost {
	t.Helper()
	rollup, err := s.TopResources(t.Context(), account.AllAccounts, q, limit)
	if err != nil {
		t.Fatal(err)
	}
	filters := q.Filters
	q.Filters = append(slices.Clone(filters), cost.Filter{Dim: cost.Dim{Kind: cost.DimSubscriptionType}, Exclude: true, Values: []string{"no such type"}})
	items, err := s.TopResources(t.Context(), account.AllAccounts, q, limit)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(rollup, items) {
		t.Fatalf("%s..%s %s %v: roll-up and line items differ:\n%v\n%v", q.Start, q.End, q.Metric, filters, rollup, items)
	}
	return rollup
}

// checkTopSums fails unless top holds n resources, each with a positive billed cost in q's
// range equal to the sum over its generated items.
func checkTopSums(t *testing.T, data costtest.Data, q cost.Query, top []store.ResourceCost, n int) {
	t.Helper()
	if len(top) != n {
		t.Fatalf("%s..%s: top %d resources: got %d", q.Start, q.End, n, len(top))
	}
	for _, r := range top {
		want := data.Sum(func(li *billing.LineItem) bool {
			return li.AccountID == r.AccountID && li.ResourceID == r.ResourceID && li.ChargeDate >= q.Start && li.ChargeDate <= q.End
		}, costtest.Billed)
		if int64(r.Cost) != int64(want[r.Currency]) || r.Cost <= 0 {
			t.Fatalf("%s..%s: resource %s: %d, want %d", q.Start, q.End, r.ResourceID, r.Cost, want[r.Currency])
		}
	}
}

// TestTopResourcesRollup checks drill-down from cost_daily_resources against the line-item
// path and against sums over the generated items.
func TestTopResourcesRollup(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		now := time.Date(2025, 3, 15, 10, 0, 0, 0, billing.Shanghai)
		data := costtest.Load(t, s, costtest.Options{Seed: 7, Accounts: 2, Resources: 10, Now: now, Days: 20})
		for _, m := range []cost.Metric{cost.Billed, cost.List, cost.Effective} {
			for _, filters := range [][]cost.Filter{nil, {{Dim: cost.Dim{Kind: cost.DimRegion}, Exclude: true, Values: []string{"cn-hangzhou"}}}} {
				q := cost.Query{Start: "2025-03-01", End: "2025-03-14", Granularity: cost.Day, Metric: m, Filters: filters}
				if len(topBothWays(t, s, q, 25)) == 0 {
					t.Fatalf("%s %v: no resources", m, filters)
				}
			}
		}
		q := cost.Query{Start: "2025-03-01", End: "2025-03-14", Granularity: cost.Day, Metric: cost.Billed}
		top, err := s.TopResources(ctx, account.AllAccounts, q, 3)
		if err != nil {
			t.Fatal(err)
		}
		checkTopSums(t, data, q, top, 3)
		dropLineItems(t, s)
		if again, err := s.TopResources(ctx, account.AllAccounts, q, 3); err != nil || !slices.Equal(again, top) {
			t.Fatalf("without line items: %v (%v), want %v", again, err, top)
		}
	})
}

// TestTopResourcesMonths checks drill-down from cost_monthly_resources against the line-item
// path and against sums over the generated items, for ranges of whole months, parts of a
// month and ranges spanning months.
func TestTopResourcesMonths(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		now := time.Date(2025, 3, 15, 10, 0, 0, 0, billing.Shanghai)
		// History from 2024-12-05 to 2025-03-14: December and March are partial months.
		data := costtest.Load(t, s, costtest.Options{Seed: 11, Accounts: 2, Resources: 10, Now: now, Days: 100})
		var err error
		ranges := []struct{ name, start, end string }{
			{"one whole month", "2025-01-01", "2025-01-31"},
			{"two whole months", "2025-01-01", "2025-02-28"},
			{"inside one month", "2025-01-10", "2025-01-20"},
			{"one day", "2025-02-28", "2025-02-28"},
			{"a month's first days", "2025-02-01", "2025-02-07"},
			{"a month's last days", "2025-01-25", "2025-01-31"},
			{"across a month boundary", "2025-01-20", "2025-02-10"},
			{"edge, whole month, edge", "2024-12-20", "2025-02-10"},
			{"whole month then edge", "2025-01-01", "2025-02-14"},
			{"edge then whole months", "2024-12-31", "2025-02-28"},
			{"all history", "2024-12-05", "2025-03-14"},
		}
		for _, r := range ranges {
			for _, m := range []cost.Metric{cost.Billed, cost.List, cost.Effective, cost.Discount} {
				for _, filters := range [][]cost.Filter{nil, {{Dim: cost.Dim{Kind: cost.DimRegion}, Exclude: true, Values: []string{"cn-hangzhou"}}}} {
					q := cost.Query{Start: r.start, End: r.end, Granularity: cost.Day, Metric: m, Filters: filters}
					if len(topBothWays(t, s, q, 100)) == 0 {
						t.Fatalf("%s %s %v: no resources", r.name, m, filters)
					}
				}
			}
			q := cost.Query{Start: r.start, End: r.end, Granularity: cost.Day, Metric: cost.Billed}
			top, err := s.TopResources(ctx, account.AllAccounts, q, 5)
			if err != nil {
				t.Fatal(err)
			}
			checkTopSums(t, data, q, top, 5)
		}

		// Every range comes from the monthly table (its running totals and day columns), not
		// from the daily resource rows: with January's daily rows gone, January and ranges
		// inside it answer as before.
		jan := cost.Query{Start: "2025-01-01", End: "2025-01-31", Granularity: cost.Day, Metric: cost.Billed}
		part := cost.Query{Start: "2025-01-02", End: "2025-01-09", Granularity: cost.Day, Metric: cost.Discount}
		var before [2][]store.ResourceCost
		for i, q := range []cost.Query{jan, part} {
			if before[i], err = s.TopResources(ctx, account.AllAccounts, q, 100); err != nil || len(before[i]) == 0 {
				t.Fatalf("%s..%s: %d rows (%v)", q.Start, q.End, len(before[i]), err)
			}
		}
		if _, err := s.DB().ExecContext(ctx, "DELETE FROM cost_daily_resources WHERE charge_date >= ? AND charge_date <= ?", "2025-01-01", "2025-01-31"); err != nil {
			t.Fatal(err)
		}
		for i, q := range []cost.Query{jan, part} {
			if after, err := s.TopResources(ctx, account.AllAccounts, q, 100); err != nil || !slices.Equal(after, before[i]) {
				t.Fatalf("%s..%s without its daily rows: %d rows (%v), want %d", q.Start, q.End, len(after), err, len(before[i]))
			}
		}

		// RebuildDaily recomputes the months of the days it touches: rebuilding one January day
		// of each account leaves January's month rows equal to that day alone.
		accounts, err := s.CostAccounts(ctx, account.AllAccounts, jan)
		if err != nil || len(accounts) != 2 {
			t.Fatalf("accounts with costs: %v (%v)", accounts, err)
		}
		for _, id := range accounts {
			if err := s.RebuildDaily(ctx, id, []string{"2025-01-15"}); err != nil {
				t.Fatal(err)
			}
		}
		day := cost.Query{Start: "2025-01-15", End: "2025-01-15", Granularity: cost.Day, Metric: cost.Billed}
		want, err := s.TopResources(ctx, account.AllAccounts, day, 100)
		if err != nil || len(want) == 0 {
			t.Fatalf("one rebuilt day: %d rows (%v)", len(want), err)
		}
		if got, err := s.TopResources(ctx, account.AllAccounts, jan, 100); err != nil || !slices.Equal(got, want) {
			t.Fatalf("January after rebuilding one day: %v (%v), want %v", got, err, want)
		}
	})
}

// TestCostRowsAttrRollup checks cost_daily_attrs (resource group, cost unit, billing item)
// against the line-item path, against sums over the generated items, and without line items.
func TestCostRowsAttrRollup(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		now := time.Date(2025, 3, 15, 10, 0, 0, 0, billing.Shanghai)
		data := costtest.Load(t, s, costtest.Options{Seed: 9, Accounts: 3, Resources: 12, Now: now, Days: 40})
		rg := cost.Dim{Kind: cost.DimResourceGroup}
		cu := cost.Dim{Kind: cost.DimCostUnit}
		bi := cost.Dim{Kind: cost.DimBillingItem}
		acct := cost.Dim{Kind: cost.DimAccount}
		someGroup := data.Items[0].ResourceGroup
		cases := []struct {
			name    string
			groupBy []cost.Dim
			filters []cost.Filter
			neutral cost.Filter // a second attribute, keeping everything, forces line items
		}{
			{"by resource group", []cost.Dim{rg}, nil, cost.Filter{Dim: cu, Exclude: true, Values: []string{"no such unit"}}},
			{"by cost unit", []cost.Dim{cu}, nil, cost.Filter{Dim: bi, Exclude: true, Values: []string{"no such item"}}},
			{"by billing item", []cost.Dim{bi}, nil, cost.Filter{Dim: rg, Exclude: true, Values: []string{"no such group"}}},
			{"by account and resource group", []cost.Dim{acct, rg}, nil, cost.Filter{Dim: cu, Exclude: true, Values: []string{"no such unit"}}},
			{"resource group filter", []cost.Dim{acct}, []cost.Filter{{Dim: rg, Values: []string{someGroup}}},
				cost.Filter{Dim: bi, Exclude: true, Values: []string{"no such item"}}},
			{"empty billing item excluded", []cost.Dim{bi}, []cost.Filter{{Dim: bi, Exclude: true, Values: []string{""}}},
				cost.Filter{Dim: cu, Exclude: true, Values: []string{"no such unit"}}},
		}
		for _, c := range cases {
			for _, g := range []cost.Granularity{cost.Day, cost.Week, cost.Month} {
				for _, m := range []cost.Metric{cost.Billed, cost.Discount, cost.Effective} {
					q := cost.Query{Start: "2025-02-10", End: "2025-03-14", Granularity: g, GroupBy: c.groupBy, Filters: c.filters, Metric: m, Top: 10}
					rollup, err := s.CostRows(ctx, account.AllAccounts, q)
					if err != nil {
						t.Fatal(err)
					}
					q.Filters = append(slices.Clone(c.filters), c.neutral)
					items, err := s.CostRows(ctx, account.AllAccounts, q)
					if err != nil {
						t.Fatal(err)
					}
					if a, b := rowsText(rollup), rowsText(items); len(a) == 0 || !slices.Equal(a, b) {
						t.Fatalf("%s %s %s: attribute roll-up and line items differ:\n%v\n%v", c.name, g, m, a, b)
					}
				}
			}
		}

		// Independent sums: billed cost per resource group and per billing item over the range.
		for _, d := range []struct {
			dim   cost.Dim
			value func(*billing.LineItem) string
		}{
			{rg, func(li *billing.LineItem) string { return li.ResourceGroup }},
			{bi, func(li *billing.LineItem) string { return li.BillingItem }},
		} {
			q := cost.Query{Start: "2025-02-10", End: "2025-03-14", Granularity: cost.Month, GroupBy: []cost.Dim{d.dim}, Metric: cost.Billed, Top: 10}
			rows, err := s.CostRows(ctx, account.AllAccounts, q)
			if err != nil {
				t.Fatal(err)
			}
			got := map[string]int64{}
			for _, r := range rows {
				got[r.Currency+" "+r.Keys[0]] += int64(r.Cost)
			}
			want := map[string]int64{}
			for i := range data.Items {
				li := &data.Items[i]
				if li.ChargeDate >= q.Start && li.ChargeDate <= q.End {
					want[li.Currency+" "+d.value(li)] += int64(li.BilledCost)
				}
			}
			if len(want) < 2 || fmt.Sprint(got) != fmt.Sprint(want) {
				t.Fatalf("billed by %s = %v, want %v", d.dim.Kind, got, want)
			}
		}

		// The answer rests on the roll-up alone: without line items it is the same.
		q := cost.Query{Start: "2025-02-10", End: "2025-03-14", Granularity: cost.Week, GroupBy: []cost.Dim{acct, cu}, Metric: cost.Billed, Top: 10}
		rows, err := s.CostRows(ctx, account.AllAccounts, q)
		if err != nil || len(rows) == 0 {
			t.Fatalf("by account and cost unit: %v %v", rows, err)
		}
		dropLineItems(t, s)
		again, err := s.CostRows(ctx, account.AllAccounts, q)
		if err != nil || !slices.Equal(rowsText(again), rowsText(rows)) {
			t.Fatalf("without line items: %v (%v), want %v", rowsText(again), err, rowsText(rows))
		}
	})
}

// TestDiscountsRegionRollup checks discounts read from cost_daily_regions against the same
// breakdown read from cost_daily and against sums over the generated items.
func TestDiscountsRegionRollup(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		now := time.Date(2025, 3, 15, 10, 0, 0, 0, billing.Shanghai)
		data := costtest.Load(t, s, costtest.Options{Seed: 11, Accounts: 2, Resources: 10, Now: now, Days: 40})
		// A subscription-type filter is not in cost_daily_regions, so it forces cost_daily.
		neutral := cost.Filter{Dim: cost.Dim{Kind: cost.DimSubscriptionType}, Exclude: true, Values: []string{"no such type"}}
		for _, by := range []string{cost.DimProduct, cost.DimRegion, "month"} {
			q := cost.Query{Start: "2025-02-01", End: "2025-03-14", Granularity: cost.Month, Metric: cost.Billed}
			regions, err := s.Discounts(ctx, account.AllAccounts, q, by)
			if err != nil {
				t.Fatal(err)
			}
			q.Filters = []cost.Filter{neutral}
			daily, err := s.Discounts(ctx, account.AllAccounts, q, by)
			if err != nil {
				t.Fatal(err)
			}
			if len(regions) < 2 || !slices.Equal(regions, daily) {
				t.Fatalf("by %s: regions %v, daily %v", by, regions, daily)
			}
			if by != cost.DimRegion {
				continue
			}
			want := map[string][2]int64{}
			for i := range data.Items {
				li := &data.Items[i]
				if li.ChargeDate >= q.Start && li.ChargeDate <= q.End {
					w := want[li.Currency+" "+li.RegionID]
					w[0] += int64(li.ListCost)
					w[1] += int64(li.BilledCost)
					want[li.Currency+" "+li.RegionID] = w
				}
			}
			got := map[string][2]int64{}
			for _, r := range regions {
				got[r.Currency+" "+r.Key] = [2]int64{int64(r.ListCost), int64(r.BilledCost)}
			}
			if fmt.Sprint(got) != fmt.Sprint(want) {
				t.Fatalf("list and billed by region = %v, want %v", got, want)
			}
		}
	})
}

// dropLineItems deletes every line item and tag set, leaving the roll-ups.
func dropLineItems(t *testing.T, s *store.Store) {
	t.Helper()
	for _, table := range []string{"cost_tag_set_tags", "cost_line_items"} {
		if _, err := s.DB().ExecContext(t.Context(), "DELETE FROM "+table); err != nil {
			t.Fatal(err)
		}
	}
}
