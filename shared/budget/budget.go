// Package budget holds budgets and the rules that judge them: what a budget is, which period
// a day falls in, how much it allows, what it has spent and is forecast to spend, when the pace
// crosses the amount, and which of its thresholds are crossed. It knows nothing of storage or
// HTTP: callers hand it daily costs of the budget's scope.
package budget

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/cloudlens/cloudlens/shared/billing"

	"github.com/cloudlens/cloudlens/shared/cost"
	"github.com/cloudlens/cloudlens/shared/errs"
	"github.com/cloudlens/cloudlens/shared/money"
	"github.com/cloudlens/cloudlens/shared/text"
)

// Period is how long one budget period lasts; periods follow the calendar in the billing time
// zone (Asia/Shanghai), as bills do.
type Period string

const (
	Month   Period = "month"
	Quarter Period = "quarter"
	Year    Period = "year"
)

// Basis says what a threshold compares with the amount: spend so far, or the forecast of the
// period's end.
type Basis string

const (
	Actual   Basis = "actual"
	Forecast Basis = "forecast"
)

// Threshold fires when the basis reaches Percent of the period's amount.
type Threshold struct {
	Percent int
	Basis   Basis
}

// Limits of the input, so that one budget cannot ask for unbounded work.
const (
	MaxNameLength = 200
	MaxThresholds = 20
	MaxAccounts   = 1000
	MaxFilters    = 20
	MinPercent    = 1
	MaxPercent    = 1000
	// MaxAmount (one billion units) keeps threshold arithmetic (amount × percent) inside int64.
	MaxAmount = money.Micros(1_000_000_000 * 1_000_000)
)

// Currencies a budget may be kept in: those the bills arrive in.
var Currencies = []string{"CNY", "USD"}

// DefaultThresholds are set when a budget is created without any: warn at half, most and all
// of the amount spent, and when the forecast says the amount will be exceeded.
var DefaultThresholds = []Threshold{
	{Percent: 50, Basis: Actual}, {Percent: 80, Basis: Actual}, {Percent: 100, Basis: Actual},
	{Percent: 100, Basis: Forecast},
}

// Budget is an amount of money a scope of costs may spend in each period.
type Budget struct {
	ID       int64
	Name     string
	Period   Period
	Amount   money.Micros
	Currency string
	// MonthAmounts, when set, holds a different amount for each calendar month (January
	// first); a quarter or year then allows the sum of its months. Zero months fall back to Amount.
	MonthAmounts []money.Micros
	// AccountIDs is the scope's accounts; Filters narrow it in the explorer's syntax
	// (dimension:in:v1,v2 or dimension:notin:v1,v2).
	AccountIDs []int64
	// AllAccounts makes the scope every account, present and future: set when someone who may
	// see every account creates a budget without choosing accounts.
	AllAccounts bool
	Filters     []string
	Thresholds  []Threshold
	CreatedBy   int64
	CreatedAt   time.Time
	UpdatedAt   time.Time
	// Last is the latest evaluation kept with the budget; nil before the first.
	Last *Snapshot
}

// Snapshot is the part of a Status kept with the budget, so that lists of budgets need no
// cost query each.
type Snapshot struct {
	PeriodStart time.Time
	AsOf        time.Time
	Amount      money.Micros
	Spent       money.Micros
	Forecast    money.Micros
	BurnDown    time.Time // zero: not within the period
	EvaluatedAt time.Time
}

// Validate checks every field and reports the first problem naming the field, as the API
// answers it.
func (b *Budget) Validate() error {
	if err := checkText("name", b.Name, MaxNameLength); err != nil {
		return err
	}
	if !slices.Contains([]Period{Month, Quarter, Year}, b.Period) {
		return errs.UnknownValue("period", b.Period, Month, Quarter, Year)
	}
	if b.Amount <= 0 {
		return errs.InvalidField("amount", errs.ReasonPositive, "must be greater than zero")
	}
	if b.Amount > MaxAmount {
		return errs.OutOfRange("amount", "0.01", MaxAmount)
	}
	if !slices.Contains(Currencies, b.Currency) {
		return errs.UnknownValue("currency", b.Currency, Currencies...)
	}
	if n := len(b.MonthAmounts); n != 0 && n != 12 {
		return errs.InvalidField("monthAmounts", errs.ReasonTwelve, "needs 12 amounts, January first (got %d)", n)
	}
	for _, m := range b.MonthAmounts {
		if m < 0 || m > MaxAmount {
			return errs.OutOfRange("monthAmounts", 0, MaxAmount)
		}
	}
	if len(b.AccountIDs) > MaxAccounts {
		return errs.TooMany("accountIds", MaxAccounts)
	}
	for _, id := range b.AccountIDs {
		if id <= 0 {
			return errs.BadID("accountIds", strconv.FormatInt(id, 10))
		}
	}
	if len(b.Filters) > MaxFilters {
		return errs.TooMany("filters", MaxFilters)
	}
	for _, f := range b.Filters {
		if _, err := cost.ParseFilter(f); err != nil {
			return errs.Prefix("filters", err)
		}
	}
	if len(b.Thresholds) > MaxThresholds {
		return errs.TooMany("thresholds", MaxThresholds)
	}
	for _, t := range b.Thresholds {
		if t.Percent < MinPercent || t.Percent > MaxPercent {
			return errs.OutOfRange("thresholds", MinPercent, MaxPercent)
		}
		if t.Basis != Actual && t.Basis != Forecast {
			return errs.UnknownValue("thresholds", t.Basis, Actual, Forecast)
		}
	}
	return nil
}

