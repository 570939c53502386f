package store_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/cloudlens/cloudlens/shared/account"
	"github.com/cloudlens/cloudlens/shared/billing"
	"github.com/cloudlens/cloudlens/shared/errs"
	"github.com/cloudlens/cloudlens/shared/resource"
	"github.com/cloudlens/cloudlens/shared/store"
	"github.com/cloudlens/cloudlens/shared/store/storetest"
)

func testResource(acct int64, rid string, typ resource.Type, region string, tags map[string]string) resource.Resource {
	return resource.Resource{AccountID: acct, ResourceID: rid, Type: typ, Region: region, Name: "n-" + rid,
		Status: resource.StatusRunning, ChargeType: resource.PostPaid, Tags: tags,
		CreatedAt: time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)}
}

func TestSyncInventoryAddsUpdatesReleases(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		day1 := time.Date(2025, 3, 1, 2, 0, 0, 0, time.UTC)
		items := []resource.Resource{
			testResource(1, "i-1", resource.ECS, "cn-hangzhou", map[string]string{"env": "prod"}),
			testResource(1, "d-1", resource.Disk, "cn-hangzhou", nil),
			testResource(1, "eip-1", resource.EIP, "cn-beijing", map[string]string{"env": "dev", "team": "web"}),
		}
		items[1].AttachedTo, items[1].AttachedType, items[1].SizeGB = "i-1", resource.ECS, 100
		items[2].Attrs = map[string]any{"isp": "BGP"}
		ch, err := s.SyncInventory(ctx, 1, resource.Types, items, day1)
		if err != nil {
			t.Fatal(err)
		}
		if ch != (store.InventoryChange{Added: 3}) {
			t.Fatalf("first sync = %+v", ch)
		}
		// The same read again changes nothing.
		ch, err = s.SyncInventory(ctx, 1, resource.Types, items, day1.Add(time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		if ch != (store.InventoryChange{Unchanged: 3}) {
			t.Fatalf("repeat sync = %+v", ch)
		}
		// Day 2: the disk is detached, the ECS stopped, the EIP gone, a new snapshot.
		day2 := day1.Add(24 * time.Hour)
		next := []resource.Resource{items[0], items[1], testResource(1, "s-1", resource.Snapshot, "cn-hangzhou", nil)}
		next[0].Status = resource.StatusStopped
		next[1].AttachedTo, next[1].AttachedType, next[1].Status = "", "", resource.StatusAvailable
		next[2].SourceID = "d-1"
		ch, err = s.SyncInventory(ctx, 1, resource.Types, next, day2)
		if err != nil {
			t.Fatal(err)
		}
		if ch != (store.InventoryChange{Added: 1, Updated: 2, Released: 1}) {
			t.Fatalf("day 2 sync = %+v", ch)
		}
		eip, err := s.ResourceByProviderID(ctx, account.AllAccounts, 1, "eip-1")
		if err != nil {
			t.Fatal(err)
		}
		if eip.ReleasedAt == nil || !eip.ReleasedAt.Equal(day2) || eip.Status != resource.StatusReleased {
			t.Fatalf("eip after it vanished: released %v status %q", eip.ReleasedAt, eip.Status)
		}
		if eip.Attrs["isp"] != "BGP" || eip.Tags["team"] != "web" {
			t.Fatalf("eip lost its attrs or tags: %+v", eip)
		}
		ecs, err := s.ResourceByProviderID(ctx, account.AllAccounts, 1, "i-1")
		if err != nil {
			t.Fatal(err)
		}
		if ecs.Status != resource.StatusStopped || !ecs.StatusSince.Equal(day2) || !ecs.FirstSeenAt.Equal(day1) || !ecs.LastSeenAt.Equal(day2) {
			t.Fatalf("ecs after stop: %+v", ecs)
		}
		// A partial read of one type releases only within that type.
		ch, err = s.SyncInventory(ctx, 1, []resource.Type{resource.Snapshot}, nil, day2.Add(time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		if ch != (store.InventoryChange{Released: 1}) {
			t.Fatalf("snapshot-only sync = %+v", ch)
		}
		// The EIP reappears: its release is lifted.
		ch, err = s.SyncInventory(ctx, 1, []resource.Type{resource.EIP}, items[2:], day2.Add(2*time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		if ch != (store.InventoryChange{Updated: 1}) {
			t.Fatalf("eip back = %+v", ch)
		}
		eip, _ = s.ResourceByProviderID(ctx, account.AllAccounts, 1, "eip-1")
		if eip.ReleasedAt != nil || eip.Status != resource.StatusRunning {
			t.Fatalf("eip back: %+v", eip)
		}
		if _, err := s.SyncInventory(ctx, 2, resource.Types, items, day2); err == nil {
			t.Fatal("resources of another account were accepted")
		}
	})
}

func TestListResourcesFiltersPagesAndScope(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		at := time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC)
		for acct := int64(1); acct <= 2; acct++ {
			var items []resource.Resource
			for i := range 30 {
				typ := resource.Types[i%len(resource.Types)]
				region := []string{"cn-hangzhou", "cn-beijing", "cn-shanghai"}[i%3]
				tags := map[string]string{"env": []string{"prod", "dev"}[i%2]}
				items = append(items, testResource(acct, fmt.Sprintf("%s-%d-%02d", typ, acct, i), typ, region, tags))
			}
			items[5].Name = "Checkout-Web"
			if _, err := s.SyncInventory(ctx, acct, resource.Types, items, at); err != nil {
				t.Fatal(err)
			}
		}
		count := func(scope account.Scope, f store.ResourceFilter) int {
			t.Helper()
			n := 0
			for pages := 0; ; pages++ {
				if pages > 100 {
					t.Fatal("paging does not end")
				}
				page, next, err := s.ListResources(ctx, scope, f)
				if err != nil {
					t.Fatal(err)
				}
				for i := 1; i < len(page); i++ {
					if page[i].ID >= page[i-1].ID {
						t.Fatal("page not in row order, newest first")
					}
				}
				n += len(page)
				if next == 0 {
					return n
				}
				f.Cursor = next
			}
		}
		tests := []struct {
			name  string
			scope account.Scope
			f     store.ResourceFilter
			want  int
		}{
			{"everything in pages of 7", account.AllAccounts, store.ResourceFilter{Limit: 7}, 60},
			{"one account", account.AllAccounts, store.ResourceFilter{AccountID: 2}, 30},
			{"viewer granted account 1", account.Scope{IDs: []int64{1}}, store.ResourceFilter{Limit: 4}, 30},
			{"viewer asks for an ungranted account", account.Scope{IDs: []int64{1}}, store.ResourceFilter{AccountID: 2}, 0},
			{"viewer with no accounts", account.Scope{IDs: []int64{}}, store.ResourceFilter{}, 0},
			{"type", account.AllAccounts, store.ResourceFilter{Type: resource.Disk}, 8},
			{"region", account.AllAccounts, store.ResourceFilter{Region: "cn-beijing", AccountID: 1}, 10},
			{"status", account.AllAccounts, store.ResourceFilter{Status: resource.StatusRunning}, 60},
			{"tag key and value", account.AllAccounts, store.ResourceFilter{TagKey: "env", TagValue: "prod", AccountID: 1}, 15},
			{"tag key", account.AllAccounts, store.ResourceFilter{TagKey: "env"}, 60},
			{"unknown tag", account.AllAccounts, store.ResourceFilter{TagKey: "owner"}, 0},
			{"q on the name, any case", account.AllAccounts, store.ResourceFilter{Q: "checkout"}, 2},
			{"q on the id", account.AllAccounts, store.ResourceFilter{Q: "ecs-2-"}, 4},
			{"q with LIKE characters", account.AllAccounts, store.ResourceFilter{Q: "%"}, 0},
			{"q on a later word of the name", account.AllAccounts, store.ResourceFilter{Q: "WEB"}, 2},
			{"q inside a word finds nothing", account.AllAccounts, store.ResourceFilter{Q: "heckout"}, 0},
			{"q on a word of the id", account.AllAccounts, store.ResourceFilter{Q: "2-0"}, 10},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				if got := count(tt.scope, tt.f); got != tt.want {
					t.Fatalf("got %d resources, want %d", got, tt.want)
				}
			})
		}
		// A common word (more than 2,000 resources carry it) is searched another way: same answer.
		var bulk []resource.Resource
		for i := range 2100 {
			bulk = append(bulk, testResource(3, fmt.Sprintf("d-bulk%04d", i), resource.Disk, "cn-shenzhen", nil))
		}
		if _, err := s.SyncInventory(ctx, 3, resource.Types, bulk, at); err != nil {
			t.Fatal(err)
		}
		if got := count(account.AllAccounts, store.ResourceFilter{Q: "d-bulk", Limit: 1000}); got != 2100 {
			t.Errorf("common word: %d resources, want 2100", got)
		}
		if got := count(account.AllAccounts, store.ResourceFilter{Q: "bulk00", Limit: 30}); got != 100 {
			t.Errorf("rare word: %d resources, want 100", got)
		}
		if got := count(account.Scope{IDs: []int64{1, 2}}, store.ResourceFilter{Q: "d-bulk"}); got != 0 {
			t.Errorf("common word outside the viewer's accounts: %d resources", got)
		}
		r, err := s.ResourceByProviderID(ctx, account.AllAccounts, 2, "ecs-2-00")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.GetResource(ctx, account.Scope{IDs: []int64{1}}, r.ID); !errs.Is(err, errs.KindNotFound) {
			t.Fatalf("viewer read another account's resource: %v", err)
		}
		if got, err := s.GetResource(ctx, account.Scope{IDs: []int64{2}}, r.ID); err != nil || got.ResourceID != "ecs-2-00" {
			t.Fatalf("GetResource = %+v, %v", got, err)
		}
	})
}

