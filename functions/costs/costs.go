// Package costs is the cloudlens-costs function: cost overview, the explorer over one query
// model, drill-down to resources, discount analysis and forecasts, all limited to the accounts
// the caller may see. The analysis is shared/cost's; this package is its HTTP edge: requests,
// caching and the JSON shapes of the answers.
package costs

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/cloudlens/cloudlens/shared/account"
	"github.com/cloudlens/cloudlens/shared/app"
	"github.com/cloudlens/cloudlens/shared/auth"
	"github.com/cloudlens/cloudlens/shared/cache"
	"github.com/cloudlens/cloudlens/shared/cost"
	"github.com/cloudlens/cloudlens/shared/errs"
	"github.com/cloudlens/cloudlens/shared/httpx"
)

// cacheTTL bounds how long an answer is kept when no sync comes.
const cacheTTL = 10 * time.Minute

type api struct {
	d   *app.Deps
	svc cost.Service
}

// New returns the function's HTTP handler.
func New(d *app.Deps) http.Handler {
	a := &api{d: d, svc: cost.Service{Store: d.Store}}
	mux := http.NewServeMux()
	mux.Handle("GET /api/v1/costs/overview", d.AuthedFunc(a.overview))
	mux.Handle("GET /api/v1/costs/explore", d.AuthedFunc(a.explore))
	mux.Handle("GET /api/v1/costs/resources", d.AuthedFunc(a.resources))
	mux.Handle("GET /api/v1/costs/resources/{resourceId}", d.AuthedFunc(a.resource))
	mux.Handle("GET /api/v1/costs/discounts", d.AuthedFunc(a.discounts))
	mux.Handle("GET /api/v1/costs/forecast", d.AuthedFunc(a.forecast))
	mux.Handle("GET /api/v1/costs/dimensions/{dimension}/values", d.AuthedFunc(a.dimensionValues))
	mux.Handle("GET /api/v1/costs/coverage", d.AuthedFunc(a.coverage))
	mux.Handle("GET /api/v1/costs/views", d.AuthedFunc(a.listViews))
	mux.Handle("POST /api/v1/costs/views", d.AuthedFunc(a.createView))
	mux.Handle("GET /api/v1/costs/views/{id}", d.AuthedFunc(a.getView))
	mux.Handle("PATCH /api/v1/costs/views/{id}", d.AuthedFunc(a.updateView))
	mux.Handle("DELETE /api/v1/costs/views/{id}", d.AuthedFunc(a.deleteView))
	mux.Handle("/", httpx.NotFound(d.Log))
	return d.API(mux)
}

