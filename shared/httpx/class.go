package httpx

import (
	"context"
	"net/http"
	"strings"
	"time"
)

// Class says how costly a route is to serve. A request's deadline and its rate limit follow
// its class, decided here from the path alone so that a new function gets the right limits
// by where it is mounted, without code of its own.
type Class string

const (
	// ClassAPI is every ordinary API request: a few queries, answered in well under a second.
	ClassAPI Class = "api"
	// ClassExport streams many rows (the explorer's CSV/Excel, FOCUS): long, and heavy on the
	// database, so few are allowed per caller.
	ClassExport Class = "export"
	// ClassAI calls a language model: slow and paid per token.
	ClassAI Class = "ai"
	// ClassInvocation is everything outside /api/: the signed internal invocations of job
	// functions (POST / runs a whole sync or job). They have no request deadline, since the
	// function's own FC timeout bounds them and cutting a run short would only redo its work.
	ClassInvocation Class = "invocation"
)

// classPrefixes are the path prefixes of the costly classes. A prefix matches itself and
// everything below it (a segment boundary: /api/v1/ai does not match /api/v1/aim).
var classPrefixes = []struct {
	prefix string
	class  Class
}{
	{"/api/v1/costs/focus", ClassExport},
	{"/api/v1/chatbot", ClassAI},
	{"/api/v1/ai", ClassAI},
	{"/api/v1/mcp", ClassAI},
}

// exportFormats are the format= values that turn a request into a file download.
var exportFormats = map[string]bool{"csv": true, "xlsx": true, "parquet": true}

// ClassOf returns the class of r: by path prefix, and ClassExport for any request asking for a
// file format (the explorer's ?format=csv|xlsx).
func ClassOf(r *http.Request) Class {
	p := r.URL.Path
	if !strings.HasPrefix(p, "/api/") {
		return ClassInvocation
	}
	for _, c := range classPrefixes {
		if p == c.prefix || strings.HasPrefix(p, c.prefix+"/") {
			return c.class
		}
	}
	if r.URL.RawQuery != "" && exportFormats[r.URL.Query().Get("format")] {
		return ClassExport
	}
	return ClassAPI
}

// Deadlines are the server-side time limits of requests by class.
type Deadlines struct {
	API    time.Duration // 0: DefaultAPIDeadline
	Export time.Duration // 0: DefaultExportDeadline
	AI     time.Duration // 0: DefaultAIDeadline
}

// Default deadlines. An API answer that takes longer than a few seconds is a stalled
// dependency or an overloaded database; answering 503 frees the connection and the client can
// retry. Exports and AI answers are long by nature but still bounded below the FC timeout.
const (
	DefaultAPIDeadline    = 8 * time.Second
	DefaultExportDeadline = 5 * time.Minute
	DefaultAIDeadline     = 2 * time.Minute
)

// For returns the deadline of class c; 0 means none (ClassInvocation).
func (d Deadlines) For(c Class) time.Duration {
	pick := func(v, def time.Duration) time.Duration {
		if v > 0 {
			return v
		}
		return def
	}
	switch c {
	case ClassExport:
		return pick(d.Export, DefaultExportDeadline)
	case ClassAI:
		return pick(d.AI, DefaultAIDeadline)
	case ClassInvocation:
		return 0
	}
	return pick(d.API, DefaultAPIDeadline)
}

// Deadline bounds every request by the deadline of its class. Handlers pass r.Context() to
// the database and Redis, so a stalled dependency ends with context.DeadlineExceeded, which
// Error answers as 503.
func Deadline(d Deadlines) Middleware {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			limit := d.For(ClassOf(r))
			if limit <= 0 {
				next.ServeHTTP(w, r)
				return
			}
			ctx, cancel := context.WithTimeout(r.Context(), limit)
			defer cancel()
			next.ServeHTTP(w, r.WithContext(ctx))
		})
	}
}
