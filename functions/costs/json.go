package costs

import (
	"github.com/cloudlens/cloudlens/shared/apijson"
	"github.com/cloudlens/cloudlens/shared/app"
	"github.com/cloudlens/cloudlens/shared/cost"
	"github.com/cloudlens/cloudlens/shared/money"
)

// The JSON shapes of the function's answers. They are the API contract (docs/openapi.yaml);
// shared/cost's types are not, so the domain can change without changing an answer.

// exploreJSON is the explorer's answer.
type exploreJSON struct {
	apijson.Slice
	Items      []cost.Series    `json:"items"`
	Incomplete []app.Incomplete `json:"incomplete"`
}

func newExploreJSON(e cost.Exploration) exploreJSON {
	return exploreJSON{Slice: apijson.NewSlice(e), Items: e.Series}
}

// The overview, forecast and drill-down answers are the shapes the AI tools give too
// (shared/apijson), with the days whose bills are not complete yet.

type overviewJSON struct {
	apijson.Overview
	Incomplete []app.Incomplete `json:"incomplete"`
}

func newOverviewJSON(o cost.Overview) overviewJSON {
	return overviewJSON{Overview: apijson.NewOverview(o)}
}

type forecastJSON struct {
	apijson.Forecast
	Incomplete []app.Incomplete `json:"incomplete"`
}

func newForecastJSON(f cost.Forecast) forecastJSON {
	return forecastJSON{Forecast: apijson.NewForecast(f)}
}

type resourcesJSON struct {
	apijson.Resources
	Incomplete []app.Incomplete `json:"incomplete"`
}

func newResourcesJSON(q cost.Query, r cost.Resources) resourcesJSON {
	return resourcesJSON{Resources: apijson.NewResources(q, r)}
}

type resourceJSON struct {
	Demo bool `json:"demo"`
	apijson.ResourceSeries
	// Items holds every (account, currency) series of the resource id; the top level repeats
	// the largest one, which is the only one in the usual case.
	Items []apijson.ResourceSeries `json:"items"`
}

func newResourceJSON(h cost.ResourceHistory) resourceJSON {
	out := resourceJSON{Demo: h.Demo, Items: apijson.NewResourceSeries(h)}
	if len(out.Items) > 0 {
		out.ResourceSeries = out.Items[0]
	} else {
		out.Items = nil // as before: no series, no items
	}
	return out
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
	// Deductions that paid part of the billed cost, beside cash coupons.
	PrepaidCard     money.Micros `json:"prepaidCard"`
	ResourcePackage money.Micros `json:"resourcePackage"`
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

func newDiscountsJSON(q cost.Query, d cost.Discounts) discountsJSON {
	out := discountsJSON{Demo: d.Demo, Start: q.Start, End: q.End, GroupBy: d.GroupBy, Items: make([]discountItem, 0, len(d.Items))}
	for _, it := range d.Items {
		item := discountItem{Currency: it.Currency, discountFigures: discountFigures(it.DiscountFigures), Groups: make([]discountGroup, 0, len(it.Groups))}
		for _, g := range it.Groups {
			item.Groups = append(item.Groups, discountGroup{Key: g.Key, Label: g.Label, discountFigures: discountFigures(g.DiscountFigures)})
		}
		out.Items = append(out.Items, item)
	}
	return out
}

// valueJSON is one value of a dimension for a picker.
type valueJSON struct {
	Value    string       `json:"value"`
	Label    string       `json:"label"`
	Cost     money.Micros `json:"cost"`
	Currency string       `json:"currency"`
}

type valuesJSON struct {
	Demo       bool        `json:"demo"`
	Items      []valueJSON `json:"items"`
	NextCursor *string     `json:"nextCursor"`
}

func newValuesJSON(p cost.ValuesPage) valuesJSON {
	out := valuesJSON{Demo: p.Demo, Items: make([]valueJSON, 0, len(p.Items))}
	for _, it := range p.Items {
		out.Items = append(out.Items, valueJSON{Value: it.Value, Label: it.Label, Cost: it.Cost, Currency: it.Currency})
	}
	if p.NextCursor != "" {
		out.NextCursor = &p.NextCursor
	}
	return out
}
