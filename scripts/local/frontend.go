package main

import (
	"compress/gzip"
	"io"
	"mime"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"strings"
)

// frontend serves the Next.js static export the way OSS static hosting does: /x is x.html or
// x/index.html, and unknown paths get 404.html. HTML and config.json are never cached (a new
// build or deployment must show at once); hashed assets under _next/static are immutable.
func frontend(dir string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		pageHeaders(w.Header())
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		p := path.Clean("/" + r.URL.Path)
		for _, candidate := range []string{p, p + ".html", path.Join(p, "index.html")} {
			file := filepath.Join(dir, filepath.FromSlash(candidate))
			if st, err := os.Stat(file); err == nil && !st.IsDir() {
				setCache(w, candidate)
				if !serveGzip(w, r, file) {
					http.ServeFile(w, r, file)
				}
				return
			}
		}
		if _, err := os.Stat(filepath.Join(dir, "index.html")); err != nil {
			w.Header().Set("Content-Type", "text/plain; charset=utf-8")
			w.WriteHeader(http.StatusNotFound)
			_, _ = w.Write([]byte("The CloudLens web app is not built: run `make run` (it builds frontend/out) or `cd frontend && npm ci && npm run build`.\nThe API is served under /api/v1.\n"))
			return
		}
		w.Header().Set("Cache-Control", "no-cache")
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.WriteHeader(http.StatusNotFound)
		if b, err := os.ReadFile(filepath.Join(dir, "404.html")); err == nil {
			_, _ = w.Write(b)
		}
	})
}

// serveGzip sends text assets gzip-compressed to clients that accept it, as OSS behind a CDN
// does, so that local page weights are those users get. It reports whether it answered.
func serveGzip(w http.ResponseWriter, r *http.Request, file string) bool {
	ext := strings.ToLower(filepath.Ext(file))
	switch ext {
	case ".js", ".css", ".html", ".json", ".svg", ".txt", ".map":
	default:
		return false
	}
	if !strings.Contains(r.Header.Get("Accept-Encoding"), "gzip") || r.Header.Get("Range") != "" {
		return false
	}
	f, err := os.Open(file)
	if err != nil {
		return false
	}
	defer f.Close()
	h := w.Header()
	if ct := mime.TypeByExtension(ext); ct != "" {
		h.Set("Content-Type", ct)
	}
	h.Set("Content-Encoding", "gzip")
	h.Add("Vary", "Accept-Encoding")
	if r.Method == http.MethodHead {
		return true
	}
	zw, _ := gzip.NewWriterLevel(w, gzip.DefaultCompression)
	_, _ = io.Copy(zw, f)
	_ = zw.Close()
	return true
}

func setCache(w http.ResponseWriter, p string) {
	switch {
	case strings.HasPrefix(p, "/_next/static/"):
		w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	case strings.HasSuffix(p, ".html"), p == "/config.json":
		w.Header().Set("Cache-Control", "no-cache")
	default:
		w.Header().Set("Cache-Control", "public, max-age=300")
	}
}

// contentSecurityPolicy lets the web app load only from its own origin. Next's static export
// inlines its bootstrap scripts and ECharts sets inline styles, so both allow 'unsafe-inline';
// everything else (frames, plugins, other origins, being framed) is refused.
const contentSecurityPolicy = "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; " +
	"img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'self'; " +
	"form-action 'self'; frame-ancestors 'none'"

// pageHeaders are the security headers of every web app answer (pages, config.json, assets,
// the 404 page), as the API's edge sets its own.
func pageHeaders(h http.Header) {
	h.Set("Content-Security-Policy", contentSecurityPolicy)
	h.Set("X-Frame-Options", "DENY")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "strict-origin-when-cross-origin")
}
