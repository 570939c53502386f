// Command costgen bulk-loads simulated line items into a MySQL database for the cost-analysis
// benchmarks, through the store's own write path (UpsertLineItems, then RebuildDaily), and then
// times the read path: overview, explorer and drill-down queries, uncached and cached.
//
//	go run ./scripts/costgen -dsn 'root@tcp(127.0.0.1:3306)/cl_bench' -rows 1000000
//	go run ./scripts/costgen -dsn … -skip-load -redis 127.0.0.1:6379   # measure only
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"slices"
	"time"

	"github.com/cloudlens/cloudlens/shared/account"
	"github.com/cloudlens/cloudlens/shared/aliyunsim"
	"github.com/cloudlens/cloudlens/shared/billing"
	"github.com/cloudlens/cloudlens/shared/cache"
	"github.com/cloudlens/cloudlens/shared/cost"
	"github.com/cloudlens/cloudlens/shared/store"
)

func main() {
	dsn := flag.String("dsn", "", "MySQL DSN of the benchmark database (created by the caller)")
	rows := flag.Int("rows", 1_000_000, "line items to load")
	days := flag.Int("days", 365, "days of bills")
	accounts := flag.Int("accounts", 10, "simulated accounts")
	skipLoad := flag.Bool("skip-load", false, "only measure")
	redisAddr := flag.String("redis", "", "Redis for the cached measurements (embedded when empty)")
	runs := flag.Int("runs", 40, "timed runs per query")
	flag.Parse()
	if *dsn == "" {
		fmt.Fprintln(os.Stderr, "costgen: -dsn is required")
		os.Exit(2)
	}
	ctx := context.Background()
	s, err := store.OpenMySQL(ctx, *dsn, store.PoolOptions{MaxOpenConns: 4})
	if err != nil {
		fail(err)
	}
	defer s.Close()
	if err := s.Migrate(ctx); err != nil {
		fail(err)
	}
	now := time.Date(2025, 12, 1, 10, 0, 0, 0, cost.Shanghai)
	if !*skipLoad {
		load(ctx, s, now, *rows, *days, *accounts)
	}
	measure(ctx, s, now, *redisAddr, *runs)
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "costgen:", err)
	os.Exit(1)
}

// load writes about rows line items: resources per account are sized so that accounts × days ×
// items per resource-day reaches the target.
func load(ctx context.Context, s *store.Store, now time.Time, rows, days, accounts int) {
	// The simulator bills about 2.2 items per resource and day.
	resources := max(10, rows/(accounts*days*22/10))
	w := aliyunsim.NewWorld(aliyunsim.Config{Seed: 42, Accounts: accounts, Resources: resources, Now: func() time.Time { return now }})
	last := cost.Yesterday(now)
	first := last.AddDate(0, 0, -(days - 1))
	start := time.Now()
	total := 0
	for _, sa := range w.Accounts() {
		acc := account.Account{Name: sa.Name, UID: sa.UID, Site: account.Site(sa.Site), AuthType: account.AuthAccessKey, AccessKeyID: sa.AccessKeyID, Demo: true}
		if err := s.CreateAccount(ctx, &acc); err != nil {
			fail(err)
		}
		batch := make([]billing.LineItem, 0, 5000)
		dayset := map[string]bool{}
		flush := func() {
			if _, err := s.UpsertLineItems(ctx, 1, batch); err != nil {
				fail(err)
			}
			total += len(batch)
			batch = batch[:0]
		}
		var buf []byte
		w.EachBillItem(sa.UID, first, last, now, func(it aliyunsim.BillItem) bool {
			buf = it.AppendJSON(buf[:0])
			var raw billing.RawItem
			if err := json.Unmarshal(buf, &raw); err != nil {
				fail(err)
			}
			li, err := billing.Normalize(acc.ID, raw)
			if err != nil {
				return true
			}
			batch = append(batch, li)
			dayset[li.ChargeDate] = true
			if len(batch) == cap(batch) {
				flush()
			}
			return true
		})
		flush()
		list := make([]string, 0, len(dayset))
		for d := range dayset {
			list = append(list, d)
		}
		if err := s.RebuildDaily(ctx, acc.ID, list); err != nil {
			fail(err)
		}
		fmt.Printf("account %s loaded, %d rows so far, %.0f rows/s\n", sa.UID, total, float64(total)/time.Since(start).Seconds())
	}
	fmt.Printf("loaded %d line items in %s\n", total, time.Since(start).Round(time.Second))
}

