// Command coldstart measures each built function's cold start, from exec to its first 200 on
// /health, and prints a Markdown table for BENCHMARKS.md.
//
//	go run ./scripts/coldstart -dist dist -runs 20
//
// Every dist/<name>/bootstrap is started -runs times with a free FC_CUSTOM_LISTEN_PORT and the
// current environment (so functions find their configuration), polled about every millisecond,
// and killed once healthy.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stdout, os.Stderr))
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("coldstart", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dist := fs.String("dist", "dist", "directory holding <function>/bootstrap binaries")
	runs := fs.Int("runs", 20, "cold starts per function")
	timeout := fs.Duration("timeout", 10*time.Second, "give up on one start after this long")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *runs < 1 {
		fmt.Fprintln(stderr, "coldstart: -runs must be at least 1")
		return 2
	}
	fns, err := findFunctions(*dist)
	if err != nil {
		fmt.Fprintln(stderr, "coldstart:", err)
		return 1
	}
	if len(fns) == 0 {
		fmt.Fprintf(stderr, "coldstart: no <function>/bootstrap binaries under %s\n", *dist)
		return 1
	}
	var results []result
	failed := 0
	for _, fn := range fns {
		r, err := measure(ctx, fn, *runs, *timeout)
		if err != nil {
			fmt.Fprintf(stderr, "coldstart: %s: %v\n", fn.name, err)
			failed++
			continue
		}
		fmt.Fprintf(stderr, "coldstart: %s: %d runs, p50 %s\n", fn.name, len(r.samples), ms(r.percentile(50)))
		results = append(results, r)
	}
	writeTable(stdout, results)
	if failed > 0 {
		return 1
	}
	return 0
}

type function struct {
	name string
	path string
	size int64
}

// findFunctions lists dist/<name>/bootstrap files in name order; directories without one
// (say, a frontend build) are not functions and are skipped.
func findFunctions(dist string) ([]function, error) {
	entries, err := os.ReadDir(dist)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", dist, err)
	}
	var fns []function
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		p := filepath.Join(dist, e.Name(), "bootstrap")
		info, err := os.Stat(p)
		if errors.Is(err, os.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("stat %s: %w", p, err)
		}
		if !info.Mode().IsRegular() {
			continue
		}
		fns = append(fns, function{name: e.Name(), path: p, size: info.Size()})
	}
	return fns, nil
}

type result struct {
	function
	samples []time.Duration // sorted ascending
}

// percentile is the nearest-rank percentile: with 20 runs, p95 is the 19th fastest start.
func (r result) percentile(p int) time.Duration {
	if len(r.samples) == 0 {
		return 0
	}
	rank := (p*len(r.samples) + 99) / 100
	if rank < 1 {
		rank = 1
	}
	return r.samples[rank-1]
}

func measure(ctx context.Context, fn function, runs int, timeout time.Duration) (result, error) {
	r := result{function: fn}
	for i := range runs {
		d, err := coldStart(ctx, fn.path, timeout)
		if err != nil {
			return result{}, fmt.Errorf("run %d: %w", i+1, err)
		}
		r.samples = append(r.samples, d)
	}
	slices.Sort(r.samples)
	return r, nil
}

// coldStart starts bin once and returns the time from exec to the first 200 on /health.
func coldStart(ctx context.Context, bin string, timeout time.Duration) (time.Duration, error) {
	port, err := freePort()
	if err != nil {
		return 0, err
	}
	out := &tail{max: 4096}
	cmd := exec.Command(bin)
	cmd.Env = append(os.Environ(), "FC_CUSTOM_LISTEN_PORT="+port)
	cmd.Stdout, cmd.Stderr = out, out
	// A fresh connection per poll: a kept-alive one would hide nothing but could outlive the process.
	client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}, Timeout: time.Second}
	url := "http://127.0.0.1:" + port + "/health"

	start := time.Now()
	if err := cmd.Start(); err != nil {
		return 0, fmt.Errorf("start %s: %w", bin, err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	defer func() {
		_ = cmd.Process.Kill()
		<-exited
	}()

	deadline := start.Add(timeout)
	for {
		if ok := healthy(ctx, client, url); ok {
			return time.Since(start), nil
		}
		select {
		case err := <-exited:
			exited <- err // the deferred cleanup waits on it too
			return 0, fmt.Errorf("exited before answering /health (%v): %s", err, out.String())
		case <-ctx.Done():
			return 0, ctx.Err()
		default:
		}
		if time.Now().After(deadline) {
			return 0, fmt.Errorf("no 200 on /health within %s: %s", timeout, out.String())
		}
		time.Sleep(time.Millisecond)
	}
}

func healthy(ctx context.Context, client *http.Client, url string) bool {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return false
	}
	resp, err := client.Do(req)
	if err != nil {
		return false
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode == http.StatusOK
}

func freePort() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", fmt.Errorf("find a free port: %w", err)
	}
	defer ln.Close()
	return fmt.Sprint(ln.Addr().(*net.TCPAddr).Port), nil
}

// writeTable prints the results as Markdown. Sizes are in MB (10^6 bytes), the unit of the
// "stripped binary ≤ 25 MB" budget.
func writeTable(w io.Writer, results []result) {
	fmt.Fprintln(w, "| function | binary (MB) | runs | p50 (ms) | p95 (ms) | max (ms) |")
	fmt.Fprintln(w, "|---|---:|---:|---:|---:|---:|")
	for _, r := range results {
		fmt.Fprintf(w, "| %s | %.1f | %d | %s | %s | %s |\n", r.name, float64(r.size)/1e6, len(r.samples),
			ms(r.percentile(50)), ms(r.percentile(95)), ms(r.samples[len(r.samples)-1]))
	}
}

func ms(d time.Duration) string { return fmt.Sprintf("%.1f", float64(d.Microseconds())/1000) }

// tail keeps the last max bytes a process wrote, for the error message when it fails to start.
type tail struct {
	mu  sync.Mutex
	max int
	buf []byte
}

func (t *tail) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.buf = append(t.buf, p...)
	if len(t.buf) > t.max {
		t.buf = t.buf[len(t.buf)-t.max:]
	}
	return len(p), nil
}

func (t *tail) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return strings.TrimSpace(string(t.buf))
}
