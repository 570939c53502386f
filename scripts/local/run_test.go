package main

import (
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/cloudlens/cloudlens/shared/account"
	"github.com/cloudlens/cloudlens/shared/app"
	"github.com/cloudlens/cloudlens/shared/config"
	"github.com/cloudlens/cloudlens/shared/store"
)

// TestLocalRunnerServesLoginAndAccounts starts the local runner's handler as `make run` builds
// it (SQLite and embedded Redis in a temporary data directory, routes from the real s.yaml) and
// signs in with the generated admin login it prints.
func TestLocalRunnerServesLoginAndAccounts(t *testing.T) {
	dir := t.TempDir()
	web := filepath.Join(dir, "web")
	if err := os.MkdirAll(filepath.Join(web, "dashboard"), 0o755); err != nil {
		t.Fatal(err)
	}
	for name, body := range map[string]string{"index.html": "<html>home</html>", "dashboard/index.html": "<html>dash</html>", "404.html": "<html>missing</html>"} {
		if err := os.WriteFile(filepath.Join(web, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cfg, d := startLocal(t, map[string]string{"CLOUDLENS_DATA_DIR": filepath.Join(dir, "data"), "CLOUDLENS_FRONTEND_DIR": web})
	m, err := LoadManifest(filepath.Join("..", "..", "s.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	login, err := app.EnsureAdmin(ctx, d)
	if err != nil || !login.Created || login.Password == "" {
		t.Fatalf("admin: %+v %v", login, err)
	}
	r, err := newRunner(ctx, d, m)
	if err != nil {
		t.Fatal(err)
	}
	// The generated password is shown on the start that made it, and never again: a restart
	// names the file it is kept in instead.
	var first, second strings.Builder
	printBanner(&first, cfg, "127.0.0.1:1", login, r)
	if !strings.Contains(first.String(), login.Password) {
		t.Fatalf("first start does not show the generated password:\n%s", first.String())
	}
	again, err := app.EnsureAdmin(ctx, d)
	if err != nil || again.Password != "" || again.Created || again.Email != login.Email || again.PasswordFile == "" {
		t.Fatalf("admin after restart: %+v %v", again, err)
	}
	printBanner(&second, cfg, "127.0.0.1:1", again, r)
	if strings.Contains(second.String(), login.Password) || !strings.Contains(second.String(), again.PasswordFile) {
		t.Fatalf("restart banner:\n%s", second.String())
	}
	srv := httptest.NewServer(r.handler())
	defer srv.Close()

	get := func(path, token string) (int, string) {
		req, _ := http.NewRequest("GET", srv.URL+path, nil)
		if token != "" {
			req.Header.Set("X-CloudLens-Token", token)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var b strings.Builder
		_, _ = io.Copy(&b, resp.Body)
		return resp.StatusCode, b.String()
	}
	if code, body := get("/health", ""); code != 200 || !strings.Contains(body, `"ok"`) {
		t.Fatalf("health: %d %s", code, body)
	}
	resp, err := http.Post(srv.URL+"/api/v1/auth/login", "application/json",
		strings.NewReader(`{"email":"`+login.Email+`","password":"`+login.Password+`"}`))
	if err != nil {
		t.Fatal(err)
	}
	var tok struct{ AccessToken string }
	if err := json.NewDecoder(resp.Body).Decode(&tok); err != nil || resp.StatusCode != 200 || tok.AccessToken == "" {
		t.Fatalf("login: %d %v", resp.StatusCode, err)
	}
	resp.Body.Close()

	cases := []struct {
		path, token string
		status      int
		contains    string
	}{
		{"/api/v1/accounts", tok.AccessToken, 200, `"items":[`},
		{"/api/v1/accounts", "", 401, "unauthorized"},
		{"/api/v1/no-such-area", tok.AccessToken, 404, "not_found"},
		{"/", "", 200, "home"},
		{"/dashboard/", "", 200, "dash"},
		{"/nowhere", "", 404, "missing"},
	}
	// Text assets go out gzip-compressed to clients that ask, as from OSS behind a CDN.
	req, _ := http.NewRequest("GET", srv.URL+"/dashboard/", nil)
	req.Header.Set("Accept-Encoding", "gzip")
	gz, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	zr, err := gzip.NewReader(gz.Body)
	if err != nil || gz.Header.Get("Content-Encoding") != "gzip" {
		t.Fatalf("dashboard not gzipped: %v %v", gz.Header, err)
	}
	if b, _ := io.ReadAll(zr); string(b) != "<html>dash</html>" || gz.Header.Get("Cache-Control") != "no-cache" {
		t.Fatalf("gzipped dashboard %q, cache %q", b, gz.Header.Get("Cache-Control"))
	}
	gz.Body.Close()
	for _, c := range cases {
		if code, body := get(c.path, c.token); code != c.status || !strings.Contains(body, c.contains) {
			t.Errorf("GET %s: %d %s", c.path, code, body)
		}
	}

	// "Sync now" goes from the accounts function to cloudlens-billingsync's signed trigger in
	// this process, as on FC. The account has no secret, so the run fails at once, offline;
	// a refused signature would leave it queued.
	acc := account.Account{Name: "No secret", UID: "1000000000000009", Site: account.SiteChina,
		AuthType: account.AuthAccessKey, AccessKeyID: "LTAI-none", Status: account.StatusNew}
	if err := d.Store.CreateAccount(ctx, &acc); err != nil {
		t.Fatal(err)
	}
	req, _ = http.NewRequest("POST", fmt.Sprintf("%s/api/v1/accounts/%d/sync", srv.URL, acc.ID), nil)
	req.Header.Set("X-CloudLens-Token", tok.AccessToken)
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var queued struct{ SyncID int64 }
	if err := json.NewDecoder(resp.Body).Decode(&queued); err != nil || resp.StatusCode != 202 {
		t.Fatalf("sync now: %d %v", resp.StatusCode, err)
	}
	resp.Body.Close()
	deadline := time.Now().Add(30 * time.Second)
	for {
		run, err := d.Store.GetSyncRun(ctx, acc.ID, queued.SyncID)
		if err != nil {
			t.Fatal(err)
		}
		if run.Status == store.SyncFailed && strings.Contains(run.Error, "AccessKey secret") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("sync run never ran in billingsync: %+v", run)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestBannerNeverShowsAnOperatorPassword: a first admin created from CLOUDLENS_ADMIN_* has its
// password printed neither on the first start nor later.
func TestBannerNeverShowsAnOperatorPassword(t *testing.T) {
	const secret = "operator-chosen-secret-42"
	cfg, d := startLocal(t, map[string]string{"CLOUDLENS_DATA_DIR": t.TempDir(),
		"CLOUDLENS_ADMIN_EMAIL": "ops@example.com", "CLOUDLENS_ADMIN_PASSWORD": secret})
	ctx := context.Background()
	r := &runner{m: Manifest{}}
	for start := 1; start <= 2; start++ {
		login, err := app.EnsureAdmin(ctx, d)
		if err != nil || login.Email != "ops@example.com" || login.Created != (start == 1) {
			t.Fatalf("start %d: %+v %v", start, login, err)
		}
		var b strings.Builder
		printBanner(&b, cfg, "127.0.0.1:1", login, r)
		if strings.Contains(b.String(), secret) || !strings.Contains(b.String(), "ops@example.com") {
			t.Fatalf("start %d banner:\n%s", start, b.String())
		}
	}
}

// startLocal builds and migrates the local runner's dependencies from env (demo data and timers
// off), as `make run` does, closing them when the test ends.
func startLocal(t *testing.T, env map[string]string) (config.Config, *app.Deps) {
	t.Helper()
	env["CLOUDLENS_DEMO"], env["CLOUDLENS_DISABLE_TIMERS"] = "false", "true"
	cfg, err := config.Load(config.ModeLocal, func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	d, err := app.Build(ctx, cfg, config.NewLogger(cfg, "test"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(d.Close)
	if err := d.Store.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	return cfg, d
}
