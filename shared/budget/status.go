package budget

import (
	"math"
	"time"

	"github.com/cloudlens/cloudlens/shared/alert"
	"github.com/cloudlens/cloudlens/shared/cost"
	"github.com/cloudlens/cloudlens/shared/money"
)

// HistoryDays is how many days of daily cost up to the last billed day the forecast reads: the
// same window as the cost forecast (twelve weeks), so a month budget's forecast over all of its
// scope equals what the forecast endpoint says.
const HistoryDays = cost.HistoryDays

// Point is the cumulative spend of the period up to and including Date.
type Point struct {
	Date       time.Time
	Cumulative money.Micros
}

// Status is where a budget stands in its current period.
type Status struct {
	PeriodStart, PeriodEnd time.Time
	// AsOf is the last day with bills taken into account.
	AsOf      time.Time
	Amount    money.Micros
	Spent     money.Micros
	Forecast  money.Micros
	Remaining money.Micros
	// PercentSpent and PercentForecast are of Amount, to one decimal.
	PercentSpent    float64
	PercentForecast float64
	// BurnDown is the day cumulative spend reaches Amount, actually or at the forecast pace;
	// zero when the period ends first.
	BurnDown time.Time
	Series   []Point
}

// Evaluate computes the status of b in the period that contains today. history is the scope's
// daily cost ending on asOf (history[len-1] is asOf), at least HistoryDays long when that much
// exists, and always covering the period's days up to asOf.
func Evaluate(b *Budget, today, asOf time.Time, history []money.Micros) Status {
	start, end := Window(b.Period, today)
	asOf = dayOf(asOf)
	st := Status{PeriodStart: start, PeriodEnd: end, AsOf: asOf, Amount: b.AmountFor(start)}

	// Actual spend: the days of the period up to asOf, read from the end of history.
	var cum money.Micros
	if !asOf.Before(start) {
		last := asOf
		if last.After(end) {
			last = end
		}
		n := days(start, last)
		off := len(history) - days(last, asOf) - n + 1
		for i := range n {
			if j := off + i; j >= 0 && j < len(history) {
				cum += history[j]
			}
			d := start.AddDate(0, 0, i)
			st.Series = append(st.Series, Point{Date: d, Cumulative: cum})
			if st.BurnDown.IsZero() && st.Amount > 0 && cum >= st.Amount {
				st.BurnDown = d
			}
		}
	}
	st.Spent = cum
	st.Forecast = cum
	if asOf.Before(end) && len(history) > 0 {
		from := asOf.AddDate(0, 0, 1)
		if from.Before(start) {
			from = start
		}
		// The model sees the same window as the cost forecast, however long the period.
		recent := history[max(0, len(history)-HistoryDays):]
		st.Forecast += cost.ForecastRange(recent, asOf, from, end).Value
		if st.BurnDown.IsZero() && st.Amount > 0 {
			md := cost.Fit(recent, asOf)
			pace := float64(cum)
			for d := from; !d.After(end); d = d.AddDate(0, 0, 1) {
				pace += md.Predict(d)
				if pace >= float64(st.Amount) {
					st.BurnDown = d
					break
				}
			}
		}
	}
	st.Remaining = st.Amount - st.Spent
	st.PercentSpent = percent(st.Spent, st.Amount)
	st.PercentForecast = percent(st.Forecast, st.Amount)
	return st
}

// Snapshot is what of st is kept with the budget, evaluated at at.
func (st Status) Snapshot(at time.Time) Snapshot {
	return Snapshot{PeriodStart: st.PeriodStart, AsOf: st.AsOf, Amount: st.Amount, Spent: st.Spent,
		Forecast: st.Forecast, BurnDown: st.BurnDown, EvaluatedAt: at}
}

// Status rebuilds the headline figures of a kept snapshot (without the daily series).
func (sn Snapshot) Status(p Period) Status {
	start, end := Window(p, sn.PeriodStart)
	return Status{PeriodStart: start, PeriodEnd: end, AsOf: sn.AsOf, Amount: sn.Amount, Spent: sn.Spent,
		Forecast: sn.Forecast, Remaining: sn.Amount - sn.Spent, PercentSpent: percent(sn.Spent, sn.Amount),
		PercentForecast: percent(sn.Forecast, sn.Amount), BurnDown: sn.BurnDown}
}

func percent(v, of money.Micros) float64 {
	if of <= 0 {
		return 0
	}
	return math.Round(float64(v)*1000/float64(of)) / 10
}

// Crossing is one threshold of a budget judged against its status.
type Crossing struct {
	Threshold Threshold
	// Crossed reports whether the threshold's basis has reached its share of the amount.
	Crossed bool
	// Value is what was compared: spend or forecast.
	Value money.Micros
	// DedupKey names the threshold in this period: one crossing in one period is one alert,
	// however often the budget is checked.
	DedupKey string
}

// Severity ranks how urgent a crossing is: money already over the amount is critical; most of
// it spent, or the amount forecast to be exceeded, is a warning.
func (c Crossing) Severity() alert.Severity {
	switch {
	case c.Threshold.Basis == Actual && c.Threshold.Percent >= 100:
		return alert.SeverityCritical
	case c.Threshold.Percent >= 80:
		return alert.SeverityWarning
	default:
		return alert.SeverityInfo
	}
}

// Crossings judges every threshold of b against st. Integer arithmetic decides exactly when
// spend reaches the threshold, with no rounding of the percentage in between.
func Crossings(b *Budget, st Status) []Crossing {
	out := make([]Crossing, 0, len(b.Thresholds))
	for _, t := range b.Thresholds {
		v := st.Spent
		if t.Basis == Forecast {
			v = st.Forecast
		}
		out = append(out, Crossing{
			Threshold: t,
			Crossed:   st.Amount > 0 && int64(v)*100 >= int64(st.Amount)*int64(t.Percent),
			Value:     v,
			DedupKey:  alert.BudgetDedupKey(b.ID, st.PeriodStart.Format(time.DateOnly), string(t.Basis), t.Percent),
		})
	}
	return out
}

// Past returns the n periods before the one that contains today, most recent first.
func Past(p Period, today time.Time, n int) [][2]time.Time {
	start, _ := Window(p, today)
	out := make([][2]time.Time, 0, n)
	for range n {
		s, e := Window(p, start.AddDate(0, 0, -1))
		out = append(out, [2]time.Time{s, e})
		start = s
	}
	return out
}
