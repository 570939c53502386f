package httpx

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/cloudlens/cloudlens/shared/errs"
)

func TestDecode(t *testing.T) {
	type body struct {
		Name string `json:"name"`
		N    int    `json:"n"`
	}
	tests := []struct {
		name, contentType, in string
		limit                 int64
		wantErr               string // substring of the user-facing message; "" = success
	}{
		{"ok", "application/json", `{"name":"a","n":1}`, 1024, ""},
		{"no content type is accepted", "", `{"name":"a"}`, 1024, ""},
		{"form body", "application/x-www-form-urlencoded", `name=a`, 1024, "Content-Type must be application/json"},
		{"empty", "application/json", ``, 1024, "request body is empty"},
		{"malformed", "application/json", `{"name":`, 1024, "malformed JSON"},
		{"syntax", "application/json", `{"name" "a"}`, 1024, "malformed JSON at byte"},
		{"unknown field", "application/json", `{"name":"a","admin":true}`, 1024, `unknown field "admin"`},
		{"wrong type", "application/json", `{"n":"x"}`, 1024, `n: must be number`},
		{"trailing data", "application/json", `{"name":"a"}{"name":"b"}`, 1024, "single JSON object"},
		{"oversize", "application/json", `{"name":"` + strings.Repeat("a", 100) + `"}`, 32, "larger than 32 bytes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got error
			h := BodyLimit(slog.New(slog.NewTextHandler(io.Discard, nil)), tt.limit)(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				var b body
				got = Decode(r, &b)
			}))
			req := httptest.NewRequest("POST", "/", strings.NewReader(tt.in))
			req.ContentLength = -1 // stream it, so the limit is hit while decoding
			if tt.contentType != "" {
				req.Header.Set("Content-Type", tt.contentType)
			}
			h.ServeHTTP(httptest.NewRecorder(), req)
			if tt.wantErr == "" {
				if got != nil {
					t.Fatalf("unexpected error %v", got)
				}
				return
			}
			if errs.KindOf(got) != errs.KindInvalid || !strings.Contains(errs.Message(got), tt.wantErr) {
				t.Fatalf("got %v (%s), want invalid %q", got, errs.KindOf(got), tt.wantErr)
			}
		})
	}
}

func TestErrorStatusAndSafeMessage(t *testing.T) {
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	tests := []struct {
		err    error
		status int
		code   string
		body   string
	}{
		{errs.Invalid("bad start date"), 400, "invalid", "bad start date"},
		{errs.NotFound("no such account"), 404, "not_found", "no such account"},
		{errs.Wrap(errs.KindUnavailable, io.ErrUnexpectedEOF, "db down at 10.0.0.5"), 503, "unavailable", "temporarily unavailable"},
		{io.ErrClosedPipe, 500, "internal", "internal error"},
	}
	for _, tt := range tests {
		w := httptest.NewRecorder()
		Error(log, w, httptest.NewRequest("GET", "/", nil), tt.err)
		b := w.Body.String()
		if w.Code != tt.status || !strings.Contains(b, `"code":"`+tt.code+`"`) || !strings.Contains(b, tt.body) {
			t.Errorf("%v: %d %s", tt.err, w.Code, b)
		}
		if strings.Contains(b, "10.0.0.5") || strings.Contains(b, "pipe") {
			t.Errorf("%v: internal detail in body %s", tt.err, b)
		}
	}
}

func TestTokenAndCORS(t *testing.T) {
	for _, tt := range []struct {
		headers map[string]string
		want    string
	}{
		{map[string]string{"Authorization": "Bearer abc"}, "abc"},
		{map[string]string{"Authorization": "bearer  abc "}, "abc"},
		{map[string]string{"Authorization": "Basic abc"}, ""},
		{map[string]string{"Authorization": "Bearer gateway-overwrote-this", "X-CloudLens-Token": "mine"}, "mine"},
	} {
		r := httptest.NewRequest("GET", "/", nil)
		for k, v := range tt.headers {
			r.Header.Set(k, v)
		}
		if got := Token(r); got != tt.want {
			t.Errorf("Token(%v) = %q, want %q", tt.headers, got, tt.want)
		}
	}

	h := CORS([]string{"https://app.example.com"})(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	for _, tt := range []struct {
		origin string
		allow  string
	}{{"https://app.example.com", "https://app.example.com"}, {"https://evil.example.com", ""}} {
		r := httptest.NewRequest("OPTIONS", "/api/v1/costs/overview", nil)
		r.Header.Set("Origin", tt.origin)
		r.Header.Set("Access-Control-Request-Method", "GET")
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		if w.Code != 204 || w.Header().Get("Access-Control-Allow-Origin") != tt.allow {
			t.Errorf("preflight from %s: %d allow %q", tt.origin, w.Code, w.Header().Get("Access-Control-Allow-Origin"))
		}
	}
}
