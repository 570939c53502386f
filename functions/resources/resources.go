// Package resources is the cloudlens-resources function: the resource inventory with each
// resource's metrics and cost, the idle and savings findings with their totals, dismissals
// and exports, and the rules that make them with the administrators' changes.
package resources

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/cloudlens/cloudlens/shared/account"
	"github.com/cloudlens/cloudlens/shared/app"
	"github.com/cloudlens/cloudlens/shared/auth"
	"github.com/cloudlens/cloudlens/shared/cost"
	"github.com/cloudlens/cloudlens/shared/errs"
	"github.com/cloudlens/cloudlens/shared/httpx"
	"github.com/cloudlens/cloudlens/shared/idle"
	"github.com/cloudlens/cloudlens/shared/money"
	"github.com/cloudlens/cloudlens/shared/resource"
	"github.com/cloudlens/cloudlens/shared/store"
)

// Limits of the lists.
const (
	defaultLimit   = 50
	maxLimit       = 1000
	defaultFinding = 200
	// detailDays is how many days of metrics and cost a resource's page shows.
	detailDays = 90
	maxReason  = 500
	// maxSnooze bounds how far ahead a dismissal may be set to end.
	maxSnooze = 366 * 24 * time.Hour
)

type api struct{ d *app.Deps }

// New returns the function's HTTP handler.
func New(d *app.Deps) http.Handler {
	a := &api{d: d}
	mux := http.NewServeMux()
	mux.Handle("GET /api/v1/resources", d.AuthedFunc(a.list))
	mux.Handle("GET /api/v1/resources/{id}", d.AuthedFunc(a.get))
	mux.Handle("GET /api/v1/resources/findings", d.AuthedFunc(a.findings))
	mux.Handle("GET /api/v1/resources/findings/export", d.AuthedFunc(a.export))
	mux.Handle("POST /api/v1/resources/findings/{id}/dismiss", d.AuthedFunc(a.dismiss))
	mux.Handle("POST /api/v1/resources/findings/{id}/reopen", d.AuthedFunc(a.reopen))
	mux.Handle("GET /api/v1/resources/rules", d.AuthedFunc(a.rules))
	mux.Handle("PATCH /api/v1/resources/rules/{rule}", d.AuthedFunc(a.patchRule))
	mux.Handle("/", httpx.NotFound(d.Log))
	return d.API(mux)
}

// ---- shared helpers ----

