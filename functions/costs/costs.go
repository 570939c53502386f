// Package costs is the cloudlens-costs function: cost overview, the explorer over one query
// model, drill-down to resources, discount analysis, forecasts and the CSV, Excel and FOCUS
// exports, all limited to the accounts the caller may see.
package costs

import (
	"cmp"
	"context"
	"math"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/cloudlens/cloudlens/shared/account"
	"github.com/cloudlens/cloudlens/shared/app"
	"github.com/cloudlens/cloudlens/shared/auth"
	"github.com/cloudlens/cloudlens/shared/billing"
	"github.com/cloudlens/cloudlens/shared/cache"
	"github.com/cloudlens/cloudlens/shared/cost"
	"github.com/cloudlens/cloudlens/shared/errs"
	"github.com/cloudlens/cloudlens/shared/httpx"
	"github.com/cloudlens/cloudlens/shared/money"
)

// cacheNS is the namespace the billing sync bumps after every sync, so answers cached here
// never outlive the data they were computed from.
const cacheNS = "costs"

// cacheTTL bounds how long an answer is kept when no sync comes.
const cacheTTL = 10 * time.Minute

type api struct{ d *app.Deps }

// New returns the function's HTTP handler.
func New(d *app.Deps) http.Handler {
	a := &api{d: d}
	mux := http.NewServeMux()
	mux.Handle("GET /api/v1/costs/overview", d.AuthedFunc(a.overview))
	mux.Handle("GET /api/v1/costs/explore", d.AuthedFunc(a.explore))
	mux.Handle("GET /api/v1/costs/resources", d.AuthedFunc(a.resources))
	mux.Handle("GET /api/v1/costs/resources/{resourceId}", d.AuthedFunc(a.resource))
	mux.Handle("GET /api/v1/costs/discounts", d.AuthedFunc(a.discounts))
	mux.Handle("GET /api/v1/costs/forecast", d.AuthedFunc(a.forecast))
	mux.Handle("GET /api/v1/costs/focus", d.AuthedFunc(a.focus))
	mux.Handle("/", httpx.NotFound(d.Log))
	return d.API(mux)
}

// scopeKey is the caller's account scope as text: cached answers are per scope, never per user,
// so two users with the same grants share entries and no one sees another scope's figures.
func scopeKey(s account.Scope) string {
	if s.All {
		return "all"
	}
	ids := slices.Clone(s.IDs)
	slices.Sort(ids)
	ids = slices.Compact(ids)
	parts := make([]string, len(ids))
	for i, id := range ids {
		parts[i] = strconv.FormatInt(id, 10)
	}
	return strings.Join(parts, ",")
}

func cached[T any](ctx context.Context, a *api, key string, load func(context.Context) (T, error)) (T, error) {
	v, _, err := cache.GetOrLoad(ctx, a.d.Cache, cacheNS, key, cacheTTL, load)
	return v, err
}

// caller returns the principal and the query of the request.
func (a *api) caller(r *http.Request) (auth.Principal, cost.Query, error) {
	p, err := httpx.Require(r, auth.RoleViewer)
	if err != nil {
		return p, cost.Query{}, err
	}
	q, err := cost.ParseQuery(r.URL.Query(), a.d.Now())
	return p, q, err
}

// labels knows the display names of accounts and products in the caller's scope, and which
// accounts are demo accounts.
type labels struct {
	accounts map[int64]account.Account
	products map[string]string
}

func (a *api) labels(ctx context.Context, scope account.Scope, q cost.Query) (labels, error) {
	accs, err := a.d.Store.ListAccounts(ctx, scope)
	if err != nil {
		return labels{}, err
	}
	l := labels{accounts: make(map[int64]account.Account, len(accs))}
	for _, acc := range accs {
		l.accounts[acc.ID] = acc
	}
	l.products, err = a.d.Store.ProductNames(ctx, scope, q)
	return l, err
}

func (l labels) label(d cost.Dim, v string) string {
	switch d.Kind {
	case cost.DimAccount:
		if id, err := strconv.ParseInt(v, 10, 64); err == nil {
			return l.accounts[id].Name
		}
	case cost.DimProduct:
		return l.products[v]
	}
	return ""
}