// Normalize sorts and de-duplicates the scope's account ids and thresholds, and sets the
// default thresholds when there are none, so equal budgets are stored alike.
func (b *Budget) Normalize() {
	slices.Sort(b.AccountIDs)
	b.AccountIDs = slices.Compact(b.AccountIDs)
	if len(b.Thresholds) == 0 {
		b.Thresholds = slices.Clone(DefaultThresholds)
	}
	slices.SortFunc(b.Thresholds, func(x, y Threshold) int {
		if x.Basis != y.Basis {
			return strings.Compare(string(x.Basis), string(y.Basis))
		}
		return x.Percent - y.Percent
	})
	b.Thresholds = slices.Compact(b.Thresholds)
}

// Query is the explorer query of the budget's scope over start..end, daily billed cost (the
// explorer's default metric): the same parser the explorer uses reads the filters, so spend
// here and in the explorer cannot disagree. The accounts are applied as the caller's scope.
func (b *Budget) Query(start, end time.Time) (cost.Query, error) {
	q := cost.Query{Start: start.Format(time.DateOnly), End: end.Format(time.DateOnly), Granularity: cost.Day, Metric: cost.Billed}
	for _, s := range b.Filters {
		f, err := cost.ParseFilter(s)
		if err != nil {
			return q, err
		}
		q.Filters = append(q.Filters, f)
	}
	return q, q.Validate()
}

func checkText(field, s string, max int) error {
	if strings.TrimSpace(s) == "" {
		return errs.Required(field)
	}
	return text.Check(field, s, max)
}

// Window returns the first and last day of the period of p that contains day.
func Window(p Period, day time.Time) (start, end time.Time) {
	d := dayOf(day)
	switch p {
	case Quarter:
		first := time.Month((int(d.Month())-1)/3*3 + 1)
		start = time.Date(d.Year(), first, 1, 0, 0, 0, 0, billing.Shanghai)
		return start, start.AddDate(0, 3, -1)
	case Year:
		start = time.Date(d.Year(), 1, 1, 0, 0, 0, 0, billing.Shanghai)
		return start, start.AddDate(1, 0, -1)
	default:
		start = time.Date(d.Year(), d.Month(), 1, 0, 0, 0, 0, billing.Shanghai)
		return start, start.AddDate(0, 1, -1)
	}
}

// Label names the period that starts on start: "2026-11", "2026-Q4" or "2026".
func Label(p Period, start time.Time) string {
	switch p {
	case Quarter:
		return fmt.Sprintf("%d-Q%d", start.Year(), (int(start.Month())-1)/3+1)
	case Year:
		return fmt.Sprintf("%d", start.Year())
	default:
		return start.Format("2006-01")
	}
}

// AmountFor is what the budget allows in the period that starts on start.
func (b *Budget) AmountFor(start time.Time) money.Micros {
	if len(b.MonthAmounts) != 12 {
		return b.Amount
	}
	_, end := Window(b.Period, start)
	var sum money.Micros
	for m := dayOf(start); !m.After(end); m = m.AddDate(0, 1, 0) {
		if v := b.MonthAmounts[m.Month()-1]; v > 0 {
			sum += v
		} else {
			sum += b.Amount
		}
	}
	return sum
}

func dayOf(t time.Time) time.Time {
	t = t.In(billing.Shanghai)
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, billing.Shanghai)
}

func days(from, to time.Time) int {
	return int(dayOf(to).Sub(dayOf(from)).Hours()/24+0.5) + 1
}
