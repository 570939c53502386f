package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"strings"
)

// Cache policies. Next.js puts content-hashed files under _next/static/, so they never change
// under the same name; HTML and the runtime config.json must be revalidated so a deploy (or a
// new API URL) shows up at once; everything else may be a few minutes stale.
const (
	cacheImmutable = "public, max-age=31536000, immutable"
	cacheNone      = "no-cache"
	cacheShort     = "public, max-age=300"
)

// contentTypes is explicit rather than mime.TypeByExtension, whose answers depend on the
// machine's /etc/mime.types: the same build must upload with the same headers everywhere.
var contentTypes = map[string]string{
	".html":        "text/html; charset=utf-8",
	".htm":         "text/html; charset=utf-8",
	".js":          "text/javascript; charset=utf-8",
	".mjs":         "text/javascript; charset=utf-8",
	".css":         "text/css; charset=utf-8",
	".json":        "application/json",
	".map":         "application/json",
	".webmanifest": "application/manifest+json",
	".txt":         "text/plain; charset=utf-8",
	".xml":         "application/xml",
	".svg":         "image/svg+xml",
	".png":         "image/png",
	".jpg":         "image/jpeg",
	".jpeg":        "image/jpeg",
	".gif":         "image/gif",
	".webp":        "image/webp",
	".avif":        "image/avif",
	".ico":         "image/x-icon",
	".woff2":       "font/woff2",
	".woff":        "font/woff",
	".ttf":         "font/ttf",
	".otf":         "font/otf",
	".wasm":        "application/wasm",
	".pdf":         "application/pdf",
	".csv":         "text/csv; charset=utf-8",
}

func contentType(name string) string {
	if ct, ok := contentTypes[strings.ToLower(path.Ext(name))]; ok {
		return ct
	}
	return "application/octet-stream"
}

// cacheControl picks the policy for a file by its slash-separated path inside the site.
func cacheControl(rel string) string {
	switch {
	case strings.HasPrefix(rel, "_next/static/"):
		return cacheImmutable
	case strings.EqualFold(path.Ext(rel), ".html"), path.Base(rel) == "config.json":
		return cacheNone
	default:
		return cacheShort
	}
}

// file is one object to upload.
type file struct {
	Path         string // on disk
	Key          string // in the bucket
	ContentType  string
	CacheControl string
	Size         int64
}

// plan lists every regular file under dir with its object key and headers, in path order.
// Dot files (.DS_Store, editor leftovers) are not part of a site and are left out.
func plan(dir, prefix string) ([]file, error) {
	prefix = strings.Trim(prefix, "/")
	var files []file
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if strings.HasPrefix(d.Name(), ".") && p != dir {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if !d.Type().IsRegular() {
			return nil
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			return err
		}
		rel = filepath.ToSlash(rel)
		key := rel
		if prefix != "" {
			key = prefix + "/" + rel
		}
		files = append(files, file{
			Path: p, Key: key, Size: info.Size(),
			ContentType: contentType(rel), CacheControl: cacheControl(rel),
		})
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("list %s: %w", dir, err)
	}
	return files, nil
}

// header is one response header the CDN must add.
type header struct{ Name, Value string }

// cdnHeaders are the security headers of every web app answer, as the local runner sets them
// (scripts/local/frontend.go). OSS keeps only standard object headers (Content-Type,
// Cache-Control, Content-Disposition, Content-Encoding, Content-Language, Expires), which
// plan sets per file; these the CDN adds through its response-header rules. When the API is
// on another origin (config.json's apiBase), the page may connect to it as well.
func cdnHeaders(apiBase string) []header {
	connect := "'self'"
	if u, err := url.Parse(apiBase); err == nil && (u.Scheme == "https" || u.Scheme == "http") && u.Host != "" {
		connect += " " + u.Scheme + "://" + u.Host
	}
	return []header{
		{"Content-Security-Policy", "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; " +
			"img-src 'self' data: blob:; font-src 'self' data:; connect-src " + connect + "; object-src 'none'; base-uri 'self'; " +
			"form-action 'self'; frame-ancestors 'none'"},
		{"X-Frame-Options", "DENY"},
		{"X-Content-Type-Options", "nosniff"},
		{"Referrer-Policy", "strict-origin-when-cross-origin"},
		{"Strict-Transport-Security", "max-age=31536000"},
	}
}

// apiBaseOf reads apiBase from the site's config.json ("" when absent: same origin).
func apiBaseOf(dir string) (string, error) {
	b, err := os.ReadFile(filepath.Join(dir, "config.json"))
	if errors.Is(err, fs.ErrNotExist) {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	var c struct {
		APIBase string `json:"apiBase"`
	}
	if err := json.Unmarshal(b, &c); err != nil {
		return "", fmt.Errorf("config.json: %w", err)
	}
	return c.APIBase, nil
}
