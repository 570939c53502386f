// Command costgen loads simulated line items into a MySQL database for the cost-analysis
// benchmarks and then times the read path: overview, explorer and drill-down queries, uncached
// and cached. Items go in through the store's own write path (UpsertLineItems, as a sync writes
// them); RebuildDaily then builds the roll-ups.
//
//	go run ./scripts/costgen -dsn 'root@tcp(127.0.0.1:3306)/cl_bench' -rows 10000000
//	go run ./scripts/costgen -dsn … -skip-load -redis 127.0.0.1:6379   # measure only
//	go run ./scripts/costgen -dsn … -skip-load -rebuild                 # rebuild roll-ups, then measure
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
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
	rebuild := flag.Bool("rebuild", false, "rebuild every account's roll-ups before measuring (with -skip-load)")
	parallel := flag.Int("parallel", 2, "accounts loaded at once")
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
	now := time.Date(2025, 12, 1, 10, 0, 0, 0, billing.Shanghai)
	if !*skipLoad {
		load(ctx, s, now, *rows, *days, *accounts, *parallel)
	} else if *rebuild {
		rebuildAll(ctx, s)
	}
	measure(ctx, s, now, *redisAddr, *runs)
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "costgen:", err)
	os.Exit(1)
}

// load writes about rows line items: resources per account are sized so that accounts × days ×
// items per resource-day reaches the target. parallel accounts load at once.
func load(ctx context.Context, s *store.Store, now time.Time, rows, days, accounts, parallel int) {
	// The simulator bills about 1.65 items per resource and day (a 1 M target gave 754,612).
	resources := max(10, rows*100/(accounts*days*165))
	w := aliyunsim.NewWorld(aliyunsim.Config{Seed: 42, Accounts: accounts, Resources: resources, Now: func() time.Time { return now }})
	last := cost.Yesterday(now)
	first := last.AddDate(0, 0, -(days - 1))
	start := time.Now()
	var total atomic.Int64
	work := make(chan account.Account)
	var wg sync.WaitGroup
	for range max(1, parallel) {
		wg.Go(func() {
			for acc := range work {
				n := loadAccount(ctx, s, w, acc, first, last, now)
				t := total.Add(n)
				fmt.Printf("account %s loaded, %d rows so far, %.0f rows/s\n", acc.UID, t, float64(t)/time.Since(start).Seconds())
			}
		})
	}
	for _, sa := range w.Accounts() {
		acc := account.Account{Name: sa.Name, UID: sa.UID, Site: account.Site(sa.Site), AuthType: account.AuthAccessKey, AccessKeyID: sa.AccessKeyID, Demo: true}
		if err := s.CreateAccount(ctx, &acc); err != nil {
			fail(err)
		}
		work <- acc
	}
	close(work)
	wg.Wait()
	fmt.Printf("loaded %d line items in %s\n", total.Load(), time.Since(start).Round(time.Second))
}

