package aliyunsim

import (
	"math"
	"slices"
	"sort"
	"testing"
	"time"

	"github.com/cloudlens/cloudlens/shared/billing"
	"github.com/cloudlens/cloudlens/shared/resource"
)

// windowStats summarises metric of r over the days days ending on asOf from the points the
// simulator serves, as a client keeps them: the highest maximum, the highest daily p95 of the
// hourly means, the mean of the daily means, and how many days had points.
func windowStats(w *World, r *invRes, metric string, asOf int64, days int) (hi, p95, mean float64, n int) {
	s, ok := r.prof[metric]
	if !ok {
		return 0, 0, 0, 0
	}
	end := r.metricEnd(w.now().Unix())
	sum := 0.0
	for d := asOf - int64(days) + 1; d <= asOf; d++ {
		var avgs []float64
		dayMax := math.Inf(-1)
		for h := int64(0); h < 24; h++ {
			ts := dayTime(d).Unix() + h*3600
			if ts < r.created.Unix() || ts >= end {
				continue
			}
			a, m, _ := s.point(r.id, ts)
			avgs = append(avgs, a)
			dayMax = max(dayMax, m, a)
		}
		if len(avgs) == 0 {
			continue
		}
		sort.Float64s(avgs)
		dayMean := 0.0
		for _, a := range avgs {
			dayMean += a
		}
		if n == 0 || dayMax > hi {
			hi = dayMax
		}
		p95 = max(p95, avgs[max(int(math.Ceil(0.95*float64(len(avgs))))-1, 0)])
		sum += dayMean / float64(len(avgs))
		n++
	}
	if n > 0 {
		mean = sum / float64(n)
	}
	return hi, p95, mean, n
}

const mbPerDay = 1e6 / 86400 // bytes per second that make a megabyte a day

