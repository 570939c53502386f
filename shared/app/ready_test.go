package app_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/cloudlens/cloudlens/shared/app/apptest"
	"github.com/cloudlens/cloudlens/shared/fcx"
	"github.com/cloudlens/cloudlens/shared/store/storetest"
)

// TestReadiness: /health stays liveness (200 while the database is down, so FC keeps the
// instance), /health?ready=1 checks MySQL and Redis and names what is down with a 503.
func TestReadiness(t *testing.T) {
	s := storetest.SQLite(t)
	d := apptest.Deps(t, s)
	h := fcx.Mux(fcx.Options{Name: "cloudlens-test", Ready: d.Ready})
	get := func(path string) (int, map[string]any) {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
		var body map[string]any
		if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
			t.Fatalf("%s: %v: %s", path, err, rec.Body)
		}
		return rec.Code, body
	}
	tests := []struct {
		name, path string
		closeDB    bool
		code       int
		status     string
		down       string
	}{
		{"liveness", "/health", false, 200, "ok", ""},
		{"ready", "/health?ready=1", false, 200, "ready", ""},
		{"liveness with the database down", "/health", true, 200, "ok", ""},
		{"readiness with the database down", "/health?ready=1", true, 503, "unavailable", "mysql"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.closeDB {
				_ = s.Close()
			}
			code, body := get(tt.path)
			if code != tt.code || body["status"] != tt.status {
				t.Fatalf("%d %v, want %d %s", code, body, tt.code, tt.status)
			}
			if tt.down != "" {
				down, _ := body["down"].(map[string]any)
				if _, ok := down[tt.down]; !ok || len(down) != 1 {
					t.Errorf("down = %v, want only %s", body["down"], tt.down)
				}
			}
		})
	}
}
