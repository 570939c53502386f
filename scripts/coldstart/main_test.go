package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestPercentile(t *testing.T) {
	samples := make([]time.Duration, 20)
	for i := range samples {
		samples[i] = time.Duration(i+1) * time.Millisecond
	}
	r := result{samples: samples}
	tests := []struct {
		p    int
		want time.Duration
	}{
		{50, 10 * time.Millisecond},
		{95, 19 * time.Millisecond},
		{100, 20 * time.Millisecond},
		{1, 1 * time.Millisecond},
	}
	for _, tc := range tests {
		if got := r.percentile(tc.p); got != tc.want {
			t.Errorf("p%d = %s, want %s", tc.p, got, tc.want)
		}
	}
	one := result{samples: []time.Duration{7 * time.Millisecond}}
	if got := one.percentile(95); got != 7*time.Millisecond {
		t.Errorf("p95 of one sample = %s", got)
	}
}

// TestMeasuresBuiltFunction runs the tool on a dist folder holding the fcx test function,
// a directory that is not a function, and a function that cannot start.
func TestMeasuresBuiltFunction(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs a binary")
	}
	dist := t.TempDir()
	fnDir := filepath.Join(dist, "testfn")
	if err := os.MkdirAll(fnDir, 0o755); err != nil {
		t.Fatal(err)
	}
	build := exec.Command("go", "build", "-o", filepath.Join(fnDir, "bootstrap"), "../../shared/fcx/testdata/fn")
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	info, err := os.Stat(filepath.Join(fnDir, "bootstrap"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(dist, "assets"), 0o755); err != nil {
		t.Fatal(err)
	}

	t.Run("healthy function", func(t *testing.T) {
		var out, errOut bytes.Buffer
		code := run(context.Background(), []string{"-dist", dist, "-runs", "3"}, &out, &errOut)
		if code != 0 {
			t.Fatalf("exit %d, stderr:\n%s", code, errOut.String())
		}
		lines := strings.Split(strings.TrimSpace(out.String()), "\n")
		if len(lines) != 3 {
			t.Fatalf("table has %d lines, want header, rule and one row:\n%s", len(lines), out.String())
		}
		if lines[0] != "| function | binary (MB) | runs | p50 (ms) | p95 (ms) | max (ms) |" {
			t.Errorf("header = %q", lines[0])
		}
		cells := strings.Split(strings.Trim(lines[2], "| "), " | ")
		if len(cells) != 6 || cells[0] != "testfn" || cells[2] != "3" {
			t.Fatalf("row = %q", lines[2])
		}
		wantMB := strconv.FormatFloat(float64(info.Size())/1e6, 'f', 1, 64)
		if cells[1] != wantMB {
			t.Errorf("size = %s MB, want %s", cells[1], wantMB)
		}
		var vals [3]float64
		for i, c := range cells[3:] {
			v, err := strconv.ParseFloat(c, 64)
			if err != nil || v <= 0 {
				t.Fatalf("timing cell %q: %v", c, err)
			}
			vals[i] = v
		}
		if vals[0] > vals[1] || vals[1] > vals[2] {
			t.Errorf("want p50 <= p95 <= max, got %v", vals)
		}
	})

	t.Run("function that exits at start", func(t *testing.T) {
		broken := filepath.Join(dist, "broken")
		if err := os.MkdirAll(broken, 0o755); err != nil {
			t.Fatal(err)
		}
		script := "#!/bin/sh\necho CLOUDLENS_MYSQL_DSN is required >&2\nexit 3\n"
		if err := os.WriteFile(filepath.Join(broken, "bootstrap"), []byte(script), 0o755); err != nil {
			t.Fatal(err)
		}
		defer os.RemoveAll(broken)
		var out, errOut bytes.Buffer
		code := run(context.Background(), []string{"-dist", dist, "-runs", "2"}, &out, &errOut)
		if code != 1 {
			t.Fatalf("exit %d, want 1", code)
		}
		if !strings.Contains(errOut.String(), "broken: run 1: exited before answering /health (exit status 3): CLOUDLENS_MYSQL_DSN is required") {
			t.Errorf("stderr = %s", errOut.String())
		}
		if !strings.Contains(out.String(), "| testfn |") || strings.Contains(out.String(), "| broken |") {
			t.Errorf("table should list only testfn:\n%s", out.String())
		}
	})

	t.Run("empty dist", func(t *testing.T) {
		var out, errOut bytes.Buffer
		if code := run(context.Background(), []string{"-dist", t.TempDir()}, &out, &errOut); code != 1 {
			t.Errorf("exit %d, want 1", code)
		}
	})
}
