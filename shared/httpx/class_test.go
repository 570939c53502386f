package httpx_test

import (
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/cloudlens/cloudlens/shared/httpx"
	"github.com/cloudlens/cloudlens/shared/logx"
)

func TestClassOf(t *testing.T) {
	tests := []struct {
		target string
		want   httpx.Class
	}{
		{"/api/v1/costs/overview", httpx.ClassAPI},
		{"/api/v1/costs/explore?groupBy=product", httpx.ClassAPI},
		{"/api/v1/costs/explore?format=json", httpx.ClassAPI},
		{"/api/v1/costs/explore?format=csv", httpx.ClassExport},
		{"/api/v1/costs/explore?groupBy=product&format=xlsx", httpx.ClassExport},
		{"/api/v1/costs/focus?start=2025-01-01", httpx.ClassExport},
		{"/api/v1/chatbot", httpx.ClassAI},
		{"/api/v1/chatbot/conversations/1/messages", httpx.ClassAI},
		{"/api/v1/ai/summary", httpx.ClassAI},
		{"/api/v1/mcp", httpx.ClassAI},
		{"/api/v1/aim", httpx.ClassAPI}, // a prefix matches whole segments only
		{"/api/v1/mcpx/y", httpx.ClassAPI},
		{"/", httpx.ClassInvocation}, // a job function's signed trigger
		{"/invoke", httpx.ClassInvocation},
	}
	for _, tt := range tests {
		t.Run(tt.target, func(t *testing.T) {
			if got := httpx.ClassOf(httptest.NewRequest(http.MethodGet, tt.target, nil)); got != tt.want {
				t.Errorf("ClassOf(%s) = %s, want %s", tt.target, got, tt.want)
			}
		})
	}
}

// TestEdgeDeadline: the Edge gives each request the deadline of its class, and a handler that
// runs into it (a stalled dependency returning ctx.Err()) answers 503, not 500.
func TestEdgeDeadline(t *testing.T) {
	dl := httpx.Deadlines{API: 50 * time.Millisecond, Export: 2 * time.Second, AI: 3 * time.Second}
	var got time.Duration
	h := httpx.Edge(httpx.Handle(logx.Discard(), func(w http.ResponseWriter, r *http.Request) error {
		d, ok := r.Context().Deadline()
		if !ok {
			return errors.New("no deadline")
		}
		got = time.Until(d)
		if r.URL.Query().Get("wait") == "" {
			return httpx.OK(w, nil)
		}
		<-r.Context().Done()
		return fmt.Errorf("store: list: %w", r.Context().Err())
	}), httpx.EdgeOptions{Log: logx.Discard(), Deadlines: dl})

	for _, tt := range []struct {
		target string
		max    time.Duration
		status int
	}{
		{"/api/v1/costs/overview", dl.API, 200},
		{"/api/v1/costs/explore?format=csv", dl.Export, 200},
		{"/api/v1/chatbot", dl.AI, 200},
		{"/api/v1/costs/overview?wait=1", dl.API, 503},
	} {
		rec := httptest.NewRecorder()
		start := time.Now()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, tt.target, nil))
		if rec.Code != tt.status {
			t.Errorf("%s: %d %s, want %d", tt.target, rec.Code, rec.Body, tt.status)
		}
		if got > tt.max || got < tt.max-time.Second/2 && tt.max > time.Second {
			t.Errorf("%s: deadline in %s, want about %s", tt.target, got, tt.max)
		}
		if tt.status == 503 && time.Since(start) > time.Second {
			t.Errorf("%s: answered after %s", tt.target, time.Since(start))
		}
	}
	// A job function's signed invocation (POST /) runs a whole sync: no request deadline.
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/", nil))
	if rec.Code != http.StatusInternalServerError || !strings.Contains(rec.Body.String(), "internal") {
		t.Errorf("invocation: %d %s, want the handler's no-deadline error", rec.Code, rec.Body)
	}
	if d := (httpx.Deadlines{}); d.For(httpx.ClassAPI) != httpx.DefaultAPIDeadline || d.For(httpx.ClassExport) != httpx.DefaultExportDeadline {
		t.Errorf("zero Deadlines do not give the defaults")
	}
}