// demo reports whether any account with costs in the slice q is a demo account.
func (a *api) demo(ctx context.Context, scope account.Scope, q cost.Query, l labels) (bool, error) {
	ids, err := a.d.Store.CostAccounts(ctx, scope, q)
	if err != nil {
		return false, err
	}
	for _, id := range ids {
		if l.accounts[id].Demo {
			return true, nil
		}
	}
	return false, nil
}

// exploreJSON is the explorer's answer.
type exploreJSON struct {
	Demo        bool          `json:"demo"`
	Start       string        `json:"start"`
	End         string        `json:"end"`
	Granularity string        `json:"granularity"`
	GroupBy     []string      `json:"groupBy"`
	Metric      string        `json:"metric"`
	Items       []cost.Series `json:"items"`
}

func (a *api) exploreResult(ctx context.Context, scope account.Scope, q cost.Query) (exploreJSON, error) {
	return cached(ctx, a, "explore|"+scopeKey(scope)+"|"+q.Key(), func(ctx context.Context) (exploreJSON, error) {
		rows, err := a.d.Store.CostRows(ctx, scope, q)
		if err != nil {
			return exploreJSON{}, err
		}
		l, err := a.labels(ctx, scope, q)
		if err != nil {
			return exploreJSON{}, err
		}
		demo, err := a.demo(ctx, scope, q, l)
		if err != nil {
			return exploreJSON{}, err
		}
		out := exploreJSON{Demo: demo, Start: q.Start, End: q.End, Granularity: string(q.Granularity),
			GroupBy: []string{}, Metric: string(q.Metric), Items: cost.Shape(q, rows, l.label)}
		for _, d := range q.GroupBy {
			out.GroupBy = append(out.GroupBy, d.String())
		}
		return out, nil
	})
}

func (a *api) explore(w http.ResponseWriter, r *http.Request) error {
	p, q, err := a.caller(r)
	if err != nil {
		return err
	}
	format := r.URL.Query().Get("format")
	if format != "" && format != "json" && format != "csv" && format != "xlsx" {
		return errs.Invalid("format must be json, csv or xlsx")
	}
	res, err := a.exploreResult(r.Context(), p.Scope(), q)
	if err != nil {
		return err
	}
	switch format {
	case "csv":
		return writeExploreCSV(w, res)
	case "xlsx":
		return writeExploreXLSX(w, res)
	}
	return httpx.OK(w, res)
}

// overviewItem is the overview of one currency.
type overviewItem struct {
	Currency            string        `json:"currency"`
	MonthToDate         money.Micros  `json:"monthToDate"`
	LastMonthSamePeriod money.Micros  `json:"lastMonthSamePeriod"`
	LastMonthTotal      money.Micros  `json:"lastMonthTotal"`
	ChangeAmount        money.Micros  `json:"changeAmount"`
	ChangePercent       *float64      `json:"changePercent"`
	Forecast            cost.Estimate `json:"forecast"`
	TopProducts         []topJSON     `json:"topProducts"`
	TopAccounts         []topJSON     `json:"topAccounts"`
}

type topJSON struct {
	Key  string       `json:"key"`
	Name string       `json:"name"`
	Cost money.Micros `json:"cost"`
}

type overviewJSON struct {
	Demo  bool           `json:"demo"`
	AsOf  string         `json:"asOf"`
	Items []overviewItem `json:"items"`
}

// topN is how many products and accounts the overview lists.
const topN = 5

// historyDays is how much daily history feeds the forecast: eight weeks for the weekday
// factors and four for the trend, plus slack.
const historyDays = 84

// calendar holds the dates the overview and forecast work with, as of yesterday y.
type calendar struct {
	y, monthStart, lastStart, lastEnd, sameEnd, histStart time.Time
	mtd                                                   bool // the month has billed days already
}

