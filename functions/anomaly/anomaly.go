// Package anomaly is the cloudlens-anomaly function: the cost anomalies detection found, each
// with its series against the expected band and the contributors that explain it, feedback
// on them, and the monitors that watch the organisation's series.
package anomaly

import (
	"context"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/cloudlens/cloudlens/shared/account"
	"github.com/cloudlens/cloudlens/shared/anomaly"
	"github.com/cloudlens/cloudlens/shared/apijson"
	"github.com/cloudlens/cloudlens/shared/app"
	"github.com/cloudlens/cloudlens/shared/auth"
	"github.com/cloudlens/cloudlens/shared/errs"
	"github.com/cloudlens/cloudlens/shared/httpx"
	"github.com/cloudlens/cloudlens/shared/money"
	"github.com/cloudlens/cloudlens/shared/store"
)

type api struct{ d *app.Deps }

// New returns the function's HTTP handler.
func New(d *app.Deps) http.Handler {
	a := &api{d: d}
	mux := http.NewServeMux()
	mux.Handle("GET /api/v1/anomaly", d.AuthedFunc(a.list))
	mux.Handle("GET /api/v1/anomaly/monitors", d.AuthedFunc(a.monitors))
	mux.Handle("POST /api/v1/anomaly/monitors", d.AuthedFunc(a.createMonitor))
	mux.Handle("PATCH /api/v1/anomaly/monitors/{id}", d.AuthedFunc(a.updateMonitor))
	mux.Handle("DELETE /api/v1/anomaly/monitors/{id}", d.AuthedFunc(a.deleteMonitor))
	mux.Handle("GET /api/v1/anomaly/{id}", d.AuthedFunc(a.get))
	mux.Handle("POST /api/v1/anomaly/{id}/feedback", d.AuthedFunc(a.feedback))
	mux.Handle("/", httpx.NotFound(d.Log))
	return d.API(mux)
}

// An anomaly and its detail answer in the shapes the AI tools give too (shared/apijson).
type itemJSON = apijson.Anomaly

func toItem(r anomaly.Record) itemJSON { return apijson.NewAnomaly(r) }

// listAnswer is the list with the demo label: true when any account the caller sees is a
// simulator-backed demo account.
type listAnswer[T any] struct {
	Demo  bool `json:"demo"`
	Items []T  `json:"items"`
}

func (a *api) demo(ctx context.Context, scope account.Scope) (bool, error) {
	accs, err := a.d.Store.ListAccounts(ctx, scope)
	if err != nil {
		return false, err
	}
	return slices.ContainsFunc(accs, func(x account.Account) bool { return x.Demo }), nil
}

func parseDate(name, v string) (string, error) {
	if v == "" {
		return "", nil
	}
	if _, err := time.Parse(time.DateOnly, v); err != nil {
		return "", errs.BadDate(name, v)
	}
	return v, nil
}

func (a *api) list(w http.ResponseWriter, r *http.Request) error {
	p, err := httpx.Require(r, auth.RoleViewer)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	var f store.AnomalyFilter
	if s := q.Get("status"); s != "" {
		if !slices.Contains(anomaly.Statuses, anomaly.Status(s)) {
			return errs.UnknownValue("status", anomaly.Status(s), anomaly.Statuses...)
		}
		f.Status = anomaly.Status(s)
	}
	if s := q.Get("accountId"); s != "" {
		id, ok := httpx.ParseID(s)
		if !ok {
			return errs.BadID("accountId", s)
		}
		f.AccountID = id
	}
	if f.Start, err = parseDate("start", q.Get("start")); err != nil {
		return err
	}
	if f.End, err = parseDate("end", q.Get("end")); err != nil {
		return err
	}
	if f.Start != "" && f.End != "" && f.End < f.Start {
		return errs.DateOrder(f.Start, f.End)
	}
	if s := q.Get("minImpact"); s != "" {
		m, err := money.Parse(s)
		if err != nil || m < 0 {
			return errs.InvalidField("minImpact", errs.ReasonAmount, "%q is not a non-negative amount", errs.Clip(s, 40))
		}
		f.MinImpact = m
	}
	if s := q.Get("monitorId"); s != "" {
		id, ok := httpx.ParseID(s)
		if !ok {
			return errs.BadID("monitorId", s)
		}
		f.MonitorID = id
	}
	f.Limit = 500
	if s := q.Get("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > 1000 {
			return errs.OutOfRange("limit", 1, 1000)
		}
		f.Limit = n
	}
	rs, err := a.d.Store.ListAnomalies(r.Context(), p.Scope(), f)
	if err != nil {
		return err
	}
	demo, err := a.demo(r.Context(), p.Scope())
	if err != nil {
		return err
	}
	out := listAnswer[itemJSON]{Demo: demo, Items: make([]itemJSON, 0, len(rs))}
	for _, x := range rs {
		out.Items = append(out.Items, toItem(x))
	}
	return httpx.OK(w, out)
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
	x, err := a.d.Store.GetAnomaly(r.Context(), p.Scope(), id)
	if err != nil {
		return err
	}
	return httpx.OK(w, apijson.NewAnomalyDetail(x))
}