// loadAccount writes one account's bills from first to last, then rebuilds its roll-ups.
func loadAccount(ctx context.Context, s *store.Store, w *aliyunsim.World, acc account.Account, first, last, now time.Time) int64 {
	batch := make([]billing.LineItem, 0, 5000)
	dayset := map[string]bool{}
	var n int64
	flush := func() {
		if _, err := s.UpsertLineItems(ctx, 1, batch); err != nil {
			fail(err)
		}
		n += int64(len(batch))
		batch = batch[:0]
	}
	var buf []byte
	w.EachBillItem(acc.UID, first, last, now, func(it aliyunsim.BillItem) bool {
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
	rebuild := time.Now()
	if err := s.RebuildDaily(ctx, acc.ID, list); err != nil {
		fail(err)
	}
	fmt.Printf("account %s: roll-ups of %d days rebuilt in %s\n", acc.UID, len(list), time.Since(rebuild).Round(time.Millisecond))
	return n
}

// rebuildAll rebuilds the roll-ups of every account over every day that has line items,
// for a database loaded before the roll-up tables existed.
func rebuildAll(ctx context.Context, s *store.Store) {
	accs, err := s.ListAccounts(ctx, account.AllAccounts)
	if err != nil {
		fail(err)
	}
	for _, acc := range accs {
		rows, err := s.DB().QueryContext(ctx, "SELECT DISTINCT charge_date FROM cost_line_items WHERE account_id = ?", acc.ID)
		if err != nil {
			fail(err)
		}
		var days []string
		for rows.Next() {
			var d time.Time
			if err := rows.Scan(&d); err != nil {
				fail(err)
			}
			days = append(days, d.Format(time.DateOnly))
		}
		if err := rows.Err(); err != nil {
			fail(err)
		}
		rows.Close()
		t := time.Now()
		if err := s.RebuildDaily(ctx, acc.ID, days); err != nil {
			fail(err)
		}
		fmt.Printf("account %s: roll-ups of %d days rebuilt in %s\n", acc.UID, len(days), time.Since(t).Round(time.Millisecond))
	}
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
	monthStart := time.Date(y.Year(), y.Month(), 1, 0, 0, 0, 0, billing.Shanghai)
	all := account.AllAccounts
	// Each name says which table store.CostRows picks for the query.
	queries := map[string]cost.Query{
		"overview: 84 days daily totals (totals)": {Start: day(y.AddDate(0, 0, -83)), End: day(y), Granularity: cost.Day, Metric: cost.Billed, Top: 1},
		"overview: month top products (regions)": {Start: day(monthStart), End: day(y), Granularity: cost.Month,
			GroupBy: []cost.Dim{{Kind: cost.DimProduct}}, Metric: cost.Billed, Top: 5},
		"overview: month top accounts (totals)": {Start: day(monthStart), End: day(y), Granularity: cost.Month,
			GroupBy: []cost.Dim{{Kind: cost.DimAccount}}, Metric: cost.Billed, Top: 5},
		"explore: 90 days by product/region, daily (regions)": {Start: day(y.AddDate(0, 0, -89)), End: day(y), Granularity: cost.Day,
			GroupBy: []cost.Dim{{Kind: cost.DimProduct}, {Kind: cost.DimRegion}}, Metric: cost.Billed, Top: 10},
		"explore: 12 months by account, monthly (totals)": {Start: day(y.AddDate(0, 0, -364)), End: day(y), Granularity: cost.Month,
			GroupBy: []cost.Dim{{Kind: cost.DimAccount}}, Metric: cost.List, Top: 10},
		"explore: 30 days by tag env, weekly (tag roll-up)": {Start: day(y.AddDate(0, 0, -29)), End: day(y), Granularity: cost.Week,
			GroupBy: []cost.Dim{{Kind: cost.DimTag, TagKey: "env"}}, Metric: cost.Billed, Top: 10},
		"explore: 90 days by tag team, daily (tag roll-up)": {Start: day(y.AddDate(0, 0, -89)), End: day(y), Granularity: cost.Day,
			GroupBy: []cost.Dim{{Kind: cost.DimTag, TagKey: "team"}}, Metric: cost.Billed, Top: 10},
		"explore: 30 days by resource group, weekly (attrs)": {Start: day(y.AddDate(0, 0, -29)), End: day(y), Granularity: cost.Week,
			GroupBy: []cost.Dim{{Kind: cost.DimResourceGroup}}, Metric: cost.Billed, Top: 10},
		"explore: 90 days by billing item, daily (attrs)": {Start: day(y.AddDate(0, 0, -89)), End: day(y), Granularity: cost.Day,
			GroupBy: []cost.Dim{{Kind: cost.DimBillingItem}}, Metric: cost.Billed, Top: 10},
		"explore: 90 days by product/subscription type, daily (cost_daily)": {Start: day(y.AddDate(0, 0, -89)), End: day(y), Granularity: cost.Day,
			GroupBy: []cost.Dim{{Kind: cost.DimProduct}, {Kind: cost.DimSubscriptionType}}, Metric: cost.Billed, Top: 10},
		"explore: 90 days by subscription type/region, daily (subscriptions)": {Start: day(y.AddDate(0, 0, -89)), End: day(y), Granularity: cost.Day,
			GroupBy: []cost.Dim{{Kind: cost.DimSubscriptionType}, {Kind: cost.DimRegion}}, Metric: cost.Billed, Top: 10},
		"explore: 90 days by region/product, daily (regions)": {Start: day(y.AddDate(0, 0, -89)), End: day(y), Granularity: cost.Day,
			GroupBy: []cost.Dim{{Kind: cost.DimRegion}, {Kind: cost.DimProduct}}, Metric: cost.Billed, Top: 10},
	}
	var benches []bench
	for name, q := range queries {
		benches = append(benches, bench{name, func(ctx context.Context) error { _, err := s.CostRows(ctx, all, q); return err }})
	}
	for _, d := range []struct {
		name      string
		days, end int // the range ends end days before yesterday
	}{{"7 days", 7, 0}, {"30 days across a month boundary", 30, 10}, {"90 days", 90, 0}, {"365 days", 365, 0}} {
		last := y.AddDate(0, 0, -d.end)
		q := cost.Query{Start: day(last.AddDate(0, 0, -(d.days - 1))), End: day(last), Granularity: cost.Day, Metric: cost.Billed}
		benches = append(benches, bench{"drill-down: top 50 resources, " + d.name + " (monthly resources)", func(ctx context.Context) error {
			_, err := s.TopResources(ctx, all, q, 50)
			return err
		}})
	}
	series := cost.Query{Start: day(y.AddDate(0, 0, -89)), End: day(y), Granularity: cost.Day, Metric: cost.Billed}
	top, err := s.TopResources(ctx, all, series, 1)
	if err != nil || len(top) == 0 {
		fail(fmt.Errorf("no resource to drill into: %v", err))
	}
	benches = append(benches, bench{"drill-down: one resource's daily series, 90 days (daily resources)", func(ctx context.Context) error {
		_, err := s.ResourceSeries(ctx, all, top[0].ResourceID, series)
		return err
	}})
	// What one uncached explorer request asks the store: rows, labels and the demo flag.
	for _, name := range []string{"explore: 90 days by product/region, daily (regions)", "explore: 30 days by tag env, weekly (tag roll-up)"} {
		q := queries[name]
		benches = append(benches, bench{"explore endpoint: all 4 store queries of " + strings.TrimPrefix(name, "explore: "), func(ctx context.Context) error {
			if _, err := s.CostRows(ctx, all, q); err != nil {
				return err
			}
			if _, err := s.ListAccounts(ctx, all); err != nil {
				return err
			}
			if _, err := s.ProductNames(ctx, all, q); err != nil {
				return err
			}
			_, err := s.CostAccounts(ctx, all, q)
			return err
		}})
	}
	// What one uncached overview request asks the store, in the order the costs function asks.
	hist := cost.Query{Start: day(y.AddDate(0, 0, -83)), End: day(y)}
	benches = append(benches, bench{"overview endpoint: all 6 store queries (totals, regions)", func(ctx context.Context) error {
		for _, q := range []cost.Query{queries["overview: 84 days daily totals (totals)"], queries["overview: month top products (regions)"],
			queries["overview: month top accounts (totals)"]} {
			if _, err := s.CostRows(ctx, all, q); err != nil {
				return err
			}
		}
		if _, err := s.ListAccounts(ctx, all); err != nil {
			return err
		}
		if _, err := s.ProductNames(ctx, all, hist); err != nil {
			return err
		}
		_, err := s.CostAccounts(ctx, all, hist)
		return err
	}})
	month := cost.Query{Start: day(monthStart.AddDate(0, -1, 0)), End: day(monthStart.AddDate(0, 0, -1)), Granularity: cost.Month, Metric: cost.Billed}
	benches = append(benches, bench{"drill-down: top 50 resources, last month (monthly resources)", func(ctx context.Context) error {
		_, err := s.TopResources(ctx, all, month, 50)
		return err
	}})
	benches = append(benches, bench{"discounts: last month by product (regions)", func(ctx context.Context) error {
		_, err := s.Discounts(ctx, all, month, cost.DimProduct)
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
		un, n := timeRuns(ctx, runs, b.run)
		key := b.name
		cached, _ := timeRuns(ctx, runs, func(ctx context.Context) error {
			_, _, err := cache.GetOrLoad(ctx, c, "costs", key, time.Hour, func(ctx context.Context) (int, error) { return 0, b.run(ctx) })
			return err
		})
		name := b.name
		if n < runs {
			name += fmt.Sprintf(" [%d uncached runs]", n)
		}
		fmt.Printf("| %s | %s | %s | %s | %s |\n", name, un[0], un[1], cached[0], cached[1])
	}
}

// timeRuns runs fn runs times after one warm-up, or fewer when they pass a minute (at least
// five), and returns p50, p95 and how many runs it timed.
func timeRuns(ctx context.Context, runs int, fn func(context.Context) error) ([2]time.Duration, int) {
	if err := fn(ctx); err != nil {
		fail(err)
	}
	start := time.Now()
	d := make([]time.Duration, 0, runs)
	for len(d) < runs && (len(d) < 5 || time.Since(start) < time.Minute) {
		t := time.Now()
		if err := fn(ctx); err != nil {
			fail(err)
		}
		d = append(d, time.Since(t))
	}
	slices.Sort(d)
	n := len(d)
	return [2]time.Duration{d[n/2].Round(10 * time.Microsecond), d[n*95/100].Round(10 * time.Microsecond)}, n
}
