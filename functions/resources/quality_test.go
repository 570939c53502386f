package resources_test

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cloudlens/cloudlens/functions/resourcesync"
	"github.com/cloudlens/cloudlens/shared/account"
	"github.com/cloudlens/cloudlens/shared/aliyun"
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

// counts are one rule's (or the baseline's) confusion counts.
type counts struct{ tp, fp, fn int }

func (c counts) precision() float64 {
	if c.tp+c.fp == 0 {
		return 1
	}
	return float64(c.tp) / float64(c.tp+c.fp)
}

func (c counts) recall() float64 {
	if c.tp+c.fn == 0 {
		return 1
	}
	return float64(c.tp) / float64(c.tp+c.fn)
}

type key struct {
	account  int64
	resource string
}

// qualitySeeds are the simulator worlds the quality test runs over.
var qualitySeeds = []int64{1, 2, 3}

// TestFindingsMatchTheSimulatorLabels runs the whole path over several simulated worlds:
// bills loaded, resourcesync reading the simulator's inventory and CloudMonitor APIs, the
// idle rules evaluated at the end of the sync. Every labelled idle resource must be found by
// the rule its label names, no unlabelled resource flagged, no hard negative found by the
// rule it is just outside of, and every release's savings must equal, to the micro-unit,
// the resource's effective cost in the simulator's bills over the finding's basis range.
// It reports precision and recall per rule beside a simple baseline ("mean CPU below 5 %
// over 14 days" for instances and databases, "unattached" for disks and EIPs).
func TestFindingsMatchTheSimulatorLabels(t *testing.T) {
	total := map[string]*counts{}
	baseline, ours := &counts{}, &counts{}
	hardRenewal := 0
	for _, seed := range qualitySeeds {
		t.Run(fmt.Sprintf("seed %d", seed), func(t *testing.T) {
			s := storetest.SQLite(t)
			hardRenewal += quality(t, s, seed, total, baseline, ours)
		})
	}
	// The renewal rule is measured: the inventory reads auto-renewal, and its hard negatives
	// (idle subscriptions that will lapse, or renew just outside the window) are in the worlds.
	if c := total[aliyunsim.RuleRenewal]; c == nil || c.tp == 0 || hardRenewal == 0 {
		t.Errorf("renewal rule not measured: %+v, %d hard negatives", c, hardRenewal)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "\n| rule | labelled | found | false positives | precision | recall |\n|---|---:|---:|---:|---:|---:|\n")
	rules := slices.Sorted(func(yield func(string) bool) {
		for r := range total {
			if !yield(r) {
				return
			}
		}
	})
	for _, r := range rules {
		c := total[r]
		fmt.Fprintf(&b, "| %s | %d | %d | %d | %.3f | %.3f |\n", r, c.tp+c.fn, c.tp, c.fp, c.precision(), c.recall())
	}
	fmt.Fprintf(&b, "\nhard negatives of %s (idle subscriptions without auto-renewal, or renewing just outside the window): %d, none found\n",
		aliyunsim.RuleRenewal, hardRenewal)
	fmt.Fprintf(&b, "\nidle or not, instances, databases, disks and EIPs (same resources, same labels):\n")
	fmt.Fprintf(&b, "| detector | true positives | false positives | missed | precision | recall |\n|---|---:|---:|---:|---:|---:|\n")
	fmt.Fprintf(&b, "| idle rules | %d | %d | %d | %.3f | %.3f |\n", ours.tp, ours.fp, ours.fn, ours.precision(), ours.recall())
	fmt.Fprintf(&b, "| baseline | %d | %d | %d | %.3f | %.3f |\n", baseline.tp, baseline.fp, baseline.fn, baseline.precision(), baseline.recall())
	t.Log(b.String())
	if f := os.Getenv("CLOUDLENS_QUALITY_OUT"); f != "" {
		_ = os.WriteFile(f, []byte(b.String()), 0o644)
	}
}

