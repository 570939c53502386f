package aliyun_test

import (
	"context"
	"maps"
	"slices"
	"testing"
	"time"

	"github.com/cloudlens/cloudlens/shared/aliyun"
	"github.com/cloudlens/cloudlens/shared/aliyunsim"
	"github.com/cloudlens/cloudlens/shared/billing"
	"github.com/cloudlens/cloudlens/shared/resource"
)

// simInventory starts a simulator for w with the given API limits and returns a factory
// pointed at it.
func simInventory(t *testing.T, w *aliyunsim.World, limits map[string]float64) (*aliyunsim.Server, *aliyun.Factory) {
	t.Helper()
	srv := aliyunsim.NewServer(w, aliyunsim.ServerOptions{})
	srv.SetAPILimits(limits)
	addr, err := srv.Start()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	f := aliyun.NewFactory(aliyun.Options{Endpoint: addr, Insecure: true, MaxRetries: 12,
		Backoff: func(int) time.Duration { return 40 * time.Millisecond }}, nil)
	return srv, f
}

// readAll reads every region and type of an account the way resourcesync does.
func readAll(ctx context.Context, inv *aliyun.Inventory, accountID int64) ([]resource.Resource, []string, error) {
	regions, err := inv.Regions(ctx)
	if err != nil {
		return nil, nil, err
	}
	var out []resource.Resource
	for _, region := range regions {
		start := len(out)
		for _, list := range []func(context.Context, int64, string) ([]resource.Resource, error){
			inv.ECSInstances, inv.Disks, inv.Snapshots, inv.EIPs, inv.NATGateways, inv.LoadBalancers, inv.DBInstances, inv.RedisInstances,
		} {
			rs, err := list(ctx, accountID, region)
			if err != nil {
				return nil, nil, err
			}
			out = append(out, rs...)
		}
		if err := inv.AutoRenew(ctx, region, out[start:]); err != nil {
			return nil, nil, err
		}
	}
	return out, regions, nil
}

func TestInventoryReadsEveryPageAndRegion(t *testing.T) {
	for _, seed := range []int64{1, 2, 3} {
		t.Run("seed "+string(rune('0'+seed)), func(t *testing.T) {
			now := time.Date(2025, 6, 15, 10, 0, 0, 0, billing.Shanghai)
			w := aliyunsim.NewWorld(aliyunsim.Config{Seed: seed, Accounts: 3, Resources: 160, ReleasedPct: 8, Now: func() time.Time { return now }})
			// Tight server limits: the client paces faster than the server allows, so some
			// calls are throttled and must be retried.
			limits := map[string]float64{}
			for api := range aliyunsim.DefaultAPILimits {
				limits[api] = 4
			}
			srv, f := simInventory(t, w, limits)
			ctx := t.Context()
			released, renewing := 0, 0
			for i, acct := range w.Accounts() {
				inv, err := f.Inventory(acct.Site, aliyun.Credentials{AccessKeyID: acct.AccessKeyID, AccessKeySecret: acct.AccessKeySecret})
				if err != nil {
					t.Fatal(err)
				}
				inv.PageSize = 3
				// And a throttling answer the limits alone might not give.
				srv.FailNext(acct.UID, 2, "Throttling.User", 400)
				got, regions, err := readAll(ctx, inv, int64(i+1))
				if err != nil {
					t.Fatal(err)
				}
				if len(regions) != 10 {
					t.Fatalf("DescribeRegions gave %d regions, want 10", len(regions))
				}
				byID := map[string]resource.Resource{}
				for _, r := range got {
					if _, dup := byID[r.ResourceID]; dup {
						t.Fatalf("%s read twice", r.ResourceID)
					}
					byID[r.ResourceID] = r
				}
				want := 0
				for _, x := range w.Inventory(acct.UID) {
					r, ok := byID[x.ID]
					if !x.Released.IsZero() {
						released++
						if ok {
							t.Errorf("%s was released upstream on %s but is still listed", x.ID, x.Released.Format(time.DateOnly))
						}
						continue
					}
					want++
					if !ok {
						t.Errorf("%s %s in %s not read", x.Type, x.ID, x.Region)
						continue
					}
					tags := map[string]string{}
					for _, tg := range x.Tags {
						tags[tg.Key] = tg.Value
					}
					if r.Type != x.Type || r.Region != x.Region || r.ChargeType != x.ChargeType || !maps.Equal(r.Tags, tags) ||
						!r.CreatedAt.Truncate(time.Minute).Equal(x.Created.Truncate(time.Minute)) {
						t.Errorf("%s read as %+v, want %+v", x.ID, r, x)
					}
					if r.AutoRenew != x.AutoRenew {
						t.Errorf("%s %s (%s): auto-renew %v, want %v", x.Type, x.ID, x.ChargeType, r.AutoRenew, x.AutoRenew)
					}
					if x.AutoRenew {
						renewing++
					}
					if r.AttachedTo != x.AttachedTo && r.Type != resource.Snapshot {
						t.Errorf("%s attached to %q, want %q", x.ID, r.AttachedTo, x.AttachedTo)
					}
					if r.Type == resource.Snapshot && r.SourceID != x.SourceDisk {
						t.Errorf("snapshot %s of %q, want %q", x.ID, r.SourceID, x.SourceDisk)
					}
					if r.Type == resource.SLB && len(r.Backends) != x.Backends {
						t.Errorf("SLB %s has %d backends, want %d", x.ID, len(r.Backends), x.Backends)
					}
					if r.Type == resource.NAT && r.SNATEntries+r.DNATEntries != x.Entries {
						t.Errorf("NAT %s has %d entries, want %d", x.ID, r.SNATEntries+r.DNATEntries, x.Entries)
					}
				}
				if len(got) != want {
					t.Errorf("account %s: read %d resources, want %d", acct.UID, len(got), want)
				}
				calls, _ := inv.Calls()
				// Pages of 3: the busiest region needs several pages of instances.
				if calls["ecs.DescribeInstances"] <= len(regions) {
					t.Errorf("DescribeInstances took %d calls over %d regions: pages were not followed", calls["ecs.DescribeInstances"], len(regions))
				}
			}
			if renewing == 0 {
				t.Error("no subscription renews itself; the auto-renewal read proves nothing")
			}
			if released == 0 {
				t.Error("the world released nothing upstream; the test proves nothing about releases")
			}
			if st := srv.Stats(); st.Throttled == 0 {
				t.Error("no call was throttled; the retry path was not exercised")
			}
		})
	}
}

