package aitools

import (
	"context"
	"encoding/json"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/cloudlens/cloudlens/shared/account"
	"github.com/cloudlens/cloudlens/shared/apijson"
	"github.com/cloudlens/cloudlens/shared/billing"
	"github.com/cloudlens/cloudlens/shared/budget"
	"github.com/cloudlens/cloudlens/shared/cost"
	"github.com/cloudlens/cloudlens/shared/errs"
	"github.com/cloudlens/cloudlens/shared/money"
)

// Limits that keep results short enough for a model.
const (
	maxGroups       = 20 // groups per currency in query_costs
	defaultGroups   = 10
	maxPoints       = 400 // periods × groups beyond which query_costs leaves out the points
	defaultTopLimit = 10
	maxTopLimit     = 50
	// maxResourcePoints is the longest series resource_cost shows point by point (a quarter of days).
	maxResourcePoints = 92
)

// The schemas share these property texts.
const (
	accountIDsSchema = `"accountIds":{"type":"array","items":{"type":"integer"},"description":"Limit to these cloud account ids (default: every account the user may see)."}`
	startSchema      = `"start":{"type":"string","description":"First day, YYYY-MM-DD (Asia/Shanghai). Default: the first day of the current month."}`
	endSchema        = `"end":{"type":"string","description":"Last day, inclusive, YYYY-MM-DD. Default: yesterday, the last day with bills."}`
	filtersSchema    = `"filters":{"type":"array","items":{"type":"string"},"description":"Filters as dimension:in:v1,v2 or dimension:notin:v1,v2, e.g. product:in:ecs or tag.env:in:prod."}`
)

// --- cost_overview ----------------------------------------------------------------------

type overviewArgs struct {
	AccountIDs []int64 `json:"accountIds"`
}

var costOverviewTool = Tool{
	Name: "cost_overview",
	Description: "This month's spend so far against the same days of last month, last month's total, the month-end forecast " +
		"(with an 80% range) and the month's top products and accounts, per currency. Amounts are decimal strings in the currency shown.",
	Params: json.RawMessage(`{"type":"object","properties":{` + accountIDsSchema + `},"additionalProperties":false}`),
	Run: run(func(ctx context.Context, d Deps, env Env, a overviewArgs) (any, error) {
		scope, err := scopeOf(env, a.AccountIDs)
		if err != nil {
			return nil, err
		}
		o, err := cost.Service{Store: d.Store}.Overview(ctx, scope, env.Now)
		if err != nil {
			return nil, err
		}
		// The cost API's overview, shape for shape.
		return apijson.NewOverview(o), nil
	}),
}

// --- query_costs ------------------------------------------------------------------------

type queryArgs struct {
	Start       string   `json:"start"`
	End         string   `json:"end"`
	Granularity string   `json:"granularity"`
	GroupBy     []string `json:"groupBy"`
	Filters     []string `json:"filters"`
	Metric      string   `json:"metric"`
	Top         int      `json:"top"`
	AccountIDs  []int64  `json:"accountIds"`
}

// query turns the arguments into the explorer's query exactly as the API reads its
// parameters (cost.ParseQuery), so the tool accepts and refuses what the explorer does.
func (a queryArgs) query(env Env) (cost.Query, account.Scope, error) {
	scope, err := scopeOf(env, a.AccountIDs)
	if err != nil {
		return cost.Query{}, scope, err
	}
	v := url.Values{}
	set := func(k, s string) {
		if s != "" {
			v.Set(k, s)
		}
	}
	set("start", a.Start)
	set("end", a.End)
	set("granularity", a.Granularity)
	set("metric", a.Metric)
	set("groupBy", strings.Join(a.GroupBy, ","))
	top, err := limitArg("top", a.Top, defaultGroups, maxGroups)
	if err != nil {
		return cost.Query{}, scope, err
	}
	v.Set("top", strconv.Itoa(top))
	for _, f := range a.Filters {
		v.Add("filter", f)
	}
	for _, id := range a.AccountIDs {
		v.Add("accountId", strconv.FormatInt(id, 10))
	}
	q, err := cost.ParseQuery(v, env.Now)
	return q, scope, err
}

var queryCostsTool = Tool{
	Name: "query_costs",
	Description: "The cost explorer: cost over a date range grouped by up to two dimensions (account, product, region, " +
		"resourceGroup, costUnit, subscriptionType, billingItem, chargeCategory, tag.<key>), with filters, per day, week or month. " +
		"Returns per currency the total and the top groups (the rest folded into \"others\"), with points per period when short.",
	Params: json.RawMessage(`{"type":"object","properties":{` + startSchema + `,` + endSchema + `,` +
		`"granularity":{"type":"string","enum":["day","week","month"],"description":"Default day."},` +
		`"groupBy":{"type":"array","items":{"type":"string"},"maxItems":2,"description":"Dimensions to group by, e.g. [\"product\"] or [\"account\",\"region\"]."},` +
		filtersSchema + `,` +
		`"metric":{"type":"string","enum":["billed","list","effective","discount"],"description":"Default billed (after discounts, before tax)."},` +
		`"top":{"type":"integer","minimum":1,"maximum":20,"description":"Groups kept per currency (default 10)."},` +
		accountIDsSchema + `},"additionalProperties":false}`),
	Run: run(func(ctx context.Context, d Deps, env Env, a queryArgs) (any, error) {
		q, scope, err := a.query(env)
		if err != nil {
			return nil, err
		}
		e, err := cost.Service{Store: d.Store}.Explore(ctx, scope, q)
		if err != nil {
			return nil, err
		}
		return NewExploration(e), nil
	}),
}

