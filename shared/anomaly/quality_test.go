package anomaly

import (
	"fmt"
	"math"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/cloudlens/cloudlens/shared/money"
)

// The quality benchmark: labelled synthetic series from qualitySeeds seeds, judged by Detect at
// its default settings and by the rolling mean ± k·σ baseline many tools use, in the same run.
// CLOUDLENS_ANOMALY_QUALITY_OUT, when set, names a file the figures are written to.

const (
	qualitySeeds     = 24
	seriesPerSeed    = 20
	baselineWindow   = 30
	baselineK        = 3.0
	levelShiftWindow = 14 // a level shift's detections count while they start within this many days
)

type quality struct {
	detections, correct, truths, found int
	delays                             []int
	byKind                             map[string][2]int // kind/size → found, total
}

func (q *quality) precision() float64 { return ratio(q.correct, q.detections) }
func (q *quality) recall() float64    { return ratio(q.found, q.truths) }
func (q *quality) f1() float64 {
	p, r := q.precision(), q.recall()
	if p+r == 0 {
		return 0
	}
	return 2 * p * r / (p + r)
}
func (q *quality) meanDelay() float64 {
	if len(q.delays) == 0 {
		return math.NaN()
	}
	s := 0
	for _, d := range q.delays {
		s += d
	}
	return float64(s) / float64(len(q.delays))
}

func ratio(a, b int) float64 {
	if b == 0 {
		return 1
	}
	return float64(a) / float64(b)
}

// truthWindow is the days a detection of t may start in and still be about t.
func truthWindow(t Truth) (int, int) {
	if t.Kind == LevelShift {
		return t.Start, t.Start + levelShiftWindow - 1
	}
	return t.Start, t.End
}

func sizeOf(t Truth) string {
	if t.Magnitude >= 0.9 {
		return "large"
	}
	return "small"
}

// score compares detections with the truth of one series; judged limits the truths counted to
// those the detector could see (they start on a judged, final day).
func (q *quality) score(l Labelled, found []Anomaly, judged []bool) {
	if q.byKind == nil {
		q.byKind = map[string][2]int{}
	}
	q.detections += len(found)
	hit := make([]bool, len(found))
	for _, t := range l.Truths {
		if t.Start >= len(judged) || !judged[t.Start] {
			continue
		}
		lo, hi := truthWindow(t)
		q.truths++
		key := fmt.Sprintf("%s/%s/len%d", t.Kind, sizeOf(t), min(t.End-t.Start+1, 7))
		if t.Kind == LevelShift {
			key = fmt.Sprintf("%s/%s", t.Kind, sizeOf(t))
		}
		k := q.byKind[key]
		k[1]++
		first := -1
		for i, a := range found {
			sign := 1.0
			if a.Impact < 0 {
				sign = -1
			}
			if a.End >= lo && a.Start <= hi && sign == t.Sign {
				hit[i] = true
				if first < 0 || a.DetectedOn < first {
					first = a.DetectedOn
				}
			}
		}
		if first >= 0 {
			q.found++
			k[0]++
			q.delays = append(q.delays, max(0, first-t.Start))
		}
		q.byKind[key] = k
	}
	for _, h := range hit {
		if h {
			q.correct++
		}
	}
}

// rollingBaseline flags days further than k·σ from the mean of the last 30 days with bills,
// joins consecutive same-sign days into one anomaly and keeps those worth reporting under
// the same minimum impact as Detect.
func rollingBaseline(s *Series, set Settings, judged []bool) []Anomaly {
	var out []Anomaly
	var cur *Anomaly
	var curSign float64
	var e float64
	flush := func() {
		if cur != nil {
			cur.Expected = moneyOf(e)
			cur.Impact = cur.Actual - cur.Expected
			if math.Abs(float64(cur.Impact)) >= float64(set.MinImpact) &&
				(cur.Expected <= 0 || math.Abs(float64(cur.Impact))/float64(cur.Expected)*100 >= set.MinImpactPercent) {
				out = append(out, *cur)
			}
		}
		cur, e = nil, 0
	}
	for t := range s.Values {
		if !judged[t] || s.Missing[t] {
			continue
		}
		var vals []float64
		for i := t - 1; i >= 0 && len(vals) < baselineWindow; i-- {
			if !s.Missing[i] {
				vals = append(vals, float64(s.Values[i]))
			}
		}
		if len(vals) < baselineWindow/2 {
			continue
		}
		var mean, sd float64
		for _, v := range vals {
			mean += v
		}
		mean /= float64(len(vals))
		for _, v := range vals {
			sd += (v - mean) * (v - mean)
		}
		sd = math.Sqrt(sd / float64(len(vals)))
		x := float64(s.Values[t])
		if math.Abs(x-mean) <= baselineK*sd {
			flush()
			continue
		}
		sign := math.Copysign(1, x-mean)
		if cur != nil && sign != curSign {
			flush()
		}
		if cur == nil {
			cur = &Anomaly{Start: t, DetectedOn: t}
			curSign = sign
		}
		cur.End = t
		cur.Actual += s.Values[t]
		e += mean
	}
	flush()
	return out
}

func moneyOf(v float64) money.Micros { return money.Micros(math.Round(v)) }

func TestQuality(t *testing.T) {
	set := Defaults()
	var ours, base quality
	series := 0
	for seed := uint64(1); seed <= qualitySeeds; seed++ {
		for _, l := range SynthSeed(seed, seriesPerSeed) {
			series++
			res := Detect(&l.Series, set)
			ours.score(l, res.Anomalies, res.Judged)
			base.score(l, rollingBaseline(&l.Series, set, res.Judged), res.Judged)
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%d seeds × %d series × %d days (%d series), %d injected anomalies on judged days\n\n",
		qualitySeeds, seriesPerSeed, SynthDays, series, ours.truths)
	fmt.Fprintf(&b, "| detector | detections | precision | recall | F1 | mean delay (days after the bill is final) |\n|---|---|---|---|---|---|\n")
	for _, r := range []struct {
		name string
		q    *quality
	}{{"CloudLens (seasonal median + MAD, default sensitivity)", &ours}, {fmt.Sprintf("rolling mean ± %.0fσ, %d days", baselineK, baselineWindow), &base}} {
		fmt.Fprintf(&b, "| %s | %d | %.3f | %.3f | %.3f | %.2f |\n", r.name, r.q.detections, r.q.precision(), r.q.recall(), r.q.f1(), r.q.meanDelay())
	}
	fmt.Fprintf(&b, "\n| injected anomaly | CloudLens found | baseline found |\n|---|---|---|\n")
	for _, k := range sortedKeys(ours.byKind) {
		fmt.Fprintf(&b, "| %s | %d/%d | %d/%d |\n", k, ours.byKind[k][0], ours.byKind[k][1], base.byKind[k][0], base.byKind[k][1])
	}
	t.Log("\n" + b.String())
	if p := os.Getenv("CLOUDLENS_ANOMALY_QUALITY_OUT"); p != "" {
		if err := os.WriteFile(p, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if ours.truths < 100 {
		t.Fatalf("only %d anomalies were injected on judged days", ours.truths)
	}
	if ours.precision() < 0.9 || ours.recall() < 0.9 {
		t.Errorf("precision %.3f, recall %.3f: the goal is 0.9 for both", ours.precision(), ours.recall())
	}
	if ours.f1() <= base.f1() {
		t.Errorf("F1 %.3f is not better than the baseline's %.3f", ours.f1(), base.f1())
	}
}

func sortedKeys(m map[string][2]int) []string {
	var k []string
	for key := range m {
		k = append(k, key)
	}
	slices.Sort(k)
	return k
}
