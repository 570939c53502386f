package costs

import (
	"cmp"
	"context"
	"math"
	"net/http"
	"slices"
	"strconv"

	"github.com/cloudlens/cloudlens/shared/account"
	"github.com/cloudlens/cloudlens/shared/auth"
	"github.com/cloudlens/cloudlens/shared/cost"
	"github.com/cloudlens/cloudlens/shared/errs"
	"github.com/cloudlens/cloudlens/shared/httpx"
	"github.com/cloudlens/cloudlens/shared/money"
	"github.com/cloudlens/cloudlens/shared/store"
)

// Drill-down lists at most this many resources per request.
const (
	defaultResources = 50
	maxResources     = 500
)

type resourcesJSON struct {
	Demo  bool                 `json:"demo"`
	Start string               `json:"start"`
	End   string               `json:"end"`
	Items []store.ResourceCost `json:"items"`
}

func (a *api) resources(w http.ResponseWriter, r *http.Request) error {
	p, q, err := a.caller(r)
	if err != nil {
		return err
	}
	limit := defaultResources
	if v := r.URL.Query().Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > maxResources {
			return errs.Invalid("limit must be between 1 and %d", maxResources)
		}
		limit = n
	}
	scope := p.Scope()
	key := "resources|" + scopeKey(scope) + "|" + strconv.Itoa(limit) + "|" + q.Key()
	res, err := cached(r.Context(), a, key, func(ctx context.Context) (resourcesJSON, error) {
		items, err := a.d.Store.TopResources(ctx, scope, q, limit)
		if err != nil {
			return resourcesJSON{}, err
		}
		demo, err := a.demoOf(ctx, scope, accountIDs(items))
		return resourcesJSON{Demo: demo, Start: q.Start, End: q.End, Items: items}, err
	})
	if err != nil {
		return err
	}
	return httpx.OK(w, res)
}

func accountIDs(items []store.ResourceCost) []int64 {
	ids := make([]int64, 0, len(items))
	for _, it := range items {
		ids = append(ids, it.AccountID)
	}
	return ids
}

// demoOf reports whether any of ids is a demo account.
func (a *api) demoOf(ctx context.Context, scope account.Scope, ids []int64) (bool, error) {
	if len(ids) == 0 {
		return false, nil
	}
	accs, err := a.d.Store.ListAccounts(ctx, scope)
	if err != nil {
		return false, err
	}
	for _, acc := range accs {
		if acc.Demo && slices.Contains(ids, acc.ID) {
			return true, nil
		}
	}
	return false, nil
}

// resourceSeries is one resource's cost series in one account and currency.
type resourceSeries struct {
	store.ResourceCost
	Total  money.Micros `json:"total"`
	Points []cost.Point `json:"points"`
}

type resourceJSON struct {
	Demo bool `json:"demo"`
	resourceSeries
	// Items holds every (account, currency) series of the resource id; the top level repeats
	// the largest one, which is the only one in the usual case.
	Items []resourceSeries `json:"items"`
}

func (a *api) resource(w http.ResponseWriter, r *http.Request) error {
	p, q, err := a.caller(r)
	if err != nil {
		return err
	}
	id := r.PathValue("resourceId")
	if id == "" || len(id) > 200 {
		return errs.Invalid("resource id must be 1 to 200 characters")
	}
	scope := p.Scope()
	res, err := cached(r.Context(), a, "resource|"+scopeKey(scope)+"|"+strconv.Quote(id)+"|"+q.Key(), func(ctx context.Context) (resourceJSON, error) {
		rows, err := a.d.Store.ResourceSeries(ctx, scope, id, q)
		if err != nil {
			return resourceJSON{}, err
		}
		if len(rows) == 0 {
			return resourceJSON{}, errs.NotFound("no costs of resource %q in %s..%s", id, q.Start, q.End)
		}
		periods := cost.Periods(q.Start, q.End, q.Granularity)
		type k struct {
			acc int64
			cur string
		}
		byKey := map[k]*resourceSeries{}
		var order []k
		var ids []int64
		for _, row := range rows {
			key := k{row.AccountID, row.Currency}
			s := byKey[key]
			if s == nil {
				s = &resourceSeries{ResourceCost: row.ResourceCost, Points: make([]cost.Point, len(periods))}
				for i, p := range periods {
					s.Points[i].Period = p
				}
				byKey[key] = s
				order = append(order, key)
				ids = append(ids, row.AccountID)
			}
			s.Total += row.Cost
			if i := slices.Index(periods, row.Period); i >= 0 {
				s.Points[i].Cost += row.Cost
			}
		}
		out := resourceJSON{}
		for _, key := range order {
			s := *byKey[key]
			s.Cost = s.Total
			out.Items = append(out.Items, s)
		}
		slices.SortStableFunc(out.Items, func(x, y resourceSeries) int { return cmp.Compare(y.Total, x.Total) })
		out.resourceSeries = out.Items[0]
		out.Demo, err = a.demoOf(ctx, scope, ids)
		return out, err
	})
	if err != nil {
		return err
	}
	return httpx.OK(w, res)
}