// Exploration is the query_costs result: the explorer's slice, with each currency's groups
// trimmed.
type Exploration struct {
	apijson.Slice
	Items []SeriesTotal `json:"items"`
	Note  string        `json:"note,omitempty"`
}

// SeriesTotal is one currency of an exploration.
type SeriesTotal struct {
	Currency string       `json:"currency"`
	Total    money.Micros `json:"total"`
	Groups   []GroupTotal `json:"groups"`
}

// GroupTotal is one group: its label, key, total and (when short) points.
type GroupTotal struct {
	Label  string            `json:"label"`
	Key    map[string]string `json:"key,omitempty"`
	Total  money.Micros      `json:"total"`
	Points []cost.Point      `json:"points,omitempty"`
}

// NewExploration is e trimmed for a model: points only while periods × groups stays short.
func NewExploration(e cost.Exploration) Exploration {
	q := e.Query
	out := Exploration{Slice: apijson.NewSlice(e), Items: []SeriesTotal{}}
	for _, s := range e.Series {
		st := SeriesTotal{Currency: s.Currency, Total: s.Total, Groups: []GroupTotal{}}
		withPoints := len(s.Periods)*max(1, len(s.Groups)) <= maxPoints
		if !withPoints {
			out.Note = "points per period left out: ask for a coarser granularity or a shorter range to see them"
		}
		for _, g := range s.Groups {
			gt := GroupTotal{Label: g.Label, Key: g.Key, Total: g.Total}
			if g.Label == "" && len(q.GroupBy) == 0 {
				gt.Label = "total"
			}
			if withPoints {
				gt.Points = g.Points
			}
			st.Groups = append(st.Groups, gt)
		}
		out.Items = append(out.Items, st)
	}
	return out
}

// --- forecast ---------------------------------------------------------------------------

var forecastTool = Tool{
	Name: "forecast",
	Description: "Forecast of this month's total (value with an 80% low-high range) and of the next three months, per currency, " +
		"fitted on the last 12 weeks of daily cost with weekday effects.",
	Params: json.RawMessage(`{"type":"object","properties":{` + accountIDsSchema + `},"additionalProperties":false}`),
	Run: run(func(ctx context.Context, d Deps, env Env, a overviewArgs) (any, error) {
		scope, err := scopeOf(env, a.AccountIDs)
		if err != nil {
			return nil, err
		}
		f, err := cost.Service{Store: d.Store}.Forecast(ctx, scope, env.Now)
		if err != nil {
			return nil, err
		}
		// The cost API's forecast, shape for shape.
		return apijson.NewForecast(f), nil
	}),
}

// --- top_resources ----------------------------------------------------------------------

type topArgs struct {
	Start      string   `json:"start"`
	End        string   `json:"end"`
	Filters    []string `json:"filters"`
	Metric     string   `json:"metric"`
	Limit      int      `json:"limit"`
	AccountIDs []int64  `json:"accountIds"`
}

var topResourcesTool = Tool{
	Name:        "top_resources",
	Description: "The most expensive resources (instances, disks, buckets…) over a date range, largest first, with account, product, region and cost.",
	Params: json.RawMessage(`{"type":"object","properties":{` + startSchema + `,` + endSchema + `,` + filtersSchema + `,` +
		`"metric":{"type":"string","enum":["billed","list","effective","discount"]},` +
		`"limit":{"type":"integer","minimum":1,"maximum":50,"description":"How many resources (default 10)."},` +
		accountIDsSchema + `},"additionalProperties":false}`),
	Run: run(func(ctx context.Context, d Deps, env Env, a topArgs) (any, error) {
		limit, err := limitArg("limit", a.Limit, defaultTopLimit, maxTopLimit)
		if err != nil {
			return nil, err
		}
		q, scope, err := queryArgs{Start: a.Start, End: a.End, Filters: a.Filters, Metric: a.Metric, AccountIDs: a.AccountIDs}.query(env)
		if err != nil {
			return nil, err
		}
		r, err := cost.Service{Store: d.Store}.DrillDown(ctx, scope, q, limit)
		if err != nil {
			return nil, err
		}
		// The cost API's drill-down, shape for shape.
		return apijson.NewResources(q, r), nil
	}),
}

// --- resource_cost ----------------------------------------------------------------------

type resourceArgs struct {
	ResourceID  string `json:"resourceId"`
	Start       string `json:"start"`
	End         string `json:"end"`
	Granularity string `json:"granularity"`
}

