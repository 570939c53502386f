// Package savingstest gives tests a world with idle findings: the resources of a simulated
// world (the one costtest loads bills for) stored as the accounts' inventory, with the
// metrics of idle machines, and the idle rules evaluated over them as resourcesync does. The
// resources are the world's, so their findings carry the bills' own figures.
package savingstest

import (
	"context"
	"log/slog"
	"testing"
	"time"

	"github.com/cloudlens/cloudlens/shared/aliyunsim"
	"github.com/cloudlens/cloudlens/shared/cost"
	"github.com/cloudlens/cloudlens/shared/cost/costtest"
	"github.com/cloudlens/cloudlens/shared/resource"
	"github.com/cloudlens/cloudlens/shared/savings"
	"github.com/cloudlens/cloudlens/shared/store"
)

// simTypes are the simulator's product codes of the resource types the inventory keeps.
var simTypes = map[string]resource.Type{"ecs": resource.ECS, "yundisk": resource.Disk, "eip": resource.EIP, "slb": resource.SLB,
	"rds": resource.RDS, "redisa": resource.Redis, "nat_gw": resource.NAT}

// Inventory stores the resources of the first len(ids) accounts of world as the inventory of
// the accounts ids, as seen at now, with twenty days of near-zero CPU and traffic on each
// ECS instance and each account's first disk unattached: what the idle rules find.
func Inventory(t testing.TB, s *store.Store, world *aliyunsim.World, ids []int64, now time.Time) {
	t.Helper()
	ctx := context.Background()
	asOf := cost.Yesterday(now)
	for i, acc := range ids {
		var items []resource.Resource
		var days []resource.MetricDay
		unattached := false
		for _, r := range world.Resources(world.Accounts()[i].UID) {
			typ, ok := simTypes[r.ProductCode]
			if !ok {
				continue
			}
			tags := map[string]string{}
			for _, tg := range r.Tags {
				tags[tg.Key] = tg.Value
			}
			it := resource.Resource{AccountID: acc, ResourceID: r.ID, Type: typ, Region: r.RegionID, Zone: r.ZoneID, Name: r.Name,
				Status: r.Status, ChargeType: resource.PostPaid, Spec: r.Spec, Tags: tags, CreatedAt: r.Created, StatusSince: r.Created}
			if typ == resource.Disk && !unattached {
				it.Status, unattached = resource.StatusAvailable, true
			}
			items = append(items, it)
			if typ == resource.ECS {
				for d := range 20 {
					day := asOf.AddDate(0, 0, -d)
					days = append(days,
						resource.MetricDay{AccountID: acc, ResourceID: r.ID, Metric: resource.CPU, Day: day, Max: 1.5, P95: 1, Mean: 0.5, Samples: 288},
						resource.MetricDay{AccountID: acc, ResourceID: r.ID, Metric: resource.NetOut, Day: day, Max: 10, P95: 5, Mean: 2, Samples: 288})
				}
			}
		}
		if _, err := s.SyncInventory(ctx, acc, resource.Types, items, now.Add(-2*time.Hour)); err != nil {
			t.Fatalf("savingstest: inventory: %v", err)
		}
		if _, err := s.SaveMetricDays(ctx, days); err != nil {
			t.Fatalf("savingstest: metrics: %v", err)
		}
	}
}

// Evaluate runs the idle rules for the accounts ids at now, as resourcesync does after a sync.
func Evaluate(t testing.TB, s *store.Store, log *slog.Logger, ids []int64, now time.Time) savings.Result {
	t.Helper()
	r := savings.Runner{Store: s, Log: log, Now: func() time.Time { return now }}
	res, err := r.Run(context.Background(), ids)
	if err != nil {
		t.Fatalf("savingstest: idle rules: %v", err)
	}
	return res
}

// Findings stores the inventory of every account costtest loaded with o (data) and evaluates
// the idle rules at o.Now; it returns how many findings they made.
func Findings(t testing.TB, s *store.Store, o costtest.Options, data costtest.Data) int {
	t.Helper()
	world := aliyunsim.NewWorld(aliyunsim.Config{Seed: o.Seed, Accounts: o.Accounts, Resources: o.Resources, Now: func() time.Time { return o.Now }})
	var ids []int64
	for i, sa := range world.Accounts() {
		if data.Accounts[i].UID != sa.UID {
			t.Fatalf("savingstest: simulated account %d is %s, loaded %s", i, sa.UID, data.Accounts[i].UID)
		}
		ids = append(ids, data.Accounts[i].ID)
	}
	Inventory(t, s, world, ids, o.Now)
	return Evaluate(t, s, slog.New(slog.DiscardHandler), ids, o.Now).Findings
}
