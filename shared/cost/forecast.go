package cost

import (
	"math"
	"slices"
	"time"

	"github.com/cloudlens/cloudlens/shared/money"
)

// Estimate is a forecast with its 80 % interval.
type Estimate struct {
	Value money.Micros `json:"value"`
	Low   money.Micros `json:"low"`
	High  money.Micros `json:"high"`
}

// z80 is the two-sided 80 % quantile of the normal distribution.
const z80 = 1.2815515655446004

// Window sizes of the model: weekday factors need several weeks to be stable; the trend is
// fitted on the most recent four weeks so that a change of level shows up quickly.
const (
	factorWindow = 56
	trendWindow  = 28
)

// Model is a weekday-aware linear trend fitted on daily costs: cost(t) = (a + b·t) · f[weekday],
// with the weekday factors f taken as medians (so one-off spikes do not move them) and the
// trend by least squares on the de-seasonalised recent days.
type Model struct {
	last    time.Time // the last day of the history (t = 0 is the first day of the trend window)
	m       int       // days in the trend window
	a, b    float64   // level and slope, in micro-units per day
	factors [7]float64
	s2      float64 // residual variance of the de-seasonalised fit
	xbar    float64
	sxx     float64
}

// Fit fits the model on history, the daily costs ending on day last (history[len-1] is last).
func Fit(history []money.Micros, last time.Time) Model {
	last = dayOf(last)
	md := Model{last: last}
	for i := range md.factors {
		md.factors[i] = 1
	}
	n := len(history)
	if n == 0 {
		return md
	}
	weekday := func(i int) int { return int(last.AddDate(0, 0, i-(n-1)).Weekday()) }

	if n >= 14 {
		from := max(0, n-factorWindow)
		var per [7][]float64
		var all []float64
		for i := from; i < n; i++ {
			v := float64(history[i])
			per[weekday(i)] = append(per[weekday(i)], v)
			all = append(all, v)
		}
		overall := median(all)
		if overall > 0 {
			for w := range per {
				if len(per[w]) > 0 {
					if f := median(per[w]) / overall; f > 0 {
						md.factors[w] = f
					}
				}
			}
		}
	}

	from := max(0, n-trendWindow)
	md.m = n - from
	ys := make([]float64, 0, md.m)
	for i := from; i < n; i++ {
		ys = append(ys, float64(history[i])/md.factors[weekday(i)])
	}
	var sy float64
	for _, y := range ys {
		sy += y
	}
	md.xbar = float64(md.m-1) / 2
	ybar := sy / float64(md.m)
	for i, y := range ys {
		dx := float64(i) - md.xbar
		md.sxx += dx * dx
		md.b += dx * (y - ybar)
	}
	if md.m >= 3 && md.sxx > 0 {
		md.b /= md.sxx
	} else {
		md.b = 0
	}
	md.a = ybar - md.b*md.xbar
	var ss float64
	for i, y := range ys {
		r := y - (md.a + md.b*float64(i))
		ss += r * r
	}
	if md.m > 2 {
		md.s2 = ss / float64(md.m-2)
	}
	return md
}

// Predict is the expected cost of day (after the history).
func (md Model) Predict(day time.Time) float64 {
	t := md.t(day)
	return math.Max(0, (md.a+md.b*t)*md.factors[int(dayOf(day).Weekday())])
}

func (md Model) t(day time.Time) float64 {
	h := math.Round(dayOf(day).Sub(md.last).Hours() / 24)
	return float64(md.m-1) + h
}

// Sum forecasts the total cost of the days from..to (inclusive), with an 80 % interval that
// combines the day-to-day noise and the uncertainty of the fitted level and slope.
func (md Model) Sum(from, to time.Time) Estimate {
	from, to = dayOf(from), dayOf(to)
	if to.Before(from) {
		return Estimate{}
	}
	var value, noise, s0, s1 float64
	for d := from; !d.After(to); d = d.AddDate(0, 0, 1) {
		f := md.factors[int(d.Weekday())]
		value += md.Predict(d)
		noise += md.s2 * f * f
		s0 += f
		s1 += f * md.t(d)
	}
	variance := noise
	if md.sxx > 0 && md.m > 0 {
		varA := md.s2 * (1/float64(md.m) + md.xbar*md.xbar/md.sxx)
		varB := md.s2 / md.sxx
		cov := -md.xbar * md.s2 / md.sxx
		variance += s0*s0*varA + s1*s1*varB + 2*s0*s1*cov
	}
	half := z80 * math.Sqrt(math.Max(0, variance))
	return Estimate{
		Value: money.Micros(math.Round(value)),
		Low:   money.Micros(math.Round(math.Max(0, value-half))),
		High:  money.Micros(math.Round(value + half)),
	}
}

// MonthEnd forecasts the total of the month that contains the day after last: the month to
// date already billed plus the forecast of the days still to come.
func MonthEnd(history []money.Micros, last time.Time, monthToDate money.Micros) Estimate {
	md := Fit(history, last)
	next := dayOf(last).AddDate(0, 0, 1)
	end := time.Date(next.Year(), next.Month()+1, 0, 0, 0, 0, 0, Shanghai)
	e := md.Sum(next, end)
	e.Value += monthToDate
	e.Low += monthToDate
	e.High += monthToDate
	return e
}

// MonthForecast is the forecast of one calendar month (YYYY-MM).
type MonthForecast struct {
	Month string `json:"month"`
	Estimate
}

// Outlook forecasts the months after the current one (the month of the day after last).
func Outlook(history []money.Micros, last time.Time, months int) []MonthForecast {
	md := Fit(history, last)
	next := dayOf(last).AddDate(0, 0, 1)
	out := make([]MonthForecast, 0, months)
	for i := 1; i <= months; i++ {
		start := time.Date(next.Year(), next.Month()+time.Month(i), 1, 0, 0, 0, 0, Shanghai)
		end := start.AddDate(0, 1, -1)
		out = append(out, MonthForecast{Month: start.Format("2006-01"), Estimate: md.Sum(start, end)})
	}
	return out
}

func dayOf(t time.Time) time.Time {
	t = t.In(Shanghai)
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, Shanghai)
}

func median(v []float64) float64 {
	if len(v) == 0 {
		return 0
	}
	s := slices.Clone(v)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}
