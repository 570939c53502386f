package aitools

import (
	"context"
	"encoding/json"
	"time"

	"github.com/cloudlens/cloudlens/shared/anomaly"
	"github.com/cloudlens/cloudlens/shared/cost"
	"github.com/cloudlens/cloudlens/shared/errs"
	"github.com/cloudlens/cloudlens/shared/money"
	"github.com/cloudlens/cloudlens/shared/store"
)

// The anomaly tools read what GET /api/v1/anomaly and GET /api/v1/anomaly/{id} read (the
// store's ListAnomalies and GetAnomaly, within the caller's scope) and answer with names
// rather than codes: accounts, products and regions as the cost API labels them.

// anomalyFetch is how many anomalies list_anomalies reads to count the ones it leaves out:
// the anomaly API's largest page.
const anomalyFetch = 1000

// contributorsShown and seriesDaysBefore keep anomaly_detail short: the largest
// contributors of each dimension, and the days of the anomaly with a week before it.
const (
	contributorsShown = 4
	seriesDaysBefore  = 7
)

type anomalyListArgs struct {
	Status     string  `json:"status"`
	AccountIDs []int64 `json:"accountIds"`
	Start      string  `json:"start"`
	End        string  `json:"end"`
	MinImpact  any     `json:"minImpact"`
	Limit      int     `json:"limit"`
}

var listAnomaliesTool = Tool{
	Name: "list_anomalies",
	Description: "Cost anomalies CloudLens detected (unusual daily cost of an account, a product, a tag, a region…), largest impact first: " +
		"what moved, the days, expected against actual cost, the impact (actual − expected) with its currency, severity and status. " +
		"Use anomaly_detail with an id for the contributors that explain one.",
	Params: json.RawMessage(`{"type":"object","properties":{` +
		`"status":{"type":"string","enum":["open","acknowledged","resolved","dismissed"],"description":"Only anomalies with this status (default: all)."},` +
		accountIDsSchema + `,` +
		`"start":{"type":"string","description":"Only anomalies that overlap the days from start (YYYY-MM-DD)."},` +
		`"end":{"type":"string","description":"… to end (YYYY-MM-DD, inclusive)."},` +
		`"minImpact":{"type":"string","description":"Only anomalies whose impact (either direction) is at least this amount, e.g. \"100\"."},` +
		`"limit":{"type":"integer","minimum":1,"maximum":20,"description":"How many anomalies to show (default 10); the result counts the rest."}` +
		`},"additionalProperties":false}`),
	Run: run(func(ctx context.Context, d Deps, env Env, a anomalyListArgs) (any, error) {
		scope, err := scopeOf(env, a.AccountIDs)
		if err != nil {
			return nil, err
		}
		if err := oneOf("status", a.Status, anomaly.Statuses); err != nil {
			return nil, err
		}
		if err := rangeArgs(a.Start, a.End); err != nil {
			return nil, err
		}
		minImpact, err := amountArg("minImpact", a.MinImpact)
		if err != nil {
			return nil, err
		}
		limit, err := limitArg("limit", a.Limit, defaultItems, maxItems)
		if err != nil {
			return nil, err
		}
		rs, err := d.Store.ListAnomalies(ctx, scope, store.AnomalyFilter{Status: anomaly.Status(a.Status), Start: a.Start, End: a.End,
			MinImpact: minImpact, Limit: anomalyFetch})
		if err != nil {
			return nil, err
		}
		l, err := labels(ctx, d, scope)
		if err != nil {
			return nil, err
		}
		out := AnomalyList{Total: len(rs), Items: []Anomaly{}}
		for i, r := range rs {
			out.Demo = out.Demo || r.Demo
			if i < limit {
				out.Items = append(out.Items, newAnomaly(l, r))
			}
		}
		out.More, out.Note = more(len(out.Items), len(rs), len(rs) == anomalyFetch)
		return out, nil
	}),
}

// AnomalyList is the list_anomalies result.
type AnomalyList struct {
	Demo  bool      `json:"demo"`
	Total int       `json:"total"`
	Items []Anomaly `json:"items"`
	More  int       `json:"more"`
	Note  string    `json:"note,omitempty"`
}

// Anomaly is one anomaly as a model reads it.
type Anomaly struct {
	ID int64 `json:"id"`
	// What names the series: "product 云服务器 ECS in account prod" and the like.
	What      string `json:"what"`
	Dimension string `json:"dimension"`
	// Value is the product, region, tag value… the series watches, by name; Code is the
	// value as bills hold it (the filter value for query_costs).
	Value       string       `json:"value,omitempty"`
	Code        string       `json:"code,omitempty"`
	AccountID   int64        `json:"accountId"`
	AccountName string       `json:"accountName"`
	StartDate   string       `json:"startDate"`
	EndDate     string       `json:"endDate"`
	Kind        string       `json:"kind"`
	Currency    string       `json:"currency"`
	Expected    money.Micros `json:"expected"`
	Actual      money.Micros `json:"actual"`
	Impact      money.Micros `json:"impact"`
	Severity    string       `json:"severity"`
	Status      string       `json:"status"`
	Ongoing     bool         `json:"ongoing"`
	DetectedOn  string       `json:"detectedOn"`
	Verdict     string       `json:"verdict,omitempty"`
}

