package main

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
)

// TestWebAppHeaders: every answer of the web app (a page, config.json, a hashed asset, the
// 404 page) carries the security headers.
func TestWebAppHeaders(t *testing.T) {
	dir := t.TempDir()
	for name, body := range map[string]string{
		"index.html": "<html></html>", "404.html": "<html>404</html>", "config.json": `{"apiBase":""}`,
		"_next/static/chunks/app.js": "console.log(1)",
	} {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	h := frontend(dir)
	for _, tt := range []struct {
		path string
		code int
	}{{"/", 200}, {"/config.json", 200}, {"/_next/static/chunks/app.js", 200}, {"/no/such/page", 404}} {
		t.Run(tt.path, func(t *testing.T) {
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, tt.path, nil))
			if rec.Code != tt.code {
				t.Fatalf("status %d, want %d", rec.Code, tt.code)
			}
			for k, want := range map[string]string{"Content-Security-Policy": contentSecurityPolicy, "X-Frame-Options": "DENY",
				"X-Content-Type-Options": "nosniff", "Referrer-Policy": "strict-origin-when-cross-origin"} {
				if got := rec.Header().Get(k); got != want {
					t.Errorf("%s = %q, want %q", k, got, want)
				}
			}
		})
	}
}