// service is the cost service labelling in the caller's language (Accept-Language).
func (a *api) service(r *http.Request) cost.Service {
	svc := a.svc
	svc.Lang = httpx.Lang(r)
	return svc
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

// cached answers from the cache namespace the billing sync bumps, computing with load and
// turning the result into its JSON shape on a miss.
func cached[T, J any](ctx context.Context, a *api, key string, load func(context.Context) (T, error), toJSON func(T) J) (J, error) {
	v, _, err := cache.GetOrLoad(ctx, a.d.Cache, cost.CacheNamespace, key, cacheTTL, func(ctx context.Context) (J, error) {
		v, err := load(ctx)
		if err != nil {
			var zero J
			return zero, err
		}
		return toJSON(v), nil
	})
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

func (a *api) explore(w http.ResponseWriter, r *http.Request) error {
	p, q, err := a.caller(r)
	if err != nil {
		return err
	}
	format := r.URL.Query().Get("format")
	if format != "" && format != "json" && format != "csv" && format != "xlsx" {
		return errs.UnknownValue("format", format, "json", "csv", "xlsx")
	}
	scope := p.Scope()
	if format == "csv" || format == "xlsx" {
		return a.exportExplore(w, r, p, q, format)
	}
	svc := a.service(r)
	res, err := cached(r.Context(), a, "explore|"+svc.Lang+"|"+scopeKey(scope)+"|"+q.Key(), func(ctx context.Context) (cost.Exploration, error) {
		return svc.Explore(ctx, scope, q)
	}, newExploreJSON)
	if err != nil {
		return err
	}
	// The accounts asked for (accountId), within the caller's scope.
	asked, err := requestScope(p, r)
	if err != nil {
		return err
	}
	if res.Incomplete, err = a.d.IncompleteDays(r.Context(), asked, q.Start, q.End); err != nil {
		return err
	}
	return httpx.OK(w, res)
}

// requestScope is the caller's scope narrowed to the accountId parameters, if any.
func requestScope(p auth.Principal, r *http.Request) (account.Scope, error) {
	var ids []int64
	for _, v := range r.URL.Query()["accountId"] {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil || id <= 0 {
			return account.Scope{}, errs.BadID("accountId", v)
		}
		ids = append(ids, id)
	}
	return p.Scope().Narrow(ids), nil
}

// today is the (narrowed) scope of an overview or forecast request and the day the answer is
// as of, which keys its cache entry.
func (a *api) today(r *http.Request) (account.Scope, time.Time, string, error) {
	p, err := httpx.Require(r, auth.RoleViewer)
	if err != nil {
		return account.Scope{}, time.Time{}, "", err
	}
	scope, err := requestScope(p, r)
	now := a.d.Now()
	return scope, now, cost.FormatDay(cost.Yesterday(now)), err
}

func (a *api) overview(w http.ResponseWriter, r *http.Request) error {
	scope, now, asOf, err := a.today(r)
	if err != nil {
		return err
	}
	svc := a.service(r)
	res, err := cached(r.Context(), a, "overview|"+svc.Lang+"|"+scopeKey(scope)+"|"+asOf, func(ctx context.Context) (cost.Overview, error) {
		return svc.Overview(ctx, scope, now)
	}, newOverviewJSON)
	if err != nil {
		return err
	}
	c := cost.NewCalendar(now)
	if res.Incomplete, err = a.d.IncompleteDays(r.Context(), scope, cost.FormatDay(c.LastStart), asOf); err != nil {
		return err
	}
	return httpx.OK(w, res)
}

func (a *api) forecast(w http.ResponseWriter, r *http.Request) error {
	scope, now, asOf, err := a.today(r)
	if err != nil {
		return err
	}
	res, err := cached(r.Context(), a, "forecast|"+scopeKey(scope)+"|"+asOf, func(ctx context.Context) (cost.Forecast, error) {
		return a.svc.Forecast(ctx, scope, now)
	}, newForecastJSON)
	if err != nil {
		return err
	}
	// The forecast rests on the whole daily history it was fitted on.
	c := cost.NewCalendar(now)
	if res.Incomplete, err = a.d.IncompleteDays(r.Context(), scope, cost.FormatDay(c.HistStart), asOf); err != nil {
		return err
	}
	return httpx.OK(w, res)
}

func (a *api) resources(w http.ResponseWriter, r *http.Request) error {
	p, q, err := a.caller(r)
	if err != nil {
		return err
	}
	limit := cost.DefaultResources
	if v := r.URL.Query().Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > cost.MaxResources {
			return errs.OutOfRange("limit", 1, cost.MaxResources)
		}
		limit = n
	}
	scope := p.Scope()
	key := "resources|" + scopeKey(scope) + "|" + strconv.Itoa(limit) + "|" + q.Key()
	res, err := cached(r.Context(), a, key, func(ctx context.Context) (cost.Resources, error) {
		return a.svc.DrillDown(ctx, scope, q, limit)
	}, func(v cost.Resources) resourcesJSON { return newResourcesJSON(q, v) })
	if err != nil {
		return err
	}
	// The accounts asked for (accountId), within the caller's scope.
	asked, err := requestScope(p, r)
	if err != nil {
		return err
	}
	if res.Incomplete, err = a.d.IncompleteDays(r.Context(), asked, q.Start, q.End); err != nil {
		return err
	}
	return httpx.OK(w, res)
}

func (a *api) resource(w http.ResponseWriter, r *http.Request) error {
	p, q, err := a.caller(r)
	if err != nil {
		return err
	}
	id := r.PathValue("resourceId")
	if id == "" || len(id) > 200 {
		return errs.OutOfRange("resourceId", 1, 200)
	}
	scope := p.Scope()
	res, err := cached(r.Context(), a, "resource|"+scopeKey(scope)+"|"+strconv.Quote(id)+"|"+q.Key(), func(ctx context.Context) (cost.ResourceHistory, error) {
		return a.svc.Resource(ctx, scope, id, q)
	}, newResourceJSON)
	if err != nil {
		return err
	}
	return httpx.OK(w, res)
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
	if by, err = cost.ParseDiscountGroup(by); err != nil {
		return err
	}
	scope := p.Scope()
	res, err := cached(r.Context(), a, "discounts|"+scopeKey(scope)+"|"+by+"|"+q.Key(), func(ctx context.Context) (cost.Discounts, error) {
		return a.svc.Discounts(ctx, scope, q, by)
	}, func(v cost.Discounts) discountsJSON { return newDiscountsJSON(q, v) })
	if err != nil {
		return err
	}
	return httpx.OK(w, res)
}

// dimensionValues lists the values of a dimension with costs in the range, for pickers:
// searchable by value and label, largest cost first, paged.
func (a *api) dimensionValues(w http.ResponseWriter, r *http.Request) error {
	p, err := httpx.Require(r, auth.RoleViewer)
	if err != nil {
		return err
	}
	vq, err := cost.ParseValuesQuery(r.PathValue("dimension"), r.URL.Query(), a.d.Now())
	if err != nil {
		return err
	}
	scope, svc := p.Scope(), a.service(r)
	key := fmt.Sprintf("values|%s|%s|%s|%s|%s|%s|%d|%d", svc.Lang, scopeKey(scope), strconv.Quote(vq.Dim.String()),
		vq.Start, vq.End, strconv.Quote(vq.Search), vq.Offset, vq.Limit)
	res, err := cached(r.Context(), a, key, func(ctx context.Context) (cost.ValuesPage, error) {
		return svc.DimensionValues(ctx, scope, vq)
	}, newValuesJSON)
	if err != nil {
		return err
	}
	return httpx.OK(w, res)
}

// coverage answers which days have costs in the caller's scope (narrowed by accountId), so
// an empty range can say where the data starts and ends.
func (a *api) coverage(w http.ResponseWriter, r *http.Request) error {
	p, err := httpx.Require(r, auth.RoleViewer)
	if err != nil {
		return err
	}
	scope, err := requestScope(p, r)
	if err != nil {
		return err
	}
	first, last, err := a.d.Store.CostCoverage(r.Context(), scope)
	if err != nil {
		return err
	}
	out := struct {
		First *string `json:"first"`
		Last  *string `json:"last"`
	}{}
	if first != "" {
		out.First, out.Last = &first, &last
	}
	return httpx.OK(w, out)
}
