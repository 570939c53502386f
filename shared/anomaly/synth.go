package anomaly

import (
	"fmt"
	"math"
	"math/rand/v2"
	"time"

	"github.com/cloudlens/cloudlens/shared/money"
)

// Synthetic, labelled daily cost series for measuring detection quality: every series is the
// sum of resource components (each with a region and a billing item), on a noisy, growing
// and/or weekly-seasonal shape, some with a subscription renewed on the first of each month,
// some with days whose bills are missing; anomalies are injected into one component, which is
// recorded as their cause.

// Truth is an injected anomaly: days Start..End (inclusive; a level shift lasts to the end of
// the series), its kind, its size relative to the series' level, and the component it was
// injected into.
type Truth struct {
	Start, End int
	Kind       Kind
	Sign       float64
	Magnitude  float64
	Cause      int
}

// Component is one resource's daily cost within a synthetic series.
type Component struct {
	Resource, Region, BillingItem string
	Values                        []money.Micros
}

// Labelled is one synthetic series with its parts and its truth.
type Labelled struct {
	Name       string
	Series     Series
	Components []Component
	Truths     []Truth
}

// SynthDays is the length of every synthetic series.
const SynthDays = 120

// SynthSeed returns the labelled series of one seed: count series; every fifth seed has no
// anomalies at all.
func SynthSeed(seed uint64, count int) []Labelled {
	r := rand.New(rand.NewPCG(seed, 0x636c656e73))
	out := make([]Labelled, count)
	none := seed%5 == 0
	for i := range out {
		out[i] = synthOne(r, fmt.Sprintf("seed%d/%d", seed, i), none)
	}
	return out
}

func synthOne(r *rand.Rand, name string, none bool) Labelled {
	n := SynthDays
	// Start mid-month so that the first renewal falls in the history the detector trains on.
	start := time.Date(2025, time.Month(1+r.IntN(12)), 5+r.IntN(20), 0, 0, 0, 0, time.UTC)
	level := math.Exp(math.Log(1000) + r.Float64()*math.Log(50)) // ¥1,000 to ¥50,000 a day
	noise := []float64{0.02, 0.04, 0.07}[r.IntN(3)]              // relative daily noise
	growth := []float64{0, 0, 0.004, 0.01}[r.IntN(4)]            // per day
	weekend := []float64{1, 1, 0.75, 0.6}[r.IntN(4)]             // Saturday and Sunday factor
	comps := 3 + r.IntN(5)                                       // resources
	regions := []string{"cn-hangzhou", "cn-shanghai", "cn-beijing", "cn-shenzhen"}
	items := []string{"instance", "disk", "traffic"}
	l := Labelled{Name: name, Series: Series{Start: start, Values: make([]money.Micros, n), Missing: make([]bool, n)}}
	weights := make([]float64, comps)
	var wsum float64
	for k := range weights {
		weights[k] = 0.3 + r.Float64()
		wsum += weights[k]
	}
	shape := make([]float64, n)
	for i := range n {
		shape[i] = level * math.Pow(1+growth, float64(i))
		if wd := start.AddDate(0, 0, i).Weekday(); wd == time.Saturday || wd == time.Sunday {
			shape[i] *= weekend
		}
	}
	vals := make([][]float64, comps)
	for k := range comps {
		vals[k] = make([]float64, n)
		// Independent noise per component, scaled so the total's noise is about `noise`.
		kn := noise * math.Sqrt(wsum/weights[k])
		for i := range n {
			vals[k][i] = shape[i] * weights[k] / wsum * math.Max(0, 1+kn*r.NormFloat64())
		}
		l.Components = append(l.Components, Component{Resource: fmt.Sprintf("i-%s-%d", name, k),
			Region: regions[k%len(regions)], BillingItem: items[k%len(items)]})
	}
	if !none {
		injectAll(r, &l, vals, shape, weights, wsum, noise)
	}
	// A subscription renewed on the 1st of every month, in a third of the series.
	if r.IntN(3) == 0 {
		amount := level * (3 + 10*r.Float64())
		sub := make([]float64, n)
		for i := range n {
			if start.AddDate(0, 0, i).Day() == 1 {
				sub[i] = amount
			}
		}
		vals = append(vals, sub)
		l.Components = append(l.Components, Component{Resource: "sub-" + name, Region: regions[0], BillingItem: "subscription"})
	}
	for k := range vals {
		l.Components[k].Values = make([]money.Micros, n)
		for i := range n {
			v := money.Micros(math.Round(vals[k][i] * 1e6))
			l.Components[k].Values[i] = v
			l.Series.Values[i] += v
		}
	}
	// Days whose bills never arrived, in a quarter of the series: not a drop.
	if r.IntN(4) == 0 {
		g := 40 + r.IntN(n-50)
		for i := g; i < min(n, g+2+r.IntN(3)); i++ {
			l.Series.Missing[i] = true
			l.Series.Values[i] = 0
			for k := range l.Components {
				l.Components[k].Values[i] = 0
			}
		}
	}
	return l
}

// injectAll adds up to two anomalies of random kinds, sizes and lengths, apart from each other.
func injectAll(r *rand.Rand, l *Labelled, vals [][]float64, shape, weights []float64, wsum, noise float64) {
	n := len(shape)
	at := 45 + r.IntN(15)
	for range 1 + r.IntN(2) {
		if at > n-10 {
			break
		}
		kinds := []Kind{Spike, Spike, Drop, LevelShift}
		kind := kinds[r.IntN(len(kinds))]
		sign := 1.0
		if kind == Drop || (kind == LevelShift && r.IntN(2) == 0) {
			sign = -1
		}
		length := 1 + r.IntN(2) // short
		if r.IntN(2) == 0 {
			length = 3 + r.IntN(3) // long
		}
		// Small: the larger of 30% of the level and six times the daily noise; large: 1 to 3
		// times the level for rises.
		mag := math.Max(0.3, 6*noise) + r.Float64()*0.1
		if r.IntN(2) == 0 {
			mag = 1 + 2*r.Float64()
		}
		// Drops take cost away from one resource, so they are capped by its share.
		cause := r.IntN(len(weights))
		if sign < 0 {
			for k := range weights {
				if weights[k] > weights[cause] {
					cause = k
				}
			}
			mag = math.Min(mag, 0.9*weights[cause]/wsum)
			if mag < math.Max(0.2, 5*noise) {
				sign, kind = 1, Spike
				mag = math.Max(0.3, 6*noise) + r.Float64()*0.1
				if length >= LevelShiftDays {
					kind = LevelShift
				}
			}
		}
		end := at + length - 1
		if kind == LevelShift {
			end = n - 1
		}
		for i := at; i <= end; i++ {
			vals[cause][i] = math.Max(0, vals[cause][i]+sign*mag*shape[i])
		}
		l.Truths = append(l.Truths, Truth{Start: at, End: end, Kind: kind, Sign: sign, Magnitude: mag, Cause: cause})
		if kind == LevelShift {
			break
		}
		at = end + 12 + r.IntN(20)
	}
}
