package store

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/cloudlens/cloudlens/shared/account"
	"github.com/cloudlens/cloudlens/shared/cost"
	"github.com/cloudlens/cloudlens/shared/errs"
	"github.com/cloudlens/cloudlens/shared/money"
)

// MaxCostRows caps the grouped rows one cost query may return before shaping: two fine
// dimensions over a year of days could otherwise pull millions of groups into memory.
const MaxCostRows = 200_000

// CostRows answers q for the accounts in scope: one row per currency, period and group, from
// the smallest roll-up that holds every dimension q touches (account-day totals, the tag
// roll-up, the attribute roll-up, the product-region roll-up, the daily roll-up), from line
// items otherwise.
// More than MaxCostRows groups is errs.KindInvalid, asking for a narrower query.
func (s *Store) CostRows(ctx context.Context, scope account.Scope, q cost.Query) ([]cost.Row, error) {
	b := buildCost(scope, q, fromTotals)
	if b.empty {
		return []cost.Row{}, nil
	}
	selectCols := []string{periodColumn(q.Granularity), "c.currency"}
	for _, d := range q.GroupBy {
		selectCols = append(selectCols, b.dim(d))
	}
	// The GROUP BY lists the period, the currency, then the dimensions in the column order of
	// the roll-ups' covering indexes (cost_daily_regions_cover, cost_daily_groups), so that a
	// daily breakdown groups in index order instead of through a temporary table, whichever
	// order the user named the dimensions in. The order of GROUP BY changes no result.
	groupCols := slices.Clone(selectCols[2:])
	slices.SortStableFunc(groupCols, func(a, b string) int { return indexRank(a) - indexRank(b) })
	group := strings.Join(append(selectCols[:2:2], groupCols...), ", ")
	query, args := b.sql(strings.Join(selectCols, ", ")+", "+metricExpr(q.Metric), " GROUP BY "+group+" LIMIT "+strconv.Itoa(MaxCostRows+1))
	rows, err := s.db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("store: cost rows: %w", Translate(err))
	}
	defer rows.Close()
	out := []cost.Row{}
	for rows.Next() {
		r := cost.Row{Keys: make([]string, len(q.GroupBy))}
		dest := []any{&r.Period, &r.Currency}
		for i := range r.Keys {
			dest = append(dest, &r.Keys[i])
		}
		var sum int64
		dest = append(dest, &sum)
		if err := rows.Scan(dest...); err != nil {
			return nil, fmt.Errorf("store: cost rows: %w", Translate(err))
		}
		r.Period, r.Cost = dayText(r.Period), money.Micros(sum)
		out = append(out, r)
		if len(out) > MaxCostRows {
			return nil, errs.TooManyRows(MaxCostRows, "the query has more than %d groups; narrow the range, coarsen the granularity or add filters", MaxCostRows)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: cost rows: %w", Translate(err))
	}
	return out, nil
}

// indexRank is the position of a grouped column in the covering indexes of the roll-ups,
// after the date and the currency; columns in none of them come last.
func indexRank(col string) int {
	for i, c := range []string{"c.service_code", "c.subscription_type", "c.charge_category", "c.region_id", "c.account_id"} {
		if col == c {
			return i
		}
	}
	return 5
}

// CostAccounts lists the accounts that have costs in the slice q, so an answer can say
// whether it rests on demo accounts.
func (s *Store) CostAccounts(ctx context.Context, scope account.Scope, q cost.Query) ([]int64, error) {
	// Grouping does not change which accounts have costs; without it the filters alone pick
	// the source, which is the account-day totals for most slices.
	q.GroupBy = nil
	b := buildCost(scope, q, fromTotals)
	if b.empty {
		return []int64{}, nil
	}
	query, args := b.sql("DISTINCT c.account_id", "")
	return s.queryIDs(ctx, "cost accounts", query, args)
}

func (s *Store) queryIDs(ctx context.Context, what, query string, args []any) ([]int64, error) {
	rows, err := s.db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("store: %s: %w", what, Translate(err))
	}
	defer rows.Close()
	out := []int64{}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("store: %s: %w", what, Translate(err))
		}
		out = append(out, id)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: %s: %w", what, Translate(err))
	}
	return out, nil
}

// ProductNames maps product codes to their display names as the bills in scope name them.
// It names every product billed to the accounts in scope on any day, not only in q's range:
// a wider label map costs the caller nothing, and read this way it is one index probe per
// account and product (cost_daily_products) instead of a scan of the range's roll-up rows.
func (s *Store) ProductNames(ctx context.Context, scope account.Scope, q cost.Query) (map[string]string, error) {
	out := map[string]string{}
	cond, args, ok := scopeFilter("c.account_id", scope)
	if !ok {
		return out, nil
	}
	// Grouping by the index's leading columns lets MySQL skip from group to group.
	query := "SELECT c.service_code, MAX(c.service_name) FROM cost_daily c WHERE " + cond + " GROUP BY c.account_id, c.service_code"
	rows, err := s.db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("store: product names: %w", Translate(err))
	}
	defer rows.Close()
	for rows.Next() {
		var code, name string
		if err := rows.Scan(&code, &name); err != nil {
			return nil, fmt.Errorf("store: product names: %w", Translate(err))
		}
		out[code] = max(out[code], name) // the same choice MAX makes across accounts
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: product names: %w", Translate(err))
	}
	return out, nil
}