// intParam reads an optional integer parameter within lo..hi; the error names it.
func intParam(v url.Values, name string, def, lo, hi int) (int, error) {
	s := v.Get(name)
	if s == "" {
		return def, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < lo || n > hi {
		return 0, errs.OutOfRange(name, lo, hi)
	}
	return n, nil
}

// accountParam reads accountId: a positive id the caller may see (KindNotFound otherwise,
// as elsewhere, so that accounts cannot be probed).
func accountParam(p auth.Principal, v url.Values) (int64, error) {
	s := v.Get("accountId")
	if s == "" {
		return 0, nil
	}
	id, ok := httpx.ParseID(s)
	if !ok {
		return 0, errs.BadID("accountId", s)
	}
	if !p.Scope().Contains(id) {
		return 0, errs.NotFound("account %d not found", id)
	}
	return id, nil
}

// demoAccounts returns which accounts the scope may see are demo accounts.
func (a *api) demoAccounts(ctx context.Context, scope account.Scope) (map[int64]bool, error) {
	accs, err := a.d.Store.ListAccounts(ctx, scope)
	if err != nil {
		return nil, err
	}
	out := map[int64]bool{}
	for _, acc := range accs {
		out[acc.ID] = acc.Demo
	}
	return out, nil
}

// asOf is the last billed day: the end of every cost figure shown.
func (a *api) asOf() time.Time { return cost.Yesterday(a.d.Now()) }

// ---- inventory ----

type resourceJSON struct {
	ID          int64             `json:"id"`
	AccountID   int64             `json:"accountId"`
	ResourceID  string            `json:"resourceId"`
	Type        string            `json:"type"`
	Region      string            `json:"region"`
	Zone        string            `json:"zone,omitempty"`
	Name        string            `json:"name"`
	Status      string            `json:"status"`
	ChargeType  string            `json:"chargeType"`
	Spec        string            `json:"spec,omitempty"`
	Tags        map[string]string `json:"tags"`
	CreatedAt   time.Time         `json:"createdAt"`
	ReleasedAt  *time.Time        `json:"releasedAt"`
	MonthlyCost money.Micros      `json:"monthlyCost"`
	Currency    string            `json:"currency"`
}

type listJSON struct {
	Demo       bool           `json:"demo"`
	Items      []resourceJSON `json:"items"`
	NextCursor string         `json:"nextCursor"`
	// CostStart and CostEnd are the days monthlyCost covers (the 30 days to the last bill).
	CostStart string `json:"costStart"`
	CostEnd   string `json:"costEnd"`
}

func toResource(r resource.Resource) resourceJSON {
	tags := r.Tags
	if tags == nil {
		tags = map[string]string{}
	}
	return resourceJSON{ID: r.ID, AccountID: r.AccountID, ResourceID: r.ResourceID, Type: string(r.Type), Region: r.Region,
		Zone: r.Zone, Name: r.Name, Status: r.Status, ChargeType: string(r.ChargeType), Spec: r.Spec, Tags: tags,
		CreatedAt: r.CreatedAt, ReleasedAt: r.ReleasedAt}
}

// filter reads the inventory list's parameters.
func resourceFilter(p auth.Principal, v url.Values) (store.ResourceFilter, error) {
	var f store.ResourceFilter
	var err error
	if f.AccountID, err = accountParam(p, v); err != nil {
		return f, err
	}
	if t := v.Get("type"); t != "" {
		if !resource.Type(t).Valid() {
			return f, errs.UnknownValue("type", t, typeNames())
		}
		f.Type = resource.Type(t)
	}
	f.Q, f.Region, f.Status = strings.TrimSpace(v.Get("q")), v.Get("region"), v.Get("status")
	for name, val := range map[string]string{"q": f.Q, "region": f.Region, "status": f.Status} {
		if utf8.RuneCountInString(val) > 200 {
			return f, errs.TooLong(name, 200)
		}
	}
	if tag := v.Get("tag"); tag != "" {
		// key=value, or key alone for any value; keys may hold colons (cloudlens:keep).
		k, val, _ := strings.Cut(tag, "=")
		if k == "" || len(k) > 128 || len(val) > 256 {
			return f, errs.InvalidField("tag", errs.ReasonFormat, "must be key or key=value (key up to 128 characters)")
		}
		f.TagKey, f.TagValue = k, val
	}
	if c := v.Get("cursor"); c != "" {
		id, ok := httpx.ParseID(c)
		if !ok {
			return f, errs.BadCursor("cursor", c)
		}
		f.Cursor = id
	}
	if f.Limit, err = intParam(v, "limit", defaultLimit, 1, maxLimit); err != nil {
		return f, err
	}
	return f, nil
}

func typeNames() string {
	names := make([]string, len(resource.Types))
	for i, t := range resource.Types {
		names[i] = string(t)
	}
	return strings.Join(names, ", ")
}

func (a *api) list(w http.ResponseWriter, r *http.Request) error {
	p, err := httpx.Require(r, auth.RoleViewer)
	if err != nil {
		return err
	}
	f, err := resourceFilter(p, r.URL.Query())
	if err != nil {
		return err
	}
	ctx := r.Context()
	scope := p.Scope()
	rs, next, err := a.d.Store.ListResources(ctx, scope, f)
	if err != nil {
		return err
	}
	demo, err := a.demoAccounts(ctx, scope)
	if err != nil {
		return err
	}
	basis := idle.BasisFor(a.asOf())
	out := listJSON{Items: make([]resourceJSON, 0, len(rs)), CostStart: basis.Start, CostEnd: basis.End}
	if next > 0 {
		out.NextCursor = strconv.FormatInt(next, 10)
	}
	costs, err := a.costs(ctx, scope, rs, basis)
	if err != nil {
		return err
	}
	currencies, err := a.currencies(ctx, scope)
	if err != nil {
		return err
	}
	for _, res := range rs {
		j := toResource(res)
		j.Currency = currencies[res.AccountID]
		if c, ok := costs[costKey{res.AccountID, res.ResourceID}]; ok {
			j.MonthlyCost, j.Currency = c.Cost, c.Currency
		}
		out.Demo = out.Demo || demo[res.AccountID]
		out.Items = append(out.Items, j)
	}
	return httpx.OK(w, out)
}

type costKey struct {
	account  int64
	resource string
}

// costs are the resources' own effective cost over the basis window.
func (a *api) costs(ctx context.Context, scope account.Scope, rs []resource.Resource, b idle.Basis) (map[costKey]store.ResourceCost, error) {
	ids := make([]string, 0, len(rs))
	for _, r := range rs {
		ids = append(ids, r.ResourceID)
	}
	slices.Sort(ids)
	ids = slices.Compact(ids)
	rows, err := a.d.Store.ResourceCosts(ctx, scope, ids, b.Start, b.End, cost.Metric(b.Metric))
	if err != nil {
		return nil, err
	}
	out := make(map[costKey]store.ResourceCost, len(rows))
	for _, c := range rows {
		k := costKey{c.AccountID, c.ResourceID}
		if prev, ok := out[k]; !ok || c.Cost > prev.Cost {
			out[k] = c
		}
	}
	return out, nil
}

// currencies are the accounts' billing currencies, for resources without cost.
func (a *api) currencies(ctx context.Context, scope account.Scope) (map[int64]string, error) {
	accs, err := a.d.Store.ListAccounts(ctx, scope)
	if err != nil {
		return nil, err
	}
	out := make(map[int64]string, len(accs))
	for _, acc := range accs {
		out[acc.ID] = acc.Site.Currency()
	}
	return out, nil
}

type dayJSON struct {
	Date string  `json:"date"`
	Max  float64 `json:"max"`
	P95  float64 `json:"p95"`
	Mean float64 `json:"mean"`
}

type metricJSON struct {
	Metric string    `json:"metric"`
	Days   []dayJSON `json:"days"`
}

type costPointJSON struct {
	Date string       `json:"date"`
	Cost money.Micros `json:"cost"`
}

type costSeriesJSON struct {
	Start    string          `json:"start"`
	End      string          `json:"end"`
	Metric   string          `json:"metric"`
	Currency string          `json:"currency"`
	Total    money.Micros    `json:"total"`
	Points   []costPointJSON `json:"points"`
}

type backendJSON struct {
	ServerID string `json:"serverId"`
	Port     int    `json:"port"`
	Weight   int    `json:"weight"`
	Health   string `json:"health"`
}

type detailJSON struct {
	Demo bool `json:"demo"`
	resourceJSON
	StatusSince        time.Time      `json:"statusSince"`
	ExpiresAt          *time.Time     `json:"expiresAt"`
	AutoRenew          bool           `json:"autoRenew"`
	AttachedTo         string         `json:"attachedTo"`
	SourceID           string         `json:"sourceId"`
	SizeGB             int            `json:"sizeGb"`
	BandwidthMbps      int            `json:"bandwidthMbps"`
	InternetChargeType string         `json:"internetChargeType"`
	Backends           []backendJSON  `json:"backends"`
	SNATEntries        int            `json:"snatEntries"`
	DNATEntries        int            `json:"dnatEntries"`
	Attrs              map[string]any `json:"attrs"`
	LastSeenAt         time.Time      `json:"lastSeenAt"`
	Metrics            []metricJSON   `json:"metrics"`
	Costs              costSeriesJSON `json:"costs"`
	Findings           []findingJSON  `json:"findings"`
}

func (a *api) get(w http.ResponseWriter, r *http.Request) error {
	p, err := httpx.Require(r, auth.RoleViewer)
	if err != nil {
		return err
	}
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	ctx := r.Context()
	scope := p.Scope()
	res, err := a.d.Store.GetResource(ctx, scope, id)
	if err != nil {
		return err
	}
	demo, err := a.demoAccounts(ctx, scope)
	if err != nil {
		return err
	}
	asOf := a.asOf()
	from := asOf.AddDate(0, 0, -(detailDays - 1))
	out := detailJSON{Demo: demo[res.AccountID], resourceJSON: toResource(res), StatusSince: res.StatusSince,
		ExpiresAt: res.ExpiresAt, AutoRenew: res.AutoRenew, AttachedTo: res.AttachedTo, SourceID: res.SourceID,
		SizeGB: res.SizeGB, BandwidthMbps: res.BandwidthMbps, InternetChargeType: res.InternetChargeType,
		Backends: []backendJSON{}, SNATEntries: res.SNATEntries, DNATEntries: res.DNATEntries, Attrs: res.Attrs,
		LastSeenAt: res.LastSeenAt, Metrics: []metricJSON{}, Findings: []findingJSON{}}
	if out.Attrs == nil {
		out.Attrs = map[string]any{}
	}
	for _, b := range res.Backends {
		out.Backends = append(out.Backends, backendJSON{ServerID: b.ServerID, Port: b.Port, Weight: b.Weight, Health: b.Health})
	}
	days, err := a.d.Store.MetricDays(ctx, store.MetricFilter{AccountID: res.AccountID, ResourceIDs: []string{res.ResourceID}, From: from, To: asOf})
	if err != nil {
		return err
	}
	for _, d := range days {
		if n := len(out.Metrics); n == 0 || out.Metrics[n-1].Metric != string(d.Metric) {
			out.Metrics = append(out.Metrics, metricJSON{Metric: string(d.Metric), Days: []dayJSON{}})
		}
		m := &out.Metrics[len(out.Metrics)-1]
		m.Days = append(m.Days, dayJSON{Date: d.Day.Format(time.DateOnly), Max: d.Max, P95: d.P95, Mean: d.Mean})
	}
	// The cost series, one point a day (zero on days without cost), in the account's currency.
	q := cost.Query{Start: from.Format(time.DateOnly), End: asOf.Format(time.DateOnly), Granularity: cost.Day, Metric: cost.Effective}
	rows, err := a.d.Store.ResourceSeries(ctx, account.Scope{IDs: []int64{res.AccountID}}, res.ResourceID, q)
	if err != nil {
		return err
	}
	currencies, err := a.currencies(ctx, scope)
	if err != nil {
		return err
	}
	out.Costs = costSeriesJSON{Start: q.Start, End: q.End, Metric: string(q.Metric), Currency: currencies[res.AccountID], Points: []costPointJSON{}}
	byDay := map[string]money.Micros{}
	for _, row := range rows {
		out.Costs.Currency = row.Currency
		byDay[row.Period] += row.Cost
	}
	for _, day := range cost.Periods(q.Start, q.End, cost.Day) {
		out.Costs.Points = append(out.Costs.Points, costPointJSON{Date: day, Cost: byDay[day]})
		out.Costs.Total += byDay[day]
	}
	basis := idle.BasisFor(asOf)
	for _, pt := range out.Costs.Points {
		if pt.Date >= basis.Start && pt.Date <= basis.End {
			out.MonthlyCost += pt.Cost
		}
	}
	out.Currency = out.Costs.Currency
	now := a.d.Now()
	for _, status := range []string{idle.StatusOpen, idle.StatusSnoozed, idle.StatusDismissed} {
		fs, err := a.d.Store.ListFindings(ctx, scope, store.FindingFilter{Status: status, AccountIDs: []int64{res.AccountID},
			ResourceID: res.ResourceID}, now)
		if err != nil {
			return err
		}
		for _, f := range fs {
			out.Findings = append(out.Findings, toFinding(f, now))
		}
	}
	return httpx.OK(w, out)
}
