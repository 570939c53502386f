package cost

import (
	"cmp"
	"context"
	"math"
	"slices"
	"strconv"
	"time"

	"github.com/cloudlens/cloudlens/shared/account"
	"github.com/cloudlens/cloudlens/shared/billing"
	"github.com/cloudlens/cloudlens/shared/errs"
	"github.com/cloudlens/cloudlens/shared/money"
)

// Store is what the cost service reads; shared/store implements it. Every call is limited to
// the accounts in scope.
type Store interface {
	// CostRows answers q: one row per currency, period and group.
	CostRows(ctx context.Context, scope account.Scope, q Query) ([]Row, error)
	// CostAccounts lists the accounts that have costs in the slice q.
	CostAccounts(ctx context.Context, scope account.Scope, q Query) ([]int64, error)
	// ProductNames maps product codes to their display names.
	ProductNames(ctx context.Context, scope account.Scope, q Query) (map[string]string, error)
	// ListAccounts lists the accounts in scope.
	ListAccounts(ctx context.Context, scope account.Scope) ([]account.Account, error)
	// TopResources lists the resources with the largest q.Metric in the slice q, largest first.
	TopResources(ctx context.Context, scope account.Scope, q Query, limit int) ([]ResourceCost, error)
	// ResourceSeries is the cost of one resource per period of q.
	ResourceSeries(ctx context.Context, scope account.Scope, resourceID string, q Query) ([]ResourceRow, error)
	// Discounts sums the discount columns of the slice q per currency and group of by
	// (a value ParseDiscountGroup accepted).
	Discounts(ctx context.Context, scope account.Scope, q Query, by string) ([]DiscountRow, error)
	// DimensionValues sums q.Metric per value of d and currency in the slice q; a tag
	// dimension without a key lists the tag keys.
	DimensionValues(ctx context.Context, scope account.Scope, q Query, d Dim) ([]ValueCost, error)
	// CostCoverage is the first and last day with costs in scope ("" when none).
	CostCoverage(ctx context.Context, scope account.Scope) (first, last string, err error)
}

// Service is the cost analysis every caller shares: the cost API, budgets, anomalies, the AI
// tools, MCP and reports get the same figures from the same code.
type Service struct {
	Store Store
	// Lang is the language of the labels in answers: "en" for English, Chinese otherwise.
	Lang string
}

// TopN is how many products and accounts the overview lists.
const TopN = 5

// HistoryDays is how much daily history feeds the forecast: eight weeks for the weekday
// factors and four for the trend, plus slack.
const HistoryDays = 84

// Calendar holds the dates the overview and forecast work with, as of Yesterday, the last
// day with a bill.
type Calendar struct {
	Yesterday  time.Time
	MonthStart time.Time // first day of the month of the day after Yesterday
	LastStart  time.Time // first day of the month before
	LastEnd    time.Time // last day of the month before
	SameEnd    time.Time // the day of last month that matches Yesterday (clamped to LastEnd)
	HistStart  time.Time // first day of the daily history: HistoryDays back, or LastStart if earlier
	// MonthToDate is false on the first day of a month: no day of it is billed yet.
	MonthToDate bool
}

// NewCalendar is the calendar as seen at now.
func NewCalendar(now time.Time) Calendar {
	y := Yesterday(now)
	n := y.AddDate(0, 0, 1)
	c := Calendar{Yesterday: y, MonthStart: time.Date(n.Year(), n.Month(), 1, 0, 0, 0, 0, billing.Shanghai)}
	c.MonthToDate = !y.Before(c.MonthStart)
	c.LastStart = c.MonthStart.AddDate(0, -1, 0)
	c.LastEnd = c.MonthStart.AddDate(0, 0, -1)
	c.SameEnd = c.LastStart.AddDate(0, 0, y.Day()-1)
	if c.SameEnd.After(c.LastEnd) {
		c.SameEnd = c.LastEnd
	}
	c.HistStart = y.AddDate(0, 0, -(HistoryDays - 1))
	if c.LastStart.Before(c.HistStart) {
		c.HistStart = c.LastStart
	}
	return c
}

// FormatDay is t as a query date (YYYY-MM-DD).
func FormatDay(t time.Time) string { return t.Format(time.DateOnly) }

// SumRange adds the daily values of [from, to] in a dense daily series starting at start.
func SumRange(s []money.Micros, start, from, to time.Time) money.Micros {
	var t money.Micros
	for d := from; !d.After(to); d = d.AddDate(0, 0, 1) {
		// Rounded, not truncated: a day before start must not land on index 0.
		i := int(math.Round(d.Sub(start).Hours() / 24))
		if i >= 0 && i < len(s) {
			t += s[i]
		}
	}
	return t
}