type feedbackInput struct {
	Verdict string `json:"verdict"`
	Note    string `json:"note"`
}

func (a *api) feedback(w http.ResponseWriter, r *http.Request) error {
	p, err := httpx.Require(r, auth.RoleEditor)
	if err != nil {
		return err
	}
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	var in feedbackInput
	if err := httpx.Decode(r, &in); err != nil {
		return err
	}
	v, err := anomaly.ParseVerdict(in.Verdict)
	if err != nil {
		return err
	}
	if len([]rune(in.Note)) > 2000 {
		return errs.TooLong("note", 2000)
	}
	if err := a.d.Store.SetFeedback(r.Context(), p.Scope(), id, v, strings.TrimSpace(in.Note), p.UserID, a.d.Now()); err != nil {
		return err
	}
	a.d.Audit(r.Context(), p.UserID, "anomaly.feedback", "anomaly", id, string(v))
	return a.get(w, r)
}

type monitorJSON struct {
	ID               int64        `json:"id"`
	Name             string       `json:"name"`
	Label            string       `json:"label"`
	Dimension        string       `json:"dimension"`
	BuiltIn          bool         `json:"builtIn"`
	AccountID        int64        `json:"accountId"`
	Key              string       `json:"key"`
	Value            string       `json:"value"`
	Sensitivity      int          `json:"sensitivity"`
	MinImpact        money.Micros `json:"minImpact"`
	MinImpactPercent float64      `json:"minImpactPercent"`
	Enabled          bool         `json:"enabled"`
	CreatedAt        time.Time    `json:"createdAt"`
	UpdatedAt        time.Time    `json:"updatedAt"`
}

func toMonitor(m anomaly.Monitor) monitorJSON {
	return monitorJSON{ID: m.ID, Name: m.Name, Label: m.Label(), Dimension: string(m.Dim), BuiltIn: m.Dim.BuiltIn(),
		AccountID: m.AccountID, Key: m.Key, Value: m.Value, Sensitivity: m.Settings.Sensitivity, MinImpact: m.Settings.MinImpact,
		MinImpactPercent: m.Settings.MinImpactPercent, Enabled: m.Enabled, CreatedAt: m.CreatedAt, UpdatedAt: m.UpdatedAt}
}

func (a *api) monitors(w http.ResponseWriter, r *http.Request) error {
	p, err := httpx.Require(r, auth.RoleViewer)
	if err != nil {
		return err
	}
	ms, err := a.d.Store.ListMonitors(r.Context(), p.Scope())
	if err != nil {
		return err
	}
	demo, err := a.demo(r.Context(), p.Scope())
	if err != nil {
		return err
	}
	out := listAnswer[monitorJSON]{Demo: demo, Items: make([]monitorJSON, 0, len(ms))}
	for _, m := range ms {
		out.Items = append(out.Items, toMonitor(m))
	}
	return httpx.OK(w, out)
}

// monitorInput is the body of create and update; on update absent fields keep their value and
// what the monitor watches (dimension, accountId, key, value) cannot change.
type monitorInput struct {
	Name             *string       `json:"name"`
	Dimension        *string       `json:"dimension"`
	AccountID        *int64        `json:"accountId"`
	Key              *string       `json:"key"`
	Value            *string       `json:"value"`
	Sensitivity      *int          `json:"sensitivity"`
	MinImpact        *money.Micros `json:"minImpact"`
	MinImpactPercent *float64      `json:"minImpactPercent"`
	Enabled          *bool         `json:"enabled"`
}

func (in monitorInput) apply(m *anomaly.Monitor) {
	if in.Name != nil {
		m.Name = strings.TrimSpace(*in.Name)
	}
	if in.Sensitivity != nil {
		m.Settings.Sensitivity = *in.Sensitivity
	}
	if in.MinImpact != nil {
		m.Settings.MinImpact = *in.MinImpact
	}
	if in.MinImpactPercent != nil {
		m.Settings.MinImpactPercent = *in.MinImpactPercent
	}
	if in.Enabled != nil {
		m.Enabled = *in.Enabled
	}
}

