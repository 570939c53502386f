package savings_test

import (
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/cloudlens/cloudlens/shared/account"
	"github.com/cloudlens/cloudlens/shared/alert"
	"github.com/cloudlens/cloudlens/shared/aliyunsim"
	"github.com/cloudlens/cloudlens/shared/billing"
	"github.com/cloudlens/cloudlens/shared/cost"
	"github.com/cloudlens/cloudlens/shared/cost/costtest"
	"github.com/cloudlens/cloudlens/shared/idle"
	"github.com/cloudlens/cloudlens/shared/money"
	"github.com/cloudlens/cloudlens/shared/resource"
	"github.com/cloudlens/cloudlens/shared/savings"
	"github.com/cloudlens/cloudlens/shared/store"
	"github.com/cloudlens/cloudlens/shared/store/storetest"
)

var now = time.Date(2025, 12, 1, 10, 0, 0, 0, billing.Shanghai)

// inventory stores the unattached disks and unbound EIPs the simulator labels idle, and one
// in-use disk, for the account at index i of data; it returns the labelled ids.
func inventory(t *testing.T, s *store.Store, w *aliyunsim.World, data costtest.Data, i int, tags map[string]string) (idleIDs []string, busy string) {
	t.Helper()
	acc := data.Accounts[i]
	var items []resource.Resource
	for _, r := range w.Resources(w.Accounts()[i].UID) {
		var typ resource.Type
		switch r.ProductCode {
		case "yundisk":
			typ = resource.Disk
		case "eip":
			typ = resource.EIP
		default:
			continue
		}
		if r.Idle == "" && busy != "" {
			continue
		}
		it := resource.Resource{AccountID: acc.ID, ResourceID: r.ID, Type: typ, Region: r.RegionID, Name: r.Name, Status: r.Status,
			ChargeType: resource.PostPaid, Tags: tags, CreatedAt: r.Created, StatusSince: r.Created}
		if r.Idle == "" {
			busy = r.ID
			it.AttachedTo = "i-elsewhere"
		} else {
			idleIDs = append(idleIDs, r.ID)
		}
		items = append(items, it)
	}
	if _, err := s.SyncInventory(t.Context(), acc.ID, []resource.Type{resource.Disk, resource.EIP}, items, now.Add(-time.Hour)); err != nil {
		t.Fatal(err)
	}
	return idleIDs, busy
}