// discountFigures are the discount figures of a currency or of one of its groups.
type discountFigures struct {
	ListCost     money.Micros `json:"listCost"`
	BilledCost   money.Micros `json:"billedCost"`
	Discount     money.Micros `json:"discount"`
	DiscountRate float64      `json:"discountRate"` // Discount / ListCost, 0..1, four decimals
	Invoice      money.Micros `json:"invoiceDiscount"`
	Coupons      money.Micros `json:"coupons"`
	CashCoupons  money.Micros `json:"cashCoupons"`
}

func (f *discountFigures) add(r store.DiscountRow) {
	f.ListCost += r.ListCost
	f.BilledCost += r.BilledCost
	f.Invoice += r.Invoice
	f.Coupons += r.Coupons
	f.CashCoupons += r.CashCoupons
	f.Discount = f.ListCost - f.BilledCost
	f.DiscountRate = 0
	if f.ListCost != 0 {
		f.DiscountRate = math.Round(float64(f.Discount)/float64(f.ListCost)*10000) / 10000
	}
}

type discountGroup struct {
	Key   string `json:"key"`
	Label string `json:"label"`
	discountFigures
}

type discountItem struct {
	Currency string `json:"currency"`
	discountFigures
	Groups []discountGroup `json:"groups"`
}

type discountsJSON struct {
	Demo    bool           `json:"demo"`
	Start   string         `json:"start"`
	End     string         `json:"end"`
	GroupBy string         `json:"groupBy"`
	Items   []discountItem `json:"items"`
}

func (a *api) discounts(w http.ResponseWriter, r *http.Request) error {
	p, err := httpx.Require(r, auth.RoleViewer)
	if err != nil {
		return err
	}
	// groupBy names the discount grouping here, not explorer dimensions.
	v := r.URL.Query()
	by := v.Get("groupBy")
	v.Del("groupBy")
	q, err := cost.ParseQuery(v, a.d.Now())
	if err != nil {
		return err
	}
	if by == "" {
		by = cost.DimProduct
	}
	switch by {
	case cost.DimProduct, cost.DimRegion, cost.DimSubscriptionType, "month":
	default:
		return errs.Invalid("discounts can be grouped by product, region, subscriptionType or month, not %q", by)
	}
	scope := p.Scope()
	res, err := cached(r.Context(), a, "discounts|"+scopeKey(scope)+"|"+by+"|"+q.Key(), func(ctx context.Context) (discountsJSON, error) {
		rows, err := a.d.Store.Discounts(ctx, scope, q, by)
		if err != nil {
			return discountsJSON{}, err
		}
		l, err := a.labels(ctx, scope, q)
		if err != nil {
			return discountsJSON{}, err
		}
		demo, err := a.demo(ctx, scope, q, l)
		if err != nil {
			return discountsJSON{}, err
		}
		out := discountsJSON{Demo: demo, Start: q.Start, End: q.End, GroupBy: by, Items: []discountItem{}}
		idx := map[string]int{}
		for _, row := range rows {
			i, ok := idx[row.Currency]
			if !ok {
				i = len(out.Items)
				idx[row.Currency] = i
				out.Items = append(out.Items, discountItem{Currency: row.Currency, Groups: []discountGroup{}})
			}
			it := &out.Items[i]
			it.add(row)
			g := discountGroup{Key: row.Key, Label: row.Key}
			if by == cost.DimProduct && l.products[row.Key] != "" {
				g.Label = l.products[row.Key]
			}
			g.add(row)
			it.Groups = append(it.Groups, g)
		}
		for i := range out.Items {
			if by != "month" {
				slices.SortStableFunc(out.Items[i].Groups, func(x, y discountGroup) int { return cmp.Compare(y.Discount, x.Discount) })
			}
		}
		return out, nil
	})
	if err != nil {
		return err
	}
	return httpx.OK(w, res)
}
