package resources

import (
	"encoding/json"
	"net/http"
	"strconv"

	"github.com/cloudlens/cloudlens/shared/auth"
	"github.com/cloudlens/cloudlens/shared/billing"
	"github.com/cloudlens/cloudlens/shared/errs"
	"github.com/cloudlens/cloudlens/shared/httpx"
	"github.com/cloudlens/cloudlens/shared/idle"
)

var shanghai = billing.Shanghai

type paramJSON struct {
	idle.Param
	// Value is what applies at the level asked (the organisation, or accountId).
	Value float64 `json:"value"`
}

type overrideJSON struct {
	AccountID int64       `json:"accountId"`
	Enabled   *bool       `json:"enabled"`
	Params    idle.Params `json:"params"`
}

type ruleJSON struct {
	ID          string         `json:"id"`
	Title       string         `json:"title"`
	TitleZh     string         `json:"titleZh"`
	Description string         `json:"description"`
	Types       []string       `json:"types"`
	Action      string         `json:"action"`
	Estimate    bool           `json:"estimate"`
	Enabled     bool           `json:"enabled"`
	Params      []paramJSON    `json:"params"`
	Overrides   []overrideJSON `json:"overrides"`
}

type rulesJSON struct {
	ExemptTag string     `json:"exemptTag"`
	AccountID int64      `json:"accountId"`
	Items     []ruleJSON `json:"items"`
}

// ruleView is rule r as it applies to accountID (0: the organisation), with the overrides of
// accounts the caller may see.
func ruleView(r *idle.Rule, st idle.Settings, accountID int64, p auth.Principal) ruleJSON {
	enabled, params := st.Effective(r, accountID)
	out := ruleJSON{ID: r.ID, Title: r.Title, TitleZh: r.TitleZh, Description: r.Description, Types: r.Types,
		Action: string(r.Action), Estimate: r.Estimate, Enabled: enabled, Params: []paramJSON{}, Overrides: []overrideJSON{}}
	for _, prm := range r.Params {
		out.Params = append(out.Params, paramJSON{Param: prm, Value: params[prm.Name]})
	}
	scope := p.Scope()
	for _, o := range st.Overrides {
		if o.Rule != r.ID || (o.AccountID != 0 && !scope.Contains(o.AccountID)) {
			continue
		}
		ps := o.Params
		if ps == nil {
			ps = idle.Params{}
		}
		out.Overrides = append(out.Overrides, overrideJSON{AccountID: o.AccountID, Enabled: o.Enabled, Params: ps})
	}
	return out
}

func (a *api) rules(w http.ResponseWriter, r *http.Request) error {
	p, err := httpx.Require(r, auth.RoleViewer)
	if err != nil {
		return err
	}
	acc, err := accountParam(p, r.URL.Query())
	if err != nil {
		return err
	}
	overrides, err := a.d.Store.IdleOverrides(r.Context())
	if err != nil {
		return err
	}
	st := idle.Settings{Overrides: overrides}
	out := rulesJSON{ExemptTag: idle.ExemptTag, AccountID: acc, Items: make([]ruleJSON, 0, len(idle.Rules))}
	for i := range idle.Rules {
		out.Items = append(out.Items, ruleView(&idle.Rules[i], st, acc, p))
	}
	return httpx.OK(w, out)
}

// patchInput changes a rule for the organisation (no accountId) or one account. Params given
// replace those values; a null param, or reset, returns to the level below.
type patchInput struct {
	AccountID *int64                      `json:"accountId"`
	Enabled   *bool                       `json:"enabled"`
	Params    map[string]*json.RawMessage `json:"params"`
	Reset     bool                        `json:"reset"`
}

func (a *api) patchRule(w http.ResponseWriter, r *http.Request) error {
	p, err := httpx.Require(r, auth.RoleAdmin)
	if err != nil {
		return err
	}
	id := r.PathValue("rule")
	rule, ok := idle.Lookup(id)
	if !ok {
		return errs.UnknownValue("rule", id)
	}
	var in patchInput
	if err := httpx.Decode(r, &in); err != nil {
		return err
	}
	var acc int64
	if in.AccountID != nil && *in.AccountID != 0 {
		acc = *in.AccountID
		if acc < 0 {
			return errs.BadID("accountId", strconv.FormatInt(acc, 10))
		}
		if _, err := a.d.Store.GetAccount(r.Context(), p.Scope(), acc); err != nil {
			if errs.Is(err, errs.KindNotFound) {
				return errs.NotAllowed("accountId", acc)
			}
			return err
		}
	}
	overrides, err := a.d.Store.IdleOverrides(r.Context())
	if err != nil {
		return err
	}
	o := idle.Override{Rule: rule.ID, AccountID: acc, Params: idle.Params{}}
	if !in.Reset {
		for _, old := range overrides {
			if old.Rule == rule.ID && old.AccountID == acc {
				o.Enabled = old.Enabled
				for k, v := range old.Params {
					o.Params[k] = v
				}
			}
		}
	}
	if in.Enabled != nil {
		o.Enabled = in.Enabled
	}
	for name, raw := range in.Params {
		if raw == nil || string(*raw) == "null" {
			delete(o.Params, name)
			continue
		}
		var v float64
		if err := json.Unmarshal(*raw, &v); err != nil {
			return errs.InvalidField("params."+errs.Clip(name, 60), errs.ReasonNumber, "must be a number")
		}
		o.Params[name] = v
	}
	if err := o.Validate(); err != nil {
		return err
	}
	now := a.d.Now()
	if err := a.d.Store.SaveIdleOverride(r.Context(), o, p.UserID, now); err != nil {
		return err
	}
	a.d.Audit(r.Context(), p.UserID, "idle_rule.update", "idle_rule", acc, rule.ID+" account "+strconv.FormatInt(acc, 10))
	overrides, err = a.d.Store.IdleOverrides(r.Context())
	if err != nil {
		return err
	}
	return httpx.OK(w, ruleView(rule, idle.Settings{Overrides: overrides}, acc, p))
}
