package cost

import (
	"math"
	"slices"
	"time"

	"github.com/cloudlens/cloudlens/shared/billing"
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

// blend is the weight of the trend model against the same weekday of the last week. An even
// mix of the two beats either alone in the backtest (scripts/backtest): the trend follows
// growth, the last week follows a recent change of level the four-week fit is slow to see.
const blend = 0.5

// Window sizes of the model: weekday factors need several weeks to be stable; the trend is
// fitted on the most recent four weeks so that a change of level shows up quickly.
const (
	factorWindow = 56
	trendWindow  = 28
)

// Model is a weekday-aware linear trend fitted on daily costs: cost(t) = (a + b·t) · f[weekday],
// with the weekday factors f taken as medians (so one-off spikes do not move them) and the
// trend by least squares on the de-seasonalised recent days; each day's prediction is then
// blended with the cost of the same weekday in the last week.
type Model struct {
	last    time.Time // the last day of the history (t = 0 is the first day of the trend window)
	m       int       // days in the trend window
	a, b    float64   // level and slope, in micro-units per day
	factors [7]float64
	s2      float64 // residual variance of the de-seasonalised fit
	// inflate scales the noise variance of a sum of days for the residuals' day-to-day
	// correlation: costs that run high today tend to run high tomorrow, so the errors of a
	// month's days do not cancel out as independent ones would.
	inflate float64
	// lastWeek is the cost of the most recent day of each weekday; the forecast blends it in.
	lastWeek [7]float64
	hasWeek  bool
	xbar     float64
	sxx      float64
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
	if n >= 7 {
		md.hasWeek = true
		for i := n - 7; i < n; i++ {
			md.lastWeek[weekday(i)] = float64(history[i])
		}
	}

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
	var ss, lag float64
	prev := 0.0
	for i, y := range ys {
		r := y - (md.a + md.b*float64(i))
		ss += r * r
		if i > 0 {
			lag += r * prev
		}
		prev = r
	}
	md.inflate = 1
	if md.m > 2 {
		md.s2 = ss / float64(md.m-2)
	}
	if ss > 0 && md.m > 3 {
		// Lag-1 autocorrelation of the residuals, clamped: an AR(1) error process makes the
		// variance of a long sum (1+ρ)/(1-ρ) times that of independent days.
		rho := min(max(lag/ss, 0), 0.9)
		md.inflate = (1 + rho) / (1 - rho)
	}
	return md
}

// Predict is the expected cost of day (after the history).
func (md Model) Predict(day time.Time) float64 {
	t := md.t(day)
	w := int(dayOf(day).Weekday())
	trend := (md.a + md.b*t) * md.factors[w]
	if md.hasWeek {
		trend = blend*trend + (1-blend)*md.lastWeek[w]
	}
	return math.Max(0, trend)
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
	variance := noise * md.inflate
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

// calibrate widens e, the forecast of the `days` days after the end of history, to the spread
// of the errors the same model made on history itself: it is refitted at up to 60 earlier
// cut-offs, each forecasting the `days` days that followed, and the 5th and 95th percentiles of
// the relative errors bound the interval (in-sample errors understate out-of-sample ones, so
// the band is taken wider than the nominal 80 %; the backtest measures the coverage it gets). Spend in the simulator and in real bills has jumps
// (anomalies, new resources) that a residual variance from a calm month understates; the
// errors the model actually made do not. The interval is the wider of the two.
func calibrate(e Estimate, history []money.Micros, last time.Time, days int) Estimate {
	const minFit, maxCuts, minCuts = 28, 60, 12
	n := len(history)
	var rel []float64
	for cut := n - days; cut >= minFit && len(rel) < maxCuts; cut-- {
		cutLast := dayOf(last).AddDate(0, 0, cut-n)
		f := Fit(history[:cut], cutLast).Sum(cutLast.AddDate(0, 0, 1), cutLast.AddDate(0, 0, days)).Value
		var actual money.Micros
		for _, v := range history[cut : cut+days] {
			actual += v
		}
		if f > 0 {
			rel = append(rel, float64(actual-f)/float64(f))
		}
	}
	if len(rel) < minCuts {
		return e
	}
	slices.Sort(rel)
	q := func(p float64) float64 { return rel[int(math.Round(p*float64(len(rel)-1)))] }
	v := float64(e.Value)
	low := money.Micros(math.Round(math.Max(0, v*(1+q(0.05)))))
	high := money.Micros(math.Round(v * (1 + q(0.95))))
	e.Low, e.High = min(e.Low, low), max(e.High, high)
	return e
}

// MonthEnd forecasts the total of the month that contains the day after last: the month to
// date already billed plus the forecast of the days still to come.
func MonthEnd(history []money.Micros, last time.Time, monthToDate money.Micros) Estimate {
	md := Fit(history, last)
	next := dayOf(last).AddDate(0, 0, 1)
	end := time.Date(next.Year(), next.Month()+1, 0, 0, 0, 0, 0, billing.Shanghai)
	e := calibrate(md.Sum(next, end), history, last, int(math.Round(end.Sub(next).Hours()/24))+1)
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
		start := time.Date(next.Year(), next.Month()+time.Month(i), 1, 0, 0, 0, 0, billing.Shanghai)
		end := start.AddDate(0, 1, -1)
		// The calibration window covers the gap before the month too, so the errors measured
		// are those of a forecast made as far ahead as this one.
		days := int(math.Round(end.Sub(next).Hours()/24)) + 1
		e := calibrate(md.Sum(next, end), history, last, days)
		month := md.Sum(start, end)
		if whole := md.Sum(next, end).Value; whole > 0 {
			// Scale the calibrated band of the whole span to this month's share of it.
			share := float64(month.Value) / float64(whole)
			month.Low = min(month.Low, money.Micros(math.Round(float64(e.Low)*share)))
			month.High = max(month.High, money.Micros(math.Round(float64(e.High)*share)))
		}
		out = append(out, MonthForecast{Month: start.Format("2006-01"), Estimate: month})
	}
	return out
}

func dayOf(t time.Time) time.Time {
	t = t.In(billing.Shanghai)
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, billing.Shanghai)
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
