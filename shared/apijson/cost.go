// Package apijson holds the JSON shapes that an API function and the AI tools
// (shared/aitools) both answer with: one shape, so a figure a model quotes reads exactly like
// the figure the API and the web app show. They are part of the API contract
// (docs/openapi.yaml); the domain packages' types are not, so a domain can change without
// changing an answer. Each side adds what only it says (the costs API its incomplete days, a
// tool the names a model reads) by embedding these.
package apijson

import (
	"github.com/cloudlens/cloudlens/shared/cost"
	"github.com/cloudlens/cloudlens/shared/money"
)

// Top is a product or account and its cost.
type Top struct {
	Key  string       `json:"key"`
	Name string       `json:"name"`
	Cost money.Micros `json:"cost"`
}

// OverviewItem is the overview of one currency.
type OverviewItem struct {
	Currency            string        `json:"currency"`
	MonthToDate         money.Micros  `json:"monthToDate"`
	LastMonthSamePeriod money.Micros  `json:"lastMonthSamePeriod"`
	LastMonthTotal      money.Micros  `json:"lastMonthTotal"`
	ChangeAmount        money.Micros  `json:"changeAmount"`
	ChangePercent       *float64      `json:"changePercent"`
	Forecast            cost.Estimate `json:"forecast"`
	TopProducts         []Top         `json:"topProducts"`
	TopAccounts         []Top         `json:"topAccounts"`
}

// Overview is the cost overview: this month so far against last month, per currency.
type Overview struct {
	Demo  bool           `json:"demo"`
	AsOf  string         `json:"asOf"`
	Items []OverviewItem `json:"items"`
}

// NewOverview is o as answered.
func NewOverview(o cost.Overview) Overview {
	out := Overview{Demo: o.Demo, AsOf: o.AsOf, Items: make([]OverviewItem, 0, len(o.Items))}
	for _, it := range o.Items {
		out.Items = append(out.Items, OverviewItem{Currency: it.Currency, MonthToDate: it.MonthToDate,
			LastMonthSamePeriod: it.LastMonthSamePeriod, LastMonthTotal: it.LastMonthTotal, ChangeAmount: it.ChangeAmount,
			ChangePercent: it.ChangePercent, Forecast: it.Forecast, TopProducts: newTops(it.TopProducts), TopAccounts: newTops(it.TopAccounts)})
	}
	return out
}

func newTops(t []cost.Top) []Top {
	out := make([]Top, 0, len(t))
	for _, e := range t {
		out = append(out, Top(e))
	}
	return out
}

// ForecastItem is the forecast of one currency.
type ForecastItem struct {
	Currency    string               `json:"currency"`
	MonthToDate money.Micros         `json:"monthToDate"`
	MonthEnd    cost.Estimate        `json:"monthEnd"`
	Months      []cost.MonthForecast `json:"months"`
}

// Forecast is this month's and the next months' forecast.
type Forecast struct {
	Demo  bool           `json:"demo"`
	AsOf  string         `json:"asOf"`
	Month string         `json:"month"`
	Items []ForecastItem `json:"items"`
}

// NewForecast is f as answered.
func NewForecast(f cost.Forecast) Forecast {
	out := Forecast{Demo: f.Demo, AsOf: f.AsOf, Month: f.Month, Items: make([]ForecastItem, 0, len(f.Items))}
	for _, it := range f.Items {
		out.Items = append(out.Items, ForecastItem(it))
	}
	return out
}

// ResourceCost is one resource's cost in a slice.
type ResourceCost struct {
	AccountID    int64        `json:"accountId"`
	ResourceID   string       `json:"resourceId"`
	ResourceName string       `json:"resourceName"`
	Product      string       `json:"product"`
	Region       string       `json:"region"`
	Currency     string       `json:"currency"`
	Cost         money.Micros `json:"cost"`
}

// Resources is the most expensive resources of a slice.
type Resources struct {
	Demo  bool           `json:"demo"`
	Start string         `json:"start"`
	End   string         `json:"end"`
	Items []ResourceCost `json:"items"`
}

// NewResources is r, the drill-down of q, as answered.
func NewResources(q cost.Query, r cost.Resources) Resources {
	out := Resources{Demo: r.Demo, Start: q.Start, End: q.End, Items: make([]ResourceCost, 0, len(r.Items))}
	for _, it := range r.Items {
		out.Items = append(out.Items, ResourceCost(it))
	}
	return out
}

// Slice says which slice of costs an exploration answers.
type Slice struct {
	Demo        bool     `json:"demo"`
	Start       string   `json:"start"`
	End         string   `json:"end"`
	Granularity string   `json:"granularity"`
	GroupBy     []string `json:"groupBy"`
	Metric      string   `json:"metric"`
}

// NewSlice is the slice of e.
func NewSlice(e cost.Exploration) Slice {
	q := e.Query
	out := Slice{Demo: e.Demo, Start: q.Start, End: q.End, Granularity: string(q.Granularity), GroupBy: make([]string, 0, len(q.GroupBy)),
		Metric: string(q.Metric)}
	for _, d := range q.GroupBy {
		out.GroupBy = append(out.GroupBy, d.String())
	}
	return out
}

// ResourceSeries is one resource's cost series in one account and currency.
type ResourceSeries struct {
	ResourceCost
	Total  money.Micros `json:"total"`
	Points []cost.Point `json:"points"`
}

// NewResourceSeries is each series of h as answered.
func NewResourceSeries(h cost.ResourceHistory) []ResourceSeries {
	out := make([]ResourceSeries, 0, len(h.Series))
	for _, s := range h.Series {
		out = append(out, ResourceSeries{ResourceCost: ResourceCost(s.ResourceCost), Total: s.Total, Points: s.Points})
	}
	return out
}
