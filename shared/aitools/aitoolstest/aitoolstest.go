// Package aitoolstest gives the AI tools' tests a world with idle findings: the resources of
// the simulated world costtest loaded bills for, stored as the accounts' inventory, with
// the metrics of idle machines, evaluated by the idle rules (shared/savings) as resourcesync
// does. The resources are the world's, so their findings carry the bills' own figures.
package aitoolstest

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

// Findings stores the inventory of every account of data (loaded by costtest with o) with a
// fortnight and more of near-zero CPU and traffic on each ECS instance and each account's
// first disk unattached, runs the idle rules at o.Now and returns how many findings they made.
func Findings(t testing.TB, s *store.Store, o costtest.Options, data costtest.Data) int {
	t.Helper()
	ctx := context.Background()
	world := aliyunsim.NewWorld(aliyunsim.Config{Seed: o.Seed, Accounts: o.Accounts, Resources: o.Resources, Now: func() time.Time { return o.Now }})
	asOf := cost.Yesterday(o.Now)
	var ids []int64
	for i, sa := range world.Accounts() {
		acc := data.Accounts[i]
		if acc.UID != sa.UID {
			t.Fatalf("aitoolstest: simulated account %d is %s, loaded %s", i, sa.UID, acc.UID)
		}
		ids = append(ids, acc.ID)
		var items []resource.Resource
		var days []resource.MetricDay
		unattached := false
		for _, r := range world.Resources(sa.UID) {
			typ, ok := simTypes[r.ProductCode]
			if !ok {
				continue
			}
			tags := map[string]string{}
			for _, tg := range r.Tags {
				tags[tg.Key] = tg.Value
			}
			it := resource.Resource{AccountID: acc.ID, ResourceID: r.ID, Type: typ, Region: r.RegionID, Zone: r.ZoneID, Name: r.Name,
				Status: r.Status, ChargeType: resource.PostPaid, Spec: r.Spec, Tags: tags, CreatedAt: r.Created, StatusSince: r.Created}
			if typ == resource.Disk && !unattached {
				it.Status, unattached = resource.StatusAvailable, true
			}
			items = append(items, it)
			if typ == resource.ECS {
				for d := range 20 {
					day := asOf.AddDate(0, 0, -d)
					days = append(days,
						resource.MetricDay{AccountID: acc.ID, ResourceID: r.ID, Metric: resource.CPU, Day: day, Max: 1.5, P95: 1, Mean: 0.5, Samples: 288},
						resource.MetricDay{AccountID: acc.ID, ResourceID: r.ID, Metric: resource.NetOut, Day: day, Max: 10, P95: 5, Mean: 2, Samples: 288})
				}
			}
		}
		if _, err := s.SyncInventory(ctx, acc.ID, resource.Types, items, o.Now.Add(-2*time.Hour)); err != nil {
			t.Fatalf("aitoolstest: inventory: %v", err)
		}
		if _, err := s.SaveMetricDays(ctx, days); err != nil {
			t.Fatalf("aitoolstest: metrics: %v", err)
		}
	}
	r := savings.Runner{Store: s, Log: slog.New(slog.DiscardHandler), Now: func() time.Time { return o.Now }}
	res, err := r.Run(ctx, ids)
	if err != nil {
		t.Fatalf("aitoolstest: idle rules: %v", err)
	}
	return res.Findings
}
