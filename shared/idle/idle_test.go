package idle

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/cloudlens/cloudlens/shared/billing"
	"github.com/cloudlens/cloudlens/shared/errs"
	"github.com/cloudlens/cloudlens/shared/money"
)

var (
	asOf = time.Date(2025, 11, 30, 0, 0, 0, 0, billing.Shanghai)
	now  = time.Date(2025, 12, 1, 10, 0, 0, 0, billing.Shanghai)
	long = asOf.AddDate(0, -6, 0)
)

// flat is days of one metric ending on asOf with the same summary every day.
func flat(days int, mx, p95, mean float64) []Day {
	out := make([]Day, days)
	for i := range out {
		out[i] = Day{Date: asOf.AddDate(0, 0, i-days+1).Format(time.DateOnly), Max: mx, P95: p95, Mean: mean}
	}
	return out
}

func ecs(cpuMax, cpuP95, outBytesPerSec float64) Subject {
	return Subject{AccountID: 1, ResourceID: "i-1", Type: TypeECS, Status: "Running", ChargeType: PayAsYouGo, Spec: "ecs.g7.xlarge",
		CreatedAt: long, Cost: 500_000_000, Currency: "CNY",
		Metrics: map[string][]Day{MetricCPU: flat(30, cpuMax, cpuP95, cpuP95/2), MetricNetOut: flat(30, outBytesPerSec*3, outBytesPerSec*2, outBytesPerSec)}}
}

func rules(fs []Finding) string {
	ids := make([]string, len(fs))
	for i, f := range fs {
		ids[i] = f.Rule
	}
	return strings.Join(ids, ",")
}

