// Package apptest builds real dependencies for function tests: the store on SQLite (and on
// MySQL when CLOUDLENS_TEST_MYSQL_DSN is set), Redis (real or miniredis), a secret box and a
// token issuer, plus a small HTTP client that speaks the API's JSON.
package apptest

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/cloudlens/cloudlens/shared/app"
	"github.com/cloudlens/cloudlens/shared/auth"
	"github.com/cloudlens/cloudlens/shared/cache/cachetest"
	"github.com/cloudlens/cloudlens/shared/config"
	"github.com/cloudlens/cloudlens/shared/errs"
	"github.com/cloudlens/cloudlens/shared/fcx"
	"github.com/cloudlens/cloudlens/shared/logx"
	"github.com/cloudlens/cloudlens/shared/secretbox"
	"github.com/cloudlens/cloudlens/shared/store"
	"github.com/cloudlens/cloudlens/shared/store/storetest"
)

// Each runs fn once per database engine available to tests, with fresh dependencies.
func Each(t *testing.T, fn func(t *testing.T, d *app.Deps)) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		fn(t, Deps(t, s))
	})
}

// Deps builds dependencies around s the way app.Build does for a deployed function.
func Deps(t testing.TB, s *store.Store) *app.Deps {
	t.Helper()
	cfg, err := config.Load(config.ModeLocal, func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	cfg.DataDir = t.TempDir()
	key, err := secretbox.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	raw, err := secretbox.ParseKey(key)
	if err != nil {
		t.Fatal(err)
	}
	box, err := secretbox.New(raw)
	if err != nil {
		t.Fatal(err)
	}
	log := logx.Discard()
	if testing.Verbose() {
		log = logx.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelDebug}), "")
	}
	d := &app.Deps{Config: cfg, Log: log, Store: s, Cache: cachetest.New(t), Box: box, Now: time.Now}
	const jwtSecret = "test-secret-test-secret-test-secret!"
	d.Tokens, err = auth.NewTokens(jwtSecret, cfg.AccessTokenTTL, func() time.Time { return d.Now() })
	if err != nil {
		t.Fatal(err)
	}
	d.Config.JWTSecret = jwtSecret
	if d.InvocationKey, err = app.InvocationKey(jwtSecret); err != nil {
		t.Fatal(err)
	}
	d.Auth = &auth.Authenticator{Tokens: d.Tokens, Users: s, Keys: s, Sessions: d.Cache, Log: log, Now: func() time.Time { return d.Now() }}
	return d
}

type testWriter struct{ t testing.TB }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(string(bytes.TrimRight(p, "\n")))
	return len(p), nil
}

// User creates a user with role and grants and returns it with the access token of a new session.
func User(t testing.TB, d *app.Deps, email string, role auth.Role, accountIDs ...int64) (auth.User, string) {
	t.Helper()
	hash, err := auth.HashPassword("password-"+email, 4) // the minimum cost keeps tests fast
	if err != nil {
		t.Fatal(err)
	}
	u := auth.User{Email: email, Name: email, Role: role, PasswordHash: hash, AccountIDs: accountIDs}
	if err := d.Store.CreateUser(context.Background(), &u); err != nil {
		t.Fatal(err)
	}
	in, err := d.StartSession(context.Background(), u)
	if err != nil {
		t.Fatal(err)
	}
	return u, in.AccessToken
}

// Client calls a handler over real HTTP.
type Client struct {
	t   testing.TB
	srv *httptest.Server
}

// Serve starts h on a loopback server closed when the test ends.
func Serve(t testing.TB, h http.Handler) *Client {
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return &Client{t: t, srv: srv}
}

// URL is the server's base URL.
func (c *Client) URL() string { return c.srv.URL }

// Response is a decoded answer.
type Response struct {
	Status int
	Header http.Header
	Body   []byte
}

// JSON decodes the body into v, failing the test when it is not JSON.
func (r Response) JSON(t testing.TB, v any) {
	t.Helper()
	if err := json.Unmarshal(r.Body, v); err != nil {
		t.Fatalf("answer is not JSON (%v): %s", err, r.Body)
	}
}

// Map decodes the body as a JSON object.
func (r Response) Map(t testing.TB) map[string]any {
	var m map[string]any
	r.JSON(t, &m)
	return m
}

// ErrorCode is error.code of an error answer.
func (r Response) ErrorCode(t testing.TB) string {
	var e struct {
		Error struct{ Code, Message, RequestID string } `json:"error"`
	}
	r.JSON(t, &e)
	return e.Error.Code
}

// Do sends a request. body may be nil, a string (sent as is) or any value (sent as JSON).
func (c *Client) Do(method, path, token string, body any) Response {
	c.t.Helper()
	return c.DoWith(method, path, token, body, nil)
}

// DoWith is Do with extra request headers (Accept-Language, …).
func (c *Client) DoWith(method, path, token string, body any, header http.Header) Response {
	c.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = bytes.NewBufferString(b)
	case []byte:
		rd = bytes.NewReader(b)
	default:
		buf, err := json.Marshal(b)
		if err != nil {
			c.t.Fatal(err)
		}
		rd = bytes.NewReader(buf)
	}
	req, err := http.NewRequest(method, c.srv.URL+path, rd)
	if err != nil {
		c.t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for k, v := range header {
		req.Header[k] = v
	}
	resp, err := c.srv.Client().Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		c.t.Fatal(err)
	}
	return Response{Status: resp.StatusCode, Header: resp.Header, Body: b}
}

// Invoker is d.Invoke for tests, as the local runner does it: a signed request with the
// payload goes to the named function's handler on a goroutine, as an asynchronous invocation
// on Function Compute would. Functions not in handlers are unavailable.
func Invoker(t testing.TB, d *app.Deps, handlers map[string]http.Handler) func(context.Context, string, any) error {
	return func(_ context.Context, function string, payload any) error {
		h := handlers[function]
		if h == nil {
			return errs.E(errs.KindUnavailable, "%s cannot be invoked in this test", function)
		}
		body, err := json.Marshal(payload)
		if err != nil {
			return err
		}
		req := httptest.NewRequest(http.MethodPost, "/", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set(fcx.HeaderSignature, fcx.Sign(d.InvocationKey, body))
		go func() {
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code/100 != 2 {
				t.Logf("invocation of %s answered %d: %s", function, rec.Code, rec.Body.String())
			}
		}()
		return nil
	}
}
