// Package accounts is the cloudlens-accounts function: the Alibaba Cloud accounts CloudLens
// reads, their write-only credentials, connection tests and bill synchronisation.
package accounts

import (
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/cloudlens/cloudlens/shared/account"
	"github.com/cloudlens/cloudlens/shared/app"
	"github.com/cloudlens/cloudlens/shared/auth"
	"github.com/cloudlens/cloudlens/shared/cost"
	"github.com/cloudlens/cloudlens/shared/errs"
	"github.com/cloudlens/cloudlens/shared/httpx"
	"github.com/cloudlens/cloudlens/shared/text"
)

type api struct{ d *app.Deps }

// New returns the function's HTTP handler.
func New(d *app.Deps) http.Handler {
	a := &api{d: d}
	mux := http.NewServeMux()
	mux.Handle("GET /api/v1/accounts", d.AuthedFunc(a.list))
	mux.Handle("POST /api/v1/accounts", d.AuthedFunc(a.create))
	mux.Handle("GET /api/v1/accounts/{id}", d.AuthedFunc(a.get))
	mux.Handle("PATCH /api/v1/accounts/{id}", d.AuthedFunc(a.update))
	mux.Handle("DELETE /api/v1/accounts/{id}", d.AuthedFunc(a.delete))
	a.syncRoutes(mux)
	mux.Handle("/", httpx.NotFound(d.Log))
	return d.API(mux)
}

// accountJSON is an account as the API shows it: the secret never appears, only whether one is set.
type accountJSON struct {
	ID            int64      `json:"id"`
	Name          string     `json:"name"`
	AccountID     string     `json:"accountId"`
	Site          string     `json:"site"`
	AuthType      string     `json:"authType"`
	AccessKeyID   string     `json:"accessKeyId"`
	HasSecret     bool       `json:"hasSecret"`
	RoleARN       string     `json:"roleArn"`
	Regions       []string   `json:"regions"`
	Currency      string     `json:"currency"`
	Demo          bool       `json:"demo"`
	Status        string     `json:"status"`
	StatusMessage string     `json:"statusMessage"`
	LastSyncAt    *time.Time `json:"lastSyncAt"`
	CreatedAt     time.Time  `json:"createdAt"`
}

func toJSON(a account.Account) accountJSON {
	regions := a.Regions
	if regions == nil {
		regions = []string{}
	}
	return accountJSON{ID: a.ID, Name: a.Name, AccountID: a.UID, Site: string(a.Site), AuthType: string(a.AuthType),
		AccessKeyID: a.AccessKeyID, HasSecret: a.HasSecret(), RoleARN: a.RoleARN, Regions: regions,
		Currency: a.Site.Currency(), Demo: a.Demo, Status: string(a.Status), StatusMessage: a.StatusMessage,
		LastSyncAt: a.LastSyncAt, CreatedAt: a.CreatedAt}
}

// input is the body of create and update; absent fields (nil) keep their stored value on update.
type input struct {
	Name            *string   `json:"name"`
	AccountID       *string   `json:"accountId"`
	Site            *string   `json:"site"`
	AuthType        *string   `json:"authType"`
	AccessKeyID     *string   `json:"accessKeyId"`
	AccessKeySecret *string   `json:"accessKeySecret"`
	RoleARN         *string   `json:"roleArn"`
	Regions         *[]string `json:"regions"`
}

// apply copies the given fields onto acc and returns the new secret, if one was sent.
func (in input) apply(acc *account.Account) (secret string) {
	set := func(dst *string, v *string) {
		if v != nil {
			*dst = strings.TrimSpace(*v)
		}
	}
	set(&acc.Name, in.Name)
	set(&acc.UID, in.AccountID)
	if in.Site != nil {
		acc.Site = account.Site(strings.TrimSpace(*in.Site))
	}
	if in.AuthType != nil {
		acc.AuthType = account.AuthType(strings.TrimSpace(*in.AuthType))
	}
	set(&acc.AccessKeyID, in.AccessKeyID)
	set(&acc.RoleARN, in.RoleARN)
	if in.Regions != nil {
		// Repeats are dropped; Validate caps what is left at 50.
		acc.Regions = nil
		seen := map[string]bool{}
		for _, r := range *in.Regions {
			if r = strings.TrimSpace(r); r != "" && !seen[r] {
				seen[r] = true
				acc.Regions = append(acc.Regions, r)
			}
		}
	}
	if in.AccessKeySecret != nil {
		secret = strings.TrimSpace(*in.AccessKeySecret)
	}
	return secret
}

// validate checks the account and, when one was sent, the AccessKey secret, which is typed
// (pasted) like any other field and must hold no control characters either.
func validate(acc account.Account, secret string) error {
	if err := text.Check("accessKeySecret", secret, 200); err != nil {
		return err
	}
	return acc.Validate(secret != "")
}