// TestLabelsHoldOnTheServedMetrics: every labelled idle resource's served metrics satisfy its
// rule (with the rules' defaults) and every hard negative's do not, over several seeds.
func TestLabelsHoldOnTheServedMetrics(t *testing.T) {
	now := time.Date(2025, 6, 15, 9, 0, 0, 0, billing.Shanghai)
	for _, seed := range []int64{1, 2, 3, 4} {
		w := NewWorld(Config{Seed: seed, Accounts: 3, Resources: 300, ReleasedPct: 4, Now: func() time.Time { return now }})
		asOf := w.anchor - 1
		perRule := map[string]int{}
		hardNeg := 0
		for _, a := range w.accounts {
			inv := w.inventory(a.pub.UID)
			for _, r := range inv.res {
				check := func(rule string) bool {
					switch rule {
					case RuleECSIdle:
						cpu, _, _, n := windowStats(w, r, "CPUUtilization", asOf, 14)
						_, _, out, _ := windowStats(w, r, "InternetOutRate", asOf, 14)
						return n == 14 && cpu < idleMaxCPU && out/8/mbPerDay <= idleMaxNetOutMB
					case RuleECSUnderused:
						cpu, p95, _, n := windowStats(w, r, "CPUUtilization", asOf, 14)
						return n == 14 && p95 < underP95CPU && cpu < underMaxCPU && resource.SmallerSpec(r.spec) != ""
					case RuleRenewal:
						left := r.expires.Sub(w.now()).Hours() / 24
						ok := r.autoRenew && left >= 0 && left <= renewWithinDays
						if r.typ == resource.ECS {
							cpu, _, _, n := windowStats(w, r, "CPUUtilization", asOf, 14)
							return ok && n == 14 && cpu < idleMaxCPU
						}
						c := "MySQL_ActiveSessions"
						if r.typ == resource.Redis {
							c = "StandardUsedConnection"
						}
						conns, _, _, n := windowStats(w, r, c, asOf, 14)
						return ok && n == 14 && conns <= dbMaxConns
					case RuleSLBNoTraffic:
						_, _, tx, n := windowStats(w, r, "TrafficTXNew", asOf, 14)
						_, _, rx, _ := windowStats(w, r, "TrafficRXNew", asOf, 14)
						conns, _, _, _ := windowStats(w, r, "ActiveConnection", asOf, 14)
						return n == 14 && (tx+rx)/8/mbPerDay <= slbMaxTrafficMB && conns <= slbMaxConns
					case RuleNATNoTraffic:
						_, _, tx, n := windowStats(w, r, "net_tx.rate", asOf, 14)
						_, _, rx, _ := windowStats(w, r, "net_rx.rate", asOf, 14)
						return n == 14 && (tx+rx)/8/mbPerDay <= natMaxTrafficMB
					case RuleRDSIdle:
						conns, _, _, n := windowStats(w, r, "MySQL_ActiveSessions", asOf, 14)
						return n == 14 && conns <= dbMaxConns
					case RuleRedisIdle:
						conns, _, _, n := windowStats(w, r, "StandardUsedConnection", asOf, 14)
						qps, _, _, _ := windowStats(w, r, "StandardUsedQPS", asOf, 14)
						return n == 14 && conns <= dbMaxConns && qps <= dbMaxQPS
					case RuleBandwidthUnused:
						_, p95, _, n := windowStats(w, r, "net_tx.rate", asOf, 14)
						used := p95 / 1e6
						return n == 14 && used/float64(r.bandwidth)*100 < bandwidthMaxUsePct && max(1, int(math.Ceil(used*2))) < r.bandwidth
					case RulePaygToSub:
						_, _, _, n := windowStats(w, r, "CPUUtilization", asOf, paygDays)
						return n == paygDays && r.charge == resource.PostPaid
					}
					return true // rules on state (stopped, unattached, entries, age): set directly
				}
				for _, rule := range r.labels {
					perRule[rule]++
					if !check(rule) {
						t.Errorf("seed %d: %s %s labelled %s but its served metrics do not satisfy it", seed, r.typ, r.id, rule)
					}
				}
				for _, rule := range r.hardNeg {
					if slices.Contains(r.labels, rule) {
						t.Errorf("seed %d: %s is both labelled and a hard negative of %s", seed, r.id, rule)
					}
					if rule == RuleRenewal || rule == RuleStoppedCharged || rule == RuleDiskOnStopped {
						continue // state rules: just outside by construction
					}
					hardNeg++
					if check(rule) {
						t.Errorf("seed %d: %s %s is a hard negative of %s but its served metrics satisfy it", seed, r.typ, r.id, rule)
					}
				}
			}
		}
		for _, rule := range []string{RuleECSIdle, RuleECSUnderused, RuleDiskUnattached, RuleEIPUnbound, RuleSLBNoTraffic,
			RuleRDSIdle, RulePaygToSub} {
			if perRule[rule] == 0 {
				t.Errorf("seed %d: no resource labelled %s (labels %v)", seed, rule, perRule)
			}
		}
		if hardNeg == 0 {
			t.Errorf("seed %d: no hard negative", seed)
		}
	}
}

// TestReleasedResourcesStopBilling: a resource released upstream has no bill from its release
// day on, and its billed days before the release are unchanged.
func TestReleasedResourcesStopBilling(t *testing.T) {
	now := time.Date(2025, 6, 15, 9, 0, 0, 0, billing.Shanghai)
	w := NewWorld(Config{Seed: 5, Accounts: 2, Resources: 200, ReleasedPct: 10, Now: func() time.Time { return now }})
	plain := NewWorld(Config{Seed: 5, Accounts: 2, Resources: 200, Now: func() time.Time { return now }})
	released := 0
	for ai, a := range w.Accounts() {
		for ri, r := range w.Resources(a.UID) {
			if r.Released.IsZero() {
				continue
			}
			released++
			if plain.Resources(plain.Accounts()[ai].UID)[ri].ID != r.ID {
				t.Fatal("a world with releases drew other resources")
			}
			for _, d := range []time.Time{r.Released.AddDate(0, 0, -1), r.Released} {
				n := 0
				for _, it := range w.BillItems(a.UID, d, now) {
					if it.InstanceID == r.ID {
						n++
					}
				}
				if before := d.Before(r.Released); before != (n > 0) {
					t.Errorf("%s released %s: %d bill rows on %s", r.ID, r.Released.Format(time.DateOnly), n, d.Format(time.DateOnly))
				}
			}
		}
	}
	if released == 0 {
		t.Fatal("nothing released")
	}
}
