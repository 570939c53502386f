// Package budgets is the cloudlens-budgets function: budgets over a scope of accounts and
// explorer filters, with their status in the current period (spend, forecast, burn-down),
// their daily cumulative series and the history of past periods.
package budgets

import (
	"context"
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/cloudlens/cloudlens/shared/billing"

	"github.com/cloudlens/cloudlens/shared/app"
	"github.com/cloudlens/cloudlens/shared/auth"
	"github.com/cloudlens/cloudlens/shared/budget"
	"github.com/cloudlens/cloudlens/shared/cache"
	"github.com/cloudlens/cloudlens/shared/cost"
	"github.com/cloudlens/cloudlens/shared/errs"
	"github.com/cloudlens/cloudlens/shared/httpx"
	"github.com/cloudlens/cloudlens/shared/money"
)

// historyPeriods is how many past periods a budget's page shows.
var historyPeriods = map[budget.Period]int{budget.Month: 12, budget.Quarter: 4, budget.Year: 2}

// cacheTTL bounds how long a computed status is kept when no sync comes; a sync bumps the
// cost namespace's version, so no answer outlives the data it was computed from.
const cacheTTL = 10 * time.Minute

type api struct{ d *app.Deps }

// New returns the function's HTTP handler.
func New(d *app.Deps) http.Handler {
	a := &api{d: d}
	mux := http.NewServeMux()
	mux.Handle("GET /api/v1/budgets", d.AuthedFunc(a.list))
	mux.Handle("POST /api/v1/budgets", d.AuthedFunc(a.create))
	mux.Handle("POST /api/v1/budgets/preview", d.AuthedFunc(a.preview))
	mux.Handle("GET /api/v1/budgets/{id}", d.AuthedFunc(a.get))
	mux.Handle("PATCH /api/v1/budgets/{id}", d.AuthedFunc(a.update))
	mux.Handle("DELETE /api/v1/budgets/{id}", d.AuthedFunc(a.delete))
	mux.Handle("/", httpx.NotFound(d.Log))
	return d.API(mux)
}

type thresholdJSON struct {
	Percent int    `json:"percent"`
	Basis   string `json:"basis"`
}

type statusJSON struct {
	PeriodStart     string       `json:"periodStart"`
	PeriodEnd       string       `json:"periodEnd"`
	AsOf            string       `json:"asOf"`
	Amount          money.Micros `json:"amount"`
	Spent           money.Micros `json:"spent"`
	Forecast        money.Micros `json:"forecast"`
	Remaining       money.Micros `json:"remaining"`
	PercentSpent    float64      `json:"percentSpent"`
	PercentForecast float64      `json:"percentForecast"`
	BurnDownDate    *string      `json:"burnDownDate"`
	EvaluatedAt     *time.Time   `json:"evaluatedAt,omitempty"`
}

type periodJSON struct {
	Period string       `json:"period"`
	Start  string       `json:"start"`
	Amount money.Micros `json:"amount"`
	Spent  money.Micros `json:"spent"`
}

type pointJSON struct {
	Date       string       `json:"date"`
	Cumulative money.Micros `json:"cumulative"`
}

type budgetJSON struct {
	ID           int64           `json:"id"`
	Name         string          `json:"name"`
	Period       string          `json:"period"`
	Amount       money.Micros    `json:"amount"`
	Currency     string          `json:"currency"`
	MonthAmounts []money.Micros  `json:"monthAmounts"`
	AccountIDs   []int64         `json:"accountIds"`
	AllAccounts  bool            `json:"allAccounts"`
	Filters      []string        `json:"filters"`
	Thresholds   []thresholdJSON `json:"thresholds"`
	CreatedBy    int64           `json:"createdBy"`
	CreatedAt    time.Time       `json:"createdAt"`
	UpdatedAt    time.Time       `json:"updatedAt"`
	Status       *statusJSON     `json:"status"`
	History      []periodJSON    `json:"history,omitempty"`
	Series       []pointJSON     `json:"series,omitempty"`
	// Incomplete names the accounts of the scope whose bills miss days of the period so far.
	Incomplete []app.Incomplete `json:"incomplete"`
}

func date(t time.Time) string { return t.In(billing.Shanghai).Format(time.DateOnly) }

