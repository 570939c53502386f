package resourcesync_test

import (
	"fmt"
	"os"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/cloudlens/cloudlens/functions/resourcesync"
	"github.com/cloudlens/cloudlens/shared/account"
	"github.com/cloudlens/cloudlens/shared/aliyun"
	"github.com/cloudlens/cloudlens/shared/aliyunsim"
	"github.com/cloudlens/cloudlens/shared/billing"
	"github.com/cloudlens/cloudlens/shared/resource"
	"github.com/cloudlens/cloudlens/shared/store"
	"github.com/cloudlens/cloudlens/shared/store/storetest"
)

// BenchmarkSyncTenThousand: one account of about 10,000 resources over ten regions, the
// simulator at its documented per-API limits (aliyunsim.DefaultAPILimits) and the client
// pacing at aliyun.InventoryLimits. The first run reads 35 days of CloudMonitor points, the
// second (a day later) one day, as every later daily run does. Reported: wall time and calls
// per API of both runs, and CloudMonitor calls over 30 days (first run + 29 daily runs)
// against 10 % of the 1,000,000 free calls of a month. MySQL when CLOUDLENS_TEST_MYSQL_DSN is
// set, else SQLite.
//
//	go test -run '^$' -bench BenchmarkSyncTenThousand -benchtime 1x -timeout 60m ./functions/resourcesync/
func BenchmarkSyncTenThousand(b *testing.B) {
	var s *store.Store
	if _, ok := storetest.MySQLDSN(b); ok {
		s = storetest.MySQL(b)
	} else {
		s = storetest.SQLite(b)
	}
	ctx := b.Context()
	now := time.Date(2025, 6, 15, 4, 0, 0, 0, billing.Shanghai)
	c := &clock{t: now}
	w := aliyunsim.NewWorld(aliyunsim.Config{Seed: 1, Accounts: 1, Resources: 10_300, AllRegions: true, ReleasedPct: 3,
		Now: func() time.Time { return now }})
	srv := aliyunsim.NewServer(w, aliyunsim.ServerOptions{Now: c.Now})
	addr, err := srv.Start()
	if err != nil {
		b.Fatal(err)
	}
	defer srv.Close()
	f := aliyun.NewFactory(aliyun.Options{Endpoint: addr, Insecure: true}, nil)
	sa := w.Accounts()[0]
	a := account.Account{Name: sa.Name, UID: sa.UID, Site: account.Site(sa.Site), AuthType: account.AuthAccessKey,
		AccessKeyID: sa.AccessKeyID, SecretEnc: []byte("x"), Demo: true, Status: account.StatusNew}
	if err := s.CreateAccount(ctx, &a); err != nil {
		b.Fatal(err)
	}
	sy := &resourcesync.Syncer{Store: s, Now: c.Now, Inventory: func(account.Account) (*aliyun.Inventory, error) {
		return f.Inventory(sa.Site, aliyun.Credentials{AccessKeyID: sa.AccessKeyID, AccessKeySecret: sa.AccessKeySecret, Account: a.ID})
	}}
	regions := map[string]bool{}
	for _, r := range w.Inventory(sa.UID) {
		regions[r.Region] = true
	}
	var report strings.Builder
	fmt.Fprintf(&report, "world: %d inventoried resources in %d regions (%s)\n", len(w.Inventory(sa.UID)), len(regions), s.Dialect())
	var first, daily resource.SyncRun
	for i, label := range []string{"first run (35 days of metrics)", "daily run (1 day of metrics)"} {
		c.Set(now.AddDate(0, 0, i))
		b.ResetTimer()
		run, _, err := sy.SyncAccount(ctx, a, "timer")
		b.StopTimer()
		if err != nil {
			b.Fatal(err)
		}
		if i == 0 {
			first = run
		} else {
			daily = run
		}
		fmt.Fprintf(&report, "%s: %s\n", label, resourcesync.Describe(run))
		apis := make([]string, 0, len(run.Calls))
		for api := range run.Calls {
			apis = append(apis, api)
		}
		sort.Strings(apis)
		for _, api := range apis {
			fmt.Fprintf(&report, "  %-34s %6d\n", api, run.Calls[api])
		}
	}
	month := first.Calls["cms.DescribeMetricList"] + 29*daily.Calls["cms.DescribeMetricList"]
	fmt.Fprintf(&report, "CloudMonitor calls over 30 days: %d = %.2f %% of the 1,000,000 free calls (budget 10 %%: 100,000)\n",
		month, float64(month)/1e4)
	b.ReportMetric(first.Duration.Seconds(), "first-s")
	b.ReportMetric(daily.Duration.Seconds(), "daily-s")
	b.ReportMetric(float64(month), "cms-calls/30d")
	if out := os.Getenv("CLOUDLENS_BENCH_REPORT"); out != "" {
		if err := os.WriteFile(out, []byte(report.String()), 0o644); err != nil {
			b.Fatal(err)
		}
	}
	b.Log("\n" + report.String())
	if month > 100_000 {
		b.Errorf("CloudMonitor calls over 30 days %d exceed 10 %% of the free quota", month)
	}
}
