// Package httpx is the HTTP edge every API function shares: JSON in and out, the one error
// writer that maps error kinds to status codes, and the one middleware chain (Edge: request id,
// access log, recover, security headers, CORS, body limit; plus authentication). fcx, the
// Function Compute runtime adapter, answers with the same error writer.
package httpx

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"reflect"
	"strconv"
	"strings"

	"github.com/cloudlens/cloudlens/shared/auth"
	"github.com/cloudlens/cloudlens/shared/errs"
	"github.com/cloudlens/cloudlens/shared/logx"
)

// HandlerFunc is an HTTP handler that returns its error instead of writing it, so that the
// status code and the wording are decided in one place (Error).
type HandlerFunc func(w http.ResponseWriter, r *http.Request) error

// Handle adapts h to http.Handler, writing any returned error with Error.
func Handle(log *slog.Logger, h HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := h(w, r); err != nil {
			Error(log, w, r, err)
		}
	})
}

// Status maps an error kind to its HTTP status.
func Status(k errs.Kind) int {
	switch k {
	case errs.KindInvalid:
		return http.StatusBadRequest
	case errs.KindUnauthorized:
		return http.StatusUnauthorized
	case errs.KindForbidden:
		return http.StatusForbidden
	case errs.KindNotFound:
		return http.StatusNotFound
	case errs.KindConflict:
		return http.StatusConflict
	case errs.KindRateLimited:
		return http.StatusTooManyRequests
	case errs.KindUnavailable:
		return http.StatusServiceUnavailable
	}
	return http.StatusInternalServerError
}

// ErrorBody is the JSON shape of every error answer.
type ErrorBody struct {
	Error ErrorDetail `json:"error"`
}

// ErrorDetail is what a user sees of an error: a stable code, a safe message and the request id.
type ErrorDetail struct {
	Code      string `json:"code"`
	Message   string `json:"message"`
	RequestID string `json:"requestId"`
	// MessageCode and Params, when the error has them, let a client word the message in its
	// user's language (errs.Coded); Message stays the English wording.
	MessageCode string            `json:"messageCode,omitempty"`
	Params      map[string]string `json:"params,omitempty"`
}

// Error writes err as {"error":{code,message,requestId}} and logs it once. 5xx answers never
// carry internal detail; the cause goes to the log, whose handler adds the request id.
func Error(log *slog.Logger, w http.ResponseWriter, r *http.Request, err error) {
	kind := errs.KindOf(err)
	if kind == errs.KindInternal && errors.Is(err, context.DeadlineExceeded) {
		// The request's deadline (Deadline) ran out in a dependency that did not classify it:
		// the service is slow or stalled, not broken, and a retry may succeed.
		err = errs.Wrap(errs.KindUnavailable, err, "the request took too long")
		kind = errs.KindUnavailable
	}
	status := Status(kind)
	if status >= 500 {
		log.ErrorContext(r.Context(), "request failed", "method", r.Method, "path", r.URL.Path, "status", status, "error", err.Error())
	} else {
		log.DebugContext(r.Context(), "request rejected", "status", status, "error", err.Error())
	}
	if status == http.StatusTooManyRequests {
		var ra *RetryAfterError
		if errors.As(err, &ra) {
			w.Header().Set("Retry-After", strconv.Itoa(int(ra.Seconds)))
		}
	}
	d := ErrorDetail{Code: string(kind), Message: errs.Message(err), RequestID: logx.RequestID(r.Context())}
	if status < 500 || kind == errs.KindUnavailable {
		// Codes and parameters are chosen to be safe to show; 5xx internals never are.
		d.MessageCode, d.Params = errs.CodeOf(err)
	}
	WriteJSON(w, status, ErrorBody{Error: d})
}

// WriteError writes the error body {"error":{code,message,requestId}} with status. It is the
// one writer of that shape: Error uses it for handlers, fcx for failed invocations.
func WriteError(w http.ResponseWriter, status int, kind errs.Kind, message, requestID string) {
	WriteJSON(w, status, ErrorBody{Error: ErrorDetail{Code: string(kind), Message: message, RequestID: requestID}})
}

// RetryAfterError marks a rate-limit error with the seconds a client should wait.
type RetryAfterError struct {
	Seconds int64
	Err     error
}

func (e *RetryAfterError) Error() string { return e.Err.Error() }
func (e *RetryAfterError) Unwrap() error { return e.Err }

// WriteJSON writes v as JSON with status.
func WriteJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	if v != nil {
		_ = json.NewEncoder(w).Encode(v)
	}
}

