package httpx

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"
	"slices"
	"strings"
	"time"

	"github.com/cloudlens/cloudlens/shared/auth"
	"github.com/cloudlens/cloudlens/shared/errs"
	"github.com/cloudlens/cloudlens/shared/logx"
)

// Middleware wraps a handler.
type Middleware func(http.Handler) http.Handler

// Chain applies mws so that the first one is the outermost.
func Chain(h http.Handler, mws ...Middleware) http.Handler {
	for i := len(mws) - 1; i >= 0; i-- {
		h = mws[i](h)
	}
	return h
}

// EdgeOptions configure Edge.
type EdgeOptions struct {
	Log          *slog.Logger
	CORSOrigins  []string // allowed origins; empty: same-origin use only
	MaxBodyBytes int64    // request body limit; 0 or less: DefaultMaxBodyBytes
	Deadlines    Deadlines
	// Observe, when set, is told of every answered request with the route pattern that
	// matched ("" when none did): the metrics hook.
	Observe func(r *http.Request, route string, status int, d time.Duration)
}

// DefaultMaxBodyBytes is the body limit when EdgeOptions sets none.
const DefaultMaxBodyBytes = 1 << 20

// Edge wraps a function's routes in the one middleware chain every API answer goes through,
// outermost first: request id, access log (one line per request), panic recovery (inside the
// access log, so a panicking request is logged with its 500), deadline, security headers, CORS,
// body limit.
func Edge(routes http.Handler, o EdgeOptions) http.Handler {
	log := logx.OrDiscard(o.Log)
	limit := o.MaxBodyBytes
	if limit <= 0 {
		limit = DefaultMaxBodyBytes
	}
	return Chain(recordRoute(routes),
		RequestID(),
		accessLog(log, o.Observe),
		Recover(log),
		Deadline(o.Deadlines),
		SecurityHeaders(),
		CORS(o.CORSOrigins),
		BodyLimit(log, limit),
	)
}

// HeaderRequestID echoes the request id to the client.
const HeaderRequestID = "X-Request-Id"

// RequestID makes sure the request carries an id. Under Function Compute, fcx has already put
// FC's x-fc-request-id in the context and echoed it; otherwise (local mode, tests) the id is
// taken from x-fc-request-id when a client sent one, or made, then put in the context and
// echoed as X-Request-Id.
func RequestID() Middleware {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if logx.RequestID(r.Context()) != "" {
				next.ServeHTTP(w, r)
				return
			}
			id := r.Header.Get("X-Fc-Request-Id")
			if id == "" {
				id = logx.NewRequestID()
			}
			w.Header().Set(HeaderRequestID, id)
			next.ServeHTTP(w, r.WithContext(logx.WithRequestID(r.Context(), id)))
		})
	}
}

// statusWriter remembers the status and size of an answer for the access log, and whether
// anything was written, so Recover knows if a 500 can still be sent.
type statusWriter struct {
	http.ResponseWriter
	status int
	bytes  int64
}

func (s *statusWriter) WriteHeader(code int) {
	if s.status == 0 {
		s.status = code
	}
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusWriter) Write(b []byte) (int, error) {
	if s.status == 0 {
		s.status = http.StatusOK
	}
	n, err := s.ResponseWriter.Write(b)
	s.bytes += int64(n)
	return n, err
}

// Flush lets streamed answers (SSE, CSV exports) reach the client while they are produced.
func (s *statusWriter) Flush() {
	if s.status == 0 {
		s.status = http.StatusOK
	}
	_ = http.NewResponseController(s.ResponseWriter).Flush()
}

func (s *statusWriter) Unwrap() http.ResponseWriter { return s.ResponseWriter }

// AccessLog logs one line per request ("request") with its route pattern, status, size and
// duration; the logger's handler (logx) adds request_id and function. 5xx answers log at error
// level, health checks at debug. On Function Compute these lines are the request metrics:
// Simple Log Service charts them by function, route and status.
func AccessLog(log *slog.Logger) Middleware { return accessLog(log, nil) }

func accessLog(log *slog.Logger, observe func(*http.Request, string, int, time.Duration)) Middleware {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			start := time.Now()
			sw := &statusWriter{ResponseWriter: w}
			route := &routeHolder{}
			next.ServeHTTP(sw, r.WithContext(context.WithValue(r.Context(), routeKey{}, route)))
			if sw.status == 0 {
				sw.status = http.StatusOK
			}
			took := time.Since(start)
			level := slog.LevelInfo
			switch {
			case sw.status >= 500:
				level = slog.LevelError
			case r.URL.Path == "/health":
				level = slog.LevelDebug
			}
			log.Log(r.Context(), level, "request", "method", r.Method, "path", r.URL.Path, "route", route.pattern,
				"status", sw.status, "bytes", sw.bytes, "duration_ms", float64(took.Microseconds())/1000)
			if observe != nil {
				observe(r, route.pattern, sw.status, took)
			}
		})
	}
}

