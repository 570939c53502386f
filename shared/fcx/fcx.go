// Package fcx runs a CloudLens function under Function Compute 3.0's custom runtime: one
// net/http server that puts FC's request id into the context, answers FC's health and
// lifecycle calls, runs timer events as Jobs, turns API Gateway events into ordinary HTTP
// requests, and passes everything else to the function's http.Handler unchanged. It is only
// the runtime contract: access log, panic recovery and error answers of HTTP requests belong
// to the Handler's httpx.Edge chain, so each request is logged and recovered exactly once.
package fcx

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/cloudlens/cloudlens/shared/logx"
)

// TimerEvent is FC's timer trigger event; Payload is always a string.
type TimerEvent struct {
	TriggerTime time.Time `json:"triggerTime"`
	TriggerName string    `json:"triggerName"`
	Payload     string    `json:"payload"`
}

// Job is a scheduled function's work. Returning an error makes FC record a failed invocation.
type Job func(ctx context.Context, ev TimerEvent) error

// Options describe one function. Set Handler for API functions and Job for timer functions.
type Options struct {
	Name       string                          // function name, e.g. "cloudlens-costs"; put in every request's context (logx.WithFunction)
	Handler    http.Handler                    // API functions: serves HTTP requests and API Gateway events (nil for jobs); wrap it in httpx.Edge
	Job        Job                             // timer functions (nil for API functions)
	Logger     *slog.Logger                    // lifecycle and job lines; nil logs nothing
	Initialize func(ctx context.Context) error // optional, POST /initialize
	// Ready reports what this instance cannot reach, by name ("mysql", "redis"); GET
	// /health?ready=1 answers 503 with them. /health alone stays liveness, which FC's health
	// check needs: an instance whose database is down is alive and should not be replaced.
	Ready           func(ctx context.Context) map[string]string
	PreStop         func(ctx context.Context) // optional, GET /pre-stop
	ShutdownTimeout time.Duration             // default 10s
}

// Paths and headers of FC's custom runtime contract.
const (
	HealthPath = "/health"

	pathInitialize = "/initialize"
	pathPreStop    = "/pre-stop"
	pathInvoke     = "/invoke"

	headerRequestID   = "X-Fc-Request-Id"
	headerControlPath = "X-Fc-Control-Path"
	headerStatus      = "X-Fc-Status"

	// controlHTTPInvoke marks requests from HTTP triggers and custom domains: an application
	// route that happens to be POST /invoke must reach the Handler, not the event decoder.
	controlHTTPInvoke = "/http-invoke"

	defaultPort            = "9000"
	defaultShutdownTimeout = 10 * time.Second
)

// Addr is the listen address FC expects: all interfaces (binding loopback makes FC report
// FunctionNotStarted) on FC_CUSTOM_LISTEN_PORT, else the older FC_SERVER_PORT, else 9000.
func Addr(getenv func(string) string) string {
	for _, key := range []string{"FC_CUSTOM_LISTEN_PORT", "FC_SERVER_PORT"} {
		if port := strings.TrimSpace(getenv(key)); port != "" {
			return "0.0.0.0:" + port
		}
	}
	return "0.0.0.0:" + defaultPort
}

// Mux is the whole custom-runtime surface of a function: health, lifecycle hooks, event
// invocations and HTTP pass-through. Serve uses it; tests mount it directly.
func Mux(o Options) http.Handler {
	return &server{o: o, log: logx.OrDiscard(o.Logger)}
}

// Serve listens on Addr(os.Getenv) and serves Mux(o) until ctx is cancelled or the process
// receives SIGTERM (FC reclaiming the instance) or SIGINT, then lets in-flight requests finish
// for up to o.ShutdownTimeout. A clean stop returns nil.
func Serve(ctx context.Context, o Options) error {
	if o.Handler == nil && o.Job == nil {
		return errors.New("fcx: options for " + o.Name + " need a Handler or a Job")
	}
	logger := logx.OrDiscard(o.Logger)

	ctx, stop := signal.NotifyContext(ctx, syscall.SIGTERM, os.Interrupt)
	defer stop()

	addr := Addr(os.Getenv)
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("fcx: listen on %s: %w", addr, err)
	}
	srv := &http.Server{
		Handler:           Mux(o),
		ReadHeaderTimeout: 10 * time.Second,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	logger.Info("listening", "addr", ln.Addr().String())

	select {
	case err := <-served:
		return fmt.Errorf("fcx: serve %s: %w", addr, err)
	case <-ctx.Done():
	}

	timeout := o.ShutdownTimeout
	if timeout <= 0 {
		timeout = defaultShutdownTimeout
	}
	logger.Info("shutting down", "timeout_ms", timeout.Milliseconds())
	sctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		_ = srv.Close()
		return fmt.Errorf("fcx: shutdown after %s: %w", timeout, err)
	}
	if err := <-served; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("fcx: serve %s: %w", addr, err)
	}
	logger.Info("stopped")
	return nil
}