func toStatus(st budget.Status, evaluated *time.Time) *statusJSON {
	out := &statusJSON{PeriodStart: date(st.PeriodStart), PeriodEnd: date(st.PeriodEnd), AsOf: date(st.AsOf),
		Amount: st.Amount, Spent: st.Spent, Forecast: st.Forecast, Remaining: st.Remaining,
		PercentSpent: st.PercentSpent, PercentForecast: st.PercentForecast, EvaluatedAt: evaluated}
	if !st.BurnDown.IsZero() {
		d := date(st.BurnDown)
		out.BurnDownDate = &d
	}
	return out
}

func toSeries(st budget.Status) []pointJSON {
	out := make([]pointJSON, 0, len(st.Series))
	for _, pt := range st.Series {
		out = append(out, pointJSON{Date: date(pt.Date), Cumulative: pt.Cumulative})
	}
	return out
}

func toJSON(b budget.Budget) budgetJSON {
	out := budgetJSON{ID: b.ID, Name: b.Name, Period: string(b.Period), Amount: b.Amount, Currency: b.Currency,
		MonthAmounts: b.MonthAmounts, AccountIDs: b.AccountIDs, AllAccounts: b.AllAccounts, Filters: b.Filters,
		CreatedBy: b.CreatedBy, CreatedAt: b.CreatedAt, UpdatedAt: b.UpdatedAt, Thresholds: []thresholdJSON{}}
	if out.AccountIDs == nil {
		out.AccountIDs = []int64{}
	}
	if out.Filters == nil {
		out.Filters = []string{}
	}
	for _, t := range b.Thresholds {
		out.Thresholds = append(out.Thresholds, thresholdJSON{Percent: t.Percent, Basis: string(t.Basis)})
	}
	return out
}

// input is the body of create, preview and update; on update absent fields keep their value.
type input struct {
	Name         *string          `json:"name"`
	Period       *string          `json:"period"`
	Amount       json.RawMessage  `json:"amount"`
	Currency     *string          `json:"currency"`
	MonthAmounts json.RawMessage  `json:"monthAmounts"`
	AccountIDs   *[]int64         `json:"accountIds"`
	Filters      *[]string        `json:"filters"`
	Thresholds   *[]thresholdJSON `json:"thresholds"`
}

// apply copies the given fields onto b, resolving the scope against what the caller may see.
func (in input) apply(ctx context.Context, a *api, p auth.Principal, b *budget.Budget) error {
	if in.Name != nil {
		b.Name = strings.TrimSpace(*in.Name)
	}
	if in.Period != nil {
		b.Period = budget.Period(strings.TrimSpace(*in.Period))
	}
	// Amounts are decoded here, not by the JSON decoder, so a bad one is reported by its field.
	if in.Amount != nil {
		if err := json.Unmarshal(in.Amount, &b.Amount); err != nil {
			return errs.InvalidField("amount", errs.ReasonAmount, "must be a decimal amount such as \"1000.00\"")
		}
	}
	if in.MonthAmounts != nil {
		var months []money.Micros
		if err := json.Unmarshal(in.MonthAmounts, &months); err != nil {
			return errs.InvalidField("monthAmounts", errs.ReasonTwelve, "must be a list of 12 decimal amounts, January first")
		}
		b.MonthAmounts = months
		if len(b.MonthAmounts) == 0 {
			b.MonthAmounts = nil
		}
	}
	if in.Filters != nil {
		b.Filters = *in.Filters
	}
	if in.Thresholds != nil {
		b.Thresholds = b.Thresholds[:0]
		for _, t := range *in.Thresholds {
			b.Thresholds = append(b.Thresholds, budget.Threshold{Percent: t.Percent, Basis: budget.Basis(t.Basis)})
		}
	}
	if in.AccountIDs != nil {
		if err := scopeOf(p, *in.AccountIDs, b); err != nil {
			return err
		}
	}
	if in.Currency != nil {
		b.Currency = strings.TrimSpace(*in.Currency)
	}
	if b.Currency == "" {
		cur, err := a.defaultCurrency(ctx, b)
		if err != nil {
			return err
		}
		b.Currency = cur
	}
	b.Normalize()
	return b.Validate()
}

// scopeOf sets the budget's accounts: the ones asked for, each of which the caller must see;
// none means every account the caller may see (all of them, now and later, for those who see all).
func scopeOf(p auth.Principal, ids []int64, b *budget.Budget) error {
	scope := p.Scope()
	if len(ids) > budget.MaxAccounts {
		return errs.TooMany("accountIds", budget.MaxAccounts)
	}
	if len(ids) == 0 {
		b.AllAccounts, b.AccountIDs = scope.All, nil
		if !scope.All {
			if len(scope.IDs) == 0 {
				return errs.InvalidField("accountIds", errs.ReasonNoAccount, "you are not granted any account")
			}
			b.AccountIDs = slices.Clone(scope.IDs)
		}
		return nil
	}
	kept := make([]int64, 0, len(ids))
	for _, id := range ids {
		if !scope.Contains(id) {
			return errs.NotAllowed("accountIds", id)
		}
		if !slices.Contains(kept, id) { // at most MaxAccounts ids: a scan is cheap enough
			kept = append(kept, id)
		}
	}
	b.AllAccounts, b.AccountIDs = false, kept
	return nil
}

