package objstore

import (
	"context"
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base64"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cloudlens/cloudlens/shared/errs"
)

// ossServer speaks the part of the OSS protocol reports use: PUT and GET of objects, signed
// with OSS signature version 1 in the Authorization header or as a presigned URL, checked
// against the one key pair it knows.
type ossServer struct {
	bucket, id, secret string
	mu                 sync.Mutex
	objects            map[string][]byte
	types              map[string]string
	refused            int
}

func (s *ossServer) sign(stringToSign string) string {
	m := hmac.New(sha1.New, []byte(s.secret))
	m.Write([]byte(stringToSign))
	return base64.StdEncoding.EncodeToString(m.Sum(nil))
}

func (s *ossServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	resource := r.URL.Path // path style: /bucket/key
	key, ok := strings.CutPrefix(resource, "/"+s.bucket+"/")
	if !ok {
		http.Error(w, "no such bucket", http.StatusNotFound)
		return
	}
	var want, got string
	if q := r.URL.Query(); q.Get("Signature") != "" {
		exp, _ := strconv.ParseInt(q.Get("Expires"), 10, 64)
		if q.Get("OSSAccessKeyId") != s.id || time.Now().Unix() > exp {
			s.refuse(w)
			return
		}
		want, got = s.sign(r.Method+"\n\n\n"+q.Get("Expires")+"\n"+resource), q.Get("Signature")
	} else {
		auth, ok := strings.CutPrefix(r.Header.Get("Authorization"), "OSS "+s.id+":")
		if !ok {
			s.refuse(w)
			return
		}
		var ossHeaders []string
		for k, v := range r.Header {
			if lk := strings.ToLower(k); strings.HasPrefix(lk, "x-oss-") {
				ossHeaders = append(ossHeaders, lk+":"+v[0]+"\n")
			}
		}
		sort.Strings(ossHeaders)
		want = s.sign(r.Method + "\n" + r.Header.Get("Content-MD5") + "\n" + r.Header.Get("Content-Type") + "\n" +
			r.Header.Get("Date") + "\n" + strings.Join(ossHeaders, "") + resource)
		got = auth
	}
	if !hmac.Equal([]byte(want), []byte(got)) {
		s.refuse(w)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	switch r.Method {
	case http.MethodPut:
		b, _ := io.ReadAll(r.Body)
		s.objects[key], s.types[key] = b, r.Header.Get("Content-Type")
		w.Header().Set("ETag", `"x"`)
	case http.MethodGet:
		b, ok := s.objects[key]
		if !ok {
			w.Header().Set("Content-Type", "application/xml")
			w.WriteHeader(http.StatusNotFound)
			_, _ = io.WriteString(w, `<?xml version="1.0" encoding="UTF-8"?><Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message></Error>`)
			return
		}
		w.Header().Set("Content-Type", s.types[key])
		_, _ = w.Write(b)
	default:
		http.Error(w, "method", http.StatusMethodNotAllowed)
	}
}

func (s *ossServer) refuse(w http.ResponseWriter) {
	s.refused++
	w.Header().Set("Content-Type", "application/xml")
	w.WriteHeader(http.StatusForbidden)
	_, _ = io.WriteString(w, `<?xml version="1.0" encoding="UTF-8"?><Error><Code>SignatureDoesNotMatch</Code><Message>bad signature</Message></Error>`)
}

func TestOSSPutGetAndPresignedDownload(t *testing.T) {
	fake := &ossServer{bucket: "reports", id: "AKID", secret: "s3cret", objects: map[string][]byte{}, types: map[string]string{}}
	srv := httptest.NewServer(fake)
	defer srv.Close()
	ctx := context.Background()
	s, err := NewOSS(OSSOptions{Endpoint: srv.URL, Bucket: "reports", AccessKeyID: "AKID", AccessKeySecret: "s3cret", PathStyle: true})
	if err != nil {
		t.Fatal(err)
	}
	body := []byte("<h1>2025-02 成本月报</h1>")
	if err := s.Put(ctx, "reports/2025-02/1.html", "text/html; charset=utf-8", body); err != nil {
		t.Fatal(err)
	}
	if got, err := s.Get(ctx, "reports/2025-02/1.html"); err != nil || string(got) != string(body) {
		t.Fatalf("get: %q %v", got, err)
	}
	if _, err := s.Get(ctx, "reports/none.html"); !errs.Is(err, errs.KindNotFound) {
		t.Fatalf("missing object: %v", err)
	}
	link, err := s.SignURL("reports/2025-02/1.html", time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.Get(link) // no credentials: the link alone
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || string(got) != string(body) || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
		t.Fatalf("presigned download: %d %q", resp.StatusCode, got)
	}
	// A tampered link and a wrong secret are refused by the server.
	u, _ := url.Parse(link)
	q := u.Query()
	q.Set("Expires", strconv.FormatInt(time.Now().Add(time.Hour).Unix(), 10))
	u.RawQuery = q.Encode()
	if resp, err := http.Get(u.String()); err != nil || resp.StatusCode != http.StatusForbidden {
		t.Fatalf("tampered link: %v %v", resp.StatusCode, err)
	}
	bad, _ := NewOSS(OSSOptions{Endpoint: srv.URL, Bucket: "reports", AccessKeyID: "AKID", AccessKeySecret: "wrong", PathStyle: true})
	if err := bad.Put(ctx, "reports/x.md", "text/markdown", []byte("x")); err == nil {
		t.Fatal("a wrong secret was accepted")
	}
}

func TestFolderSignedURLs(t *testing.T) {
	now := time.Unix(1_700_000_000, 0)
	f := &Folder{Dir: t.TempDir(), BaseURL: "/api/v1/ai/report-files", Key: []byte("k"), Now: func() time.Time { return now }}
	ctx := context.Background()
	if err := f.Put(ctx, "reports/2025-02/1.md", "text/markdown", []byte("# r")); err != nil {
		t.Fatal(err)
	}
	link, _ := f.SignURL("reports/2025-02/1.md", time.Minute)
	u, _ := url.Parse(link)
	key := u.Query().Get("key")
	if err := f.Verify(key, u.Query().Get("expires"), u.Query().Get("signature")); err != nil || key != "reports/2025-02/1.md" || u.Path != "/api/v1/ai/report-files" {
		t.Fatalf("verify %q: %v", key, err)
	}
	if err := f.Verify("reports/2025-02/2.md", u.Query().Get("expires"), u.Query().Get("signature")); err == nil {
		t.Fatal("a signature was accepted for another key")
	}
	now = now.Add(2 * time.Minute)
	if err := f.Verify(key, u.Query().Get("expires"), u.Query().Get("signature")); !errs.Is(err, errs.KindForbidden) {
		t.Fatalf("expired link: %v", err)
	}
	for _, k := range []string{"../etc/passwd", "/abs", "a/../../b", ""} {
		if err := f.Put(ctx, k, "", nil); err == nil {
			t.Errorf("key %q accepted", k)
		}
	}
}