func newCalendar(now time.Time) calendar {
	y := cost.Yesterday(now)
	n := y.AddDate(0, 0, 1)
	c := calendar{y: y, monthStart: time.Date(n.Year(), n.Month(), 1, 0, 0, 0, 0, billing.Shanghai)}
	c.mtd = !y.Before(c.monthStart)
	c.lastStart = c.monthStart.AddDate(0, -1, 0)
	c.lastEnd = c.monthStart.AddDate(0, 0, -1)
	c.sameEnd = c.lastStart.AddDate(0, 0, y.Day()-1)
	if c.sameEnd.After(c.lastEnd) {
		c.sameEnd = c.lastEnd
	}
	c.histStart = y.AddDate(0, 0, -(historyDays - 1))
	if c.lastStart.Before(c.histStart) {
		c.histStart = c.lastStart
	}
	return c
}

func day(t time.Time) string { return t.Format(time.DateOnly) }

// dailyTotals returns billed cost per currency per day from c.histStart to c.y, dense.
func (a *api) dailyTotals(ctx context.Context, scope account.Scope, c calendar) (map[string][]money.Micros, error) {
	q := cost.Query{Start: day(c.histStart), End: day(c.y), Granularity: cost.Day, Metric: cost.Billed, Top: 1}
	rows, err := a.d.Store.CostRows(ctx, scope, q)
	if err != nil {
		return nil, err
	}
	periods := cost.Periods(q.Start, q.End, cost.Day)
	index := make(map[string]int, len(periods))
	for i, p := range periods {
		index[p] = i
	}
	out := map[string][]money.Micros{}
	for _, r := range rows {
		s := out[r.Currency]
		if s == nil {
			s = make([]money.Micros, len(periods))
			out[r.Currency] = s
		}
		if i, ok := index[r.Period]; ok {
			s[i] += r.Cost
		}
	}
	return out, nil
}

// sumRange adds the daily values of [from, to] in a series starting at start.
func sumRange(s []money.Micros, start, from, to time.Time) money.Micros {
	var t money.Micros
	for d := from; !d.After(to); d = d.AddDate(0, 0, 1) {
		i := int(d.Sub(start).Hours()/24 + 0.5)
		if i >= 0 && i < len(s) {
			t += s[i]
		}
	}
	return t
}

func (a *api) top(ctx context.Context, scope account.Scope, c calendar, d cost.Dim, l labels) (map[string][]topJSON, error) {
	out := map[string][]topJSON{}
	if !c.mtd {
		return out, nil
	}
	q := cost.Query{Start: day(c.monthStart), End: day(c.y), Granularity: cost.Month, Metric: cost.Billed, GroupBy: []cost.Dim{d}, Top: topN}
	rows, err := a.d.Store.CostRows(ctx, scope, q)
	if err != nil {
		return nil, err
	}
	for _, s := range cost.Shape(q, rows, l.label) {
		for _, g := range s.Groups {
			if g.Other {
				continue
			}
			out[s.Currency] = append(out[s.Currency], topJSON{Key: g.Key[d.String()], Name: g.Label, Cost: g.Total})
		}
	}
	return out, nil
}

// requestScope is the caller's scope narrowed to the accountId parameters, if any.
func requestScope(p auth.Principal, r *http.Request) (account.Scope, error) {
	var ids []int64
	for _, v := range r.URL.Query()["accountId"] {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil || id <= 0 {
			return account.Scope{}, errs.Invalid("accountId %q is not an account id", errs.Clip(v, 40))
		}
		ids = append(ids, id)
	}
	return p.Scope().Narrow(ids), nil
}

// today is the calendar and the (narrowed) scope of an overview or forecast request.
func (a *api) today(r *http.Request) (calendar, account.Scope, error) {
	p, err := httpx.Require(r, auth.RoleViewer)
	if err != nil {
		return calendar{}, account.Scope{}, err
	}
	scope, err := requestScope(p, r)
	return newCalendar(a.d.Now()), scope, err
}

// recent is what the overview and the forecast both start from: daily totals per currency
// over the history window, the labels of the scope, and whether demo data is among them.
type recent struct {
	daily  map[string][]money.Micros
	labels labels
	demo   bool
}

func (a *api) recent(ctx context.Context, scope account.Scope, c calendar) (recent, error) {
	var out recent
	var err error
	if out.daily, err = a.dailyTotals(ctx, scope, c); err != nil {
		return out, err
	}
	window := cost.Query{Start: day(c.histStart), End: day(c.y)}
	if out.labels, err = a.labels(ctx, scope, window); err != nil {
		return out, err
	}
	out.demo, err = a.demo(ctx, scope, window, out.labels)
	return out, err
}

