package anomaly

import (
	"math"
	"math/rand/v2"
	"syscall"
	"testing"
	"time"

	"github.com/cloudlens/cloudlens/shared/money"
)

// flat builds a series of n days around level (in units) with relative noise, weekends scaled
// by weekend, and changes applied by edit.
func flat(n int, level, noise, weekend float64, seed uint64, edit func(i int, v float64) float64) *Series {
	r := rand.New(rand.NewPCG(seed, 7))
	start := time.Date(2025, 3, 10, 0, 0, 0, 0, time.UTC)
	s := &Series{Start: start, Values: make([]money.Micros, n), Missing: make([]bool, n)}
	for i := range n {
		v := level * (1 + noise*r.NormFloat64())
		if wd := start.AddDate(0, 0, i).Weekday(); wd == time.Saturday || wd == time.Sunday {
			v *= weekend
		}
		if edit != nil {
			v = edit(i, v)
		}
		s.Values[i] = money.Micros(math.Round(v * 1e6))
	}
	return s
}

func TestDetect(t *testing.T) {
	cases := []struct {
		name   string
		series *Series
		set    func(*Settings)
		want   []Kind // kinds of the anomalies found, in order
		starts []int
		// among: the wanted anomalies are among those found (a sensitive setting finds more)
		among bool
	}{
		{name: "quiet series", series: flat(100, 5000, 0.03, 0.7, 1, nil)},
		{name: "one-day spike", series: flat(100, 5000, 0.03, 0.7, 2, func(i int, v float64) float64 {
			if i == 70 {
				return v * 3
			}
			return v
		}), want: []Kind{Spike}, starts: []int{70}},
		{name: "a four-day spike is one anomaly", series: flat(100, 5000, 0.03, 1, 3, func(i int, v float64) float64 {
			if i >= 60 && i < 64 {
				return v * 2
			}
			return v
		}), want: []Kind{Spike}, starts: []int{60}},
		{name: "drop", series: flat(100, 5000, 0.03, 1, 4, func(i int, v float64) float64 {
			if i == 66 || i == 67 {
				return v * 0.3
			}
			return v
		}), want: []Kind{Drop}, starts: []int{66}},
		{name: "level shift is reported once", series: flat(110, 5000, 0.03, 0.7, 5, func(i int, v float64) float64 {
			if i >= 60 {
				return v * 1.8
			}
			return v
		}), want: []Kind{LevelShift}, starts: []int{60}},
		{name: "steady growth is not anomalous", series: flat(110, 2000, 0.02, 0.8, 6, func(i int, v float64) float64 {
			return v * math.Pow(1.01, float64(i))
		})},
		{name: "month-start subscription is expected", series: func() *Series {
			s := flat(120, 3000, 0.03, 1, 7, nil)
			for i := range s.Values {
				if s.Start.AddDate(0, 0, i).Day() == 1 {
					s.Values[i] += 40000 * 1e6
				}
			}
			return s
		}()},
		{name: "days without bills are not a drop", series: func() *Series {
			s := flat(100, 5000, 0.03, 1, 8, nil)
			for i := 70; i < 74; i++ {
				s.Values[i], s.Missing[i] = 0, true
			}
			return s
		}()},
		{name: "too young", series: flat(30, 5000, 0.03, 1, 9, func(i int, v float64) float64 {
			if i == 26 {
				return v * 5
			}
			return v
		})},
		{name: "too small", series: flat(100, 3, 0.03, 1, 10, func(i int, v float64) float64 {
			if i == 70 {
				return v * 5
			}
			return v
		})},
		{name: "below the minimum impact", series: flat(100, 5000, 0.01, 1, 11, func(i int, v float64) float64 {
			if i == 70 {
				return v * 1.15
			}
			return v
		})},
		{name: "a change marked expected is not flagged as it continues", series: func() *Series {
			s := flat(110, 5000, 0.03, 1, 12, func(i int, v float64) float64 {
				if i >= 60 {
					return v * 1.8
				}
				return v
			})
			s.Accepted = make([]bool, 110)
			s.Accepted[60], s.Accepted[61] = true, true
			s.Breaks = []int{60}
			return s
		}()},
		{name: "the provisional last days are not judged", series: flat(100, 5000, 0.03, 1, 13, func(i int, v float64) float64 {
			if i >= 98 {
				return v * 4
			}
			return v
		})},
		{name: "lower sensitivity keeps a faint spike quiet", series: flat(100, 5000, 0.06, 1, 14, func(i int, v float64) float64 {
			if i == 70 {
				return v * 1.3
			}
			return v
		}), set: func(s *Settings) { s.Sensitivity = 1 }},
		{name: "higher sensitivity finds it", series: flat(100, 5000, 0.06, 1, 14, func(i int, v float64) float64 {
			if i == 70 {
				return v * 1.3
			}
			return v
		}), set: func(s *Settings) { s.Sensitivity = 8 }, want: []Kind{Spike}, starts: []int{70}, among: true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			set := Defaults()
			if c.set != nil {
				c.set(&set)
			}
			res := Detect(c.series, set)
			if c.among {
				for _, a := range res.Anomalies {
					if a.Start == c.starts[0] && a.Kind == c.want[0] {
						return
					}
				}
				t.Fatalf("no %s from day %d among %+v", c.want[0], c.starts[0], res.Anomalies)
			}
			if len(res.Anomalies) != len(c.want) {
				t.Fatalf("found %d anomalies %+v, want %v", len(res.Anomalies), res.Anomalies, c.want)
			}
			for i, a := range res.Anomalies {
				if a.Kind != c.want[i] || a.Start != c.starts[i] {
					t.Errorf("anomaly %d: %s from day %d, want %s from day %d", i, a.Kind, a.Start, c.want[i], c.starts[i])
				}
				var actual money.Micros
				for d := a.Start; d <= a.End; d++ {
					actual += c.series.Values[d]
				}
				if a.Actual != actual || a.Impact != a.Actual-a.Expected {
					t.Errorf("actual %v impact %v: want actual %v and impact actual−expected", a.Actual, a.Impact, actual)
				}
				if !a.StartDate.Equal(c.series.Start.AddDate(0, 0, a.Start)) {
					t.Errorf("start date %v", a.StartDate)
				}
			}
		})
	}
}