func newAnomaly(l cost.Labels, r anomaly.Record) Anomaly {
	m := r.Monitor
	out := Anomaly{ID: r.ID, Dimension: string(m.Dim), AccountID: r.AccountID, AccountName: accountName(l, r.AccountID),
		StartDate: r.StartDate, EndDate: r.EndDate, Kind: string(r.Kind), Currency: r.Currency, Expected: r.Expected, Actual: r.Actual,
		Impact: r.Impact, Severity: string(r.Severity), Status: string(r.Status), Ongoing: r.Ongoing, DetectedOn: r.DetectedOn,
		Verdict: string(r.Verdict)}
	switch m.Dim {
	case anomaly.MonAccount:
		out.What = "total cost of account " + out.AccountName
	case anomaly.MonProduct, anomaly.MonAccountProduct:
		out.Value, out.Code = name(l, cost.DimProduct, m.Value), m.Value
		out.What = "product " + out.Value
	case anomaly.MonRegion:
		out.Value, out.Code = name(l, cost.DimRegion, m.Value), m.Value
		out.What = "region " + out.Value
	case anomaly.MonTag:
		out.Value, out.Code = m.Key+"="+m.Value, m.Key+"="+m.Value
		out.What = "tag " + out.Value
	default:
		out.Value, out.Code = m.Value, m.Value
		out.What = string(m.Dim) + " " + m.Value
	}
	if m.Name != "" {
		out.What = m.Name + " (" + out.What + ")"
	}
	if m.Dim != anomaly.MonAccount {
		out.What += " in " + out.AccountName
	}
	return out
}

type anomalyDetailArgs struct {
	ID int64 `json:"id"`
}

var anomalyDetailTool = Tool{
	Name: "anomaly_detail",
	Description: "One anomaly by its id (from list_anomalies): the anomaly, the contributors that explain it (by product, region or " +
		"resource, each with expected and actual cost, its change and its share of the impact) and the daily cost against the expected " +
		"band around it.",
	Params: json.RawMessage(`{"type":"object","properties":{"id":{"type":"integer","minimum":1,"description":"The anomaly id."}},` +
		`"required":["id"],"additionalProperties":false}`),
	Run: run(func(ctx context.Context, d Deps, env Env, a anomalyDetailArgs) (any, error) {
		if a.ID <= 0 {
			return nil, errs.Invalid("id is required: the anomaly id from list_anomalies")
		}
		r, err := d.Store.GetAnomaly(ctx, env.Scope, a.ID)
		if err != nil {
			if errs.KindOf(err) == errs.KindNotFound {
				return nil, errs.NotFound("anomaly %d not found", a.ID)
			}
			return nil, err
		}
		l, err := labels(ctx, d, env.Scope)
		if err != nil {
			return nil, err
		}
		out := AnomalyDetail{Demo: r.Demo, Anomaly: newAnomaly(l, r), Contributors: []Contributor{}, Series: []anomaly.Point{}}
		// Contributors come grouped by dimension, largest change first within each.
		perDim := map[string]int{}
		for _, c := range r.Contributors {
			if perDim[c.Dimension] == contributorsShown {
				out.MoreContributors++
				continue
			}
			perDim[c.Dimension]++
			label := c.Label
			switch c.Dimension {
			case cost.DimRegion, cost.DimProduct:
				label = name(l, c.Dimension, c.Key)
			}
			out.Contributors = append(out.Contributors, Contributor{Dimension: c.Dimension, Key: c.Key, Label: label,
				Expected: c.Expected, Actual: c.Actual, Delta: c.Delta, Share: c.Share})
		}
		start, _ := time.Parse(time.DateOnly, r.StartDate) // stored dates are days
		from := cost.FormatDay(start.AddDate(0, 0, -seriesDaysBefore))
		for _, p := range r.Series {
			if p.Date >= from && p.Date <= r.EndDate {
				out.Series = append(out.Series, p)
			}
		}
		return out, nil
	}),
}

// AnomalyDetail is the anomaly_detail result.
type AnomalyDetail struct {
	Demo bool `json:"demo"`
	Anomaly
	Contributors     []Contributor `json:"contributors"`
	MoreContributors int           `json:"moreContributors,omitempty"`
	// Series is the daily cost from a week before the anomaly to its end, with the band.
	Series []anomaly.Point `json:"series"`
}

// Contributor is a part of an anomaly's impact: Delta of it, Share (0..1) of the whole.
type Contributor struct {
	Dimension string       `json:"dimension"`
	Key       string       `json:"key"`
	Label     string       `json:"label"`
	Expected  money.Micros `json:"expected"`
	Actual    money.Micros `json:"actual"`
	Delta     money.Micros `json:"delta"`
	Share     float64      `json:"share"`
}