func TestRules(t *testing.T) {
	stoppedECS := func(days int, charging bool) *Subject {
		return &Subject{AccountID: 1, ResourceID: "i-stopped", Type: TypeECS, Status: "Stopped", StoppedCharging: !charging,
			StatusSince: asOf.AddDate(0, 0, -days), CreatedAt: long}
	}
	price := &Price{Spec: "ecs.g7.xlarge", PayAsYouGoMonthly: 600_000_000, SubscriptionMonth: 420_000_000,
		Smaller: "ecs.g7.large", SmallerPayAsYouGo: 300_000_000, SmallerMonth: 210_000_000}
	tests := []struct {
		name string
		s    Subject
		want string
	}{
		{"busy ECS", ecs(80, 60, 2e6), ""},
		{"idle ECS", ecs(1.8, 1, 2.3), "ecs_idle"},
		{"ECS just over the CPU threshold", ecs(5.0, 3, 2.3), ""},
		{"ECS idle CPU but traffic out", ecs(2, 1, 1e5), ""},
		{"young idle ECS", func() Subject { s := ecs(1, 1, 1); s.CreatedAt = asOf.AddDate(0, 0, -5); return s }(), ""},
		{"ECS with a gap in metrics", func() Subject { s := ecs(1, 1, 1); s.Metrics[MetricCPU] = s.Metrics[MetricCPU][:10]; return s }(), ""},
		{"under-used ECS with a price", func() Subject { s := ecs(30, 12, 1e5); s.Price = price; return s }(), "ecs_underused"},
		{"under-used ECS without a price", ecs(30, 12, 1e5), ""},
		{"steady pay-as-you-go", func() Subject { s := ecs(80, 60, 1e6); s.Price = price; return s }(), "payg_to_subscription"},
		{"under-used pay-as-you-go", func() Subject { s := ecs(30, 12, 1e5); s.Price = price; return s }(), "ecs_underused"},
		{"stopped and charged", *stoppedECS(10, true), "ecs_stopped_charged"},
		{"stopped in no-charge mode", *stoppedECS(10, false), ""},
		{"stopped recently", *stoppedECS(3, true), ""},
		{"unattached disk", Subject{Type: TypeDisk, Status: "Available", StatusSince: asOf.AddDate(0, 0, -9), CreatedAt: long}, "disk_unattached"},
		{"attached disk", Subject{Type: TypeDisk, Status: "In_use", CreatedAt: long}, ""},
		{"disk on long-stopped ECS", Subject{Type: TypeDisk, Status: "In_use", CreatedAt: long, Parent: stoppedECS(40, false)}, "disk_on_stopped_instance"},
		{"disk on recently stopped ECS", Subject{Type: TypeDisk, Status: "In_use", CreatedAt: long, Parent: stoppedECS(10, false)}, ""},
		{"old snapshot", Subject{Type: TypeSnapshot, Status: "accomplished", CreatedAt: asOf.AddDate(0, 0, -200)}, "snapshot_old"},
		{"orphaned snapshot", Subject{Type: TypeSnapshot, CreatedAt: asOf.AddDate(0, 0, -20), ParentID: "d-gone", ParentGone: true}, "snapshot_orphaned"},
		{"recent snapshot", Subject{Type: TypeSnapshot, CreatedAt: asOf.AddDate(0, 0, -20), ParentID: "d-1"}, ""},
		{"unbound EIP", Subject{Type: TypeEIP, Status: "Available", CreatedAt: long}, "eip_unbound"},
		{"EIP on stopped ECS", Subject{Type: TypeEIP, Status: "InUse", CreatedAt: long, Parent: stoppedECS(8, false)}, "eip_on_stopped_instance"},
		{"SLB no backends", Subject{Type: TypeSLB, Status: "active", CreatedAt: long}, "slb_no_backends"},
		{"SLB unhealthy", Subject{Type: TypeSLB, Status: "active", CreatedAt: long, Backends: 2}, "slb_no_healthy_backends"},
		{"SLB no traffic", Subject{Type: TypeSLB, Status: "active", CreatedAt: long, Backends: 2, HealthyBackends: 2,
			Metrics: map[string][]Day{MetricTraffic: flat(14, 50, 20, 10), MetricConnections: flat(14, 2, 1, 0.5)}}, "slb_no_traffic"},
		{"busy SLB", Subject{Type: TypeSLB, Status: "active", CreatedAt: long, Backends: 2, HealthyBackends: 2,
			Metrics: map[string][]Day{MetricTraffic: flat(14, 5e6, 2e6, 1e6), MetricConnections: flat(14, 200, 100, 50)}}, ""},
		{"NAT no entries", Subject{Type: TypeNAT, CreatedAt: long}, "nat_no_entries"},
		{"NAT no traffic", Subject{Type: TypeNAT, CreatedAt: long, Entries: 3, Metrics: map[string][]Day{MetricTraffic: flat(14, 10, 5, 1)}}, "nat_no_traffic"},
		{"RDS no connections", Subject{Type: TypeRDS, Status: "Running", CreatedAt: long, Metrics: map[string][]Day{MetricConnections: flat(14, 0, 0, 0)}}, "rds_no_connections"},
		{"busy RDS", Subject{Type: TypeRDS, Status: "Running", CreatedAt: long, Metrics: map[string][]Day{MetricConnections: flat(14, 40, 30, 20)}}, ""},
		{"Tair idle", Subject{Type: TypeTair, Status: "Running", CreatedAt: long,
			Metrics: map[string][]Day{MetricConnections: flat(14, 1, 0, 0), MetricQPS: flat(14, 0.5, 0.1, 0)}}, "tair_idle"},
		{"Tair with commands", Subject{Type: TypeTair, Status: "Running", CreatedAt: long,
			Metrics: map[string][]Day{MetricConnections: flat(14, 1, 0, 0), MetricQPS: flat(14, 500, 100, 50)}}, ""},
		{"idle subscription renewing", func() Subject {
			s := ecs(1, 1, 1)
			s.ChargeType, s.AutoRenew, s.ExpiresAt = Subscription, true, now.AddDate(0, 0, 5)
			return s
		}(), "subscription_idle_renewal"},
		{"idle subscription not renewing", func() Subject {
			s := ecs(1, 1, 1)
			s.ChargeType, s.ExpiresAt = Subscription, now.AddDate(0, 0, 5)
			return s
		}(), "ecs_idle"},
		{"fixed bandwidth mostly unused", func() Subject {
			s := ecs(60, 40, 1e5)
			s.BandwidthMbps, s.BandwidthMbpsMonth = 100, 23_000_000
			return s
		}(), "bandwidth_underused"},
		{"released resource", func() Subject { s := ecs(1, 1, 1); r := asOf; s.ReleasedAt = &r; return s }(), ""},
		{"exempt by tag", func() Subject { s := ecs(1, 1, 1); s.Tags = map[string]string{ExemptTag: "true"}; return s }(), ""},
		{"exempt from another rule only", func() Subject { s := ecs(1, 1, 1); s.Tags = map[string]string{ExemptTag: "eip_unbound"}; return s }(), "ecs_idle"},
		{"exempt tag set to false", func() Subject { s := ecs(1, 1, 1); s.Tags = map[string]string{ExemptTag: "false"}; return s }(), "ecs_idle"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.s.Type == "" {
				t.Fatal("no type")
			}
			got := Evaluate(Settings{}, []Subject{tt.s}, asOf, now)
			if rules(got) != tt.want {
				t.Fatalf("rules %q, want %q (%+v)", rules(got), tt.want, got)
			}
		})
	}
}

