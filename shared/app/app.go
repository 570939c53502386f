// Package app wires the shared dependencies every function needs (store, cache, secrets,
// tokens, the logger) from the configuration, once per process, and gives API functions the
// httpx.Edge chain. Each function package exports one constructor,
// `func Function(d *app.Deps) fcx.Options`, which its bootstrap main (through Main) and the
// local runner both call, so a function is built the same way wherever it runs.
package app

import (
	"context"
	"crypto/hkdf"
	"crypto/sha256"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/cloudlens/cloudlens/shared/aliyun"
	"github.com/cloudlens/cloudlens/shared/auth"
	"github.com/cloudlens/cloudlens/shared/billing"
	"github.com/cloudlens/cloudlens/shared/cache"
	"github.com/cloudlens/cloudlens/shared/config"
	"github.com/cloudlens/cloudlens/shared/errs"
	"github.com/cloudlens/cloudlens/shared/fcx"
	"github.com/cloudlens/cloudlens/shared/httpx"
	"github.com/cloudlens/cloudlens/shared/logx"
	"github.com/cloudlens/cloudlens/shared/metrics"
	"github.com/cloudlens/cloudlens/shared/secretbox"
	"github.com/cloudlens/cloudlens/shared/store"
)

// Deps are the process-wide dependencies handed to every function's constructor.
type Deps struct {
	Config config.Config
	Log    *slog.Logger // the configured logger (logx.Handler), injected into every package
	Store  *store.Store
	Cache  *cache.Cache
	Box    *secretbox.Box
	Tokens *auth.Tokens
	Auth   *auth.Authenticator
	Now    func() time.Time

	// InvocationKey signs and verifies internal invocations (fcx.Sign, fcx.VerifySigned). It
	// is derived from the JWT secret (InvocationKey), never the JWT signing key itself.
	InvocationKey []byte

	// Aliyun makes Alibaba Cloud OpenAPI clients for real accounts.
	Aliyun *aliyun.Factory
	// Sim makes clients for demo accounts, pointed at the local simulator (local mode only).
	Sim *aliyun.Factory
	// Invoke starts another function (by its FC name, e.g. billing.SyncFunction) with payload
	// as a signed asynchronous invocation of its HTTP trigger, without waiting for it. On FC,
	// Build points it at the configured trigger URLs; the local runner points it at the same
	// function's handler in this process. Nil means no function can be invoked here.
	Invoke func(ctx context.Context, function string, payload any) error
	// Metrics, when set (the local runner), records requests and job runs for /metrics.
	Metrics *metrics.Metrics

	closers []func()
}

// Close releases what Build opened, in reverse order.
func (d *Deps) Close() {
	for i := len(d.closers) - 1; i >= 0; i-- {
		d.closers[i]()
	}
	d.closers = nil
}

// Build opens the store and cache and prepares secrets. In local mode, SQLite, an embedded
// Redis and generated secrets (kept under DataDir so sessions and stored secrets survive
// restarts) stand in for what is not configured; deployed functions have all of them required
// by config.Load.
func Build(ctx context.Context, cfg config.Config, log *slog.Logger) (*Deps, error) {
	d := &Deps{Config: cfg, Log: log, Now: time.Now}
	if err := d.build(ctx); err != nil {
		d.Close()
		return nil, err
	}
	return d, nil
}

