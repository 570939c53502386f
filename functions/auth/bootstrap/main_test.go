package main

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/cloudlens/cloudlens/shared/cache"
	"github.com/cloudlens/cloudlens/shared/fcx/fcxtest"
	"github.com/cloudlens/cloudlens/shared/store/storetest"
)

// TestBuiltFunction builds the real cloudlens-auth binary and runs it the way Function
// Compute does: FC_CUSTOM_LISTEN_PORT, the initializer, plain HTTP and an API Gateway event
// on /invoke, then SIGTERM. Each request is logged exactly once, as JSON with its request_id
// and one function key.
func TestBuiltFunction(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a binary")
	}
	dsn := storetest.MySQLDatabase(t)
	redisAddr := os.Getenv("CLOUDLENS_TEST_REDIS_ADDR")
	if redisAddr == "" {
		addr, stop, err := cache.StartEmbedded()
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(stop)
		redisAddr = addr
	}
	bin := fcxtest.Build(t, ".")
	// A fresh e-mail each run: sign-in attempts are rate-limited per e-mail in Redis, which
	// CI shares between runs.
	admin := "root-" + strconv.FormatInt(time.Now().UnixNano(), 36) + "@example.com"

	t.Run("refuses to start without configuration, naming every problem", func(t *testing.T) {
		cmd := exec.Command(bin)
		cmd.Env = []string{"PATH=" + os.Getenv("PATH")}
		out, err := cmd.CombinedOutput()
		if err == nil {
			t.Fatal("started without configuration")
		}
		for _, v := range []string{"CLOUDLENS_MYSQL_DSN", "CLOUDLENS_REDIS_ADDR", "CLOUDLENS_SECRET_KEY", "CLOUDLENS_JWT_SECRET"} {
			if !strings.Contains(string(out), v) {
				t.Errorf("output does not name %s:\n%s", v, out)
			}
		}
	})

	p := fcxtest.Start(t, bin,
		"CLOUDLENS_MYSQL_DSN="+dsn,
		"CLOUDLENS_REDIS_ADDR="+redisAddr,
		"CLOUDLENS_SECRET_KEY=AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=",
		"CLOUDLENS_JWT_SECRET=0123456789abcdef0123456789abcdef",
		"CLOUDLENS_ADMIN_EMAIL="+admin,
		"CLOUDLENS_ADMIN_PASSWORD=first-admin-password",
	)
	base := p.URL

	if r := post(t, base+"/initialize", "", nil); r.StatusCode != 200 {
		t.Fatalf("initialize: %d", r.StatusCode)
	}
	login := `{"email":"` + admin + `","password":"first-admin-password"}`
	r := post(t, base+"/api/v1/auth/login", login, map[string]string{"Content-Type": "application/json", "x-fc-request-id": "req-1"})
	if r.StatusCode != 200 || r.Header.Get("X-Request-Id") != "req-1" {
		t.Fatalf("HTTP login: %d request id %q", r.StatusCode, r.Header.Get("X-Request-Id"))
	}
	p.CheckOneAccessLine(t, "req-1")

	// The same login as an API Gateway event.
	ev, _ := json.Marshal(map[string]any{
		"path": "/api/v1/auth/login", "httpMethod": "POST", "body": login, "isBase64Encoded": false,
		"headers": map[string]string{"Content-Type": "application/json"}, "queryParameters": map[string]string{}, "pathParameters": map[string]string{},
	})
	r = post(t, base+"/invoke", string(ev), map[string]string{"x-fc-control-path": "/invoke", "x-fc-request-id": "req-gw-1"})
	var out struct {
		StatusCode int               `json:"statusCode"`
		Headers    map[string]string `json:"headers"`
		Body       string            `json:"body"`
	}
	b, _ := io.ReadAll(r.Body)
	if err := json.Unmarshal(b, &out); err != nil || r.StatusCode != 200 || out.StatusCode != 200 || !strings.Contains(out.Body, "accessToken") {
		t.Fatalf("API Gateway login: %d %s", r.StatusCode, b)
	}
	p.CheckOneAccessLine(t, "req-gw-1")
	// A wrong password through the event path keeps its status.
	ev = bytes.Replace(ev, []byte("first-admin-password"), []byte("wrong-password-xx"), 1)
	r = post(t, base+"/invoke", string(ev), map[string]string{"x-fc-control-path": "/invoke"})
	b, _ = io.ReadAll(r.Body)
	if err := json.Unmarshal(b, &out); err != nil || out.StatusCode != 401 {
		t.Fatalf("API Gateway wrong password: %s", b)
	}

	if err := p.Cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-p.Exited:
		if err != nil {
			t.Fatalf("exit after SIGTERM: %v", err)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("did not stop after SIGTERM")
	}
}

func post(t *testing.T, url, body string, headers map[string]string) *http.Response {
	t.Helper()
	req, _ := http.NewRequest("POST", url, strings.NewReader(body))
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	r, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Body.Close() })
	return r
}
