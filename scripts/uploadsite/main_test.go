package main

import (
	"bytes"
	"context"
	"fmt"
	"hash/crc64"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// received is one object as the fake OSS server got it.
type received struct {
	contentType, cacheControl, auth, token string
	body                                   []byte
}

// fakeOSS speaks the part of the OSS REST protocol PutObject uses, path-style
// (PUT /<bucket>/<key>), and answers with the CRC-64 header the SDK verifies.
type fakeOSS struct {
	bucket string
	failOn string // keys containing this are refused with 403 AccessDenied

	mu   sync.Mutex
	objs map[string]received
}

func (f *fakeOSS) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	key, ok := strings.CutPrefix(r.URL.Path, "/"+f.bucket+"/")
	if r.Method != http.MethodPut || !ok || key == "" {
		http.Error(w, "unexpected "+r.Method+" "+r.URL.Path, http.StatusBadRequest)
		return
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	if f.failOn != "" && strings.Contains(key, f.failOn) {
		w.Header().Set("Content-Type", "application/xml")
		w.WriteHeader(http.StatusForbidden)
		fmt.Fprint(w, `<?xml version="1.0" encoding="UTF-8"?><Error><Code>AccessDenied</Code><Message>You have no right to access this object.</Message><RequestId>5C3D9175B6FC201293AD4890</RequestId></Error>`)
		return
	}
	f.mu.Lock()
	f.objs[key] = received{
		contentType: r.Header.Get("Content-Type"), cacheControl: r.Header.Get("Cache-Control"),
		auth: r.Header.Get("Authorization"), token: r.Header.Get("X-Oss-Security-Token"), body: body,
	}
	f.mu.Unlock()
	w.Header().Set("ETag", `"D41D8CD98F00B204E9800998ECF8427E"`)
	w.Header().Set("X-Oss-Hash-Crc64ecma", fmt.Sprint(crc64.Checksum(body, crc64.MakeTable(crc64.ECMA))))
	w.WriteHeader(http.StatusOK)
}

var woff2 = []byte{'w', 'O', 'F', '2', 0x00, 0x01, 0x00, 0x00, 0xff, 0xd8}

// fixture is a small export shaped like frontend/out.
var fixture = map[string][]byte{
	"index.html":                            []byte("<!DOCTYPE html><html>home</html>"),
	"config.json":                           []byte(`{"apiBaseUrl":"/api/v1"}`),
	"costs/index.html":                      []byte("<html>costs</html>"),
	"costs/index.txt":                       []byte("0:[\"rsc payload\"]"),
	"_next/static/chunks/app-3f9a1c.js":     []byte("console.log('app')"),
	"_next/static/css/site-77aa01.css":      []byte("body{margin:0}"),
	"_next/static/media/inter-4c2f.woff2":   woff2,
	"_next/static/chunks/app-3f9a1c.js.map": []byte(`{"version":3}`),
	"favicon.ico":                           {0x00, 0x00, 0x01, 0x00},
	"logo.svg":                              []byte("<svg/>"),
	"robots.txt":                            []byte("User-agent: *"),
	"data/export.bin":                       {0x01, 0x02},
	".DS_Store":                             []byte("finder junk"),
}

func writeFixture(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	for rel, b := range fixture {
		p := filepath.Join(dir, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestUploadToOSS(t *testing.T) {
	dir := writeFixture(t)
	fake := &fakeOSS{bucket: "cloudlens-web", objs: map[string]received{}}
	srv := httptest.NewServer(fake)
	defer srv.Close()

	var out, errOut bytes.Buffer
	code := run(context.Background(),
		[]string{"-dir", dir, "-prefix", "/console/", "-parallel", "3"},
		env(map[string]string{
			"CLOUDLENS_OSS_BUCKET": "cloudlens-web", "CLOUDLENS_OSS_ENDPOINT": srv.URL,
			"ALIBABA_CLOUD_ACCESS_KEY_ID": "LTAItestid", "ALIBABA_CLOUD_ACCESS_KEY_SECRET": "testsecret",
			"ALIBABA_CLOUD_SECURITY_TOKEN": "sts-token-1",
		}),
		&out, &errOut)
	if code != 0 {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", code, out.String(), errOut.String())
	}

	tests := []struct {
		key, contentType, cacheControl, file string
	}{
		{"console/index.html", "text/html; charset=utf-8", "no-cache", "index.html"},
		{"console/config.json", "application/json", "no-cache", "config.json"},
		{"console/costs/index.html", "text/html; charset=utf-8", "no-cache", "costs/index.html"},
		{"console/costs/index.txt", "text/plain; charset=utf-8", "public, max-age=300", "costs/index.txt"},
		{"console/_next/static/chunks/app-3f9a1c.js", "text/javascript; charset=utf-8", "public, max-age=31536000, immutable", "_next/static/chunks/app-3f9a1c.js"},
		{"console/_next/static/css/site-77aa01.css", "text/css; charset=utf-8", "public, max-age=31536000, immutable", "_next/static/css/site-77aa01.css"},
		{"console/_next/static/media/inter-4c2f.woff2", "font/woff2", "public, max-age=31536000, immutable", "_next/static/media/inter-4c2f.woff2"},
		{"console/_next/static/chunks/app-3f9a1c.js.map", "application/json", "public, max-age=31536000, immutable", "_next/static/chunks/app-3f9a1c.js.map"},
		{"console/favicon.ico", "image/x-icon", "public, max-age=300", "favicon.ico"},
		{"console/logo.svg", "image/svg+xml", "public, max-age=300", "logo.svg"},
		{"console/robots.txt", "text/plain; charset=utf-8", "public, max-age=300", "robots.txt"},
		{"console/data/export.bin", "application/octet-stream", "public, max-age=300", "data/export.bin"},
	}
	fake.mu.Lock()
	defer fake.mu.Unlock()
	if len(fake.objs) != len(tests) {
		keys := make([]string, 0, len(fake.objs))
		for k := range fake.objs {
			keys = append(keys, k)
		}
		t.Errorf("server received %d objects, want %d: %q", len(fake.objs), len(tests), keys)
	}
	for _, tc := range tests {
		t.Run(tc.key, func(t *testing.T) {
			got, ok := fake.objs[tc.key]
			if !ok {
				t.Fatalf("object %s not uploaded", tc.key)
			}
			if got.contentType != tc.contentType || got.cacheControl != tc.cacheControl {
				t.Errorf("Content-Type %q Cache-Control %q, want %q %q", got.contentType, got.cacheControl, tc.contentType, tc.cacheControl)
			}
			if !bytes.Equal(got.body, fixture[tc.file]) {
				t.Errorf("body = %q, want %q", got.body, fixture[tc.file])
			}
			if !strings.HasPrefix(got.auth, "OSS LTAItestid:") || got.token != "sts-token-1" {
				t.Errorf("Authorization %q, security token %q", got.auth, got.token)
			}
		})
	}
	if !strings.Contains(out.String(), "[12/12] ok ") ||
		!strings.Contains(out.String(), "uploaded 12 of 12 files (") || !strings.Contains(out.String(), "to oss://cloudlens-web/console in ") {
		t.Errorf("progress and summary missing:\n%s", out.String())
	}
}

func TestUploadReportsEveryFailure(t *testing.T) {
	dir := writeFixture(t)
	fake := &fakeOSS{bucket: "cloudlens-web", failOn: "index", objs: map[string]received{}}
	srv := httptest.NewServer(fake)
	defer srv.Close()

	var out, errOut bytes.Buffer
	code := run(context.Background(),
		[]string{"-dir", dir, "-bucket", "cloudlens-web", "-endpoint", srv.URL},
		env(map[string]string{"ALIBABA_CLOUD_ACCESS_KEY_ID": "id", "ALIBABA_CLOUD_ACCESS_KEY_SECRET": "secret"}),
		&out, &errOut)
	if code != 1 {
		t.Fatalf("exit %d, want 1", code)
	}
	stderr := errOut.String()
	for _, key := range []string{"costs/index.html", "costs/index.txt", "index.html"} {
		if !strings.Contains(stderr, "  "+key+": put: ") || !strings.Contains(stderr, "AccessDenied") {
			t.Errorf("stderr does not name %s with its cause:\n%s", key, stderr)
		}
	}
	if !strings.Contains(stderr, "uploadsite: 3 files failed:") || !strings.Contains(out.String(), "uploaded 9 of 12 files") {
		t.Errorf("summary wrong:\nstdout %s\nstderr %s", out.String(), stderr)
	}
	fake.mu.Lock()
	defer fake.mu.Unlock()
	if len(fake.objs) != 9 {
		t.Errorf("server stored %d objects, want 9", len(fake.objs))
	}
}

func TestDryRun(t *testing.T) {
	dir := writeFixture(t)
	var out, errOut bytes.Buffer
	if code := run(context.Background(), []string{"-dir", dir, "-dry-run"}, env(nil), &out, &errOut); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut.String())
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 13 {
		t.Fatalf("got %d lines, want 12 files and a summary:\n%s", len(lines), out.String())
	}
	if lines[0] != "_next/static/chunks/app-3f9a1c.js\t18\ttext/javascript; charset=utf-8\tpublic, max-age=31536000, immutable" {
		t.Errorf("first line = %q", lines[0])
	}
	if lines[12] != "dry run: 12 files, 171 bytes, nothing uploaded" {
		t.Errorf("summary = %q", lines[12])
	}
}

func TestConfigProblemsReportedTogether(t *testing.T) {
	var out, errOut bytes.Buffer
	code := run(context.Background(), []string{"-parallel", "0"}, env(nil), &out, &errOut)
	want := "uploadsite: -parallel must be at least 1; -bucket or CLOUDLENS_OSS_BUCKET is required; " +
		"-endpoint or CLOUDLENS_OSS_ENDPOINT is required; ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET are required\n"
	if code != 2 || errOut.String() != want {
		t.Errorf("exit %d stderr %q, want 2 %q", code, errOut.String(), want)
	}
}

func TestCacheControl(t *testing.T) {
	tests := []struct{ rel, want string }{
		{"_next/static/chunks/main-abc.js", cacheImmutable},
		{"_next/static/x/page.html", cacheImmutable},
		{"index.html", cacheNone},
		{"docs/INDEX.HTML", cacheNone},
		{"config.json", cacheNone},
		{"settings/config.json", cacheNone},
		{"manifest.json", cacheShort},
		{"_next/data.json", cacheShort},
		{"favicon.ico", cacheShort},
	}
	for _, tc := range tests {
		if got := cacheControl(tc.rel); got != tc.want {
			t.Errorf("cacheControl(%q) = %q, want %q", tc.rel, got, tc.want)
		}
	}
}

// TestCDNHeaders: -cdn-headers prints the security headers OSS cannot keep, for the CDN's
// response-header rules, with the API's origin allowed to be fetched when config.json puts the
// API on another domain; it needs no credentials and uploads nothing.
func TestCDNHeaders(t *testing.T) {
	for _, tt := range []struct {
		name, config, connect string
	}{
		{"same origin", `{"apiBase": ""}`, "connect-src 'self';"},
		{"API on another domain", `{"apiBase": "https://api.example.com/cloudlens"}`, "connect-src 'self' https://api.example.com;"},
		{"no config.json", "", "connect-src 'self';"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			if tt.config != "" {
				if err := os.WriteFile(filepath.Join(dir, "config.json"), []byte(tt.config), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			var out, errOut bytes.Buffer
			if code := run(context.Background(), []string{"-dir", dir, "-cdn-headers"}, env(nil), &out, &errOut); code != 0 {
				t.Fatalf("exit %d: %s", code, errOut.String())
			}
			for _, want := range []string{
				"Content-Security-Policy: default-src 'self';", tt.connect, "frame-ancestors 'none'",
				"X-Frame-Options: DENY", "X-Content-Type-Options: nosniff", "Referrer-Policy: strict-origin-when-cross-origin",
				"Strict-Transport-Security: max-age=",
			} {
				if !strings.Contains(out.String(), want) {
					t.Errorf("output lacks %q:\n%s", want, out.String())
				}
			}
		})
	}
}