func (d *Deps) build(ctx context.Context) error {
	cfg := d.Config
	if cfg.Mode == config.ModeLocal {
		if err := os.MkdirAll(cfg.DataDir, 0o700); err != nil {
			return fmt.Errorf("app: data directory: %w", err)
		}
	}

	var err error
	if cfg.MySQLDSN != "" {
		d.Store, err = store.OpenMySQL(ctx, cfg.MySQLDSN, store.PoolOptions{MaxOpenConns: cfg.MySQLMaxOpen, Log: d.Log})
	} else {
		d.Store, err = store.OpenSQLite(ctx, filepath.Join(cfg.DataDir, "cloudlens.db"), d.Log)
	}
	if err != nil {
		return fmt.Errorf("app: open database: %w", err)
	}
	d.closers = append(d.closers, func() { _ = d.Store.Close() })

	addr := cfg.RedisAddr
	if addr == "" {
		a, stop, err := cache.StartEmbedded()
		if err != nil {
			return fmt.Errorf("app: embedded redis: %w", err)
		}
		d.closers = append(d.closers, stop)
		addr = a
		d.Log.Info("using embedded redis", "addr", addr)
	}
	d.Cache, err = cache.Open(ctx, addr, cfg.RedisPassword, cfg.RedisDB, d.Log)
	if err != nil {
		return fmt.Errorf("app: redis: %w", err)
	}

	secretKey, err := d.localSecret(cfg.SecretKey, "secret.key", secretbox.GenerateKey)
	if err != nil {
		return err
	}
	key, err := secretbox.ParseKey(secretKey)
	if err != nil {
		return fmt.Errorf("app: CLOUDLENS_SECRET_KEY: %w", err)
	}
	if d.Box, err = secretbox.New(key); err != nil {
		return fmt.Errorf("app: secret box: %w", err)
	}

	jwtSecret, err := d.localSecret(cfg.JWTSecret, "jwt.secret", secretbox.GenerateKey)
	if err != nil {
		return err
	}
	if d.Tokens, err = auth.NewTokens(jwtSecret, cfg.AccessTokenTTL, d.now); err != nil {
		return fmt.Errorf("app: %w", err)
	}
	if d.InvocationKey, err = InvocationKey(jwtSecret); err != nil {
		return err
	}
	// Functions started by signed asynchronous invocations on FC: billing sync's "sync now"
	// and every job function's "run now" or chained start.
	urls := map[string]string{}
	if cfg.BillingSyncURL != "" {
		urls[billing.SyncFunction] = cfg.BillingSyncURL
	}
	for name, u := range cfg.JobURLs {
		urls[FunctionName(name)] = u
	}
	if len(urls) > 0 {
		d.Invoke = d.invokeURLs(urls)
	}
	d.Auth = &auth.Authenticator{Tokens: d.Tokens, Users: d.Store, Keys: d.Store, Sessions: d.Cache, Log: d.Log, Now: d.now}
	// Plain HTTP goes only to an overriding endpoint (the simulator); Alibaba's own
	// endpoints, STS included, are always HTTPS (see aliyun.Options).
	d.Aliyun = aliyun.NewFactory(aliyun.Options{Endpoint: cfg.AliyunEndpoint, STSEndpoint: cfg.AliyunSTSEndpoint,
		Insecure: cfg.AliyunEndpoint != "" || cfg.AliyunSTSEndpoint != "", QPS: cfg.AliyunQPS}, d.Log)
	return nil
}

func (d *Deps) now() time.Time { return d.Now() }

// localSecret returns configured when set; in local mode it otherwise reads (or creates) a
// generated secret in DataDir, so a restart keeps sessions and stored secrets readable.
func (d *Deps) localSecret(configured, file string, generate func() (string, error)) (string, error) {
	if configured != "" {
		return configured, nil
	}
	if d.Config.Mode != config.ModeLocal {
		return "", fmt.Errorf("app: %s is not configured", file)
	}
	path := filepath.Join(d.Config.DataDir, file)
	b, err := os.ReadFile(path)
	if err == nil && len(b) > 0 {
		return string(b), nil
	}
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return "", fmt.Errorf("app: read %s: %w", file, err)
	}
	s, err := generate()
	if err != nil {
		return "", fmt.Errorf("app: generate %s: %w", file, err)
	}
	if err := os.WriteFile(path, []byte(s), 0o600); err != nil {
		return "", fmt.Errorf("app: keep %s: %w", file, err)
	}
	return s, nil
}

// invocationLabel is the HKDF info of the invocation key: a distinct label makes it a key of
// its own, unrelated to the JWT signing key it is derived from.
const invocationLabel = "cloudlens/internal-invocation/v1"