// defaultCurrency is the currency the scope's accounts are billed in: CNY unless every one of
// them is on the international site.
func (a *api) defaultCurrency(ctx context.Context, b *budget.Budget) (string, error) {
	accs, err := a.d.Store.ListAccounts(ctx, b.Scope())
	if err != nil {
		return "", err
	}
	cur := "CNY"
	for i, acc := range accs {
		if c := acc.Site.Currency(); i == 0 || c == "CNY" {
			cur = c
		}
		if cur == "CNY" {
			break
		}
	}
	return cur, nil
}

// asOf is the last billed day the status is taken at, and today the day whose period is shown.
func (a *api) asOf() (today, asOf time.Time) {
	now := a.d.Now()
	return now, cost.Yesterday(now)
}

// status computes the budget's status now, cached per budget version and day; the cost
// namespace's version moves with every sync, so a cached status never outlives its data.
func (a *api) status(ctx context.Context, b *budget.Budget) (budget.Status, error) {
	today, asOf := a.asOf()
	key := "budget|" + strconv.FormatInt(b.ID, 10) + "|" + strconv.FormatInt(b.UpdatedAt.UnixMicro(), 10) + "|" + date(today)
	st, _, err := cache.GetOrLoad(ctx, a.d.Cache, cost.CacheNamespace, key, cacheTTL, func(ctx context.Context) (budget.Status, error) {
		return budget.Compute(ctx, a.d.Store, b, today, asOf)
	})
	return st, err
}

// evaluate computes and keeps the status of a budget just written, so lists show it at once.
func (a *api) evaluate(ctx context.Context, b *budget.Budget) (budget.Status, error) {
	st, err := a.status(ctx, b)
	if err != nil {
		return st, err
	}
	sn := st.Snapshot(a.d.Now())
	b.Last = &sn
	return st, a.d.Store.SaveBudgetSnapshot(ctx, b.ID, sn)
}

func (a *api) list(w http.ResponseWriter, r *http.Request) error {
	p, err := httpx.Require(r, auth.RoleViewer)
	if err != nil {
		return err
	}
	bs, err := a.d.Store.ListBudgets(r.Context(), p.Scope())
	if err != nil {
		return err
	}
	today, asOf := a.asOf()
	// One read of the gaps serves every budget: the longest period (a year) bounds them all.
	yearStart, _ := budget.Window(budget.Year, today)
	gaps, err := a.d.IncompleteDays(r.Context(), p.Scope(), date(yearStart), date(asOf))
	if err != nil {
		return err
	}
	out := make([]budgetJSON, 0, len(bs))
	for i := range bs {
		b := &bs[i]
		j := toJSON(*b)
		// The kept status is used while it is of the current period; a budget not evaluated
		// since its period turned is evaluated now (budgetcheck does so hourly anyway).
		if ps, _ := budget.Window(b.Period, today); b.Last == nil || !b.Last.PeriodStart.Equal(ps) {
			st, err := a.evaluate(r.Context(), b)
			if err != nil {
				return err
			}
			j.Status = toStatus(st, &b.Last.EvaluatedAt)
		} else {
			j.Status = toStatus(b.Last.Status(b.Period), &b.Last.EvaluatedAt)
		}
		j.Incomplete = app.Within(gaps, b.Scope(), j.Status.PeriodStart, j.Status.AsOf)
		out = append(out, j)
	}
	return httpx.OK(w, httpx.Items(out))
}

// load returns budget {id} when the caller may see it (every account of its scope granted).
func (a *api) load(r *http.Request, min auth.Role) (auth.Principal, budget.Budget, error) {
	p, err := httpx.Require(r, min)
	if err != nil {
		return p, budget.Budget{}, err
	}
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return p, budget.Budget{}, err
	}
	b, err := a.d.Store.GetBudget(r.Context(), p.Scope(), id)
	return p, b, err
}

