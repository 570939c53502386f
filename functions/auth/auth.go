// Package auth is the cloudlens-auth function: sign-in with short-lived access tokens and
// rotating refresh tokens, the signed-in user, user administration and API keys.
package auth

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/cloudlens/cloudlens/shared/app"
	sa "github.com/cloudlens/cloudlens/shared/auth"
	"github.com/cloudlens/cloudlens/shared/config"
	"github.com/cloudlens/cloudlens/shared/errs"
	"github.com/cloudlens/cloudlens/shared/httpx"
	"github.com/cloudlens/cloudlens/shared/text"
)

type api struct{ d *app.Deps }

// New returns the function's HTTP handler.
func New(d *app.Deps) http.Handler {
	a := &api{d: d}
	mux := http.NewServeMux()
	mux.Handle("POST /api/v1/auth/login", d.Handle(a.login))
	mux.Handle("POST /api/v1/auth/refresh", d.Handle(a.refresh))
	mux.Handle("POST /api/v1/auth/logout", d.Handle(a.logout))
	mux.Handle("GET /api/v1/auth/me", d.AuthedFunc(a.me))
	mux.Handle("GET /api/v1/users", d.AuthedFunc(a.listUsers))
	mux.Handle("POST /api/v1/users", d.AuthedFunc(a.createUser))
	mux.Handle("GET /api/v1/users/{id}", d.AuthedFunc(a.getUser))
	mux.Handle("PATCH /api/v1/users/{id}", d.AuthedFunc(a.updateUser))
	mux.Handle("DELETE /api/v1/users/{id}", d.AuthedFunc(a.deleteUser))
	mux.Handle("GET /api/v1/api-keys", d.AuthedFunc(a.listKeys))
	mux.Handle("POST /api/v1/api-keys", d.AuthedFunc(a.createKey))
	mux.Handle("DELETE /api/v1/api-keys/{id}", d.AuthedFunc(a.revokeKey))
	mux.Handle("/", httpx.NotFound(d.Log))
	return d.API(mux)
}

// Initialize creates the first admin from CLOUDLENS_ADMIN_* when the database has no user.
func Initialize(d *app.Deps) func(ctx context.Context) error {
	return func(ctx context.Context) error {
		_, err := app.EnsureAdmin(ctx, d)
		return err
	}
}

type tokenPair struct {
	AccessToken  string `json:"accessToken"`
	RefreshToken string `json:"refreshToken"`
	ExpiresIn    int    `json:"expiresIn"` // seconds until the access token expires
	TokenType    string `json:"tokenType"`
}

// Input bounds checked before an e-mail or password is used for anything (a key, a lookup,
// bcrypt): RFC 5321 caps an address at 254 bytes and bcrypt reads at most 72.
const (
	maxEmailBytes    = 254
	maxPasswordBytes = 72
)

func (a *api) login(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Email    string `json:"email"`
		Password string `json:"password"`
	}
	if err := httpx.Decode(r, &in); err != nil {
		return err
	}
	if len(in.Email) > maxEmailBytes {
		return errs.TooLong("email", maxEmailBytes)
	}
	if len(in.Password) > maxPasswordBytes {
		return errs.TooLong("password", maxPasswordBytes)
	}
	email := sa.NormalizeEmail(in.Email)
	if email == "" {
		return errs.Required("email")
	}
	if in.Password == "" {
		return errs.Required("password")
	}
	ctx := r.Context()
	lim, err := a.limitLogin(ctx, email, httpx.ClientIP(r, a.d.Config.TrustedProxies, a.d.Config.Mode == config.ModeFunction))
	if err != nil {
		return err
	}
	u, err := a.d.Store.GetUserByEmail(ctx, email)
	if err != nil && !errs.Is(err, errs.KindNotFound) {
		return err
	}
	// The same answer, after the same work, whether the user is unknown, disabled or the
	// password is wrong: nothing tells an attacker which e-mails exist.
	if !sa.CheckPassword(u.PasswordHash, in.Password) || u.Disabled {
		// While no session can be created a right password could not be answered with one:
		// a wrong one answers the same 503 then, so the outage is no password oracle.
		if err := a.d.Cache.Ping(ctx); err != nil {
			return errUnavailableSignIn(err)
		}
		return errs.Unauthorized("wrong email or password")
	}
	started, err := a.d.StartSession(ctx, u)
	if err != nil {
		// The attempt stays counted, as a wrong password's would: no count tells them apart.
		return errUnavailableSignIn(err)
	}
	lim.succeeded(ctx)
	a.d.Audit(ctx, u.ID, "auth.login", "user", u.ID, "")
	return httpx.OK(w, a.pair(started.AccessToken, started.RefreshToken))
}

