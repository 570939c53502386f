package cost

import (
	"cmp"
	"context"
	"math"
	"slices"

	"github.com/cloudlens/cloudlens/shared/account"
	"github.com/cloudlens/cloudlens/shared/errs"
	"github.com/cloudlens/cloudlens/shared/money"
)

// ByMonth groups discounts by billing period instead of by a dimension.
const ByMonth = "month"

// discountGroups are the groupings of the discount analysis: roll-up dimensions that carry
// the discount columns, and the billing period.
var discountGroups = []string{DimProduct, DimRegion, DimSubscriptionType, ByMonth}

// ParseDiscountGroup checks how discounts are to be grouped: product (the default when by is
// empty), region, subscriptionType or month. It is the one check of that list: the API and
// the store both call it.
func ParseDiscountGroup(by string) (string, error) {
	if by == "" {
		return DimProduct, nil
	}
	if !slices.Contains(discountGroups, by) {
		return "", errs.UnknownValue("by", by, discountGroups...)
	}
	return by, nil
}

// DiscountRow sums list and billed cost, invoice discounts, coupons and the deductions that
// paid part of the billed cost (cash coupons, prepaid cards, resource packages) of one group.
type DiscountRow struct {
	Currency        string
	Key             string
	ListCost        money.Micros
	BilledCost      money.Micros
	Invoice         money.Micros
	Coupons         money.Micros
	CashCoupons     money.Micros
	PrepaidCard     money.Micros
	ResourcePackage money.Micros
}

// DiscountFigures are the discount figures of a currency or of one of its groups.
type DiscountFigures struct {
	ListCost     money.Micros
	BilledCost   money.Micros
	Discount     money.Micros // ListCost - BilledCost
	DiscountRate float64      // Discount / ListCost, 0..1, four decimals
	Invoice      money.Micros
	Coupons      money.Micros
	CashCoupons  money.Micros
	// PrepaidCard and ResourcePackage, like CashCoupons, paid part of BilledCost: they are
	// not in Discount (billed cost is before them) but lower what was paid in cash.
	PrepaidCard     money.Micros
	ResourcePackage money.Micros
}

func (f *DiscountFigures) add(r DiscountRow) {
	f.ListCost += r.ListCost
	f.BilledCost += r.BilledCost
	f.Invoice += r.Invoice
	f.Coupons += r.Coupons
	f.CashCoupons += r.CashCoupons
	f.PrepaidCard += r.PrepaidCard
	f.ResourcePackage += r.ResourcePackage
	f.Discount = f.ListCost - f.BilledCost
	f.DiscountRate = 0
	if f.ListCost != 0 {
		f.DiscountRate = math.Round(float64(f.Discount)/float64(f.ListCost)*10000) / 10000
	}
}

// DiscountGroup is one group of a currency's discounts; Label is the product's name for
// products, the key otherwise.
type DiscountGroup struct {
	Key   string
	Label string
	DiscountFigures
}

// CurrencyDiscounts are the discounts of one currency and its groups: largest discount first,
// or in month order when grouped by month.
type CurrencyDiscounts struct {
	Currency string
	DiscountFigures
	Groups []DiscountGroup
}

// Discounts is the discount analysis of a slice.
type Discounts struct {
	Demo    bool
	GroupBy string
	Items   []CurrencyDiscounts
}

// Discounts analyses the discounts of the slice q grouped by by (see ParseDiscountGroup).
func (s Service) Discounts(ctx context.Context, scope account.Scope, q Query, by string) (Discounts, error) {
	by, err := ParseDiscountGroup(by)
	if err != nil {
		return Discounts{}, err
	}
	rows, err := s.Store.Discounts(ctx, scope, q, by)
	if err != nil {
		return Discounts{}, err
	}
	l, demo, err := s.labelled(ctx, scope, q)
	if err != nil {
		return Discounts{}, err
	}
	out := Discounts{Demo: demo, GroupBy: by, Items: []CurrencyDiscounts{}}
	idx := map[string]int{}
	for _, row := range rows {
		i, ok := idx[row.Currency]
		if !ok {
			i = len(out.Items)
			idx[row.Currency] = i
			out.Items = append(out.Items, CurrencyDiscounts{Currency: row.Currency, Groups: []DiscountGroup{}})
		}
		it := &out.Items[i]
		it.add(row)
		g := DiscountGroup{Key: row.Key, Label: row.Key}
		if by == DimProduct && l.Products[row.Key] != "" {
			g.Label = l.Products[row.Key]
		}
		g.add(row)
		it.Groups = append(it.Groups, g)
	}
	if by != ByMonth {
		for i := range out.Items {
			slices.SortStableFunc(out.Items[i].Groups, func(x, y DiscountGroup) int { return cmp.Compare(y.Discount, x.Discount) })
		}
	}
	return out, nil
}
