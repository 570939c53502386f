package budgetcheck_test

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"slices"
	"testing"
	"time"

	"github.com/cloudlens/cloudlens/functions/budgetcheck"
	"github.com/cloudlens/cloudlens/functions/budgets"
	"github.com/cloudlens/cloudlens/shared/account"
	"github.com/cloudlens/cloudlens/shared/app/apptest"
	"github.com/cloudlens/cloudlens/shared/auth"
	"github.com/cloudlens/cloudlens/shared/billing"
	"github.com/cloudlens/cloudlens/shared/budget"
	"github.com/cloudlens/cloudlens/shared/store"
)

// BenchmarkBudgetcheck1000 runs one budgetcheck over 1,000 budgets on the database
// CLOUDLENS_BENCH_MYSQL_DSN names, loaded by scripts/costgen (10 M line items, bills up to
// 2025-11-30). The budgets mix every scope the product allows: all accounts, one account,
// a product filter, a region filter and a tag filter, in months, quarters and years.
func BenchmarkBudgetcheck1000(b *testing.B) {
	dsn := os.Getenv("CLOUDLENS_BENCH_MYSQL_DSN")
	if dsn == "" {
		b.Skip("CLOUDLENS_BENCH_MYSQL_DSN is not set (a database loaded by scripts/costgen)")
	}
	ctx := context.Background()
	s, err := store.OpenMySQL(ctx, dsn, store.PoolOptions{MaxOpenConns: 8})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	if err := s.Migrate(ctx); err != nil {
		b.Fatal(err)
	}
	now := time.Date(2025, 12, 1, 10, 0, 0, 0, billing.Shanghai)
	d := apptest.Deps(b, s)
	d.Log, d.Now = slog.New(slog.DiscardHandler), func() time.Time { return now }
	accs, err := s.ListAccounts(ctx, account.AllAccounts)
	if err != nil || len(accs) == 0 {
		b.Fatalf("no accounts (%v): load the database with scripts/costgen first", err)
	}
	existing, err := s.AllBudgets(ctx)
	if err != nil {
		b.Fatal(err)
	}
	periods := []budget.Period{budget.Month, budget.Quarter, budget.Year}
	filters := [][]string{nil, {"product:in:ecs,rds"}, {"region:in:cn-hangzhou"}, {"tag.env:in:prod"}, {"product:notin:oss"}}
	for i := len(existing); i < 1000; i++ {
		bg := budget.Budget{Name: fmt.Sprintf("bench %d", i), Period: periods[i%3], Amount: 5_000_000_000_000, Currency: "CNY",
			Filters: filters[i%len(filters)], Thresholds: budget.DefaultThresholds, CreatedBy: 1}
		if i%4 == 0 {
			bg.AllAccounts = true
		} else {
			bg.AccountIDs = []int64{accs[i%len(accs)].ID}
		}
		if err := s.CreateBudget(ctx, &bg); err != nil {
			b.Fatal(err)
		}
	}
	fn := budgetcheck.Func(d)
	for b.Loop() {
		msg, err := fn(ctx, func(int64) {})
		if err != nil {
			b.Fatal(err)
		}
		b.Log(msg)
	}
	b.StopTimer()

	// The budgets list an admin sees after the check: every budget with its kept status.
	_, token := apptest.User(b, d, fmt.Sprintf("bench-%d@example.com", time.Now().UnixNano()), auth.RoleAdmin)
	c := apptest.Serve(b, budgets.New(d))
	var took []time.Duration
	for range 20 {
		start := time.Now()
		res := c.Do(http.MethodGet, "/api/v1/budgets", token, nil)
		took = append(took, time.Since(start))
		if res.Status != http.StatusOK {
			b.Fatalf("list: %d %s", res.Status, res.Body)
		}
	}
	slices.Sort(took)
	b.Logf("budgets list of 1,000: p50 %s, p95 %s (20 calls)", took[9], took[18])
}