type bench struct {
	name string
	run  func(context.Context) error
}

func measure(ctx context.Context, s *store.Store, now time.Time, redisAddr string, runs int) {
	if redisAddr == "" {
		addr, stop, err := cache.StartEmbedded()
		if err != nil {
			fail(err)
		}
		defer stop()
		redisAddr = addr
	}
	c, err := cache.Open(ctx, redisAddr, "", 0, slog.New(slog.NewTextHandler(os.Stderr, nil)), cache.WithPrefix(fmt.Sprintf("costgen%d:", time.Now().UnixNano())))
	if err != nil {
		fail(err)
	}
	var n int64
	if err := s.DB().QueryRowContext(ctx, "SELECT COUNT(*) FROM cost_line_items").Scan(&n); err != nil {
		fail(err)
	}
	y := cost.Yesterday(now)
	day := func(t time.Time) string { return t.Format(time.DateOnly) }
	monthStart := time.Date(y.Year(), y.Month(), 1, 0, 0, 0, 0, cost.Shanghai)
	all := account.AllAccounts
	queries := map[string]cost.Query{
		"overview: 84 days daily totals": {Start: day(y.AddDate(0, 0, -83)), End: day(y), Granularity: cost.Day, Metric: cost.Billed, Top: 1},
		"overview: month top products":   {Start: day(monthStart), End: day(y), Granularity: cost.Month, GroupBy: []cost.Dim{{Kind: cost.DimProduct}}, Metric: cost.Billed, Top: 5},
		"explore: 90 days by product/region, daily": {Start: day(y.AddDate(0, 0, -89)), End: day(y), Granularity: cost.Day,
			GroupBy: []cost.Dim{{Kind: cost.DimProduct}, {Kind: cost.DimRegion}}, Metric: cost.Billed, Top: 10},
		"explore: 12 months by account, monthly": {Start: day(y.AddDate(0, 0, -364)), End: day(y), Granularity: cost.Month,
			GroupBy: []cost.Dim{{Kind: cost.DimAccount}}, Metric: cost.List, Top: 10},
		"explore (line items): 30 days by tag env, weekly": {Start: day(y.AddDate(0, 0, -29)), End: day(y), Granularity: cost.Week,
			GroupBy: []cost.Dim{{Kind: cost.DimTag, TagKey: "env"}}, Metric: cost.Billed, Top: 10},
	}
	var benches []bench
	for name, q := range queries {
		benches = append(benches, bench{name, func(ctx context.Context) error { _, err := s.CostRows(ctx, all, q); return err }})
	}
	drill := cost.Query{Start: day(y.AddDate(0, 0, -6)), End: day(y), Granularity: cost.Day, Metric: cost.Billed}
	benches = append(benches, bench{"drill-down: top 50 resources, 7 days", func(ctx context.Context) error {
		_, err := s.TopResources(ctx, all, drill, 50)
		return err
	}})
	slices.SortFunc(benches, func(a, b bench) int {
		if a.name < b.name {
			return -1
		}
		return 1
	})
	fmt.Printf("\n%d line items; %d runs each\n", n, runs)
	fmt.Println("| query | uncached p50 | uncached p95 | cached p50 | cached p95 |")
	fmt.Println("|---|---|---|---|---|")
	for _, b := range benches {
		un := timeRuns(ctx, runs, b.run)
		key := b.name
		cached := timeRuns(ctx, runs, func(ctx context.Context) error {
			_, _, err := cache.GetOrLoad(ctx, c, "costs", key, time.Hour, func(ctx context.Context) (int, error) { return 0, b.run(ctx) })
			return err
		})
		fmt.Printf("| %s | %s | %s | %s | %s |\n", b.name, un[0], un[1], cached[0], cached[1])
	}
}

// timeRuns runs fn runs times after one warm-up and returns p50 and p95.
func timeRuns(ctx context.Context, runs int, fn func(context.Context) error) [2]time.Duration {
	if err := fn(ctx); err != nil {
		fail(err)
	}
	d := make([]time.Duration, runs)
	for i := range d {
		t := time.Now()
		if err := fn(ctx); err != nil {
			fail(err)
		}
		d[i] = time.Since(t)
	}
	slices.Sort(d)
	return [2]time.Duration{d[runs/2].Round(10 * time.Microsecond), d[runs*95/100].Round(10 * time.Microsecond)}
}