func (a *api) createMonitor(w http.ResponseWriter, r *http.Request) error {
	p, err := httpx.Require(r, auth.RoleEditor)
	if err != nil {
		return err
	}
	var in monitorInput
	if err := httpx.Decode(r, &in); err != nil {
		return err
	}
	m := anomaly.Monitor{Settings: anomaly.Defaults(), Enabled: true, CreatedBy: p.UserID}
	if in.Dimension == nil {
		return errs.Required("dimension")
	}
	m.Dim = anomaly.MonitorDim(*in.Dimension)
	if !slices.Contains(anomaly.UserDims, m.Dim) {
		return errs.UnknownValue("dimension", m.Dim, anomaly.UserDims...)
	}
	if in.Key != nil {
		m.Key = strings.TrimSpace(*in.Key)
	}
	if in.Value != nil {
		m.Value = strings.TrimSpace(*in.Value)
	}
	if in.AccountID != nil && *in.AccountID != 0 {
		m.AccountID = *in.AccountID
		if !p.Scope().Contains(m.AccountID) {
			return errs.NotAllowed("accountId", m.AccountID)
		}
		if _, err := a.d.Store.GetAccount(r.Context(), p.Scope(), m.AccountID); err != nil {
			if errs.KindOf(err) == errs.KindNotFound {
				return errs.NotAllowed("accountId", m.AccountID)
			}
			return err
		}
	} else if !p.Scope().All {
		return errs.InvalidField("accountId", errs.ReasonAllAccounts, "is required: a monitor across every account needs access to every account")
	}
	in.apply(&m)
	if m.Name == "" {
		m.Name = m.Describe()
	}
	if err := m.Validate(); err != nil {
		return err
	}
	if err := a.d.Store.CreateMonitor(r.Context(), &m); err != nil {
		return err
	}
	a.d.Audit(r.Context(), p.UserID, "anomaly.monitor.create", "anomaly_monitor", m.ID, m.Name)
	httpx.WriteJSON(w, http.StatusCreated, toMonitor(m))
	return nil
}

func (a *api) loadMonitor(r *http.Request) (auth.Principal, anomaly.Monitor, error) {
	p, err := httpx.Require(r, auth.RoleEditor)
	if err != nil {
		return p, anomaly.Monitor{}, err
	}
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return p, anomaly.Monitor{}, err
	}
	m, err := a.d.Store.GetMonitor(r.Context(), p.Scope(), id)
	return p, m, err
}

func (a *api) updateMonitor(w http.ResponseWriter, r *http.Request) error {
	p, m, err := a.loadMonitor(r)
	if err != nil {
		return err
	}
	var in monitorInput
	if err := httpx.Decode(r, &in); err != nil {
		return err
	}
	for name, set := range map[string]bool{"dimension": in.Dimension != nil, "accountId": in.AccountID != nil, "key": in.Key != nil, "value": in.Value != nil} {
		if set {
			return errs.InvalidField(name, errs.ReasonImmutable, "cannot change: create another monitor")
		}
	}
	in.apply(&m)
	if m.Dim.BuiltIn() {
		// Built-in monitors have no name of their own; only their settings are validated.
		if err := m.Settings.Validate(); err != nil {
			return err
		}
		if utf8Len(m.Name) > anomaly.MaxMonitorName {
			return errs.TooLong("name", anomaly.MaxMonitorName)
		}
	} else if err := m.Validate(); err != nil {
		return err
	}
	if err := a.d.Store.UpdateMonitor(r.Context(), m); err != nil {
		return err
	}
	a.d.Audit(r.Context(), p.UserID, "anomaly.monitor.update", "anomaly_monitor", m.ID, m.Label())
	m, err = a.d.Store.GetMonitor(r.Context(), p.Scope(), m.ID)
	if err != nil {
		return err
	}
	return httpx.OK(w, toMonitor(m))
}

func (a *api) deleteMonitor(w http.ResponseWriter, r *http.Request) error {
	p, m, err := a.loadMonitor(r)
	if err != nil {
		return err
	}
	if m.Dim.BuiltIn() {
		return errs.E(errs.KindConflict, "built-in monitors cannot be deleted; set enabled to false to pause one")
	}
	if err := a.d.Store.DeleteMonitor(r.Context(), m.ID); err != nil {
		return err
	}
	a.d.Audit(r.Context(), p.UserID, "anomaly.monitor.delete", "anomaly_monitor", m.ID, m.Label())
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func utf8Len(s string) int { return len([]rune(s)) }