func TestSettingsValidate(t *testing.T) {
	for _, c := range []struct {
		name string
		edit func(*Settings)
		ok   bool
	}{
		{"defaults", func(*Settings) {}, true},
		{"sensitivity 0", func(s *Settings) { s.Sensitivity = 0 }, false},
		{"sensitivity 11", func(s *Settings) { s.Sensitivity = 11 }, false},
		{"negative impact", func(s *Settings) { s.MinImpact = -1 }, false},
		{"percent too large", func(s *Settings) { s.MinImpactPercent = 5000 }, false},
	} {
		s := Defaults()
		c.edit(&s)
		if err := s.Validate(); (err == nil) != c.ok {
			t.Errorf("%s: error %v", c.name, err)
		}
	}
}

// Each injected anomaly's true cause is the top contributor in its dimension, and every
// dimension's deltas add up to the anomaly's impact.
func TestContributorsFindTheCause(t *testing.T) {
	checked := 0
	for seed := uint64(1); seed <= qualitySeeds; seed++ {
		for _, l := range SynthSeed(seed, seriesPerSeed) {
			res := Detect(&l.Series, Defaults())
			for _, tr := range l.Truths {
				lo, hi := truthWindow(tr)
				for _, a := range res.Anomalies {
					if a.End < lo || a.Start > hi {
						continue
					}
					cause := l.Components[tr.Cause]
					for _, dim := range []struct {
						name string
						key  func(Component) string
					}{
						{DimResource, func(c Component) string { return c.Resource }},
						{DimRegion, func(c Component) string { return c.Region }},
						{DimBillingItem, func(c Component) string { return c.BillingItem }},
					} {
						parts := map[string][]money.Micros{}
						var order []string
						for _, c := range l.Components {
							k := dim.key(c)
							if parts[k] == nil {
								parts[k] = make([]money.Micros, len(c.Values))
								order = append(order, k)
							}
							for i, v := range c.Values {
								parts[k][i] += v
							}
						}
						var ps []Part
						for _, k := range order {
							ps = append(ps, Part{Key: k, Label: k, Values: parts[k]})
						}
						cs := Contributors(dim.name, ps, a, &l.Series, &res, 5)
						var sum money.Micros
						for _, c := range cs {
							sum += c.Delta
						}
						if sum != a.Impact {
							t.Fatalf("%s %s: deltas add up to %v, impact %v", l.Name, dim.name, sum, a.Impact)
						}
						if cs[0].Key != dim.key(cause) {
							t.Errorf("%s %s: top contributor %q (Δ %v), injected into %q; all %+v", l.Name, dim.name, cs[0].Key, cs[0].Delta, dim.key(cause), cs)
						}
						checked++
					}
				}
			}
		}
	}
	t.Logf("%d contributor checks (anomaly × dimension)", checked)
	if checked < 300 {
		t.Fatalf("only %d contributor checks", checked)
	}
}

// BenchmarkDetect is detection over 10,000 series of 90 days, the size of a large
// organisation's built-in monitors.
func BenchmarkDetect(b *testing.B) {
	const series = 10_000
	var all []*Series
	for i := range series / 20 {
		for _, l := range SynthSeed(uint64(1000+i), 20) {
			s := l.Series
			s.Values, s.Missing = s.Values[SynthDays-90:], s.Missing[SynthDays-90:]
			s.Start = s.Start.AddDate(0, 0, SynthDays-90)
			all = append(all, &s)
		}
	}
	set := Defaults()
	cpu := func() time.Duration {
		var ru syscall.Rusage
		_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
		return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	}
	b.ResetTimer()
	used := cpu()
	for range b.N {
		found := 0
		for _, s := range all {
			found += len(Detect(s, set).Anomalies)
		}
		if found == 0 {
			b.Fatal("nothing found")
		}
	}
	// CPU time, beside wall time: on a shared machine the wall time mostly measures the queue.
	b.ReportMetric((cpu()-used).Seconds()/float64(b.N), "cpu-s/op")
	b.ReportMetric(float64(len(all)), "series")
}
