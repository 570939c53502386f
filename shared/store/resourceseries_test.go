package store_test

import (
	"cmp"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/cloudlens/cloudlens/shared/account"
	"github.com/cloudlens/cloudlens/shared/billing"
	"github.com/cloudlens/cloudlens/shared/cost"
	"github.com/cloudlens/cloudlens/shared/money"
	"github.com/cloudlens/cloudlens/shared/store"
	"github.com/cloudlens/cloudlens/shared/store/storetest"
)

// seriesItems are line items of resources whose lives stress drill-down's running totals:
// one billed every third day throughout, one billed only in its first and last month (a
// subscription renewed months later), one that ends, one that starts late, one that lives
// inside February, one whose refund cancels its charge, one that moves region, and the
// first resource id again in a second account.
func seriesItems() []billing.LineItem {
	var items []billing.LineItem
	add := func(account int64, day string, n int, region string, billed money.Micros) {
		it := testItem(account, day, n, "ecs", region, billed)
		it.ResourceName = fmt.Sprintf("server %d", n)
		items = append(items, it)
	}
	each := func(from, to string, step int, fn func(day string)) {
		f, _ := time.Parse(time.DateOnly, from)
		t, _ := time.Parse(time.DateOnly, to)
		for d := f; !d.After(t); d = d.AddDate(0, 0, step) {
			fn(d.Format(time.DateOnly))
		}
	}
	each("2024-12-03", "2025-04-28", 3, func(day string) { add(1, day, 1, "cn-hangzhou", 2_000_000) })
	add(1, "2024-12-10", 2, "cn-hangzhou", 50_000_000)
	add(1, "2025-04-10", 2, "cn-hangzhou", 45_000_000)
	each("2024-12-01", "2025-01-10", 1, func(day string) { add(1, day, 3, "cn-hangzhou", 1_500_000) })
	each("2025-03-05", "2025-04-30", 1, func(day string) { add(1, day, 4, "cn-hangzhou", 1_250_000) })
	each("2025-02-10", "2025-02-12", 1, func(day string) { add(1, day, 5, "cn-hangzhou", 7_000_000) })
	add(1, "2025-01-05", 6, "cn-hangzhou", 3_000_000)
	add(1, "2025-02-20", 6, "cn-hangzhou", -3_000_000)
	add(1, "2025-01-15", 7, "cn-hangzhou", 11_000_000)
	add(1, "2025-03-15", 7, "cn-shanghai", 13_000_000)
	each("2025-01-02", "2025-03-30", 2, func(day string) { add(2, day, 1, "cn-shanghai", 2_500_000) })
	return items
}

// loadItems writes items and rebuilds the roll-ups of every day they touch.
func loadItems(t *testing.T, s *store.Store, items []billing.LineItem) {
	t.Helper()
	ctx := t.Context()
	if _, err := s.UpsertLineItems(ctx, 1, items); err != nil {
		t.Fatal(err)
	}
	days := map[int64][]string{}
	for _, it := range items {
		days[it.AccountID] = append(days[it.AccountID], it.ChargeDate)
	}
	for acct, d := range days {
		if err := s.RebuildDaily(ctx, acct, d); err != nil {
			t.Fatal(err)
		}
	}
}

// sumByResource is the billed cost of every resource with an item in start..end, summed
// over items, ranked as drill-down ranks.
func sumByResource(items []billing.LineItem, start, end string) []cost.ResourceCost {
	type key struct {
		account  int64
		resource string
	}
	sums := map[key]money.Micros{}
	for _, it := range items {
		if it.ChargeDate >= start && it.ChargeDate <= end {
			sums[key{it.AccountID, it.ResourceID}] += it.BilledCost
		}
	}
	var out []cost.ResourceCost
	for k, v := range sums {
		out = append(out, cost.ResourceCost{AccountID: k.account, ResourceID: k.resource, Cost: v})
	}
	slices.SortFunc(out, func(x, y cost.ResourceCost) int {
		return cmp.Or(cmp.Compare(y.Cost, x.Cost), cmp.Compare(x.ResourceID, y.ResourceID), cmp.Compare(x.AccountID, y.AccountID))
	})
	return out
}

// checkItemSums fails unless drill-down over start..end lists, in order, the resources
// sumByResource finds in items, with their billed costs and the names seriesItems gave them.
func checkItemSums(t *testing.T, s *store.Store, items []billing.LineItem, start, end string) {
	t.Helper()
	q := cost.Query{Start: start, End: end, Granularity: cost.Day, Metric: cost.Billed}
	got, err := s.TopResources(t.Context(), account.AllAccounts, q, 100)
	if err != nil {
		t.Fatal(err)
	}
	want := sumByResource(items, start, end)
	if len(got) != len(want) {
		t.Fatalf("%s..%s: %d resources, want %d: %v", start, end, len(got), len(want), got)
	}
	for j, r := range got {
		if r.AccountID != want[j].AccountID || r.ResourceID != want[j].ResourceID || r.Cost != want[j].Cost ||
			r.ResourceName != "server "+r.ResourceID[2:] || r.Product != "ecs" {
			t.Fatalf("%s..%s #%d: %+v, want %+v", start, end, j, r, want[j])
		}
	}
}

