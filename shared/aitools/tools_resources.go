package aitools

import (
	"cmp"
	"context"
	"encoding/json"
	"slices"
	"strings"
	"time"

	"github.com/cloudlens/cloudlens/shared/billing"
	"github.com/cloudlens/cloudlens/shared/cost"
	"github.com/cloudlens/cloudlens/shared/errs"
	"github.com/cloudlens/cloudlens/shared/idle"
	"github.com/cloudlens/cloudlens/shared/money"
	"github.com/cloudlens/cloudlens/shared/resource"
	"github.com/cloudlens/cloudlens/shared/store"
)

// The resource tools read what GET /api/v1/resources/findings and GET /api/v1/resources
// read (the store's ListFindings, FindingTotals, ListResources and ResourceCosts, within the
// caller's scope), with the same parameter rules, and answer with names rather than codes.

// resourceFetch is how many resources find_resources reads to count the ones it leaves out.
const resourceFetch = 200

// maxTagsShown keeps a resource's tags short.
const maxTagsShown = 8

type findingsArgs struct {
	listArgs
	Status string `json:"status"`
	Rule   string `json:"rule"`
	Type   string `json:"type"`
}

var idleFindingsTool = Tool{
	Name: "idle_findings",
	Description: "Idle and savings findings: resources to release, downsize or bill differently, largest monthly saving first, with the " +
		"totals per currency and per rule. Each has the resource, the reason, the monthly saving as a decimal string with its currency, " +
		"and whether the figure is an estimate from list prices rather than the bill.",
	Params: json.RawMessage(`{"type":"object","properties":{` +
		`"status":{"type":"string","enum":["open","dismissed","snoozed","resolved"],"description":"Default open."},` +
		`"rule":{"type":"string","enum":` + ruleIDs() + `,"description":"Only the findings of this rule."},` +
		`"type":{"type":"string","enum":` + jsonList(idle.Types) + `,"description":"Only resources of this type."},` +
		listSchema("findings") + `},"additionalProperties":false}`),
	Run: run(func(ctx context.Context, d Deps, env Env, a findingsArgs) (any, error) {
		scope, limit, err := a.check(env)
		if err != nil {
			return nil, err
		}
		f := store.FindingFilter{Status: a.Status, Rule: a.Rule, Type: a.Type, Limit: limit}
		if f.Status == "" {
			f.Status = idle.StatusOpen
		}
		if err := oneOf("status", f.Status, idle.Statuses); err != nil {
			return nil, err
		}
		if _, ok := idle.Lookup(a.Rule); a.Rule != "" && !ok {
			return nil, errs.Invalid("rule %q is not a rule; the rules are %s", errs.Clip(a.Rule, 60), strings.Join(idle.RuleIDs(), ", "))
		}
		if a.Type != "" {
			if err := idle.ValidType("type", a.Type); err != nil {
				return nil, err
			}
		}
		fs, err := d.Store.ListFindings(ctx, scope, f, env.Now)
		if err != nil {
			return nil, err
		}
		tot, err := d.Store.FindingTotals(ctx, scope, f, env.Now)
		if err != nil {
			return nil, err
		}
		l, err := labels(ctx, d, scope)
		if err != nil {
			return nil, err
		}
		out := Findings{Status: f.Status, Items: []Finding{}, Totals: []FindingTotal{}, ByRule: []RuleTotal{}}
		for _, acc := range l.Accounts {
			out.Demo = out.Demo || acc.Demo
		}
		for _, x := range fs {
			out.Items = append(out.Items, newFinding(l, x, env.Now))
		}
		total := 0
		for _, t := range tot {
			total += int(t.Count)
			out.ByRule = append(out.ByRule, RuleTotal{Rule: t.Rule, Title: ruleTitle(t.Rule), Currency: t.Currency, MonthlySavings: t.MonthlySavings, Count: t.Count})
			i := slices.IndexFunc(out.Totals, func(c FindingTotal) bool { return c.Currency == t.Currency })
			if i < 0 {
				out.Totals = append(out.Totals, FindingTotal{Currency: t.Currency})
				i = len(out.Totals) - 1
			}
			out.Totals[i].MonthlySavings += t.MonthlySavings
			out.Totals[i].Count += t.Count
		}
		// Largest first, as the API orders them; currencies are never added together.
		slices.SortStableFunc(out.Totals, func(a, b FindingTotal) int { return cmp.Compare(b.MonthlySavings, a.MonthlySavings) })
		slices.SortStableFunc(out.ByRule, func(a, b RuleTotal) int { return cmp.Compare(b.MonthlySavings, a.MonthlySavings) })
		out.More, out.Note = more(len(out.Items), total, false)
		return out, nil
	}),
}