var resourceCostTool = Tool{
	Name:        "resource_cost",
	Description: "The cost of one resource (by its resource id, e.g. i-bp1…) per day, week or month over a date range, with its total.",
	Params: json.RawMessage(`{"type":"object","properties":{"resourceId":{"type":"string","description":"The resource id."},` +
		startSchema + `,` + endSchema + `,"granularity":{"type":"string","enum":["day","week","month"]}},` +
		`"required":["resourceId"],"additionalProperties":false}`),
	Run: run(func(ctx context.Context, d Deps, env Env, a resourceArgs) (any, error) {
		id := strings.TrimSpace(a.ResourceID)
		if id == "" || len(id) > 200 {
			return nil, errs.Invalid("resourceId is required (1 to 200 characters)")
		}
		q, scope, err := queryArgs{Start: a.Start, End: a.End, Granularity: a.Granularity}.query(env)
		if err != nil {
			return nil, err
		}
		h, err := cost.Service{Store: d.Store}.Resource(ctx, scope, id, q)
		if err != nil {
			return nil, err
		}
		// The cost API's series, with the points left out of a long one.
		out := struct {
			Demo   bool                     `json:"demo"`
			Start  string                   `json:"start"`
			End    string                   `json:"end"`
			Series []apijson.ResourceSeries `json:"series"`
			Note   string                   `json:"note,omitempty"`
		}{Demo: h.Demo, Start: q.Start, End: q.End, Series: apijson.NewResourceSeries(h)}
		for i := range out.Series {
			if len(out.Series[i].Points) > maxResourcePoints {
				out.Series[i].Points = []cost.Point{}
				out.Note = "points per period left out: ask for a coarser granularity or a shorter range to see them"
			}
		}
		return out, nil
	}),
}

// --- budget_status ----------------------------------------------------------------------

type budgetArgs struct {
	Name string `json:"name"`
}

// BudgetStatus is one budget in the budget_status result.
type BudgetStatus struct {
	ID              int64        `json:"id"`
	Name            string       `json:"name"`
	Period          string       `json:"period"`
	Currency        string       `json:"currency"`
	PeriodStart     string       `json:"periodStart"`
	PeriodEnd       string       `json:"periodEnd"`
	AsOf            string       `json:"asOf"`
	Amount          money.Micros `json:"amount"`
	Spent           money.Micros `json:"spent"`
	Forecast        money.Micros `json:"forecast"`
	Remaining       money.Micros `json:"remaining"`
	PercentSpent    float64      `json:"percentSpent"`
	PercentForecast float64      `json:"percentForecast"`
	BurnDownDate    string       `json:"burnDownDate,omitempty"`
}

// maxBudgets caps the budgets one budget_status call evaluates.
const maxBudgets = 30

var budgetStatusTool = Tool{
	Name: "budget_status",
	Description: "The budgets the user may see with their status in the current period: amount, spent, forecast at period end, " +
		"percent of the amount, and the day spend reaches the amount (burn-down) if it does.",
	Params: json.RawMessage(`{"type":"object","properties":{"name":{"type":"string","description":"Only budgets whose name contains this text."}},"additionalProperties":false}`),
	Run: run(func(ctx context.Context, d Deps, env Env, a budgetArgs) (any, error) {
		bs, err := d.Store.ListBudgets(ctx, env.Scope)
		if err != nil {
			return nil, err
		}
		return BudgetStatuses(ctx, d.Store, bs, a.Name, env.Now)
	}),
}

// BudgetStatuses evaluates the budgets whose name contains name (all when empty) as of now.
func BudgetStatuses(ctx context.Context, c budget.Costs, bs []budget.Budget, name string, now time.Time) (any, error) {
	asOf := cost.Yesterday(now)
	day := func(t time.Time) string { return t.In(billing.Shanghai).Format(time.DateOnly) }
	out := struct {
		Budgets []BudgetStatus `json:"budgets"`
		Note    string         `json:"note,omitempty"`
	}{Budgets: []BudgetStatus{}}
	for i := range bs {
		b := &bs[i]
		if name != "" && !strings.Contains(strings.ToLower(b.Name), strings.ToLower(name)) {
			continue
		}
		if len(out.Budgets) == maxBudgets {
			out.Note = "more budgets match; give a name to narrow the list"
			break
		}
		st, err := budget.Compute(ctx, c, b, now, asOf)
		if err != nil {
			return nil, err
		}
		bst := BudgetStatus{ID: b.ID, Name: b.Name, Period: string(b.Period), Currency: b.Currency, PeriodStart: day(st.PeriodStart),
			PeriodEnd: day(st.PeriodEnd), AsOf: day(st.AsOf), Amount: st.Amount, Spent: st.Spent, Forecast: st.Forecast,
			Remaining: st.Remaining, PercentSpent: st.PercentSpent, PercentForecast: st.PercentForecast}
		if !st.BurnDown.IsZero() {
			bst.BurnDownDate = day(st.BurnDown)
		}
		out.Budgets = append(out.Budgets, bst)
	}
	return out, nil
}