func errUnavailableSignIn(err error) error {
	return errs.Wrap(errs.KindUnavailable, err, "sign-in is unavailable: the session store cannot be reached")
}

func (a *api) pair(access, refresh string) tokenPair {
	return tokenPair{AccessToken: access, RefreshToken: refresh, ExpiresIn: int(a.d.Tokens.TTL().Seconds()), TokenType: "Bearer"}
}

// refresh exchanges a refresh token for a new pair within the same session. A token that was
// already exchanged ends the session: someone else holds a copy, and neither copy's successors
// may go on working.
func (a *api) refresh(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		RefreshToken string `json:"refreshToken"`
	}
	if err := httpx.Decode(r, &in); err != nil {
		return err
	}
	if !strings.HasPrefix(in.RefreshToken, sa.RefreshTokenPrefix) || len(in.RefreshToken) > 100 {
		return errs.Unauthorized("invalid refresh token")
	}
	next := sa.NewRefreshToken()
	s, err := a.d.Cache.RotateSession(r.Context(), sa.HashSecret(in.RefreshToken), sa.HashSecret(next), a.d.Config.RefreshTokenTTL)
	switch {
	case errors.Is(err, sa.ErrRefreshReused):
		a.d.Log.WarnContext(r.Context(), "refresh token reused; session ended")
		return errs.Unauthorized("refresh token expired or revoked: sign in again")
	case errs.Is(err, errs.KindNotFound):
		return errs.Unauthorized("refresh token expired or revoked: sign in again")
	case err != nil:
		return errs.Wrap(errs.KindUnavailable, err, "session store unavailable")
	}
	u, err := a.d.Store.GetUser(r.Context(), s.UserID)
	if err != nil && !errs.Is(err, errs.KindNotFound) {
		return err
	}
	// A password change or disabling moved the user's epoch on after this session began; a
	// deleted user has no epoch at all. Either way the session is over.
	if err != nil || u.Disabled || u.SessionEpoch != s.Epoch {
		if eerr := a.d.Cache.EndSession(r.Context(), s.ID); eerr != nil {
			a.d.Log.WarnContext(r.Context(), "could not end a session whose user can no longer sign in", "error", eerr.Error())
		}
		return errs.Unauthorized("this user can no longer sign in")
	}
	access, err := a.d.Tokens.Issue(u, s.ID)
	if err != nil {
		return err
	}
	return httpx.OK(w, a.pair(access, next))
}

