package store

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"

	"github.com/cloudlens/cloudlens/shared/account"
	"github.com/cloudlens/cloudlens/shared/cost"
	"github.com/cloudlens/cloudlens/shared/errs"
	"github.com/cloudlens/cloudlens/shared/money"
)

// DimensionValues sums q.Metric per value of d and currency over q's range and filters, within
// scope, from the smallest roll-up that holds d. A tag dimension without a key (cost.Dim{Kind:
// cost.DimTag}) lists the tag keys instead, each with the cost of the items that carry it.
// More than MaxCostRows values is errs.KindInvalid.
func (s *Store) DimensionValues(ctx context.Context, scope account.Scope, q cost.Query, d cost.Dim) ([]cost.ValueCost, error) {
	var query string
	var args []any
	if d.Kind == cost.DimTag && d.TagKey == "" {
		cond, sargs, ok := scopeFilter("c.account_id", scope)
		if !ok {
			return []cost.ValueCost{}, nil
		}
		// Rows with a value only: the '' rows are each key's remainder, the untagged items.
		query = "SELECT c.tag_key, c.currency, " + metricExpr(q.Metric) + " FROM cost_daily_tags c" +
			" WHERE c.charge_date >= ? AND c.charge_date <= ? AND " + cond + " AND c.tag_value <> ''" +
			" GROUP BY c.tag_key, c.currency LIMIT " + strconv.Itoa(MaxCostRows+1)
		args = append([]any{q.Start, q.End}, sargs...)
	} else {
		q.GroupBy = []cost.Dim{d}
		b := buildCost(scope, q, fromTotals)
		if b.empty {
			return []cost.ValueCost{}, nil
		}
		col := b.dim(d)
		query, args = b.sql(col+", c.currency, "+metricExpr(q.Metric), " GROUP BY "+col+", c.currency LIMIT "+strconv.Itoa(MaxCostRows+1))
	}
	rows, err := s.db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("store: dimension values: %w", Translate(err))
	}
	defer rows.Close()
	out := []cost.ValueCost{}
	for rows.Next() {
		var v cost.ValueCost
		var sum int64
		if err := rows.Scan(&v.Value, &v.Currency, &sum); err != nil {
			return nil, fmt.Errorf("store: dimension values: %w", Translate(err))
		}
		v.Cost = money.Micros(sum)
		out = append(out, v)
		if len(out) > MaxCostRows {
			return nil, errs.TooManyRows(MaxCostRows, "the dimension has more than %d values in the range; narrow the range", MaxCostRows)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: dimension values: %w", Translate(err))
	}
	return out, nil
}

// CostCoverage returns the first and last days with costs of the accounts in scope ("" and ""
// when there are none), so an empty answer can say where the data is.
func (s *Store) CostCoverage(ctx context.Context, scope account.Scope) (first, last string, err error) {
	cond, args, ok := scopeFilter("c.account_id", scope)
	if !ok {
		return "", "", nil
	}
	var lo, hi sql.NullString
	row := s.db.QueryRowContext(ctx, "SELECT MIN(c.charge_date), MAX(c.charge_date) FROM cost_daily_totals c WHERE "+cond, args...)
	if err := row.Scan(dateNull{&lo}, dateNull{&hi}); err != nil {
		return "", "", fmt.Errorf("store: cost coverage: %w", Translate(err))
	}
	return lo.String, hi.String, nil
}

// dateNull scans a DATE (MySQL) or TEXT (SQLite) aggregate, NULL included, as "YYYY-MM-DD".
type dateNull struct{ s *sql.NullString }

func (c dateNull) Scan(src any) error {
	var v string
	if err := (dateCol{&v}).Scan(src); err != nil {
		return err
	}
	c.s.String, c.s.Valid = dayText(v), v != ""
	return nil
}
