package budget

import (
	"context"
	"fmt"
	"github.com/cloudlens/cloudlens/shared/billing"
	"time"

	"github.com/cloudlens/cloudlens/shared/account"
	"github.com/cloudlens/cloudlens/shared/cost"
	"github.com/cloudlens/cloudlens/shared/money"
)

// Costs is what budgets need of the cost store: the explorer's grouped sums, so that a
// budget's spend is by construction what the explorer shows for the same scope and dates.
type Costs interface {
	CostRows(ctx context.Context, scope account.Scope, q cost.Query) ([]cost.Row, error)
}

// Scope is the accounts the budget covers.
func (b *Budget) Scope() account.Scope {
	if b.AllAccounts {
		return account.AllAccounts
	}
	return account.Scope{IDs: b.AccountIDs}
}

// Daily returns the budget scope's daily cost in its currency from..to, one value a day.
func Daily(ctx context.Context, c Costs, b *Budget, from, to time.Time) ([]money.Micros, error) {
	from, to = dayOf(from), dayOf(to)
	out := make([]money.Micros, days(from, to))
	// The explorer caps one query's range; longer spans are read in pieces.
	for start := from; !start.After(to); {
		end := start.AddDate(0, 0, cost.MaxRangeDays-1)
		if end.After(to) {
			end = to
		}
		q, err := b.Query(start, end)
		if err != nil {
			return nil, err
		}
		rows, err := c.CostRows(ctx, b.Scope(), q)
		if err != nil {
			return nil, fmt.Errorf("budget %d: daily costs: %w", b.ID, err)
		}
		for _, r := range rows {
			if r.Currency != b.Currency {
				continue
			}
			d, err := time.ParseInLocation(time.DateOnly, r.Period, billing.Shanghai)
			if err != nil {
				return nil, fmt.Errorf("budget %d: period %q: %w", b.ID, r.Period, err)
			}
			if i := days(from, d) - 1; i >= 0 && i < len(out) {
				out[i] += r.Cost
			}
		}
		start = end.AddDate(0, 0, 1)
	}
	return out, nil
}

// Compute reads the scope's costs and evaluates b in the period that contains today, with
// bills up to asOf (the last billed day).
func Compute(ctx context.Context, c Costs, b *Budget, today, asOf time.Time) (Status, error) {
	start, _ := Window(b.Period, today)
	from := dayOf(asOf).AddDate(0, 0, 1-HistoryDays)
	if start.Before(from) {
		from = start
	}
	if from.After(asOf) {
		from = dayOf(asOf)
	}
	history, err := Daily(ctx, c, b, from, asOf)
	if err != nil {
		return Status{}, err
	}
	return Evaluate(b, today, asOf, history), nil
}

// PeriodSpend is what one past period allowed and spent.
type PeriodSpend struct {
	Label  string
	Start  time.Time
	Amount money.Micros
	Spent  money.Micros
}

// History returns the n periods before today's, most recent first, with their spend.
func History(ctx context.Context, c Costs, b *Budget, today time.Time, n int) ([]PeriodSpend, error) {
	out := make([]PeriodSpend, 0, n)
	for _, w := range Past(b.Period, today, n) {
		daily, err := Daily(ctx, c, b, w[0], w[1])
		if err != nil {
			return nil, err
		}
		var sum money.Micros
		for _, v := range daily {
			sum += v
		}
		out = append(out, PeriodSpend{Label: Label(b.Period, w[0]), Start: w[0], Amount: b.AmountFor(w[0]), Spent: sum})
	}
	return out, nil
}