// DailyTotals returns billed cost per currency per day from c.HistStart to c.Yesterday, dense
// (zero on days without cost).
func (s Service) DailyTotals(ctx context.Context, scope account.Scope, c Calendar) (map[string][]money.Micros, error) {
	q := Query{Start: FormatDay(c.HistStart), End: FormatDay(c.Yesterday), Granularity: Day, Metric: Billed, Top: 1}
	rows, err := s.Store.CostRows(ctx, scope, q)
	if err != nil {
		return nil, err
	}
	periods := Periods(q.Start, q.End, Day)
	index := make(map[string]int, len(periods))
	for i, p := range periods {
		index[p] = i
	}
	out := map[string][]money.Micros{}
	for _, r := range rows {
		ser := out[r.Currency]
		if ser == nil {
			ser = make([]money.Micros, len(periods))
			out[r.Currency] = ser
		}
		if i, ok := index[r.Period]; ok {
			ser[i] += r.Cost
		}
	}
	return out, nil
}

// Labels knows the display names of the accounts and products in a scope, and which accounts
// are demo accounts.
type Labels struct {
	Accounts map[int64]account.Account
	Products map[string]string
	// Lang is the language of product and region names: "en" for English, Chinese otherwise.
	Lang string
}

// Labels reads the labels of the accounts in scope and the products of the slice q.
func (s Service) Labels(ctx context.Context, scope account.Scope, q Query) (Labels, error) {
	accs, err := s.Store.ListAccounts(ctx, scope)
	if err != nil {
		return Labels{}, err
	}
	l := Labels{Accounts: make(map[int64]account.Account, len(accs)), Lang: s.Lang}
	for _, acc := range accs {
		l.Accounts[acc.ID] = acc
	}
	l.Products, err = s.Store.ProductNames(ctx, scope, q)
	return l, err
}

// Label is the Labeler of l: accounts by name, products and regions by their names in
// l.Lang (a product unknown to billing's table by the name its bill gives it).
func (l Labels) Label(d Dim, v string) string {
	switch d.Kind {
	case DimAccount:
		if id, err := strconv.ParseInt(v, 10, 64); err == nil {
			return l.Accounts[id].Name
		}
	case DimProduct:
		if n, ok := billing.ProductName(v, l.Lang); ok {
			return n
		}
		return l.Products[v]
	case DimRegion:
		n, _ := billing.RegionName(v, l.Lang)
		return n
	}
	return ""
}

// Demo reports whether any of ids is a demo account.
func (l Labels) Demo(ids []int64) bool {
	for _, id := range ids {
		if l.Accounts[id].Demo {
			return true
		}
	}
	return false
}

// labelled reads the labels of the slice q and whether any account with costs in it is a
// demo account.
func (s Service) labelled(ctx context.Context, scope account.Scope, q Query) (Labels, bool, error) {
	l, err := s.Labels(ctx, scope, q)
	if err != nil {
		return l, false, err
	}
	ids, err := s.Store.CostAccounts(ctx, scope, q)
	if err != nil {
		return l, false, err
	}
	return l, l.Demo(ids), nil
}

// Exploration is the explorer's answer to a query: one series per currency.
type Exploration struct {
	Demo   bool
	Query  Query
	Series []Series
}

// Explore answers q, grouped, labelled and cut to its top N.
func (s Service) Explore(ctx context.Context, scope account.Scope, q Query) (Exploration, error) {
	rows, err := s.Store.CostRows(ctx, scope, q)
	if err != nil {
		return Exploration{}, err
	}
	l, demo, err := s.labelled(ctx, scope, q)
	if err != nil {
		return Exploration{}, err
	}
	return Exploration{Demo: demo, Query: q, Series: Shape(q, rows, l.Label)}, nil
}

// Recent is what the overview and the forecast both start from: daily totals per currency
// over the calendar's history window, the labels of the scope, and whether demo data is among them.
type Recent struct {
	Calendar Calendar
	Daily    map[string][]money.Micros
	Labels   Labels
	Demo     bool
}

// Recent reads the history of the calendar c.
func (s Service) Recent(ctx context.Context, scope account.Scope, c Calendar) (Recent, error) {
	out := Recent{Calendar: c}
	var err error
	if out.Daily, err = s.DailyTotals(ctx, scope, c); err != nil {
		return out, err
	}
	window := Query{Start: FormatDay(c.HistStart), End: FormatDay(c.Yesterday)}
	out.Labels, out.Demo, err = s.labelled(ctx, scope, window)
	return out, err
}

// MonthToDate is the billed cost of the month so far in the daily series of currency cur.
func (r Recent) MonthToDate(cur string) money.Micros {
	if !r.Calendar.MonthToDate {
		return 0
	}
	c := r.Calendar
	return SumRange(r.Daily[cur], c.HistStart, c.MonthStart, c.Yesterday)
}