// logout ends the session it is given at once: its access tokens are refused from the next
// request on and its refresh tokens no longer work. The session is named by the access token
// (Authorization or X-CloudLens-Token) or, when that has expired, by the session's refresh
// token in the body; a request naming no session is refused, so no logout silently does nothing.
func (a *api) logout(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		RefreshToken string `json:"refreshToken"`
	}
	if r.ContentLength != 0 {
		if err := httpx.Decode(r, &in); err != nil {
			return err
		}
	}
	sid := ""
	if tok := httpx.Token(r); tok != "" && !strings.HasPrefix(tok, sa.APIKeyPrefix) {
		if access, err := a.d.Tokens.Verify(tok); err == nil {
			sid = access.SessionID
		}
	}
	if sid == "" && strings.HasPrefix(in.RefreshToken, sa.RefreshTokenPrefix) && len(in.RefreshToken) <= 100 {
		id, err := a.d.Cache.SessionOfRefresh(r.Context(), sa.HashSecret(in.RefreshToken))
		if err != nil && !errs.Is(err, errs.KindNotFound) {
			return errs.Wrap(errs.KindUnavailable, err, "session store unavailable")
		}
		sid = id
	}
	if sid == "" {
		return errs.Unauthorized("logout needs the session it ends: send its access token, or its refresh token as {\"refreshToken\"}")
	}
	if err := a.d.Cache.EndSession(r.Context(), sid); err != nil {
		return errs.Wrap(errs.KindUnavailable, err, "session store unavailable: the session is not ended")
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

type userJSON struct {
	ID         int64     `json:"id"`
	Email      string    `json:"email"`
	Name       string    `json:"name"`
	Role       sa.Role   `json:"role"`
	Disabled   bool      `json:"disabled"`
	AccountIDs []int64   `json:"accountIds"`
	CreatedAt  time.Time `json:"createdAt"`
}

func toUserJSON(u sa.User) userJSON {
	ids := u.AccountIDs
	if ids == nil {
		ids = []int64{}
	}
	return userJSON{ID: u.ID, Email: u.Email, Name: u.Name, Role: u.Role, Disabled: u.Disabled, AccountIDs: ids, CreatedAt: u.CreatedAt}
}

func (a *api) me(w http.ResponseWriter, r *http.Request) error {
	p, err := httpx.Caller(r)
	if err != nil {
		return err
	}
	u, err := a.d.Store.GetUser(r.Context(), p.UserID)
	if err != nil {
		return err
	}
	return httpx.OK(w, toUserJSON(u))
}

func (a *api) listUsers(w http.ResponseWriter, r *http.Request) error {
	if _, err := httpx.Require(r, sa.RoleAdmin); err != nil {
		return err
	}
	us, err := a.d.Store.ListUsers(r.Context())
	if err != nil {
		return err
	}
	out := make([]userJSON, 0, len(us))
	for _, u := range us {
		out = append(out, toUserJSON(u))
	}
	return httpx.OK(w, httpx.Items(out))
}

func (a *api) getUser(w http.ResponseWriter, r *http.Request) error {
	if _, err := httpx.Require(r, sa.RoleAdmin); err != nil {
		return err
	}
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	u, err := a.d.Store.GetUser(r.Context(), id)
	if err != nil {
		return err
	}
	return httpx.OK(w, toUserJSON(u))
}

// maxGrants caps the account ids one request may grant: far above any real organisation, far
// below what would keep a request busy for minutes.
const maxGrants = 1000

// grants de-duplicates the requested account ids and makes sure each exists (one query), so a
// grant never points at nothing.
func (a *api) grants(ctx context.Context, ids []int64) ([]int64, error) {
	if len(ids) > maxGrants {
		return nil, errs.TooMany("accountIds", maxGrants)
	}
	out := make([]int64, 0, len(ids))
	seen := make(map[int64]bool, len(ids))
	for _, id := range ids {
		if id <= 0 {
			return nil, errs.BadID("accountIds", strconv.FormatInt(id, 10))
		}
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	missing, err := a.d.Store.MissingAccounts(ctx, out)
	if err != nil {
		return nil, err
	}
	if len(missing) > 0 {
		return nil, errs.NotAllowed("accountIds", missing[0])
	}
	return out, nil
}

func (a *api) createUser(w http.ResponseWriter, r *http.Request) error {
	p, err := httpx.Require(r, sa.RoleAdmin)
	if err != nil {
		return err
	}
	var in struct {
		Email      string  `json:"email"`
		Name       string  `json:"name"`
		Password   string  `json:"password"`
		Role       sa.Role `json:"role"`
		AccountIDs []int64 `json:"accountIds"`
	}
	if err := httpx.Decode(r, &in); err != nil {
		return err
	}
	if in.Role == "" {
		in.Role = sa.RoleViewer
	}
	if err := (sa.UserInput{Email: &in.Email, Name: &in.Name, Password: &in.Password, Role: &in.Role}).Validate(); err != nil {
		return err
	}
	if in.AccountIDs, err = a.grants(r.Context(), in.AccountIDs); err != nil {
		return err
	}
	hash, err := sa.HashPassword(in.Password, 0)
	if err != nil {
		return err
	}
	u := sa.User{Email: sa.NormalizeEmail(in.Email), Name: strings.TrimSpace(in.Name), Role: in.Role, PasswordHash: hash, AccountIDs: in.AccountIDs}
	if err := a.d.Store.CreateUser(r.Context(), &u); err != nil {
		return err
	}
	a.d.Audit(r.Context(), p.UserID, "user.create", "user", u.ID, fmt.Sprintf("email=%s role=%s", u.Email, u.Role))
	created, err := a.d.Store.GetUser(r.Context(), u.ID)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusCreated, toUserJSON(created))
	return nil
}

func (a *api) updateUser(w http.ResponseWriter, r *http.Request) error {
	p, err := httpx.Require(r, sa.RoleAdmin)
	if err != nil {
		return err
	}
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	var in struct {
		Name       *string  `json:"name"`
		Password   *string  `json:"password"`
		Role       *sa.Role `json:"role"`
		Disabled   *bool    `json:"disabled"`
		AccountIDs *[]int64 `json:"accountIds"`
	}
	if err := httpx.Decode(r, &in); err != nil {
		return err
	}
	u, err := a.d.Store.GetUser(r.Context(), id)
	if err != nil {
		return err
	}
	if id == p.UserID && ((in.Role != nil && *in.Role != sa.RoleAdmin) || (in.Disabled != nil && *in.Disabled)) {
		return errs.Conflict("you cannot demote or disable yourself; ask another admin")
	}
	if in.Password != nil && *in.Password == "" {
		return errs.Required("password")
	}
	if err := (sa.UserInput{Name: in.Name, Password: in.Password, Role: in.Role}).Validate(); err != nil {
		return err
	}
	if in.Name != nil {
		u.Name = strings.TrimSpace(*in.Name)
	}
	if in.Role != nil {
		u.Role = *in.Role
	}
	if in.Disabled != nil {
		u.Disabled = *in.Disabled
	}
	u.PasswordHash = ""
	if in.Password != nil {
		if u.PasswordHash, err = sa.HashPassword(*in.Password, 0); err != nil {
			return err
		}
	}
	if in.AccountIDs != nil {
		if u.AccountIDs, err = a.grants(r.Context(), *in.AccountIDs); err != nil {
			return err
		}
	}
	if err := a.d.Store.UpdateUser(r.Context(), u); err != nil {
		return err
	}
	a.d.Audit(r.Context(), p.UserID, "user.update", "user", id, "")
	updated, err := a.d.Store.GetUser(r.Context(), id)
	if err != nil {
		return err
	}
	return httpx.OK(w, toUserJSON(updated))
}

func (a *api) deleteUser(w http.ResponseWriter, r *http.Request) error {
	p, err := httpx.Require(r, sa.RoleAdmin)
	if err != nil {
		return err
	}
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	if id == p.UserID {
		return errs.Conflict("you cannot delete yourself; ask another admin")
	}
	if err := a.d.Store.DeleteUser(r.Context(), id); err != nil {
		return err
	}
	a.d.Audit(r.Context(), p.UserID, "user.delete", "user", id, "")
	w.WriteHeader(http.StatusNoContent)
	return nil
}

type keyJSON struct {
	ID         int64      `json:"id"`
	UserID     int64      `json:"userId"`
	Name       string     `json:"name"`
	Prefix     string     `json:"prefix"`
	CreatedAt  time.Time  `json:"createdAt"`
	LastUsedAt *time.Time `json:"lastUsedAt"`
	RevokedAt  *time.Time `json:"revokedAt"`
	Key        string     `json:"key,omitempty"` // only in the answer that creates it
}

func toKeyJSON(k sa.APIKey) keyJSON {
	return keyJSON{ID: k.ID, UserID: k.UserID, Name: k.Name, Prefix: k.Prefix, CreatedAt: k.CreatedAt, LastUsedAt: k.LastUsedAt, RevokedAt: k.RevokedAt}
}

// keyOwner is whose keys the caller manages: admins all keys (0), everyone else their own.
func keyOwner(p sa.Principal) int64 {
	if p.Role == sa.RoleAdmin {
		return 0
	}
	return p.UserID
}

func (a *api) listKeys(w http.ResponseWriter, r *http.Request) error {
	p, err := httpx.Caller(r)
	if err != nil {
		return err
	}
	ks, err := a.d.Store.ListAPIKeys(r.Context(), keyOwner(p))
	if err != nil {
		return err
	}
	out := make([]keyJSON, 0, len(ks))
	for _, k := range ks {
		out = append(out, toKeyJSON(k))
	}
	return httpx.OK(w, httpx.Items(out))
}

func (a *api) createKey(w http.ResponseWriter, r *http.Request) error {
	p, err := httpx.Caller(r)
	if err != nil {
		return err
	}
	if p.APIKeyID != 0 {
		return errs.Forbidden("API keys cannot create API keys; sign in as a user")
	}
	var in struct {
		Name string `json:"name"`
	}
	if err := httpx.Decode(r, &in); err != nil {
		return err
	}
	in.Name = strings.TrimSpace(in.Name)
	if in.Name == "" {
		return errs.Required("name")
	}
	if err := text.Check("name", in.Name, 100); err != nil {
		return err
	}
	key, prefix, hash := sa.NewAPIKey()
	k := sa.APIKey{UserID: p.UserID, Name: in.Name, Prefix: prefix, Hash: hash, CreatedAt: a.d.Now().UTC()}
	if err := a.d.Store.CreateAPIKey(r.Context(), &k); err != nil {
		return err
	}
	a.d.Audit(r.Context(), p.UserID, "api_key.create", "api_key", k.ID, in.Name)
	out := toKeyJSON(k)
	out.Key = key
	httpx.WriteJSON(w, http.StatusCreated, out)
	return nil
}

func (a *api) revokeKey(w http.ResponseWriter, r *http.Request) error {
	p, err := httpx.Caller(r)
	if err != nil {
		return err
	}
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	if err := a.d.Store.RevokeAPIKey(r.Context(), keyOwner(p), id, a.d.Now().UTC()); err != nil {
		return err
	}
	a.d.Audit(r.Context(), p.UserID, "api_key.revoke", "api_key", id, "")
	w.WriteHeader(http.StatusNoContent)
	return nil
}
