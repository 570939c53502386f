// Package fcxtest builds a function binary and runs it the way Function Compute does (port
// from FC_CUSTOM_LISTEN_PORT, healthy once /health answers), for tests of real processes.
package fcxtest

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// Build compiles the main package pkg (a path as `go build` takes it) into a static binary
// named bootstrap in a temporary directory, as `make build` does for deployment.
func Build(t testing.TB, pkg string) string {
	t.Helper()
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Fatalf("fcxtest: go toolchain not on PATH: %v", err)
	}
	bin := filepath.Join(t.TempDir(), "bootstrap")
	cmd := exec.Command(goBin, "build", "-o", bin, pkg)
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("fcxtest: go build %s: %v\n%s", pkg, err, out)
	}
	return bin
}

// Process is a started function.
type Process struct {
	URL    string          // http://127.0.0.1:<port>
	Cmd    *exec.Cmd       //
	Exited <-chan error    // receives the exit status once
	Lines  <-chan string   // stderr, line by line (closed at exit)
	mu     sync.Mutex      //
	log    strings.Builder // everything written to stderr, for failure reports
}

// Log is what the process wrote to stderr so far.
func (p *Process) Log() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.log.String()
}

// Start runs bin with env added to the environment and FC_CUSTOM_LISTEN_PORT set to a free
// port, and waits until /health answers 200. The process is killed when the test ends, and
// its log is printed if the test failed.
func Start(t testing.TB, bin string, env ...string) *Process {
	t.Helper()
	port := FreePort(t)
	cmd := exec.Command(bin)
	cmd.Env = append(append(os.Environ(), env...), "FC_CUSTOM_LISTEN_PORT="+port)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	lines := make(chan string, 10000)
	p := &Process{URL: "http://127.0.0.1:" + port, Cmd: cmd, Exited: exited, Lines: lines}
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			p.mu.Lock()
			p.log.WriteString(sc.Text() + "\n")
			p.mu.Unlock()
			select {
			case lines <- sc.Text():
			default: // nobody reads the lines; the log keeps them
			}
		}
		close(lines)
		exited <- cmd.Wait()
	}()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		if t.Failed() {
			t.Logf("function log:\n%s", p.Log())
		}
	})
	p.waitHealthy(t, exited)
	return p
}

// waitHealthy polls /health until it answers 200. The deadline only guards against a hang;
// start-up speed is measured by scripts/coldstart, not asserted here.
func (p *Process) waitHealthy(t testing.TB, exited <-chan error) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case err := <-exited:
			t.Fatalf("fcxtest: function exited before it was healthy: %v\n%s", err, p.Log())
		default:
		}
		resp, err := http.Get(p.URL + "/health")
		if err == nil {
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode == 200 {
				if string(b) != "{\"status\":\"ok\"}\n" {
					t.Fatalf("fcxtest: health body = %q", b)
				}
				return
			}
		} else if !errors.Is(err, syscall.ECONNREFUSED) {
			t.Logf("fcxtest: health: %v", err)
		}
		time.Sleep(5 * time.Millisecond)
	}
	t.Fatal("fcxtest: function never became healthy")
}

// FreePort returns a TCP port on loopback that nothing listens on right now.
func FreePort(t testing.TB) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return fmt.Sprint(ln.Addr().(*net.TCPAddr).Port)
}

// CheckOneAccessLine asserts that the process logged exactly one access line ("msg":"request")
// for the request with id, as a JSON object holding request_id and function once each. It
// waits briefly for the line, then a little longer so that a second line would be seen too.
func (p *Process) CheckOneAccessLine(t testing.TB, id string) {
	t.Helper()
	var lines []string
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		if lines = p.accessLines(t, id); len(lines) > 0 {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	time.Sleep(200 * time.Millisecond)
	lines = p.accessLines(t, id)
	if len(lines) != 1 {
		t.Fatalf("fcxtest: %d access lines for request %s, want 1:\n%s", len(lines), id, strings.Join(lines, "\n"))
	}
	keys, err := JSONKeys(lines[0])
	if err != nil {
		t.Fatalf("fcxtest: access line is not a JSON object: %v\n%s", err, lines[0])
	}
	for _, k := range []string{"request_id", "function", "method", "path", "status"} {
		if keys[k] != 1 {
			t.Errorf("fcxtest: access line has %q %d times, want once:\n%s", k, keys[k], lines[0])
		}
	}
}

// accessLines are the lines of the log that are access lines of request id.
func (p *Process) accessLines(t testing.TB, id string) []string {
	var out []string
	for _, line := range strings.Split(p.Log(), "\n") {
		var rec struct {
			Msg       string `json:"msg"`
			RequestID string `json:"request_id"`
		}
		if json.Unmarshal([]byte(line), &rec) == nil && rec.Msg == "request" && rec.RequestID == id {
			out = append(out, line)
		} else if !strings.HasPrefix(line, "{") && strings.Contains(line, id) {
			t.Errorf("fcxtest: a line about request %s is not JSON: %s", id, line)
		}
	}
	return out
}

// JSONKeys counts the top-level keys of a JSON object, duplicates included (decoding into a
// map would keep only the last of a key written twice).
func JSONKeys(line string) (map[string]int, error) {
	dec := json.NewDecoder(strings.NewReader(line))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return nil, fmt.Errorf("not an object")
	}
	keys := map[string]int{}
	for dec.More() {
		k, err := dec.Token()
		if err != nil {
			return nil, err
		}
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			return nil, err
		}
		keys[k.(string)]++
	}
	return keys, nil
}