// Findings is the idle_findings result.
type Findings struct {
	Demo   bool           `json:"demo"`
	Status string         `json:"status"`
	Totals []FindingTotal `json:"totals"`
	ByRule []RuleTotal    `json:"byRule"`
	Items  []Finding      `json:"items"`
	More   int            `json:"more"`
	Note   string         `json:"note,omitempty"`
}

// FindingTotal is the monthly savings of the findings of one currency.
type FindingTotal struct {
	Currency       string       `json:"currency"`
	MonthlySavings money.Micros `json:"monthlySavings"`
	Count          int64        `json:"count"`
}

// RuleTotal is the monthly savings of one rule's findings of one currency.
type RuleTotal struct {
	Rule           string       `json:"rule"`
	Title          string       `json:"title"`
	Currency       string       `json:"currency"`
	MonthlySavings money.Micros `json:"monthlySavings"`
	Count          int64        `json:"count"`
}

// Finding is one finding as a model reads it.
type Finding struct {
	ID     int64  `json:"id"`
	Rule   string `json:"rule"`
	Title  string `json:"title"`
	Action string `json:"action"`
	Subject
	MonthlySavings money.Micros     `json:"monthlySavings"`
	Currency       string           `json:"currency"`
	Estimate       bool             `json:"estimate"`
	Prices         *idle.Comparison `json:"prices,omitempty"`
	Reason         string           `json:"reason"`
	ReasonZh       string           `json:"reasonZh"`
	Basis          idle.Basis       `json:"basis"`
	Status         string           `json:"status"`
	DetectedOn     string           `json:"detectedOn"`
}

func newFinding(l cost.Labels, f idle.Record, now time.Time) Finding {
	return Finding{ID: f.ID, Rule: f.Rule, Title: ruleTitle(f.Rule), Action: string(f.Action),
		Subject: subject(l, f.AccountID, f.ResourceID, f.Name, f.Type, f.Region), MonthlySavings: f.MonthlySavings, Currency: f.Currency, Estimate: f.Estimate,
		Prices: f.Prices, Reason: f.Reason, ReasonZh: f.ReasonZh, Basis: f.Basis, Status: f.Status(now),
		DetectedOn: cost.FormatDay(f.DetectedAt.In(billing.Shanghai))}
}

// Subject is the resource a finding or an inventory row is about, its region and account by name.
type Subject struct {
	ResourceID  string `json:"resourceId"`
	Name        string `json:"name"`
	Type        string `json:"type"`
	Region      string `json:"region"`
	RegionID    string `json:"regionId"`
	AccountID   int64  `json:"accountId"`
	AccountName string `json:"accountName"`
}

func subject(l cost.Labels, accountID int64, resourceID, resourceName, typ, region string) Subject {
	return Subject{ResourceID: resourceID, Name: resourceName, Type: typ, Region: name(l, cost.DimRegion, region), RegionID: region,
		AccountID: accountID, AccountName: accountName(l, accountID)}
}

func ruleTitle(id string) string {
	if r, ok := idle.Lookup(id); ok {
		return r.Title
	}
	return id
}

func ruleIDs() string { return jsonList(idle.RuleIDs()) }

// jsonList is a JSON array of the strings, for a schema's enum.
func jsonList[S ~string](list []S) string {
	b, _ := json.Marshal(list)
	return string(b)
}

type resourcesArgs struct {
	listArgs
	Q      string `json:"q"`
	Type   string `json:"type"`
	Region string `json:"region"`
	Status string `json:"status"`
	Tag    string `json:"tag"`
}

