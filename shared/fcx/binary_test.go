package fcx_test

import (
	"fmt"
	"io"
	"net/http"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/cloudlens/cloudlens/shared/fcx/fcxtest"
)

// TestBuiltFunction builds testdata/fn the way a function is deployed (a static binary),
// runs it as FC would (port from FC_CUSTOM_LISTEN_PORT), and drives it over real HTTP.
func TestBuiltFunction(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs a binary")
	}
	bin := fcxtest.Build(t, "./testdata/fn")
	// FC_SERVER_PORT is the older variable: FC_CUSTOM_LISTEN_PORT must win over it.
	p := fcxtest.Start(t, bin, "FC_SERVER_PORT=1")
	base, cmd, logs, exited := p.URL, p.Cmd, p.Lines, p.Exited

	t.Run("plain HTTP route", func(t *testing.T) {
		req, _ := http.NewRequest("GET", base+"/hello?name=fc", nil)
		req.Header.Set("X-Fc-Request-Id", "bin-req-1")
		req.Header.Set("X-Fc-Control-Path", "/http-invoke")
		status, hdr, body := send(t, req)
		if status != 200 || body != "hello fc (request bin-req-1)" || hdr.Get("X-Request-Id") != "bin-req-1" {
			t.Errorf("got %d %q (X-Request-Id %q)", status, body, hdr.Get("X-Request-Id"))
		}
		p.CheckOneAccessLine(t, "bin-req-1")
	})

	invoke := []struct {
		name       string
		payload    string
		wantStatus int
		wantFCStat string
	}{
		{"timer event succeeds", "nightly", 200, ""},
		{"timer event whose job fails", "fail", 404, "404"},
	}
	for _, tc := range invoke {
		t.Run(tc.name, func(t *testing.T) {
			ev := fmt.Sprintf(`{"triggerTime":"2024-05-01T00:00:00Z","triggerName":"every-night","payload":%q}`, tc.payload)
			req, _ := http.NewRequest("POST", base+"/invoke", strings.NewReader(ev))
			req.Header.Set("X-Fc-Control-Path", "/invoke")
			req.Header.Set("Content-Type", "application/octet-stream")
			status, hdr, body := send(t, req)
			if status != tc.wantStatus || hdr.Get("X-Fc-Status") != tc.wantFCStat {
				t.Errorf("got %d x-fc-status %q body %s, want %d %q", status, hdr.Get("X-Fc-Status"), body, tc.wantStatus, tc.wantFCStat)
			}
		})
	}
	if line := waitLog(t, logs, `"msg":"job_ran"`); !strings.Contains(line, `"payload":"nightly"`) || !strings.Contains(line, `"trigger_name":"every-night"`) {
		t.Errorf("job log line = %s", line)
	}

	t.Run("SIGTERM lets the in-flight request finish, then exits 0", func(t *testing.T) {
		type result struct {
			status int
			body   string
			err    error
		}
		done := make(chan result, 1)
		go func() {
			resp, err := http.Get(base + "/slow")
			if err != nil {
				done <- result{err: err}
				return
			}
			defer resp.Body.Close()
			b, err := io.ReadAll(resp.Body)
			done <- result{resp.StatusCode, string(b), err}
		}()
		waitLog(t, logs, `"msg":"slow_started"`)
		if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
			t.Fatal(err)
		}
		r := <-done
		if r.err != nil || r.status != 200 || r.body != "slow done" {
			t.Errorf("in-flight request: %d %q %v", r.status, r.body, r.err)
		}
		waitLog(t, logs, `"msg":"stopped"`)
		for range logs {
		}
		select {
		case err := <-exited:
			if err != nil {
				t.Errorf("exit: %v, want status 0", err)
			}
		case <-time.After(30 * time.Second):
			t.Fatal("function did not exit after SIGTERM")
		}
	})
}

func send(t *testing.T, req *http.Request) (int, http.Header, string) {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, resp.Header, string(b)
}

// waitLog reads log lines until one contains want, and returns it.
func waitLog(t *testing.T, logs <-chan string, want string) string {
	t.Helper()
	timeout := time.After(30 * time.Second)
	for {
		select {
		case line, ok := <-logs:
			if !ok {
				t.Fatalf("log ended before %s", want)
			}
			if strings.Contains(line, want) {
				return line
			}
		case <-timeout:
			t.Fatalf("no log line with %s", want)
		}
	}
}