// OK writes v as JSON with 200 and returns nil, for the common last line of a handler.
func OK(w http.ResponseWriter, v any) error {
	WriteJSON(w, http.StatusOK, v)
	return nil
}

// List is the shape of every list answer.
type List[T any] struct {
	Items      []T    `json:"items"`
	NextCursor string `json:"nextCursor,omitempty"`
}

// Items wraps items as a list answer, never answering null for an empty list.
func Items[T any](items []T) List[T] {
	if items == nil {
		items = []T{}
	}
	return List[T]{Items: items}
}

// Decode reads a JSON body into v: unknown fields, trailing data, malformed JSON and bodies over
// the limit set by the BodyLimit middleware are all errs.KindInvalid with a message that says which.
func Decode(r *http.Request, v any) error {
	if ct := r.Header.Get("Content-Type"); ct != "" && !strings.HasPrefix(ct, "application/json") {
		return errs.BadBody(errs.ReasonContentType, "Content-Type must be application/json")
	}
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return decodeError(err)
	}
	if err := dec.Decode(&struct{}{}); !errors.Is(err, io.EOF) {
		return errs.BadBody(errs.ReasonJSON, "request body must hold a single JSON object")
	}
	return nil
}

func decodeError(err error) error {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	var tooBig *http.MaxBytesError
	switch {
	case errors.Is(err, io.EOF):
		return errs.BadBody(errs.ReasonEmpty, "request body is empty")
	case errors.As(err, &tooBig):
		return tooLarge(tooBig.Limit)
	case errors.As(err, &syn):
		return errs.BadBody(errs.ReasonJSON, "malformed JSON at byte %d", syn.Offset)
	case errors.Is(err, io.ErrUnexpectedEOF):
		return errs.BadBody(errs.ReasonJSON, "malformed JSON: unexpected end of body")
	case errors.As(err, &typ):
		return errs.BadType(typ.Field, jsonType(typ.Type.Kind()))
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		return errs.UnknownField(strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`))
	}
	return errs.BadBody(errs.ReasonJSON, "malformed JSON: %s", err.Error())
}

// tooLarge is the answer to a body over the BodyLimit of n bytes.
func tooLarge(n int64) error {
	return &errs.Error{Kind: errs.KindInvalid, Message: fmt.Sprintf("request body is larger than %d bytes", n),
		Code: errs.CodeBadBody, Params: map[string]string{"reason": errs.ReasonTooLarge, "max": strconv.FormatInt(n, 10)}}
}

// jsonType names a Go kind the way a JSON client knows it.
func jsonType(k reflect.Kind) string {
	switch k {
	case reflect.String:
		return "string"
	case reflect.Bool:
		return "boolean"
	case reflect.Slice, reflect.Array:
		return "array"
	case reflect.Map, reflect.Struct, reflect.Pointer, reflect.Interface:
		return "object"
	}
	return "number"
}

// PathID parses the {name} path value as a positive int64 id in its canonical spelling.
func PathID(r *http.Request, name string) (int64, error) {
	v := r.PathValue(name)
	id, ok := ParseID(v)
	if !ok {
		return 0, errs.BadID(name, v)
	}
	return id, nil
}

// ParseID parses a positive decimal id written the one way the API writes it: digits only, no
// sign, no leading zero. strconv.ParseInt alone would let "01" and "+1" name resource 1, so one
// resource would have many URLs (and caches, audit lines and access checks keyed by the text
// would disagree).
func ParseID(s string) (int64, bool) {
	if s == "" || len(s) > 19 || s[0] == '0' {
		return 0, false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
	}
	id, err := strconv.ParseInt(s, 10, 64)
	return id, err == nil && id > 0
}

// Caller returns the authenticated principal, or an unauthorized error when the route was
// mounted without authentication by mistake.
func Caller(r *http.Request) (auth.Principal, error) {
	p, ok := auth.FromContext(r.Context())
	if !ok {
		return auth.Principal{}, errs.Unauthorized("authentication required")
	}
	return p, nil
}

// Require returns the caller when it has at least role min, and a forbidden error otherwise.
func Require(r *http.Request, min auth.Role) (auth.Principal, error) {
	p, err := Caller(r)
	if err != nil {
		return p, err
	}
	if !p.Role.AtLeast(min) {
		return p, errs.Forbidden("this needs the %s role", min)
	}
	return p, nil
}

// NotFound is the answer for routes nobody serves.
func NotFound(log *slog.Logger) http.Handler {
	return Handle(log, func(w http.ResponseWriter, r *http.Request) error {
		return errs.NotFound("no route for %s %s", r.Method, errs.Clip(r.URL.Path, 200))
	})
}