// TestTopResourcesSeries compares drill-down from the running totals with the line-item path
// and with sums over the items, for every range between a set of days that fall before,
// inside, on the edges of and after the resources' lives.
func TestTopResourcesSeries(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		items := seriesItems()
		loadItems(t, s, items)

		// Months without cost inside a series' life hold a row of zeros, so R(t) can be read
		// from t's month: the renewed subscription has rows in all five months.
		var rows, empty int
		if err := s.DB().QueryRowContext(ctx, "SELECT COUNT(*), COALESCE(SUM(CASE WHEN line_items = 0 THEN 1 ELSE 0 END), 0) FROM cost_monthly_resources WHERE account_id = 1 AND resource_id = 'i-2'").
			Scan(&rows, &empty); err != nil || rows != 5 || empty != 3 {
			t.Fatalf("i-2 month rows = %d, empty %d (%v), want 5 and 3", rows, empty, err)
		}

		days := []string{"2024-11-20", "2024-12-01", "2024-12-10", "2024-12-31", "2025-01-01", "2025-01-10", "2025-01-11",
			"2025-01-31", "2025-02-11", "2025-02-28", "2025-03-01", "2025-03-05", "2025-03-31", "2025-04-10", "2025-04-30", "2025-05-10"}
		notShanghai := []cost.Filter{{Dim: cost.Dim{Kind: cost.DimRegion}, Exclude: true, Values: []string{"cn-shanghai"}}}
		compared := 0
		for i, start := range days {
			for _, end := range days[i:] {
				for _, m := range []cost.Metric{cost.Billed, cost.List, cost.Effective, cost.Discount} {
					for _, filters := range [][]cost.Filter{nil, notShanghai} {
						q := cost.Query{Start: start, End: end, Granularity: cost.Day, Metric: m, Filters: filters}
						compared += len(topBothWays(t, s, q, 100))
					}
				}
				checkItemSums(t, s, items, start, end)
			}
		}
		if compared < 1000 {
			t.Fatalf("only %d resource rows compared", compared)
		}

		// The refund cancels the charge: across both days the resource still counts, at zero.
		q := cost.Query{Start: "2025-01-01", End: "2025-02-28", Granularity: cost.Day, Metric: cost.Billed}
		top, err := s.TopResources(ctx, account.AllAccounts, q, 100)
		if err != nil || !slices.ContainsFunc(top, func(r cost.ResourceCost) bool { return r.ResourceID == "i-6" && r.Cost == 0 }) {
			t.Fatalf("refunded resource missing from %v (%v)", top, err)
		}

		// A corrected past month moves every later running total: January of the first
		// resource is re-billed at three times the price, and ranges that span January and
		// end months later follow.
		var fixed []billing.LineItem
		for i, it := range items {
			if it.AccountID == 1 && it.ResourceID == "i-1" && it.BillingPeriod == "2025-01" {
				items[i].BilledCost *= 3
				fixed = append(fixed, items[i])
			}
		}
		loadItems(t, s, fixed)
		for _, r := range [][2]string{{"2024-12-15", "2025-04-15"}, {"2025-01-20", "2025-03-10"}, {"2025-02-01", "2025-04-30"}} {
			checkItemSums(t, s, items, r[0], r[1])
		}
	})
}

// TestResourceSeriesBackfill writes daily resource rows in the schema before migration 0009,
// with a month missing in the middle of a resource's life, and migrates: drill-down across
// that month and past the resource's end answers from the backfilled running totals.
func TestResourceSeriesBackfill(t *testing.T) {
	storetest.Unmigrated(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		if err := store.MigrateTo(ctx, s, 6); err != nil {
			t.Fatal(err)
		}
		insertDailyResources(t, s, []dailyResource{
			{"2025-01-10", "i-a", 4_000_000, 4_000_000},
			{"2025-03-20", "i-a", 6_000_000, 6_000_000}, // nothing in February
			{"2025-01-31", "i-b", 1_000_000, 1_000_000},
			{"2025-02-01", "i-b", 2_000_000, 2_000_000}, // ends in February
			{"2025-04-02", "i-c", 8_000_000, 8_000_000},
		})
		if err := s.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		cases := []struct {
			start, end string
			want       map[string]int64
		}{
			{"2025-01-01", "2025-04-30", map[string]int64{"i-a": 10_000_000, "i-b": 3_000_000, "i-c": 8_000_000}},
			{"2025-01-11", "2025-03-31", map[string]int64{"i-a": 6_000_000, "i-b": 3_000_000}},
			{"2025-02-01", "2025-03-19", map[string]int64{"i-b": 2_000_000}},
			{"2025-02-02", "2025-03-19", map[string]int64{}},
			{"2025-02-15", "2025-04-02", map[string]int64{"i-a": 6_000_000, "i-c": 8_000_000}},
		}
		for _, c := range cases {
			checkDailyResourceCosts(t, s, cost.Query{Start: c.start, End: c.end, Granularity: cost.Day, Metric: cost.Billed}, c.want)
		}
	})
}