// InvocationKey derives the key that signs internal invocations from the JWT secret with
// HKDF-SHA256, so that one configured secret yields two independent keys: an access token
// never verifies as an invocation signature, nor an invocation signature as a token.
func InvocationKey(jwtSecret string) ([]byte, error) {
	if jwtSecret == "" {
		return nil, errors.New("app: no JWT secret to derive the invocation key from")
	}
	k, err := hkdf.Key(sha256.New, []byte(jwtSecret), nil, invocationLabel, 32)
	if err != nil {
		return nil, fmt.Errorf("app: derive invocation key: %w", err)
	}
	return k, nil
}

// invokeURLs invokes functions over their HTTP trigger URLs, by FC function name.
func (d *Deps) invokeURLs(urls map[string]string) func(ctx context.Context, function string, payload any) error {
	return func(ctx context.Context, function string, payload any) error {
		url := urls[function]
		if url == "" {
			return errs.E(errs.KindUnavailable, "%s cannot be invoked in this deployment", function)
		}
		return fcx.InvokeAsync(ctx, nil, url, d.InvocationKey, payload)
	}
}

// API wraps a function's routes in the one middleware chain (httpx.Edge).
func (d *Deps) API(routes http.Handler) http.Handler {
	o := httpx.EdgeOptions{Log: d.Log, CORSOrigins: d.Config.CORSOrigins, MaxBodyBytes: d.Config.MaxBodyBytes,
		Deadlines: httpx.Deadlines{API: d.Config.RequestTimeout, Export: d.Config.ExportTimeout, AI: d.Config.AITimeout}}
	if m := d.Metrics; m != nil {
		o.Observe = func(r *http.Request, route string, status int, took time.Duration) {
			m.Request(logx.Function(r.Context()), route, r.Method, status, took)
		}
	}
	return httpx.Edge(routes, o)
}

// Authed requires an authenticated caller for h and holds the caller to the request rate of
// the route's class (httpx.RateLimit, counted in Redis in the session lookup's round trip).
func (d *Deps) Authed(h http.Handler) http.Handler {
	var c httpx.Counter
	if d.Cache != nil {
		c = requestCounter{d.Cache}
	}
	return httpx.AuthenticateLimited(d.Log, d.Auth, c, d.Rates())(h)
}

// Rates are the configured per-caller request rates.
func (d *Deps) Rates() httpx.Rates {
	perMin := func(n int) httpx.Rate { return httpx.Rate{N: n, Per: time.Minute} }
	return httpx.Rates{API: perMin(d.Config.RateAPI), Export: perMin(d.Config.RateExport), AI: perMin(d.Config.RateAI)}
}

// requestCounter counts requests with the cache's limiter, which falls back to counting in
// this process while Redis is down, so limits hold through an outage.
type requestCounter struct{ c *cache.Cache }

func (r requestCounter) Count(ctx context.Context, key string, limit int, window time.Duration) (bool, time.Duration, error) {
	res, err := r.c.Reserve(ctx, key, limit, window)
	if err != nil {
		return false, 0, err
	}
	return res.OK, res.RetryAfter, nil
}

// Handle adapts an error-returning handler with this process's logger.
func (d *Deps) Handle(h httpx.HandlerFunc) http.Handler { return httpx.Handle(d.Log, h) }

// AuthedFunc is Authed(Handle(h)), the usual shape of a protected route.
func (d *Deps) AuthedFunc(h httpx.HandlerFunc) http.Handler { return d.Authed(d.Handle(h)) }

// Audit records a change made by userID. A failed audit write is logged, not returned,
// because the change itself has already happened.
func (d *Deps) Audit(ctx context.Context, userID int64, action, targetType string, targetID int64, detail string) {
	err := d.Store.Audit(ctx, store.AuditEntry{At: d.Now().UTC(), UserID: userID, Action: action,
		TargetType: targetType, TargetID: strconv.FormatInt(targetID, 10), Detail: detail})
	if err != nil {
		d.Log.ErrorContext(ctx, "audit write failed", "action", action, "error", err.Error())
	}
}
