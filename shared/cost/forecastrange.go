package cost

import (
	"math"
	"time"

	"github.com/cloudlens/cloudlens/shared/money"
)

// ForecastRange forecasts the cost of the days from..to (inclusive) from history, the daily
// costs ending on day last, with the same model and calibration as the month-end forecast:
// budgets of a month, a quarter or a year ask it for the rest of their period. Days of the
// range on or before last are not forecast (they are billed); callers add what was spent.
func ForecastRange(history []money.Micros, last, from, to time.Time) Estimate {
	last, from, to = dayOf(last), dayOf(from), dayOf(to)
	if next := last.AddDate(0, 0, 1); from.Before(next) {
		from = next
	}
	if to.Before(from) {
		return Estimate{}
	}
	md := Fit(history, last)
	// The calibration horizon runs from the day after the history to the end of the range,
	// so the errors measured are those of a forecast made as far ahead as this one.
	horizon := int(math.Round(to.Sub(last).Hours() / 24))
	return calibrate(md.Sum(from, to), history, last, horizon)
}