// quality runs one world and adds its counts; it returns how many hard negatives of the
// renewal rule the world had.
func quality(t *testing.T, s *store.Store, seed int64, total map[string]*counts, baseline, ours *counts) (hardRenewal int) {
	ctx := t.Context()
	now := time.Date(2025, 12, 1, 10, 0, 0, 0, billing.Shanghai)
	const accounts, resources = 3, 120
	data := costtest.Load(t, s, costtest.Options{Seed: seed, Accounts: accounts, Resources: resources, Now: now, Days: 40})
	w := aliyunsim.NewWorld(aliyunsim.Config{Seed: seed, Accounts: accounts, Resources: resources, Now: func() time.Time { return now }})
	srv := aliyunsim.NewServer(w, aliyunsim.ServerOptions{Now: func() time.Time { return now }})
	srv.SetAPILimits(nil)
	addr, err := srv.Start()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	f := aliyun.NewFactory(aliyun.Options{Endpoint: addr, Insecure: true, QPS: 1000}, nil)
	sims := map[string]aliyunsim.Account{}
	for _, sa := range w.Accounts() {
		sims[sa.UID] = sa
	}
	byUID := map[string]int64{}
	for _, a := range data.Accounts {
		byUID[a.UID] = a.ID
	}
	runner := savings.Runner{Store: s, Log: slog.New(slog.DiscardHandler), Now: func() time.Time { return now }}
	sy := &resourcesync.Syncer{Store: s, Now: func() time.Time { return now },
		Inventory: func(a account.Account) (*aliyun.Inventory, error) {
			sa := sims[a.UID]
			return f.Inventory(sa.Site, aliyun.Credentials{AccessKeyID: sa.AccessKeyID, AccessKeySecret: sa.AccessKeySecret, Account: a.ID})
		},
		Evaluate: func(ctx context.Context, ids []int64) error {
			_, err := runner.Run(ctx, ids)
			return err
		}}
	if _, err := sy.Run(ctx, "manual", func(int64) {}); err != nil {
		t.Fatal(err)
	}

	add := func(rule string) *counts {
		if total[rule] == nil {
			total[rule] = &counts{}
		}
		return total[rule]
	}
	labels := map[key][]string{}
	for _, l := range w.InventoryLabels() {
		k := key{byUID[l.AccountUID], l.ResourceID}
		labels[k] = append(labels[k], l.Rule)
	}
	hard := map[key][]string{}
	for _, l := range w.HardNegatives() {
		k := key{byUID[l.AccountUID], l.ResourceID}
		hard[k] = append(hard[k], l.Rule)
		if l.Rule == aliyunsim.RuleRenewal {
			hardRenewal++
		}
	}
	list, err := s.ListFindings(ctx, account.AllAccounts, store.FindingFilter{}, now)
	if err != nil {
		t.Fatal(err)
	}
	found := map[key][]string{}
	basis := idle.BasisFor(cost.Yesterday(now))
	bill := map[key]money.Micros{}
	for _, li := range data.Items {
		if li.ChargeDate >= basis.Start && li.ChargeDate <= basis.End {
			bill[key{li.AccountID, li.ResourceID}] += li.EffectiveCost
		}
	}
	// Snapshots have no bill lines: their findings are worth size × the documented price of a
	// GB-month of snapshot storage of the account's site (¥0.12, USD 0.0173), as estimates.
	sizes := map[key]int{}
	for _, sa := range w.Accounts() {
		for _, x := range w.Inventory(sa.UID) {
			if x.Type == resource.Snapshot {
				sizes[key{byUID[sa.UID], x.ID}] = x.SizeGB
			}
		}
	}
	perGB := map[string]money.Micros{"CNY": 120_000, "USD": 17_300}
	snapshots := 0
	for _, fd := range list {
		k := key{fd.AccountID, fd.ResourceID}
		if fd.Type == idle.TypeSnapshot {
			snapshots++
			want := perGB[fd.Currency] * money.Micros(sizes[k])
			if !fd.Estimate || fd.Prices == nil || want == 0 || fd.MonthlySavings != want || fd.Prices.CurrentMonthly != want ||
				!strings.Contains(fd.Reason, "estimated") {
				t.Errorf("snapshot %s (%d GB, %s): savings %s estimate %v prices %+v, want %s estimated; %q",
					fd.ResourceID, sizes[k], fd.Currency, fd.MonthlySavings, fd.Estimate, fd.Prices, want, fd.Reason)
			}
		}
		found[k] = append(found[k], fd.Rule)
		if !fd.Estimate && fd.MonthlySavings != bill[k] {
			t.Errorf("%s %s: savings %d µ, bill %d µ", fd.Rule, fd.ResourceID, fd.MonthlySavings, bill[k])
		}
		if fd.Estimate && (fd.Prices == nil || fd.MonthlySavings != fd.Prices.CurrentMonthly-fd.Prices.ProposedMonthly) {
			t.Errorf("%s %s: estimate %s without its prices %+v", fd.Rule, fd.ResourceID, fd.MonthlySavings, fd.Prices)
		}
	}
	if snapshots == 0 {
		t.Error("no snapshot finding: the snapshot estimate was not exercised")
	}
	for k, rs := range labels {
		for _, r := range rs {
			if slices.Contains(found[k], r) {
				add(r).tp++
			} else {
				add(r).fn++
				t.Errorf("labelled %s on %s not found (found %v)", r, k.resource, found[k])
			}
		}
	}
	for k, rs := range found {
		for _, r := range rs {
			if !slices.Contains(labels[k], r) {
				add(r).fp++
				t.Errorf("%s flagged %s, labelled %v", r, k.resource, labels[k])
			}
		}
	}
	for k, rs := range hard {
		for _, r := range rs {
			if slices.Contains(found[k], r) {
				t.Errorf("hard negative %s found by %s", k.resource, r)
			}
		}
	}

	// The baseline, on the same resources: instances and databases whose mean CPU over the
	// 14 days to the last bill is below 5 %, disks and EIPs that are unattached.
	asOf := cost.Yesterday(now)
	for _, a := range data.Accounts {
		rs, err := s.AccountResources(ctx, a.ID, false)
		if err != nil {
			t.Fatal(err)
		}
		days, err := s.MetricDays(ctx, store.MetricFilter{AccountID: a.ID, Metrics: []resource.Metric{resource.CPU},
			From: asOf.AddDate(0, 0, -13), To: asOf})
		if err != nil {
			t.Fatal(err)
		}
		mean := map[string][]float64{}
		for _, d := range days {
			mean[d.ResourceID] = append(mean[d.ResourceID], d.Mean)
		}
		for _, r := range rs {
			var flagged bool
			switch r.Type {
			case resource.ECS, resource.RDS, resource.Redis:
				m := mean[r.ResourceID]
				if len(m) == 0 {
					continue
				}
				sum := 0.0
				for _, v := range m {
					sum += v
				}
				flagged = sum/float64(len(m)) < 5
			case resource.Disk, resource.EIP:
				flagged = r.Status == resource.StatusAvailable
			default:
				continue
			}
			k := key{a.ID, r.ResourceID}
			truth := idleOnly(labels[k])
			score(baseline, flagged, truth)
			score(ours, idleOnly(found[k]), truth)
		}
	}
	return hardRenewal
}

// idleOnly keeps the rules that say a resource does no useful work (not the estimates, which
// flag busy resources that could be bought cheaper).
func idleOnly(rules []string) bool {
	for _, id := range rules {
		if r, ok := idle.Lookup(id); ok && !r.Estimate {
			return true
		}
	}
	return false
}

func score(c *counts, flagged, truth bool) {
	switch {
	case flagged && truth:
		c.tp++
	case flagged:
		c.fp++
	case truth:
		c.fn++
	}
}