func TestFindingMoneyAndReason(t *testing.T) {
	s := ecs(1.8, 1, 2.3)
	f := Evaluate(Settings{}, []Subject{s}, asOf, now)[0]
	if f.MonthlySavings != s.Cost || f.Estimate || f.Currency != "CNY" {
		t.Errorf("money %s %s estimate %v", f.MonthlySavings, f.Currency, f.Estimate)
	}
	if f.Basis != (Basis{Start: "2025-11-01", End: "2025-11-30", Metric: "effective"}) {
		t.Errorf("basis %+v", f.Basis)
	}
	if f.Reason != "max CPU 1.8 % and 0.2 MB/day out over 14 days" {
		t.Errorf("reason %q", f.Reason)
	}
	if f.ReasonZh != "14 天内 CPU 最高 1.8 %，公网流出 0.2 MB/天" {
		t.Errorf("reason zh %q", f.ReasonZh)
	}

	s = ecs(80, 60, 1e6)
	s.Price = &Price{PayAsYouGoMonthly: 600_000_000, SubscriptionMonth: 420_000_000}
	f = Evaluate(Settings{}, []Subject{s}, asOf, now)[0]
	if !f.Estimate || f.MonthlySavings != 180_000_000 || f.Prices == nil || f.Prices.BreakEvenDays != 21 {
		t.Errorf("switch: %+v %+v", f, f.Prices)
	}
	if !strings.Contains(f.Reason, "pays for itself after 21 days") {
		t.Errorf("reason %q", f.Reason)
	}
}

func TestOverrides(t *testing.T) {
	hi, off := 3.0, false
	st := Settings{Overrides: []Override{
		{Rule: "ecs_idle", Params: Params{"maxCpu": 10}},               // organisation: looser
		{Rule: "ecs_idle", AccountID: 2, Params: Params{"maxCpu": hi}}, // account 2: stricter
		{Rule: "ecs_idle", AccountID: 3, Enabled: &off},
	}}
	for _, tt := range []struct {
		account int64
		cpu     float64
		want    string
	}{
		{1, 8, "ecs_idle"}, // 8 < 10 (organisation)
		{2, 8, ""},         // 8 ≥ 3 (account)
		{2, 2, "ecs_idle"},
		{3, 1, ""}, // off for account 3
	} {
		s := ecs(tt.cpu, 1, 1)
		s.AccountID = tt.account
		if got := rules(Evaluate(st, []Subject{s}, asOf, now)); got != tt.want {
			t.Errorf("account %d cpu %v: %q, want %q", tt.account, tt.cpu, got, tt.want)
		}
	}
}

func TestOverrideValidation(t *testing.T) {
	for _, tt := range []struct {
		o     Override
		field string
	}{
		{Override{Rule: "nosuch"}, "rule:"},
		{Override{Rule: "ecs_idle", Params: Params{"maxCpu": 101}}, "params.maxCpu:"},
		{Override{Rule: "ecs_idle", Params: Params{"days": 1}}, "params.days:"},
		{Override{Rule: "ecs_idle", Params: Params{"bogus": 1}}, "params.bogus:"},
	} {
		err := tt.o.Validate()
		if !errs.Is(err, errs.KindInvalid) || !strings.Contains(err.Error(), tt.field) {
			t.Errorf("%+v: %v, want invalid naming %s", tt.o, err, tt.field)
		}
	}
	if err := (Override{Rule: "ecs_idle", Params: Params{"maxCpu": 10}}).Validate(); err != nil {
		t.Error(err)
	}
}

func TestRulesAreWellFormed(t *testing.T) {
	if len(Rules) < 15 {
		t.Errorf("%d rules, want at least 15", len(Rules))
	}
	seen := map[string]bool{}
	for _, r := range Rules {
		if seen[r.ID] || r.check == nil || r.Title == "" || r.TitleZh == "" || len(r.Types) == 0 {
			t.Errorf("rule %+v", r.ID)
		}
		seen[r.ID] = true
		for _, p := range r.Params {
			if p.Default < p.Min || p.Default > p.Max {
				t.Errorf("%s.%s default %v outside %v..%v", r.ID, p.Name, p.Default, p.Min, p.Max)
			}
		}
	}
}

