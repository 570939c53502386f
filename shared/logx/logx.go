// Package logx is the one logger of CloudLens: a slog.Handler that adds what the context knows
// about the work in progress (request_id, function, job, run_id) to every record, so a line
// written by the store, the cache or an Alibaba Cloud client can be tied to the request or run
// that caused it without each caller passing ids along.
package logx

import (
	"context"
	"crypto/rand"
	"log/slog"
	"slices"
	"strings"
)

// The keys this package adds. Each appears at most once per line.
const (
	KeyRequestID = "request_id"
	KeyFunction  = "function"
	KeyJob       = "job"
	KeyRunID     = "run_id"
)

type ctxKey int

const (
	requestIDKey ctxKey = iota
	functionKey
	jobKey
	runIDKey
)

// WithRequestID returns ctx carrying the id of the request or invocation being served.
func WithRequestID(ctx context.Context, id string) context.Context {
	return context.WithValue(ctx, requestIDKey, id)
}

// RequestID is the id set by WithRequestID, or "" outside a request.
func RequestID(ctx context.Context) string {
	id, _ := ctx.Value(requestIDKey).(string)
	return id
}

// NewRequestID makes a request id for a request that arrived without one (local mode, tests).
func NewRequestID() string { return strings.ToLower(rand.Text()) }

// WithFunction returns ctx naming the function doing the work, e.g. "cloudlens-costs". It
// overrides the Handler's default, which is how one local process running every function
// still logs each line under the function it belongs to.
func WithFunction(ctx context.Context, name string) context.Context {
	return context.WithValue(ctx, functionKey, name)
}

// Function returns the function named by WithFunction, or "".
func Function(ctx context.Context) string {
	v, _ := ctx.Value(functionKey).(string)
	return v
}

// WithJob returns ctx naming the job in progress (a job.Runner job, e.g. "budgetcheck").
func WithJob(ctx context.Context, name string) context.Context {
	return context.WithValue(ctx, jobKey, name)
}

// WithRunID returns ctx carrying the id of the recorded run in progress: a job run, or a
// billing sync run.
func WithRunID(ctx context.Context, id int64) context.Context {
	return context.WithValue(ctx, runIDKey, id)
}

// Handler wraps another handler and adds the context's request_id, function, job and run_id
// to each record that does not carry them already (as an attribute of the record or of a
// With call), so no key is written twice.
type Handler struct {
	inner    slog.Handler
	function string   // default function, when the context names none
	bound    []string // keys already added through WithAttrs
}

// NewHandler wraps inner; function is the default function name ("" for none).
func NewHandler(inner slog.Handler, function string) *Handler {
	return &Handler{inner: inner, function: function}
}

// New is slog.New(NewHandler(inner, function)).
func New(inner slog.Handler, function string) *slog.Logger {
	return slog.New(NewHandler(inner, function))
}

// Discard is a logger that writes nothing, for packages given no logger.
func Discard() *slog.Logger { return slog.New(slog.DiscardHandler) }

// OrDiscard returns l, or Discard() when l is nil: a package given no logger stays quiet
// rather than falling back to slog.Default, whose output has neither the configured format
// nor the request's attributes.
func OrDiscard(l *slog.Logger) *slog.Logger {
	if l == nil {
		return Discard()
	}
	return l
}

// Enabled reports whether inner handles level.
func (h *Handler) Enabled(ctx context.Context, level slog.Level) bool {
	return h.inner.Enabled(ctx, level)
}

// Handle adds the context's attributes and passes r on.
func (h *Handler) Handle(ctx context.Context, r slog.Record) error {
	var add [4]slog.Attr
	n := 0
	var has map[string]bool
	present := func(key string) bool {
		if slices.Contains(h.bound, key) {
			return true
		}
		if has == nil {
			has = map[string]bool{}
			r.Attrs(func(a slog.Attr) bool {
				switch a.Key {
				case KeyRequestID, KeyFunction, KeyJob, KeyRunID:
					has[a.Key] = true
				}
				return true
			})
		}
		return has[key]
	}
	if ctx == nil {
		ctx = context.Background()
	}
	if id := RequestID(ctx); id != "" && !present(KeyRequestID) {
		add[n] = slog.String(KeyRequestID, id)
		n++
	}
	fn := h.function
	if v, _ := ctx.Value(functionKey).(string); v != "" {
		fn = v
	}
	if fn != "" && !present(KeyFunction) {
		add[n] = slog.String(KeyFunction, fn)
		n++
	}
	if v, _ := ctx.Value(jobKey).(string); v != "" && !present(KeyJob) {
		add[n] = slog.String(KeyJob, v)
		n++
	}
	if v, ok := ctx.Value(runIDKey).(int64); ok && !present(KeyRunID) {
		add[n] = slog.Int64(KeyRunID, v)
		n++
	}
	if n > 0 {
		r = r.Clone()
		r.AddAttrs(add[:n]...)
	}
	return h.inner.Handle(ctx, r)
}

// WithAttrs returns a Handler whose records carry attrs; a key of this package bound here is
// not added again from the context.
func (h *Handler) WithAttrs(attrs []slog.Attr) slog.Handler {
	bound := slices.Clone(h.bound)
	for _, a := range attrs {
		switch a.Key {
		case KeyRequestID, KeyFunction, KeyJob, KeyRunID:
			bound = append(bound, a.Key)
		}
	}
	return &Handler{inner: h.inner.WithAttrs(attrs), function: h.function, bound: bound}
}

// WithGroup returns a Handler that nests later attributes, the context's included, in name.
func (h *Handler) WithGroup(name string) slog.Handler {
	return &Handler{inner: h.inner.WithGroup(name), function: h.function, bound: h.bound}
}
