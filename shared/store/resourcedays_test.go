package store_test

import (
	"testing"

	"github.com/cloudlens/cloudlens/shared/account"
	"github.com/cloudlens/cloudlens/shared/cost"
	"github.com/cloudlens/cloudlens/shared/store"
	"github.com/cloudlens/cloudlens/shared/store/storetest"
)

// dailyResource is one cost_daily_resources row of account 3, an ECS resource in Hangzhou
// named after its id; effective cost equals billed cost.
type dailyResource struct {
	day, resource string
	list, billed  int64
}

// insertDailyResources writes rows straight into cost_daily_resources, as a schema before
// the monthly roll-up's migrations held them.
func insertDailyResources(t *testing.T, s *store.Store, rows []dailyResource) {
	t.Helper()
	for _, r := range rows {
		if _, err := s.DB().ExecContext(t.Context(), `INSERT INTO cost_daily_resources (charge_date, account_id, resource_id, service_code,
  region_id, currency, resource_name, billing_period, week_start, list_cost, billed_cost, effective_cost, line_items)
VALUES (?, 3, ?, 'ecs', 'cn-hangzhou', 'CNY', ?, ?, ?, ?, ?, ?, 1)`,
			r.day, r.resource, r.resource+" name", r.day[:7], r.day, r.list, r.billed, r.billed); err != nil {
			t.Fatal(err)
		}
	}
}

// checkDailyResourceCosts fails unless drill-down over q lists exactly the resources of want
// with their costs, and the name, product and region insertDailyResources gave them.
func checkDailyResourceCosts(t *testing.T, s *store.Store, q cost.Query, want map[string]int64) {
	t.Helper()
	got, err := s.TopResources(t.Context(), account.AllAccounts, q, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(want) {
		t.Fatalf("%s..%s %s: %v, want %v", q.Start, q.End, q.Metric, got, want)
	}
	for _, r := range got {
		if int64(r.Cost) != want[r.ResourceID] || r.ResourceName != r.ResourceID+" name" || r.Product != "ecs" || r.Region != "cn-hangzhou" {
			t.Fatalf("%s..%s %s: %+v, want cost %d", q.Start, q.End, q.Metric, r, want[r.ResourceID])
		}
	}
}

// TestResourceDaysBackfill writes daily resource rows in the schema before migration 0007 and
// migrates: the monthly resource roll-up is rebuilt with its per-day columns, so drill-down
// over part of a month answers from history stored before the migration.
func TestResourceDaysBackfill(t *testing.T) {
	storetest.Unmigrated(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		if err := store.MigrateTo(ctx, s, 6); err != nil {
			t.Fatal(err)
		}
		insertDailyResources(t, s, []dailyResource{
			{"2025-01-01", "i-a", 5_000_000, 4_000_000},
			{"2025-01-02", "i-a", 5_000_000, 4_000_000},
			{"2025-01-31", "i-a", 9_000_000, 1_000_000},
			{"2025-01-15", "i-b", 7_000_000, 6_000_000},
			{"2025-02-01", "i-b", 3_000_000, 3_000_000},
		})
		if err := s.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		cases := []struct {
			start, end string
			metric     cost.Metric
			want       map[string]int64 // resource → cost; absent resources have no cost in range
		}{
			{"2025-01-01", "2025-01-31", cost.Billed, map[string]int64{"i-a": 9_000_000, "i-b": 6_000_000}},
			{"2025-01-02", "2025-01-14", cost.Billed, map[string]int64{"i-a": 4_000_000}},
			{"2025-01-02", "2025-01-31", cost.Discount, map[string]int64{"i-a": 9_000_000, "i-b": 1_000_000}},
			{"2025-01-31", "2025-02-01", cost.List, map[string]int64{"i-a": 9_000_000, "i-b": 3_000_000}},
			{"2025-01-16", "2025-01-30", cost.Billed, map[string]int64{}},
		}
		for _, c := range cases {
			checkDailyResourceCosts(t, s, cost.Query{Start: c.start, End: c.end, Granularity: cost.Day, Metric: c.metric}, c.want)
		}
	})
}

// TestSubscriptionRollupBackfill writes cost_daily rows in the schema before migration 0008 and
// migrates: breakdowns by subscription type and region, now read from cost_daily_subscriptions,
// hold the same sums.
func TestSubscriptionRollupBackfill(t *testing.T) {
	storetest.Unmigrated(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		if err := store.MigrateTo(ctx, s, 7); err != nil {
			t.Fatal(err)
		}
		rows := []struct {
			product, region, sub string
			billed               int64
		}{
			{"ecs", "cn-hangzhou", "Subscription", 3_000_000},
			{"rds", "cn-hangzhou", "Subscription", 4_000_000},
			{"ecs", "cn-beijing", "PayAsYouGo", 5_000_000},
			{"oss", "cn-beijing", "PayAsYouGo", 6_000_000},
		}
		for _, r := range rows {
			if _, err := s.DB().ExecContext(ctx, `INSERT INTO cost_daily (account_id, charge_date, billing_period, week_start, service_code,
  region_id, subscription_type, charge_category, currency, list_cost, billed_cost, effective_cost, line_items)
VALUES (4, '2025-03-03', '2025-03', '2025-03-03', ?, ?, ?, 'Usage', 'CNY', ?, ?, ?, 2)`, r.product, r.region, r.sub, r.billed, r.billed, r.billed); err != nil {
				t.Fatal(err)
			}
		}
		if err := s.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		// The answer comes from the new roll-up alone.
		if _, err := s.DB().ExecContext(ctx, "DELETE FROM cost_daily"); err != nil {
			t.Fatal(err)
		}
		q := cost.Query{Start: "2025-03-01", End: "2025-03-31", Granularity: cost.Month, Metric: cost.Billed,
			GroupBy: []cost.Dim{{Kind: cost.DimSubscriptionType}, {Kind: cost.DimRegion}}}
		got, err := s.CostRows(ctx, account.AllAccounts, q)
		if err != nil {
			t.Fatal(err)
		}
		want := map[string]int64{"Subscription/cn-hangzhou": 7_000_000, "PayAsYouGo/cn-beijing": 11_000_000}
		if len(got) != len(want) {
			t.Fatalf("rows = %v, want %v", got, want)
		}
		for _, r := range got {
			if k := r.Keys[0] + "/" + r.Keys[1]; int64(r.Cost) != want[k] {
				t.Fatalf("%s = %d, want %d", k, r.Cost, want[k])
			}
		}
	})
}
