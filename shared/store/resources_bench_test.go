package store_test

import (
	"fmt"
	"os"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/cloudlens/cloudlens/shared/account"
	"github.com/cloudlens/cloudlens/shared/resource"
	"github.com/cloudlens/cloudlens/shared/store"
	"github.com/cloudlens/cloudlens/shared/store/storetest"
)

// BenchmarkListResources100K: 100,000 resources (10 accounts × 10,000, eight types, ten
// regions, tags on most), then each list the resources page asks for, 60 times: reported
// p50 and p95 of a page of 50 (budget p95 ≤ 100 ms). SQLite always, MySQL when configured.
//
//	go test -run '^$' -bench BenchmarkListResources100K -benchtime 1x ./shared/store/
func BenchmarkListResources100K(b *testing.B) {
	regions := []string{"cn-hangzhou", "cn-shanghai", "cn-beijing", "cn-shenzhen", "cn-zhangjiakou", "ap-southeast-1",
		"us-west-1", "eu-central-1", "cn-hongkong", "ap-northeast-1"}
	statuses := []string{resource.StatusRunning, resource.StatusRunning, resource.StatusRunning, resource.StatusInUse,
		resource.StatusAvailable, resource.StatusStopped}
	var report strings.Builder
	for _, s := range storetest.Stores(b) {
		b.Run(string(s.Dialect()), func(b *testing.B) {
			ctx := b.Context()
			at := time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)
			load := time.Now()
			for acct := int64(1); acct <= 10; acct++ {
				items := make([]resource.Resource, 10_000)
				for i := range items {
					h := uint64(acct)*1_000_003 + uint64(i)*7_919
					typ := resource.Types[h%8]
					r := resource.Resource{AccountID: acct, ResourceID: fmt.Sprintf("%s-%02d-%06d", typ, acct, i), Type: typ,
						Region: regions[h/8%10], Name: fmt.Sprintf("%s-%s-%d", []string{"prod", "dev", "staging"}[h%3],
							[]string{"web", "shop", "search", "crm", "data"}[h/3%5], i),
						Status: statuses[h/7%6], ChargeType: resource.PostPaid, CreatedAt: at.AddDate(0, 0, -int(h%400)),
						Tags: map[string]string{"env": []string{"prod", "dev", "staging"}[h%3], "team": fmt.Sprint("t", h%17)}}
					if i%7 == 0 {
						r.Tags = nil
					}
					items[i] = r
				}
				if _, err := s.SyncInventory(ctx, acct, resource.Types, items, at); err != nil {
					b.Fatal(err)
				}
			}
			fmt.Fprintf(&report, "%s: loaded 100,000 resources in %s\n", s.Dialect(), time.Since(load).Round(time.Millisecond))
			viewer := account.Scope{IDs: []int64{2, 5, 9}}
			_, deep, err := s.ListResources(ctx, account.AllAccounts, store.ResourceFilter{Limit: 1000})
			if err != nil {
				b.Fatal(err)
			}
			cases := []struct {
				name  string
				scope account.Scope
				f     store.ResourceFilter
			}{
				{"first page, everything", account.AllAccounts, store.ResourceFilter{}},
				{"a later page (cursor)", account.AllAccounts, store.ResourceFilter{Cursor: deep}},
				{"type=disk", account.AllAccounts, store.ResourceFilter{Type: resource.Disk}},
				{"region=eu-central-1", account.AllAccounts, store.ResourceFilter{Region: "eu-central-1"}},
				{"status=Stopped", account.AllAccounts, store.ResourceFilter{Status: resource.StatusStopped}},
				{"tag env:prod", account.AllAccounts, store.ResourceFilter{TagKey: "env", TagValue: "prod"}},
				{"tag team:t16 + type=nat", account.AllAccounts, store.ResourceFilter{TagKey: "team", TagValue: "t16", Type: resource.NAT}},
				{"q=shop-7 (name)", account.AllAccounts, store.ResourceFilter{Q: "shop-7"}},
				{"q=nat-03-0099 (id)", account.AllAccounts, store.ResourceFilter{Q: "nat-03-0099"}},
				{"q matching nothing (whole scan)", account.AllAccounts, store.ResourceFilter{Q: "zzz-no-such"}},
				{"accountId=4 type=eip region=cn-beijing", account.AllAccounts, store.ResourceFilter{AccountID: 4, Type: resource.EIP, Region: "cn-beijing"}},
				{"viewer of 3 accounts, status=Available", viewer, store.ResourceFilter{Status: resource.StatusAvailable}},
				{"viewer of 3 accounts, q=web", viewer, store.ResourceFilter{Q: "web"}},
			}
			worst := time.Duration(0)
			for _, c := range cases {
				c.f.Limit = 50
				var ds []time.Duration
				for range 60 {
					t0 := time.Now()
					if _, _, err := s.ListResources(ctx, c.scope, c.f); err != nil {
						b.Fatal(err)
					}
					ds = append(ds, time.Since(t0))
				}
				sort.Slice(ds, func(i, j int) bool { return ds[i] < ds[j] })
				p50, p95 := ds[len(ds)/2], ds[len(ds)*95/100-1]
				worst = max(worst, p95)
				fmt.Fprintf(&report, "  %-42s p50 %7.2f ms  p95 %7.2f ms\n", c.name, ms(p50), ms(p95))
			}
			b.ReportMetric(ms(worst), "worst-p95-ms")
		})
	}
	if out := os.Getenv("CLOUDLENS_BENCH_REPORT"); out != "" {
		if err := os.WriteFile(out, []byte(report.String()), 0o644); err != nil {
			b.Fatal(err)
		}
	}
	b.Log("\n" + report.String())
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
