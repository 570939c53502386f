package main

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cloudlens/cloudlens/shared/app"
	cljob "github.com/cloudlens/cloudlens/shared/job"
)

// TestMetrics: /metrics serves requests by function, route pattern and status with latency
// histograms, job runs with items and durations, database pool and cache figures; to loopback
// clients only, or to holders of CLOUDLENS_METRICS_TOKEN when one is set.
func TestMetrics(t *testing.T) {
	dir := t.TempDir()
	_, d := startLocal(t, map[string]string{"CLOUDLENS_DATA_DIR": filepath.Join(dir, "data"), "CLOUDLENS_FRONTEND_DIR": dir})
	m, err := LoadManifest(filepath.Join("..", "..", "s.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if _, err := app.EnsureAdmin(ctx, d); err != nil {
		t.Fatal(err)
	}
	r, err := newRunner(ctx, d, m)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(r.handler())
	defer srv.Close()
	get := func(path, token string) (int, string) {
		req, _ := http.NewRequest(http.MethodGet, srv.URL+path, nil)
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	// Two ids on one route pattern, and one request only the catch-all takes.
	for _, p := range []string{"/api/v1/budgets/1", "/api/v1/budgets/2", "/api/v1/nothing"} {
		if code, _ := get(p, ""); code/100 != 4 {
			t.Fatalf("%s: %d", p, code)
		}
	}
	if _, err := d.Jobs().Execute(ctx, "metricsjob", cljob.TriggerManual, 0, func(ctx context.Context, items func(int64)) (string, error) {
		items(7)
		return "done", nil
	}); err != nil {
		t.Fatal(err)
	}

	code, body := get("/metrics", "")
	if code != http.StatusOK {
		t.Fatalf("/metrics: %d %s", code, body)
	}
	for _, want := range []string{
		`cloudlens_http_requests_total{function="cloudlens-budgets",method="GET",route="GET /api/v1/budgets/{id}",status="401"} 2`,
		`cloudlens_http_request_duration_seconds_bucket{function="cloudlens-budgets",method="GET",route="GET /api/v1/budgets/{id}",status="401",le="+Inf"} 2`,
		`cloudlens_http_requests_total{function="",method="GET",route="/api/",status="404"} 1`,
		`cloudlens_job_runs_total{job="metricsjob",status="succeeded"} 1`,
		`cloudlens_job_items_total{job="metricsjob"} 7`,
		`cloudlens_job_run_duration_seconds_count{job="metricsjob",status="succeeded"} 1`,
		`go_sql_in_use_connections{db_name="cloudlens"}`,
		"cloudlens_cache_hits_total",
		"go_goroutines",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
	if strings.Contains(body, "/api/v1/budgets/1") {
		t.Error("a raw path (with its id) became a label; patterns only")
	}

	// From another host without a token: refused. With a token configured: only with it.
	rec := httptest.NewRecorder()
	req := httptest.NewRequest(http.MethodGet, "/metrics", nil)
	req.RemoteAddr = "192.0.2.7:4000"
	r.handler().ServeHTTP(rec, req)
	if rec.Code != http.StatusForbidden {
		t.Errorf("from another host: %d, want 403", rec.Code)
	}
	d.Config.MetricsToken = "scrape-token-0123456789"
	if code, _ := get("/metrics", ""); code != http.StatusUnauthorized {
		t.Errorf("token configured, none sent: %d, want 401", code)
	}
	if code, _ := get("/metrics", "wrong"); code != http.StatusUnauthorized {
		t.Errorf("wrong token: %d, want 401", code)
	}
	if code, _ := get("/metrics", d.Config.MetricsToken); code != http.StatusOK {
		t.Errorf("right token: %d, want 200", code)
	}
}