// BenchmarkEvaluate100k runs every rule over 100,000 resources of every type, a fifth of them
// idle, with 30 days of metric summaries each.
func BenchmarkEvaluate100k(b *testing.B) {
	subjects := benchSubjects(100_000)
	b.ResetTimer()
	for b.Loop() {
		fs := Evaluate(Settings{}, subjects, asOf, now)
		if len(fs) == 0 {
			b.Fatal("no findings")
		}
	}
}

func benchSubjects(n int) []Subject {
	out := make([]Subject, n)
	cpuBusy, cpuIdle := flat(30, 70, 50, 30), flat(30, 2, 1, 0.5)
	netBusy, netIdle := flat(30, 3e6, 2e6, 1e6), flat(30, 3, 2, 1)
	for i := range out {
		idle := i%5 == 0
		s := &out[i]
		s.AccountID, s.ResourceID, s.CreatedAt, s.Cost, s.Currency = int64(i%20+1), fmt.Sprintf("r-%d", i), long, money.Micros(i*1000), "CNY"
		s.Status, s.ChargeType = "Running", PayAsYouGo
		cpu, net := cpuBusy, netBusy
		if idle {
			cpu, net = cpuIdle, netIdle
		}
		switch i % 8 {
		case 0, 1, 2:
			s.Type = TypeECS
			s.Metrics = map[string][]Day{MetricCPU: cpu, MetricNetOut: net}
		case 3:
			s.Type, s.Status = TypeDisk, "In_use"
			if idle {
				s.Status = "Available"
			}
		case 4:
			s.Type, s.Backends, s.HealthyBackends = TypeSLB, 2, 2
			s.Metrics = map[string][]Day{MetricTraffic: net, MetricConnections: cpu}
		case 5:
			s.Type = TypeRDS
			s.Metrics = map[string][]Day{MetricConnections: cpu, MetricCPU: cpu}
		case 6:
			s.Type, s.Status = TypeEIP, "InUse"
			if idle {
				s.Status = "Available"
			}
		case 7:
			s.Type, s.Entries = TypeNAT, 2
			s.Metrics = map[string][]Day{MetricTraffic: net}
		}
	}
	return out
}

// TestSnapshotEstimate: a snapshot finding is worth its size at the snapshot price of its
// site, as an estimate with the prices compared; without a size or a price it has no figure
// and claims no comparison. Its own cost (snapshots have no bill) is never used.
func TestSnapshotEstimate(t *testing.T) {
	old := asOf.AddDate(0, 0, -200)
	for _, tc := range []struct {
		name     string
		s        Subject
		want     money.Micros
		withText string
	}{
		{"200 GB on the China site", Subject{Type: TypeSnapshot, Region: "cn-hangzhou", CreatedAt: old, SizeGB: 200, Currency: "CNY",
			SnapshotGBMonth: SnapshotPrice("cn-hangzhou", "CNY"), Cost: 999}, 24_000_000, "200 GB at 0.12 CNY per GB-month, estimated"},
		{"40 GB on the international site", Subject{Type: TypeSnapshot, Region: "ap-southeast-1", CreatedAt: old, SizeGB: 40, Currency: "USD",
			SnapshotGBMonth: SnapshotPrice("ap-southeast-1", "USD")}, 692_000, "40 GB at 0.0173 USD"},
		{"no size", Subject{Type: TypeSnapshot, CreatedAt: old, Currency: "CNY", SnapshotGBMonth: 120_000, Cost: 999}, 0, ""},
		{"no price", Subject{Type: TypeSnapshot, CreatedAt: old, SizeGB: 200, Currency: "EUR", SnapshotGBMonth: SnapshotPrice("x", "EUR")}, 0, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fs := Evaluate(Settings{}, []Subject{tc.s}, asOf, now)
			if len(fs) != 1 || fs[0].Rule != "snapshot_old" || !fs[0].Estimate {
				t.Fatalf("findings %+v", fs)
			}
			f := fs[0]
			if f.MonthlySavings != tc.want {
				t.Errorf("savings %s, want %s", f.MonthlySavings, tc.want)
			}
			if tc.want == 0 {
				if f.Prices != nil {
					t.Errorf("prices %+v without a figure", f.Prices)
				}
				return
			}
			if f.Prices == nil || f.Prices.CurrentMonthly != tc.want || f.Prices.ProposedMonthly != 0 || f.Prices.Proposed != "deleted" {
				t.Errorf("prices %+v", f.Prices)
			}
			if !strings.Contains(f.Reason, tc.withText) || !strings.Contains(f.ReasonZh, "估算") {
				t.Errorf("reason %q / %q", f.Reason, f.ReasonZh)
			}
		})
	}
}
