package store

import (
	"context"
	"fmt"

	"github.com/cloudlens/cloudlens/shared/account"
	"github.com/cloudlens/cloudlens/shared/cost"
	"github.com/cloudlens/cloudlens/shared/money"
)

// Discounts groups the slice q as cost.ParseDiscountGroup reads by: by one roll-up dimension
// (product, region, subscriptionType) or, with by == cost.ByMonth, by billing period.
func (s *Store) Discounts(ctx context.Context, scope account.Scope, q cost.Query, by string) ([]cost.DiscountRow, error) {
	by, err := cost.ParseDiscountGroup(by)
	if err != nil {
		return nil, err
	}
	var byDim []cost.Dim
	if by != cost.ByMonth {
		byDim = []cost.Dim{{Kind: by}}
	}
	// The grouped dimension picks the source with the filters; the totals, tag and attribute
	// roll-ups lack the discount columns, so the smallest is cost_daily_regions.
	q.GroupBy = byDim
	b := buildCost(scope, q, fromRegions)
	out := []cost.DiscountRow{}
	if b.empty {
		return out, nil
	}
	key := "c.billing_period"
	if len(byDim) == 1 {
		key = b.dim(byDim[0])
	}
	cols := "SUM(c.list_cost), SUM(c.billed_cost), SUM(c.invoice_discount), SUM(c.coupon_deduction), SUM(c.cash_coupon_deduction), " +
		"SUM(c.prepaid_card_deduction), SUM(c.resource_package_deduction)"
	query, args := b.sql("c.currency, "+key+", "+cols, " GROUP BY c.currency, "+key+" ORDER BY c.currency, "+key)
	rows, err := s.db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("store: discounts: %w", Translate(err))
	}
	defer rows.Close()
	for rows.Next() {
		var r cost.DiscountRow
		var v [7]int64
		if err := rows.Scan(&r.Currency, &r.Key, &v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &v[6]); err != nil {
			return nil, fmt.Errorf("store: discounts: %w", Translate(err))
		}
		r.ListCost, r.BilledCost, r.Invoice, r.Coupons, r.CashCoupons = money.Micros(v[0]), money.Micros(v[1]), money.Micros(v[2]), money.Micros(v[3]), money.Micros(v[4])
		r.PrepaidCard, r.ResourcePackage = money.Micros(v[5]), money.Micros(v[6])
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: discounts: %w", Translate(err))
	}
	return out, nil
}
