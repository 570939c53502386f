// Command local runs every CloudLens function in one process, as `make run` does: the routes
// and timer schedules come from s.yaml, SQLite and an embedded Redis stand in for RDS and Tair
// unless configured, and the web app in frontend/out is served at /.
package main

import (
	"bytes"
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"
	_ "time/tzdata" // timer schedules use CRON_TZ=Asia/Shanghai even where the OS has no zoneinfo

	"github.com/cloudlens/cloudlens/shared/app"
	"github.com/cloudlens/cloudlens/shared/config"
	"github.com/cloudlens/cloudlens/shared/errs"
	"github.com/cloudlens/cloudlens/shared/fcx"
	"github.com/cloudlens/cloudlens/shared/httpx"
	"github.com/cloudlens/cloudlens/shared/logx"
	"github.com/cloudlens/cloudlens/shared/metrics"
)

func main() {
	manifestFile := flag.String("s", "s.yaml", "Serverless Devs manifest listing functions, routes and schedules")
	flag.Parse()
	if err := run(*manifestFile); err != nil {
		fmt.Fprintln(os.Stderr, "cloudlens:", err)
		os.Exit(1)
	}
}

func run(manifestFile string) error {
	cfg, err := config.Load(config.ModeLocal, os.Getenv)
	if err != nil {
		return err
	}
	m, err := LoadManifest(manifestFile)
	if err != nil {
		return err
	}
	if err := checkRegistry(m); err != nil {
		return err
	}
	log := config.NewLogger(cfg, "cloudlens-local")
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	d, err := app.Build(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.Store.Migrate(ctx); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	login, err := app.EnsureAdmin(ctx, d)
	if err != nil {
		return err
	}
	stopDemo, err := startDemo(ctx, d)
	if err != nil {
		return err
	}
	defer stopDemo()

	r, err := newRunner(ctx, d, m)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", cfg.Addr, err)
	}
	if d.Config.PublicURL == "" {
		// The address actually bound (a port of 0 picks one), so alert links open.
		d.Config.PublicURL = "http://" + ln.Addr().String()
	}
	srv := &http.Server{Handler: r.handler(), ReadHeaderTimeout: 10 * time.Second}
	printBanner(os.Stdout, cfg, ln.Addr().String(), login, r)

	stopTimers := r.startTimers(ctx)
	if d.Config.SyncOnStart && !d.Config.DisableTimers {
		fmt.Fprintln(os.Stdout, "==> first bill sync of every account (progress below; the web app works meanwhile)")
		go printFirstSync(ctx, os.Stdout, d, 3*time.Second)
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case <-ctx.Done():
	case err := <-errc:
		if !errors.Is(err, http.ErrServerClosed) {
			return err
		}
	}
	log.Info("shutting down")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), cfg.ShutdownGracePeriod)
	defer cancel()
	stopTimers(shutdownCtx)
	return srv.Shutdown(shutdownCtx)
}

// checkRegistry makes sure s.yaml and the runner's registry name the same functions, so a
// function added to one and not the other is caught at start as well as by the tests.
func checkRegistry(m Manifest) error {
	var problems []string
	inManifest := map[string]bool{}
	for _, f := range m.Functions {
		inManifest[f.Dir] = true
		if _, ok := registry[f.Dir]; !ok {
			problems = append(problems, fmt.Sprintf("function %s is in s.yaml but not in the local runner's registry", f.Dir))
		}
	}
	for dir := range registry {
		if !inManifest[dir] {
			problems = append(problems, fmt.Sprintf("function %s is in the registry but not in s.yaml", dir))
		}
	}
	if len(problems) > 0 {
		return errors.New("functions disagree:\n  - " + strings.Join(problems, "\n  - "))
	}
	return nil
}

type job struct {
	fn    Function
	timer Timer
	run   fcx.Job
}

// runner holds the in-process functions.
type runner struct {
	d        *app.Deps
	m        Manifest
	mux      *http.ServeMux
	jobs     []job
	handlers map[string]http.Handler // by FC function name
}

// newRunner builds every function with the constructor its bootstrap main uses, runs their
// initializers as FC does when an instance starts, and points d.Invoke at the functions in
// this process. Invoked work runs until ctx ends.
func newRunner(ctx context.Context, d *app.Deps, m Manifest) (*runner, error) {
	r := &runner{d: d, m: m, mux: http.NewServeMux(), handlers: map[string]http.Handler{}}
	if d.Metrics == nil {
		// Before the functions are built: their Edge and job runner record into it.
		d.Metrics = metrics.New()
		d.Metrics.DB(d.Store.DB())
		d.Metrics.Cache(func() (uint64, uint64, uint64) {
			s := d.Cache.Stats()
			return s.Hits, s.Misses, s.Errors
		})
	}
	for _, f := range m.Functions {
		o := registry[f.Dir](d)
		switch {
		case f.HTTP && o.Handler == nil:
			return nil, fmt.Errorf("function %s has an HTTP trigger in s.yaml but its constructor gives no handler", f.Dir)
		case len(f.Timers) > 0 && o.Job == nil:
			return nil, fmt.Errorf("function %s has a timer in s.yaml but its constructor gives no job", f.Dir)
		}
		if o.Initialize != nil {
			if err := o.Initialize(logx.WithFunction(ctx, f.Name)); err != nil {
				return nil, fmt.Errorf("initialize %s: %w", f.Name, err)
			}
		}
		if f.HTTP {
			r.handlers[f.Name] = named(f.Name, o.Handler)
		}
		for _, t := range f.Timers {
			r.jobs = append(r.jobs, job{fn: f, timer: t, run: o.Job})
		}
	}
	handlers := r.handlers
	d.Invoke = r.invoker(ctx)
	for _, rt := range m.Routes {
		r.mux.Handle(rt.Pattern(), handlers[rt.Function])
	}
	r.mux.HandleFunc("GET /health", func(w http.ResponseWriter, req *http.Request) { fcx.Health(w, req, d.Ready) })
	r.mux.Handle("GET /metrics", metricsHandler(d))
	r.mux.Handle("/api/", d.API(httpx.NotFound(d.Log)))
	r.mux.Handle("/", frontend(d.Config.FrontendDir))
	return r, nil
}