// detail is one budget with its live status, daily series and history.
func (a *api) detail(ctx context.Context, b budget.Budget) (budgetJSON, error) {
	st, err := a.status(ctx, &b)
	if err != nil {
		return budgetJSON{}, err
	}
	today, _ := a.asOf()
	past, err := budget.History(ctx, a.d.Store, &b, today, historyPeriods[b.Period])
	if err != nil {
		return budgetJSON{}, err
	}
	out := toJSON(b)
	var evaluated *time.Time
	if b.Last != nil {
		evaluated = &b.Last.EvaluatedAt
	}
	out.Status = toStatus(st, evaluated)
	if out.Incomplete, err = a.d.IncompleteDays(ctx, b.Scope(), date(st.PeriodStart), date(st.AsOf)); err != nil {
		return budgetJSON{}, err
	}
	out.Series = toSeries(st)
	out.History = make([]periodJSON, 0, len(past))
	for _, ps := range past {
		out.History = append(out.History, periodJSON{Period: ps.Label, Start: date(ps.Start), Amount: ps.Amount, Spent: ps.Spent})
	}
	return out, nil
}

func (a *api) get(w http.ResponseWriter, r *http.Request) error {
	_, b, err := a.load(r, auth.RoleViewer)
	if err != nil {
		return err
	}
	out, err := a.detail(r.Context(), b)
	if err != nil {
		return err
	}
	return httpx.OK(w, out)
}

// draft reads a new budget from the body: role min is required, and no accountIds means every
// account the caller may see.
func (a *api) draft(r *http.Request, min auth.Role) (auth.Principal, budget.Budget, error) {
	p, err := httpx.Require(r, min)
	if err != nil {
		return p, budget.Budget{}, err
	}
	var in input
	if err := httpx.Decode(r, &in); err != nil {
		return p, budget.Budget{}, err
	}
	if in.AccountIDs == nil {
		in.AccountIDs = &[]int64{}
	}
	b := budget.Budget{CreatedBy: p.UserID}
	return p, b, in.apply(r.Context(), a, p, &b)
}

func (a *api) create(w http.ResponseWriter, r *http.Request) error {
	p, b, err := a.draft(r, auth.RoleEditor)
	if err != nil {
		return err
	}
	if err := a.d.Store.CreateBudget(r.Context(), &b); err != nil {
		return err
	}
	a.d.Audit(r.Context(), p.UserID, "budget.create", "budget", b.ID, b.Name)
	if _, err := a.evaluate(r.Context(), &b); err != nil {
		return err
	}
	out, err := a.detail(r.Context(), b)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusCreated, out)
	return nil
}

// preview answers what a budget with this body would show now, without keeping it: the
// create and edit forms show the current spend of the chosen scope as it is typed.
func (a *api) preview(w http.ResponseWriter, r *http.Request) error {
	_, b, err := a.draft(r, auth.RoleViewer)
	if err != nil {
		return err
	}
	today, asOf := a.asOf()
	st, err := budget.Compute(r.Context(), a.d.Store, &b, today, asOf)
	if err != nil {
		return err
	}
	out := toJSON(b)
	out.Status = toStatus(st, nil)
	if out.Incomplete, err = a.d.IncompleteDays(r.Context(), b.Scope(), date(st.PeriodStart), date(st.AsOf)); err != nil {
		return err
	}
	out.Series = toSeries(st)
	return httpx.OK(w, out)
}

func (a *api) update(w http.ResponseWriter, r *http.Request) error {
	p, b, err := a.load(r, auth.RoleEditor)
	if err != nil {
		return err
	}
	var in input
	if err := httpx.Decode(r, &in); err != nil {
		return err
	}
	if err := in.apply(r.Context(), a, p, &b); err != nil {
		return err
	}
	if err := a.d.Store.UpdateBudget(r.Context(), &b); err != nil {
		return err
	}
	a.d.Audit(r.Context(), p.UserID, "budget.update", "budget", b.ID, b.Name)
	if _, err := a.evaluate(r.Context(), &b); err != nil {
		return err
	}
	out, err := a.detail(r.Context(), b)
	if err != nil {
		return err
	}
	return httpx.OK(w, out)
}

func (a *api) delete(w http.ResponseWriter, r *http.Request) error {
	p, b, err := a.load(r, auth.RoleEditor)
	if err != nil {
		return err
	}
	if err := a.d.Store.DeleteBudget(r.Context(), b.ID); err != nil {
		return err
	}
	a.d.Audit(r.Context(), p.UserID, "budget.delete", "budget", b.ID, b.Name)
	w.WriteHeader(http.StatusNoContent)
	return nil
}