func (a *api) overview(w http.ResponseWriter, r *http.Request) error {
	c, scope, err := a.today(r)
	if err != nil {
		return err
	}
	res, err := cached(r.Context(), a, "overview|"+scopeKey(scope)+"|"+day(c.y), func(ctx context.Context) (overviewJSON, error) {
		h, err := a.recent(ctx, scope, c)
		if err != nil {
			return overviewJSON{}, err
		}
		daily, l := h.daily, h.labels
		products, err := a.top(ctx, scope, c, cost.Dim{Kind: cost.DimProduct}, l)
		if err != nil {
			return overviewJSON{}, err
		}
		accounts, err := a.top(ctx, scope, c, cost.Dim{Kind: cost.DimAccount}, l)
		if err != nil {
			return overviewJSON{}, err
		}
		out := overviewJSON{Demo: h.demo, AsOf: day(c.y), Items: []overviewItem{}}
		for cur, s := range daily {
			it := overviewItem{Currency: cur, TopProducts: orEmpty(products[cur]), TopAccounts: orEmpty(accounts[cur])}
			if c.mtd {
				it.MonthToDate = sumRange(s, c.histStart, c.monthStart, c.y)
				it.LastMonthSamePeriod = sumRange(s, c.histStart, c.lastStart, c.sameEnd)
			}
			it.LastMonthTotal = sumRange(s, c.histStart, c.lastStart, c.lastEnd)
			it.ChangeAmount = it.MonthToDate - it.LastMonthSamePeriod
			if it.LastMonthSamePeriod != 0 {
				pct := float64(it.ChangeAmount) / float64(it.LastMonthSamePeriod) * 100
				pct = math.Round(pct*100) / 100
				it.ChangePercent = &pct
			}
			hist := s[max(0, len(s)-historyDays):]
			it.Forecast = cost.MonthEnd(hist, c.y, it.MonthToDate)
			out.Items = append(out.Items, it)
		}
		slices.SortFunc(out.Items, func(x, y overviewItem) int { return cmp.Compare(x.Currency, y.Currency) })
		return out, nil
	})
	if err != nil {
		return err
	}
	return httpx.OK(w, res)
}

func orEmpty(t []topJSON) []topJSON {
	if t == nil {
		return []topJSON{}
	}
	return t
}

type forecastItem struct {
	Currency    string               `json:"currency"`
	MonthToDate money.Micros         `json:"monthToDate"`
	MonthEnd    cost.Estimate        `json:"monthEnd"`
	Months      []cost.MonthForecast `json:"months"`
}

type forecastJSON struct {
	Demo  bool           `json:"demo"`
	AsOf  string         `json:"asOf"`
	Month string         `json:"month"`
	Items []forecastItem `json:"items"`
}

func (a *api) forecast(w http.ResponseWriter, r *http.Request) error {
	c, scope, err := a.today(r)
	if err != nil {
		return err
	}
	res, err := cached(r.Context(), a, "forecast|"+scopeKey(scope)+"|"+day(c.y), func(ctx context.Context) (forecastJSON, error) {
		h, err := a.recent(ctx, scope, c)
		if err != nil {
			return forecastJSON{}, err
		}
		out := forecastJSON{Demo: h.demo, AsOf: day(c.y), Month: c.monthStart.Format("2006-01"), Items: []forecastItem{}}
		for cur, s := range h.daily {
			var mtd money.Micros
			if c.mtd {
				mtd = sumRange(s, c.histStart, c.monthStart, c.y)
			}
			hist := s[max(0, len(s)-historyDays):]
			out.Items = append(out.Items, forecastItem{Currency: cur, MonthToDate: mtd,
				MonthEnd: cost.MonthEnd(hist, c.y, mtd), Months: cost.Outlook(hist, c.y, 3)})
		}
		slices.SortFunc(out.Items, func(x, y forecastItem) int { return cmp.Compare(x.Currency, y.Currency) })
		return out, nil
	})
	if err != nil {
		return err
	}
	return httpx.OK(w, res)
}