// routeHolder carries the matched route pattern from inside the routes out to the access log:
// the ServeMux sets Request.Pattern on the request it is given, which is a copy of the one
// the outer middleware holds.
type routeHolder struct{ pattern string }

type routeKey struct{}

// recordRoute wraps the routes (innermost) and hands the pattern that matched to the holder.
func recordRoute(routes http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if h, ok := r.Context().Value(routeKey{}).(*routeHolder); ok {
				h.pattern = r.Pattern
			}
		}()
		routes.ServeHTTP(w, r)
	})
}

// Recover turns a panic into a 500 with a safe body and logs the cause with its stack, so one
// bad request cannot take down an instance serving many. http.ErrAbortHandler keeps its meaning.
func Recover(log *slog.Logger) Middleware {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			sw, ok := w.(*statusWriter)
			if !ok {
				sw = &statusWriter{ResponseWriter: w}
			}
			defer func() {
				v := recover()
				if v == nil {
					return
				}
				if err, ok := v.(error); ok && errors.Is(err, http.ErrAbortHandler) {
					panic(v)
				}
				log.ErrorContext(r.Context(), "handler panicked", "method", r.Method, "path", r.URL.Path,
					"panic", fmt.Sprint(v), "stack", string(debug.Stack()))
				if sw.status == 0 {
					// Nothing was sent yet, so the client can still get a proper answer.
					WriteError(sw, http.StatusInternalServerError, errs.KindInternal, "internal error", logx.RequestID(r.Context()))
				}
			}()
			next.ServeHTTP(sw, r)
		})
	}
}

// SecurityHeaders sets the headers every API answer should carry.
func SecurityHeaders() Middleware {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			h := w.Header()
			h.Set("X-Content-Type-Options", "nosniff")
			h.Set("X-Frame-Options", "DENY")
			h.Set("Referrer-Policy", "no-referrer")
			if strings.HasPrefix(r.URL.Path, "/api/") {
				h.Set("Cache-Control", "no-store")
			}
			next.ServeHTTP(w, r)
		})
	}
}

// CORS answers preflights and sets CORS headers for origins on the allow-list only. An empty
// list means same-origin use (the frontend served from the same domain) and sets nothing.
func CORS(origins []string) Middleware {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			origin := r.Header.Get("Origin")
			allowed := origin != "" && slices.Contains(origins, origin)
			if allowed {
				h := w.Header()
				h.Set("Access-Control-Allow-Origin", origin)
				h.Add("Vary", "Origin")
				h.Set("Access-Control-Expose-Headers", "X-Request-Id, Content-Disposition, Retry-After")
			}
			if r.Method == http.MethodOptions && r.Header.Get("Access-Control-Request-Method") != "" {
				if allowed {
					h := w.Header()
					h.Set("Access-Control-Allow-Methods", "GET, POST, PUT, PATCH, DELETE, OPTIONS")
					h.Set("Access-Control-Allow-Headers", "Authorization, Content-Type, X-CloudLens-Token")
					h.Set("Access-Control-Max-Age", "600")
				}
				w.WriteHeader(http.StatusNoContent)
				return
			}
			next.ServeHTTP(w, r)
		})
	}
}

// BodyLimit caps request bodies; Decode reports an oversize body as a 400 naming the limit.
func BodyLimit(log *slog.Logger, n int64) Middleware {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.ContentLength > n {
				Error(log, w, r, tooLarge(n))
				return
			}
			r.Body = http.MaxBytesReader(w, r.Body, n)
			next.ServeHTTP(w, r)
		})
	}
}

// Authenticator resolves a bearer credential (access token or API key) to a principal.
type Authenticator interface {
	Authenticate(ctx context.Context, credential string) (auth.Principal, error)
}

// Token returns the credential of r: `Authorization: Bearer …`, or `X-CloudLens-Token`, which
// survives API Gateway setups that overwrite Authorization.
func Token(r *http.Request) string {
	if t := strings.TrimSpace(r.Header.Get("X-CloudLens-Token")); t != "" {
		return t
	}
	h := r.Header.Get("Authorization")
	if len(h) > 7 && strings.EqualFold(h[:7], "bearer ") {
		return strings.TrimSpace(h[7:])
	}
	return ""
}

// Authenticate requires a valid credential and puts the principal in the request context.
func Authenticate(log *slog.Logger, a Authenticator) Middleware {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			tok := Token(r)
			if tok == "" {
				Error(log, w, r, errs.Unauthorized("sign in first: send Authorization: Bearer <token> or X-CloudLens-Token"))
				return
			}
			p, err := a.Authenticate(r.Context(), tok)
			if err != nil {
				Error(log, w, r, err)
				return
			}
			next.ServeHTTP(w, r.WithContext(auth.NewContext(r.Context(), p)))
		})
	}
}