func TestInventoryMetricsSummariseLabelledProfiles(t *testing.T) {
	now := time.Date(2025, 6, 15, 10, 0, 0, 0, billing.Shanghai)
	w := aliyunsim.NewWorld(aliyunsim.Config{Seed: 7, Accounts: 1, Resources: 400, Now: func() time.Time { return now }})
	_, f := simInventory(t, w, nil)
	acct := w.Accounts()[0]
	inv, err := f.Inventory(acct.Site, aliyun.Credentials{AccessKeyID: acct.AccessKeyID, AccessKeySecret: acct.AccessKeySecret})
	if err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()
	var ids []string
	created := map[string]time.Time{}
	for _, x := range w.Inventory(acct.UID) {
		if x.Type == resource.ECS && x.Status == "Running" {
			ids = append(ids, x.ID)
			created[x.ID] = x.Created
		}
	}
	to := time.Date(2025, 6, 14, 0, 0, 0, 0, billing.Shanghai)
	from := to.AddDate(0, 0, -13)
	sum, err := inv.Metrics(ctx, 1, resource.ECS, ids, from, to)
	if err != nil {
		t.Fatal(err)
	}
	calls, _ := inv.Calls()
	if n := calls["cms.DescribeMetricList"]; n == 0 || n > 3*(len(ids)/aliyun.MetricBatch+1)*(14*24*aliyun.MetricBatch/1440+1) {
		t.Errorf("%d CloudMonitor calls for %d instances over 14 days: not batched", n, len(ids))
	}
	maxCPU := map[string]float64{}
	days := map[string]int{}
	for _, d := range sum.Days {
		if d.Metric == resource.CPU {
			maxCPU[d.ResourceID] = max(maxCPU[d.ResourceID], d.Max)
			days[d.ResourceID]++
			if !created[d.ResourceID].After(d.Day) && d.Samples != 24 {
				t.Errorf("%s %s: %d samples, want 24", d.ResourceID, d.Day.Format(time.DateOnly), d.Samples)
			}
			if d.P95 > d.Max || d.Mean > d.P95 {
				t.Errorf("%s %s: max %.2f p95 %.2f mean %.2f out of order", d.ResourceID, d.Day.Format(time.DateOnly), d.Max, d.P95, d.Mean)
			}
		}
	}
	idle := map[string]bool{}
	for _, l := range w.InventoryLabels() {
		if l.Rule == aliyunsim.RuleECSIdle {
			idle[l.ResourceID] = true
		}
	}
	if len(idle) == 0 {
		t.Fatal("no idle ECS labelled")
	}
	for id := range idle {
		if days[id] != 14 || maxCPU[id] >= 5 {
			t.Errorf("idle %s: %d days, max CPU %.2f", id, days[id], maxCPU[id])
		}
	}
	busy := 0
	for _, id := range ids {
		if maxCPU[id] >= 50 {
			busy++
		}
	}
	if busy == 0 || !slices.ContainsFunc(sum.Days, func(d resource.MetricDay) bool { return d.Metric == resource.NetOut }) {
		t.Errorf("no busy instance or no traffic summaries (%d busy)", busy)
	}
}