var findResourcesTool = Tool{
	Name: "find_resources",
	Description: "The resource inventory (ECS instances, disks, snapshots, EIPs, NAT gateways, SLBs, RDS and Tair/Redis instances) " +
		"found by a word of their id or name, type, region, status or tag: each with its spec, status, charge type, tags and its own cost " +
		"over the last 30 billed days as a decimal string with its currency.",
	Params: json.RawMessage(`{"type":"object","properties":{` +
		`"q":{"type":"string","description":"The start of a word of the resource id or name, any case, e.g. i-bp1 or web."},` +
		`"type":{"type":"string","enum":` + jsonList(resource.Types) + `},` +
		`"region":{"type":"string","description":"Region id, e.g. cn-hangzhou."},` +
		`"status":{"type":"string","description":"Status as Alibaba Cloud reports it, e.g. Running, Stopped, Available."},` +
		`"tag":{"type":"string","description":"key=value, or key alone for any value, e.g. env=prod."},` +
		listSchema("resources") + `},"additionalProperties":false}`),
	Run: run(func(ctx context.Context, d Deps, env Env, a resourcesArgs) (any, error) {
		scope, limit, err := a.check(env)
		if err != nil {
			return nil, err
		}
		f := store.ResourceFilter{Limit: resourceFetch}
		if err := oneOf("type", a.Type, resource.Types); err != nil {
			return nil, err
		}
		f.Type = resource.Type(a.Type)
		for _, t := range []struct {
			name string
			v    string
			to   *string
		}{{"q", a.Q, &f.Q}, {"region", a.Region, &f.Region}, {"status", a.Status, &f.Status}} {
			if *t.to, err = textArg(t.name, t.v, 200); err != nil {
				return nil, err
			}
		}
		if a.Tag != "" {
			// key=value, or key alone for any value; keys may hold colons (cloudlens:keep).
			k, v, _ := strings.Cut(a.Tag, "=")
			if k == "" || len(k) > 128 || len(v) > 256 {
				return nil, errs.Invalid("tag must be key or key=value (key up to 128 characters)")
			}
			f.TagKey, f.TagValue = k, v
		}
		rs, next, err := d.Store.ListResources(ctx, scope, f)
		if err != nil {
			return nil, err
		}
		l, err := labels(ctx, d, scope)
		if err != nil {
			return nil, err
		}
		// A resource's cost is what the inventory page shows: its own cost over the idle
		// rules' basis window, the largest currency when it has several.
		basis := idle.BasisFor(cost.Yesterday(env.Now))
		shown := rs[:min(limit, len(rs))]
		ids := make([]string, 0, len(shown))
		for _, r := range shown {
			ids = append(ids, r.ResourceID)
		}
		costs, err := d.Store.ResourceCosts(ctx, scope, ids, basis.Start, basis.End, cost.Metric(basis.Metric))
		if err != nil {
			return nil, err
		}
		out := ResourceList{CostStart: basis.Start, CostEnd: basis.End, Items: []Resource{}}
		for _, r := range shown {
			it := newResource(l, r)
			for _, c := range costs {
				if c.AccountID == r.AccountID && c.ResourceID == r.ResourceID && (it.Currency == "" || c.Cost > it.MonthlyCost) {
					it.MonthlyCost, it.Currency = c.Cost, c.Currency
				}
			}
			if it.Currency == "" {
				it.Currency = l.Accounts[r.AccountID].Site.Currency()
			}
			out.Demo = out.Demo || l.Accounts[r.AccountID].Demo
			out.Items = append(out.Items, it)
		}
		out.More, out.Note = more(len(out.Items), len(rs), next > 0)
		return out, nil
	}),
}

// ResourceList is the find_resources result.
type ResourceList struct {
	Demo bool `json:"demo"`
	// CostStart and CostEnd are the days monthlyCost covers (the 30 days to the last bill).
	CostStart string     `json:"costStart"`
	CostEnd   string     `json:"costEnd"`
	Items     []Resource `json:"items"`
	More      int        `json:"more"`
	Note      string     `json:"note,omitempty"`
}

// Resource is one resource of the inventory as a model reads it.
type Resource struct {
	ID int64 `json:"id"`
	Subject
	Status      string            `json:"status"`
	ChargeType  string            `json:"chargeType"`
	Spec        string            `json:"spec,omitempty"`
	Tags        map[string]string `json:"tags,omitempty"`
	MoreTags    int               `json:"moreTags,omitempty"`
	CreatedOn   string            `json:"createdOn"`
	MonthlyCost money.Micros      `json:"monthlyCost"`
	Currency    string            `json:"currency"`
}

func newResource(l cost.Labels, r resource.Resource) Resource {
	out := Resource{ID: r.ID, Subject: subject(l, r.AccountID, r.ResourceID, r.Name, string(r.Type), r.Region), Status: r.Status,
		ChargeType: string(r.ChargeType), Spec: r.Spec, CreatedOn: cost.FormatDay(r.CreatedAt.In(billing.Shanghai))}
	keys := make([]string, 0, len(r.Tags))
	for k := range r.Tags {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for i, k := range keys {
		if i == maxTagsShown {
			out.MoreTags = len(keys) - i
			break
		}
		if out.Tags == nil {
			out.Tags = map[string]string{}
		}
		out.Tags[k] = r.Tags[k]
	}
	return out
}