// History is the last HistoryDays days of currency cur's daily series, the forecast's input.
func (r Recent) History(cur string) []money.Micros {
	s := r.Daily[cur]
	return s[max(0, len(s)-HistoryDays):]
}

// Currencies lists the currencies with costs in the window, sorted.
func (r Recent) Currencies() []string {
	out := make([]string, 0, len(r.Daily))
	for cur := range r.Daily {
		out = append(out, cur)
	}
	slices.Sort(out)
	return out
}

// Top is one entry of a top list: a product or an account and its cost.
type Top struct {
	Key  string
	Name string
	Cost money.Micros
}

// CurrencyOverview is the overview of one currency.
type CurrencyOverview struct {
	Currency            string
	MonthToDate         money.Micros
	LastMonthSamePeriod money.Micros
	LastMonthTotal      money.Micros
	ChangeAmount        money.Micros
	ChangePercent       *float64 // nil when last month's same period had no cost
	Forecast            Estimate // of the month's total
	TopProducts         []Top
	TopAccounts         []Top
}

// Overview is the dashboard's summary as of AsOf, one item per currency sorted by currency.
type Overview struct {
	Demo  bool
	AsOf  string
	Items []CurrencyOverview
}

// Overview summarises the month as seen at now: month to date against the same days of last
// month, last month's total, the month-end forecast and the month's top products and accounts.
func (s Service) Overview(ctx context.Context, scope account.Scope, now time.Time) (Overview, error) {
	c := NewCalendar(now)
	h, err := s.Recent(ctx, scope, c)
	if err != nil {
		return Overview{}, err
	}
	products, err := s.top(ctx, scope, c, Dim{Kind: DimProduct}, h.Labels)
	if err != nil {
		return Overview{}, err
	}
	accounts, err := s.top(ctx, scope, c, Dim{Kind: DimAccount}, h.Labels)
	if err != nil {
		return Overview{}, err
	}
	out := Overview{Demo: h.Demo, AsOf: FormatDay(c.Yesterday), Items: []CurrencyOverview{}}
	for _, cur := range h.Currencies() {
		daily := h.Daily[cur]
		it := CurrencyOverview{Currency: cur, TopProducts: orEmpty(products[cur]), TopAccounts: orEmpty(accounts[cur])}
		it.MonthToDate = h.MonthToDate(cur)
		if c.MonthToDate {
			it.LastMonthSamePeriod = SumRange(daily, c.HistStart, c.LastStart, c.SameEnd)
		}
		it.LastMonthTotal = SumRange(daily, c.HistStart, c.LastStart, c.LastEnd)
		it.ChangeAmount = it.MonthToDate - it.LastMonthSamePeriod
		if it.LastMonthSamePeriod != 0 {
			pct := float64(it.ChangeAmount) / float64(it.LastMonthSamePeriod) * 100
			pct = math.Round(pct*100) / 100
			it.ChangePercent = &pct
		}
		it.Forecast = MonthEnd(h.History(cur), c.Yesterday, it.MonthToDate)
		out.Items = append(out.Items, it)
	}
	return out, nil
}

// top lists the month's largest values of dimension d per currency (none before the month
// has a billed day).
func (s Service) top(ctx context.Context, scope account.Scope, c Calendar, d Dim, l Labels) (map[string][]Top, error) {
	out := map[string][]Top{}
	if !c.MonthToDate {
		return out, nil
	}
	q := Query{Start: FormatDay(c.MonthStart), End: FormatDay(c.Yesterday), Granularity: Month, Metric: Billed, GroupBy: []Dim{d}, Top: TopN}
	rows, err := s.Store.CostRows(ctx, scope, q)
	if err != nil {
		return nil, err
	}
	for _, ser := range Shape(q, rows, l.Label) {
		for _, g := range ser.Groups {
			if g.Other {
				continue
			}
			out[ser.Currency] = append(out[ser.Currency], Top{Key: g.Key[d.String()], Name: g.Label, Cost: g.Total})
		}
	}
	return out, nil
}

func orEmpty(t []Top) []Top {
	if t == nil {
		return []Top{}
	}
	return t
}

// CurrencyForecast is the forecast of one currency: this month's total and the next months.
type CurrencyForecast struct {
	Currency    string
	MonthToDate money.Micros
	MonthEnd    Estimate
	Months      []MonthForecast
}

// Forecast is the forecast as of AsOf for Month (YYYY-MM) and the OutlookMonths after it.
type Forecast struct {
	Demo  bool
	AsOf  string
	Month string
	Items []CurrencyForecast
}

