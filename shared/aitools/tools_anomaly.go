package aitools

import (
	"context"
	"encoding/json"
	"time"

	"github.com/cloudlens/cloudlens/shared/anomaly"
	"github.com/cloudlens/cloudlens/shared/apijson"
	"github.com/cloudlens/cloudlens/shared/cost"
	"github.com/cloudlens/cloudlens/shared/errs"
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
	listArgs
	Status    string `json:"status"`
	Start     string `json:"start"`
	End       string `json:"end"`
	MinImpact any    `json:"minImpact"`
}

var listAnomaliesTool = Tool{
	Name: "list_anomalies",
	Description: "Cost anomalies CloudLens detected (unusual daily cost of an account, a product, a tag, a region…), largest impact first: " +
		"what moved, the days, expected against actual cost, the impact (actual − expected) with its currency, severity and status. " +
		"Use anomaly_detail with an id for the contributors that explain one.",
	Params: json.RawMessage(`{"type":"object","properties":{` +
		`"status":{"type":"string","enum":["open","acknowledged","resolved","dismissed"],"description":"Only anomalies with this status (default: all)."},` +
		`"start":{"type":"string","description":"Only anomalies that overlap the days from start (YYYY-MM-DD)."},` +
		`"end":{"type":"string","description":"… to end (YYYY-MM-DD, inclusive)."},` +
		`"minImpact":{"type":"string","description":"Only anomalies whose impact (either direction) is at least this amount, e.g. \"100\"."},` +
		listSchema("anomalies") + `},"additionalProperties":false}`),
	Run: run(func(ctx context.Context, d Deps, env Env, a anomalyListArgs) (any, error) {
		scope, limit, err := a.check(env)
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

// Anomaly is one anomaly as a model reads it: the anomaly API's item, with the names of what
// it watches and of its account.
type Anomaly struct {
	apijson.Anomaly
	// What names the series: "product 云服务器 ECS in prod" and the like.
	What        string `json:"what"`
	AccountName string `json:"accountName"`
	// ValueName is the product or region by name (value holds its code).
	ValueName string `json:"valueName,omitempty"`
}

func newAnomaly(l cost.Labels, r anomaly.Record) Anomaly {
	m := r.Monitor
	out := Anomaly{Anomaly: apijson.NewAnomaly(r), AccountName: accountName(l, r.AccountID)}
	switch m.Dim {
	case anomaly.MonAccount:
		out.What = "total cost of account " + out.AccountName
	case anomaly.MonProduct, anomaly.MonAccountProduct:
		out.ValueName = name(l, cost.DimProduct, m.Value)
		out.What = "product " + out.ValueName
	case anomaly.MonRegion:
		out.ValueName = name(l, cost.DimRegion, m.Value)
		out.What = "region " + out.ValueName
	default:
		out.What = m.Describe()
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
		out := AnomalyDetail{Anomaly: newAnomaly(l, r), Contributors: []apijson.Contributor{}, Series: []apijson.Point{}}
		// Contributors come grouped by dimension, largest change first within each.
		perDim := map[string]int{}
		for _, c := range r.Contributors {
			if perDim[c.Dimension] == contributorsShown {
				out.MoreContributors++
				continue
			}
			perDim[c.Dimension]++
			ac := apijson.NewContributor(c)
			switch c.Dimension {
			case cost.DimRegion, cost.DimProduct:
				ac.Label = name(l, c.Dimension, c.Key)
			}
			out.Contributors = append(out.Contributors, ac)
		}
		start, _ := time.Parse(time.DateOnly, r.StartDate) // stored dates are days
		from := cost.FormatDay(start.AddDate(0, 0, -seriesDaysBefore))
		for _, p := range r.Series {
			if p.Date >= from && p.Date <= r.EndDate {
				out.Series = append(out.Series, apijson.Point(p))
			}
		}
		return out, nil
	}),
}

// AnomalyDetail is the anomaly_detail result: the anomaly API's detail, trimmed, with names.
type AnomalyDetail struct {
	Anomaly
	Contributors     []apijson.Contributor `json:"contributors"`
	MoreContributors int                   `json:"moreContributors,omitempty"`
	// Series is the daily cost from a week before the anomaly to its end, with the band.
	Series []apijson.Point `json:"series"`
}