func TestMetricDaysPricesAndSyncRuns(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		d1 := time.Date(2025, 3, 1, 0, 0, 0, 0, billing.Shanghai)
		days := []resource.MetricDay{
			{AccountID: 1, ResourceID: "i-1", Metric: resource.CPU, Day: d1, Max: 80, P95: 60, Mean: 30.5, Samples: 1440},
			{AccountID: 1, ResourceID: "i-1", Metric: resource.CPU, Day: d1.AddDate(0, 0, 1), Max: 2, P95: 1, Mean: 0.5, Samples: 1440},
			{AccountID: 1, ResourceID: "i-1", Metric: resource.NetOut, Day: d1, Max: 1e6, P95: 5e5, Mean: 1e5, Samples: 1440},
			{AccountID: 2, ResourceID: "i-9", Metric: resource.CPU, Day: d1, Max: 1, P95: 1, Mean: 1, Samples: 10},
		}
		if _, err := s.SaveMetricDays(ctx, days); err != nil {
			t.Fatal(err)
		}
		days[1].Max = 3 // a later sync rewrites the day
		if _, err := s.SaveMetricDays(ctx, days[1:2]); err != nil {
			t.Fatal(err)
		}
		got, err := s.MetricDays(ctx, store.MetricFilter{AccountID: 1, Metrics: []resource.Metric{resource.CPU}, From: d1})
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 2 || got[1].Max != 3 || !got[0].Day.Equal(d1) || got[0].Mean != 30.5 || got[0].Samples != 1440 {
			t.Fatalf("MetricDays = %+v", got)
		}
		got, _ = s.MetricDays(ctx, store.MetricFilter{AccountID: 1, ResourceIDs: []string{"i-1"}, To: d1})
		if len(got) != 2 {
			t.Fatalf("MetricDays up to day 1 = %+v", got)
		}
		if _, err := s.SaveMetricDays(ctx, []resource.MetricDay{{AccountID: 1, ResourceID: "x", Metric: "nope", Day: d1}}); !errs.Is(err, errs.KindInvalid) {
			t.Fatalf("unknown metric: %v", err)
		}

		at := time.Date(2025, 3, 2, 0, 0, 0, 0, time.UTC)
		prices := []resource.Price{{AccountID: 1, Type: resource.ECS, Region: "cn-hangzhou", Spec: "ecs.g7.large", ChargeType: resource.PostPaid,
			Unit: resource.PerHour, Original: 520_000, Discount: 20_000, Trade: 500_000, Currency: "CNY", FetchedAt: at}}
		if err := s.SavePrices(ctx, prices); err != nil {
			t.Fatal(err)
		}
		prices[0].Trade = 490_000
		if err := s.SavePrices(ctx, prices); err != nil {
			t.Fatal(err)
		}
		ps, err := s.Prices(ctx, 1)
		if err != nil || len(ps) != 1 || ps[0] != prices[0] {
			t.Fatalf("Prices = %+v, %v", ps, err)
		}

		run := resource.SyncRun{AccountID: 1, Trigger: "manual", StartedAt: at}
		if err := s.CreateResourceSyncRun(ctx, &run); err != nil {
			t.Fatal(err)
		}
		fin := at.Add(3 * time.Second)
		run.Status, run.FinishedAt, run.Duration, run.Error = resource.SyncFailed, &fin, 3*time.Second, "cn-beijing: Throttling.User"
		run.Calls = map[string]int{"ecs.DescribeInstances": 4, "cms.DescribeMetricList": 2}
		run.Throttled = 1
		if err := s.UpdateResourceSyncRun(ctx, run); err != nil {
			t.Fatal(err)
		}
		runs, err := s.ResourceSyncRuns(ctx, 1, 5)
		if err != nil || len(runs) != 1 {
			t.Fatalf("ResourceSyncRuns = %+v, %v", runs, err)
		}
		r := runs[0]
		if r.Status != resource.SyncFailed || r.TotalCalls() != 6 || r.Duration != 3*time.Second || r.Error != run.Error || !r.FinishedAt.Equal(fin) {
			t.Fatalf("run = %+v", r)
		}
	})
}