func (r *runner) handler() http.Handler { return r.mux }

// metricsHandler serves Prometheus metrics to a scraper holding CLOUDLENS_METRICS_TOKEN, or,
// without a token configured, to loopback clients only: the figures name routes and volumes,
// which are nobody else's business, and the runner may listen on a public address.
func metricsHandler(d *app.Deps) http.Handler {
	h := d.Metrics.Handler()
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		id := logx.NewRequestID()
		if tok := d.Config.MetricsToken; tok != "" {
			if subtle.ConstantTimeCompare([]byte(httpx.Token(req)), []byte(tok)) != 1 {
				httpx.WriteError(w, http.StatusUnauthorized, errs.KindUnauthorized, "send the metrics token as Authorization: Bearer <token>", id)
				return
			}
		} else if !loopback(req.RemoteAddr) {
			httpx.WriteError(w, http.StatusForbidden, errs.KindForbidden, "metrics are served to this host only unless CLOUDLENS_METRICS_TOKEN is set", id)
			return
		}
		h.ServeHTTP(w, req)
	})
}

func loopback(remoteAddr string) bool {
	host, _, err := net.SplitHostPort(remoteAddr)
	if err != nil {
		return false
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// named puts the function's name in the context of each request, so lines logged while one
// of the many functions of this process serves it name that function.
func named(function string, h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		h.ServeHTTP(w, req.WithContext(logx.WithFunction(req.Context(), function)))
	})
}

// invoker is d.Invoke in this process: what FC does for an asynchronous invocation of a
// function's HTTP trigger, done by calling that function's handler with the same signed
// request on a goroutine. The answer is only logged, as FC only records it.
func (r *runner) invoker(ctx context.Context) func(context.Context, string, any) error {
	return func(_ context.Context, function string, payload any) error {
		h := r.handlers[function]
		if h == nil {
			return errs.E(errs.KindUnavailable, "%s has no HTTP trigger to invoke", function)
		}
		body, err := json.Marshal(payload)
		if err != nil {
			return fmt.Errorf("local: encode invocation of %s: %w", function, err)
		}
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, "/", bytes.NewReader(body))
		if err != nil {
			return fmt.Errorf("local: invocation of %s: %w", function, err)
		}
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set(fcx.HeaderSignature, fcx.Sign(r.d.InvocationKey, body))
		go func() {
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code/100 != 2 {
				r.d.Log.ErrorContext(logx.WithFunction(ctx, function), "invocation failed", "status", rec.Code, "answer", rec.Body.String())
			}
		}()
		return nil
	}
}

func printBanner(w io.Writer, cfg config.Config, addr string, login app.AdminLogin, r *runner) {
	url := "http://" + addr
	fmt.Fprintf(w, "\nCloudLens is running at %s\n", url)
	switch {
	case login.Email == "":
	case login.Password != "":
		// Shown on the one start that generated it; later starts point at the file instead.
		fmt.Fprintf(w, "  sign in as %s / %s (generated now; kept in %s)\n", login.Email, login.Password, login.PasswordFile)
	case login.PasswordFile != "":
		fmt.Fprintf(w, "  sign in as %s (generated password in %s)\n", login.Email, login.PasswordFile)
	default:
		fmt.Fprintf(w, "  sign in as %s with the password you set\n", login.Email)
	}
	db := "SQLite at " + filepath.Join(cfg.DataDir, "cloudlens.db")
	if cfg.MySQLDSN != "" {
		db = "MySQL"
	}
	redis := "embedded Redis"
	if cfg.RedisAddr != "" {
		redis = "Redis at " + cfg.RedisAddr
	}
	fmt.Fprintf(w, "  data: %s, %s\n", db, redis)
	if _, err := os.Stat(filepath.Join(cfg.FrontendDir, "index.html")); err != nil {
		fmt.Fprintf(w, "  web app: not built (%s missing); the API is served\n", cfg.FrontendDir)
	}
	fmt.Fprintf(w, "  functions: %d, timers: %d; Ctrl-C stops\n\n", len(r.m.Functions), len(r.jobs))
}