func (a *api) list(w http.ResponseWriter, r *http.Request) error {
	p, err := httpx.Caller(r)
	if err != nil {
		return err
	}
	accs, err := a.d.Store.ListAccounts(r.Context(), p.Scope())
	if err != nil {
		return err
	}
	out := make([]accountJSON, 0, len(accs))
	for _, acc := range accs {
		out = append(out, toJSON(acc))
	}
	return httpx.OK(w, httpx.Items(out))
}

// load returns the account {id} when the caller may see it; accounts outside the caller's
// scope are "not found", so their existence is not revealed.
func (a *api) load(r *http.Request, min auth.Role) (auth.Principal, account.Account, error) {
	p, err := httpx.Require(r, min)
	if err != nil {
		return p, account.Account{}, err
	}
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return p, account.Account{}, err
	}
	acc, err := a.d.Store.GetAccount(r.Context(), p.Scope(), id)
	return p, acc, err
}

func (a *api) get(w http.ResponseWriter, r *http.Request) error {
	_, acc, err := a.load(r, auth.RoleViewer)
	if err != nil {
		return err
	}
	return httpx.OK(w, toJSON(acc))
}

func (a *api) create(w http.ResponseWriter, r *http.Request) error {
	// Creating an account changes what every admin sees and costs API quota: admins only.
	p, err := httpx.Require(r, auth.RoleAdmin)
	if err != nil {
		return err
	}
	var in input
	if err := httpx.Decode(r, &in); err != nil {
		return err
	}
	acc := account.Account{Site: account.SiteChina, AuthType: account.AuthAccessKey, Status: account.StatusNew}
	secret := in.apply(&acc)
	if err := validate(acc, secret); err != nil {
		return err
	}
	if err := a.d.SealSecret(&acc, secret); err != nil {
		return err
	}
	if err := a.d.Store.CreateAccount(r.Context(), &acc); err != nil {
		return err
	}
	a.d.Audit(r.Context(), p.UserID, "account.create", "cloud_account", acc.ID, acc.Name)
	created, err := a.d.Store.GetAccount(r.Context(), account.AllAccounts, acc.ID)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusCreated, toJSON(created))
	return nil
}

func (a *api) update(w http.ResponseWriter, r *http.Request) error {
	p, acc, err := a.load(r, auth.RoleEditor)
	if err != nil {
		return err
	}
	var in input
	if err := httpx.Decode(r, &in); err != nil {
		return err
	}
	if acc.Demo {
		return errs.Conflict("demo accounts are read-only")
	}
	before := acc
	secret := in.apply(&acc)
	if err := validate(acc, secret); err != nil {
		return err
	}
	switch {
	case secret != "":
		err = a.d.SealSecret(&acc, secret)
	case before.UID != acc.UID || before.Site != acc.Site:
		// The stored secret is bound to the old site and account id: re-seal it under the new ones.
		var old string
		if old, err = a.d.OpenSecret(before); err == nil {
			err = a.d.SealSecret(&acc, old)
		}
	default:
		acc.SecretEnc = nil // keep the stored secret untouched
	}
	if err != nil {
		return err
	}
	if err := a.d.Store.UpdateAccount(r.Context(), acc); err != nil {
		return err
	}
	a.d.Audit(r.Context(), p.UserID, "account.update", "cloud_account", acc.ID, auditFields(in))
	updated, err := a.d.Store.GetAccount(r.Context(), account.AllAccounts, acc.ID)
	if err != nil {
		return err
	}
	return httpx.OK(w, toJSON(updated))
}

// auditFields names the fields an update changed, never their secret values.
func auditFields(in input) string {
	var f []string
	for name, set := range map[string]bool{"name": in.Name != nil, "accountId": in.AccountID != nil, "site": in.Site != nil,
		"authType": in.AuthType != nil, "accessKeyId": in.AccessKeyID != nil, "accessKeySecret": in.AccessKeySecret != nil,
		"roleArn": in.RoleARN != nil, "regions": in.Regions != nil} {
		if set {
			f = append(f, name)
		}
	}
	slices.Sort(f)
	return "changed " + strings.Join(f, ",")
}

func (a *api) delete(w http.ResponseWriter, r *http.Request) error {
	p, acc, err := a.load(r, auth.RoleAdmin)
	if err != nil {
		return err
	}
	if err := a.d.Store.DeleteAccount(r.Context(), acc.ID); err != nil {
		return err
	}
	a.d.Audit(r.Context(), p.UserID, "account.delete", "cloud_account", acc.ID, acc.Name)
	// Cached cost answers still hold the deleted account's figures and name: move the cost
	// cache to a new version so none of them is served again.
	if _, err := a.d.Cache.Bump(r.Context(), cost.CacheNamespace); err != nil {
		a.d.Log.WarnContext(r.Context(), "cost cache not invalidated after deleting an account; cached answers expire by their TTL",
			"account_id", acc.ID, "error", err.Error())
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