// OutlookMonths is how many months after the current one the forecast covers.
const OutlookMonths = 3

// Forecast forecasts the month's total and the following OutlookMonths per currency, as seen at now.
func (s Service) Forecast(ctx context.Context, scope account.Scope, now time.Time) (Forecast, error) {
	c := NewCalendar(now)
	h, err := s.Recent(ctx, scope, c)
	if err != nil {
		return Forecast{}, err
	}
	out := Forecast{Demo: h.Demo, AsOf: FormatDay(c.Yesterday), Month: c.MonthStart.Format("2006-01"), Items: []CurrencyForecast{}}
	for _, cur := range h.Currencies() {
		mtd, hist := h.MonthToDate(cur), h.History(cur)
		out.Items = append(out.Items, CurrencyForecast{Currency: cur, MonthToDate: mtd,
			MonthEnd: MonthEnd(hist, c.Yesterday, mtd), Months: Outlook(hist, c.Yesterday, OutlookMonths)})
	}
	return out, nil
}

// ResourceCost is one resource's cost in a slice, in one account and currency.
type ResourceCost struct {
	AccountID    int64
	ResourceID   string
	ResourceName string
	Product      string
	Region       string
	Currency     string
	Cost         money.Micros
}

// ResourceRow is one period of one resource's cost.
type ResourceRow struct {
	ResourceCost
	Period string
}

// Drill-down lists at most this many resources per call.
const (
	DefaultResources = 50
	MaxResources     = 500
)

// Resources is the drill-down to the largest resources of a slice.
type Resources struct {
	Demo  bool
	Items []ResourceCost
}

// DrillDown lists the limit (1..MaxResources) resources with the largest q.Metric in the
// slice q, largest first.
func (s Service) DrillDown(ctx context.Context, scope account.Scope, q Query, limit int) (Resources, error) {
	if limit < 1 || limit > MaxResources {
		return Resources{}, errs.OutOfRange("limit", 1, MaxResources)
	}
	items, err := s.Store.TopResources(ctx, scope, q, limit)
	if err != nil {
		return Resources{}, err
	}
	ids := make([]int64, 0, len(items))
	for _, it := range items {
		ids = append(ids, it.AccountID)
	}
	demo, err := s.demoOf(ctx, scope, ids)
	return Resources{Demo: demo, Items: items}, err
}

// demoOf reports whether any of ids is a demo account.
func (s Service) demoOf(ctx context.Context, scope account.Scope, ids []int64) (bool, error) {
	if len(ids) == 0 {
		return false, nil
	}
	accs, err := s.Store.ListAccounts(ctx, scope)
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

// ResourceSeries is one resource's cost series in one account and currency: Cost and Total
// are both the series' total over the range, one point per period of the query.
type ResourceSeries struct {
	ResourceCost
	Total  money.Micros
	Points []Point
}

// ResourceHistory is one resource's cost over a range: every (account, currency) series of
// the resource id, largest first (one in the usual case).
type ResourceHistory struct {
	Demo   bool
	Series []ResourceSeries
}

// Resource is the cost of resourceID per period of q. A resource with no cost in the range is
// errs.KindNotFound.
func (s Service) Resource(ctx context.Context, scope account.Scope, resourceID string, q Query) (ResourceHistory, error) {
	rows, err := s.Store.ResourceSeries(ctx, scope, resourceID, q)
	if err != nil {
		return ResourceHistory{}, err
	}
	if len(rows) == 0 {
		return ResourceHistory{}, errs.NotFound("no costs of resource %q in %s..%s", resourceID, q.Start, q.End)
	}
	periods := Periods(q.Start, q.End, q.Granularity)
	type k struct {
		acc int64
		cur string
	}
	byKey := map[k]*ResourceSeries{}
	var order []k
	var ids []int64
	for _, row := range rows {
		key := k{row.AccountID, row.Currency}
		ser := byKey[key]
		if ser == nil {
			ser = &ResourceSeries{ResourceCost: row.ResourceCost, Points: make([]Point, len(periods))}
			for i, p := range periods {
				ser.Points[i].Period = p
			}
			byKey[key] = ser
			order = append(order, key)
			ids = append(ids, row.AccountID)
		}
		ser.Total += row.Cost
		if i := slices.Index(periods, row.Period); i >= 0 {
			ser.Points[i].Cost += row.Cost
		}
	}
	var out ResourceHistory
	for _, key := range order {
		ser := *byKey[key]
		ser.Cost = ser.Total
		out.Series = append(out.Series, ser)
	}
	slices.SortStableFunc(out.Series, func(x, y ResourceSeries) int { return cmp.Compare(y.Total, x.Total) })
	out.Demo, err = s.demoOf(ctx, scope, ids)
	return out, err
}