// TestSavingsEqualTheBill checks that a release's savings are the resource's own effective
// cost over the basis window to the micro-unit, summed independently from the simulator's
// line items, and that the costs API's store query agrees.
func TestSavingsEqualTheBill(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		const seed = 1
		data := costtest.Load(t, s, costtest.Options{Seed: seed, Accounts: 2, Resources: 60, Now: now, Days: 45})
		w := aliyunsim.NewWorld(aliyunsim.Config{Seed: seed, Accounts: 2, Resources: 60, Now: func() time.Time { return now }})
		var labelled []string
		var busy []string
		for i := range data.Accounts {
			ids, b := inventory(t, s, w, data, i, map[string]string{"env": "prod"})
			labelled, busy = append(labelled, ids...), append(busy, b)
		}
		if len(labelled) < 3 {
			t.Fatalf("only %d labelled idle disks and EIPs; pick another seed", len(labelled))
		}
		r := savings.Runner{Store: s, Log: slog.New(slog.DiscardHandler), Now: func() time.Time { return now }}
		res, err := r.Run(ctx, []int64{data.Accounts[0].ID, data.Accounts[1].ID})
		if err != nil {
			t.Fatal(err)
		}
		if res.Findings != len(labelled) || res.New != len(labelled) {
			t.Errorf("result %+v, want %d findings", res, len(labelled))
		}
		list, err := s.ListFindings(ctx, account.AllAccounts, store.FindingFilter{}, now)
		if err != nil {
			t.Fatal(err)
		}
		basis := idle.BasisFor(cost.Yesterday(now))
		found := map[string]bool{}
		for _, f := range list {
			found[f.ResourceID] = true
			want := costtest.Data{Items: data.Items}.Sum(func(li *billing.LineItem) bool {
				return li.ResourceID == f.ResourceID && li.AccountID == f.AccountID && li.ChargeDate >= basis.Start && li.ChargeDate <= basis.End
			}, func(li *billing.LineItem) money.Micros { return li.EffectiveCost })
			if f.MonthlySavings != want[f.Currency] || len(want) != 1 || f.MonthlySavings <= 0 {
				t.Errorf("%s %s: savings %d µ%s, bill says %v", f.Rule, f.ResourceID, f.MonthlySavings, f.Currency, want)
			}
			if f.Basis != basis || f.Estimate {
				t.Errorf("%s: basis %+v estimate %v", f.ResourceID, f.Basis, f.Estimate)
			}
			// The figure the costs API would show for the same range and metric.
			rows, err := s.ResourceSeries(ctx, account.AllAccounts, f.ResourceID, cost.Query{Start: basis.Start, End: basis.End,
				Granularity: cost.Day, Metric: cost.Effective})
			if err != nil {
				t.Fatal(err)
			}
			var api money.Micros
			for _, row := range rows {
				api += row.Cost
			}
			if api != f.MonthlySavings {
				t.Errorf("%s: costs API %d, finding %d", f.ResourceID, api, f.MonthlySavings)
			}
			wantRule := map[bool]string{true: "disk_unattached", false: "eip_unbound"}[strings.HasPrefix(f.ResourceID, "d-")]
			if f.Rule != wantRule {
				t.Errorf("%s found by %s, want %s", f.ResourceID, f.Rule, wantRule)
			}
		}
		for _, id := range labelled {
			if !found[id] {
				t.Errorf("labelled idle %s not found", id)
			}
		}
		for _, id := range busy {
			if found[id] {
				t.Errorf("busy %s flagged", id)
			}
		}

		// A second run finds the same, raises nothing new; the digest of the first run exists
		// once.
		res, err = r.Run(ctx, []int64{data.Accounts[0].ID, data.Accounts[1].ID})
		if err != nil || res.New != 0 || len(res.Raised) != 0 {
			t.Errorf("second run %+v %v", res, err)
		}
		alerts, err := s.ListAlerts(ctx, store.AlertFilter{})
		if err != nil {
			t.Fatal(err)
		}
		if len(alerts) != 1 || alerts[0].Kind != alert.KindIdle || !strings.Contains(alerts[0].Title, "new savings findings") {
			t.Errorf("alerts %+v", alerts)
		}
	})
}

func TestExemptTagAndOverrides(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		data := costtest.Load(t, s, costtest.Options{Seed: 3, Accounts: 2, Resources: 60, Now: now, Days: 31})
		w := aliyunsim.NewWorld(aliyunsim.Config{Seed: 3, Accounts: 2, Resources: 60, Now: func() time.Time { return now }})
		ids := []int64{data.Accounts[0].ID, data.Accounts[1].ID}
		for i := range ids {
			inventory(t, s, w, data, i, map[string]string{idle.ExemptTag: "disk_unattached"})
		}
		r := savings.Runner{Store: s, Log: slog.New(slog.DiscardHandler), Now: func() time.Time { return now }}
		if _, err := r.Run(ctx, ids); err != nil {
			t.Fatal(err)
		}
		list, _ := s.ListFindings(ctx, account.AllAccounts, store.FindingFilter{}, now)
		if len(list) == 0 {
			t.Fatal("no findings")
		}
		for _, f := range list {
			if f.Rule != "eip_unbound" {
				t.Errorf("exempt disk flagged: %s %s", f.Rule, f.ResourceID)
			}
		}
		// The organisation turns eip_unbound off: the next run resolves them.
		off := false
		if err := s.SaveIdleOverride(ctx, idle.Override{Rule: "eip_unbound", Enabled: &off}, 1, now); err != nil {
			t.Fatal(err)
		}
		if _, err := r.Run(ctx, ids); err != nil {
			t.Fatal(err)
		}
		if list, _ := s.ListFindings(ctx, account.AllAccounts, store.FindingFilter{}, now); len(list) != 0 {
			t.Errorf("after turning the rule off: %d open", len(list))
		}
	})
}
