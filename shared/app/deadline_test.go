package app_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-sql-driver/mysql"

	"github.com/cloudlens/cloudlens/shared/app"
	"github.com/cloudlens/cloudlens/shared/app/apptest"
	"github.com/cloudlens/cloudlens/shared/auth"
	"github.com/cloudlens/cloudlens/shared/cache"
	"github.com/cloudlens/cloudlens/shared/fcx"
	"github.com/cloudlens/cloudlens/shared/httpx"
	"github.com/cloudlens/cloudlens/shared/store"
	"github.com/cloudlens/cloudlens/shared/store/storetest"
)

// stallProxy forwards TCP connections to target until Stall: from then on it still accepts
// connections (so a client's dial succeeds) but forwards nothing, in either direction, on new
// or existing connections, as a database whose host is up and whose server hangs.
type stallProxy struct {
	ln      net.Listener
	target  string
	stalled chan struct{}
	once    sync.Once
	mu      sync.Mutex
	conns   []net.Conn
}

func newStallProxy(t *testing.T, target string) *stallProxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &stallProxy{ln: ln, target: target, stalled: make(chan struct{})}
	go p.serve()
	t.Cleanup(p.close)
	return p
}

func (p *stallProxy) Addr() string { return p.ln.Addr().String() }

func (p *stallProxy) Stall() { p.once.Do(func() { close(p.stalled) }) }

func (p *stallProxy) close() {
	p.Stall()
	_ = p.ln.Close()
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, c := range p.conns {
		_ = c.Close()
	}
}

func (p *stallProxy) keep(c net.Conn) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.conns = append(p.conns, c)
}

func (p *stallProxy) serve() {
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		p.keep(c)
		select {
		case <-p.stalled:
			continue // accepted, never answered
		default:
		}
		up, err := net.Dial("tcp", p.target)
		if err != nil {
			_ = c.Close()
			continue
		}
		p.keep(up)
		go p.pipe(c, up)
		go p.pipe(up, c)
	}
}

// pipe copies src to dst until the stall, then holds the data back.
func (p *stallProxy) pipe(dst, src net.Conn) {
	buf := make([]byte, 32<<10)
	for {
		n, err := src.Read(buf)
		select {
		case <-p.stalled:
			return // the connection stays open and silent until close
		default:
		}
		if n > 0 {
			if _, werr := dst.Write(buf[:n]); werr != nil {
				return
			}
		}
		if err != nil {
			if !errors.Is(err, io.EOF) {
				_ = dst.Close()
			}
			return
		}
	}
}

// deadlineRoutes is a protected route that reads the database, as every API route does.
func deadlineRoutes(d *app.Deps) http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET /api/v1/test/accounts", d.AuthedFunc(func(w http.ResponseWriter, r *http.Request) error {
		p, err := httpx.Caller(r)
		if err != nil {
			return err
		}
		items, err := d.Store.ListAccounts(r.Context(), p.Scope())
		if err != nil {
			return err
		}
		return httpx.OK(w, httpx.Items(items))
	}))
	return d.API(mux)
}

// TestStalledDependencyAnswers503WithinDeadline: with MySQL or Redis accepting connections and
// then answering nothing, a request answers 503 once its deadline has passed instead of
// waiting as long as the stall lasts.
func TestStalledDependencyAnswers503WithinDeadline(t *testing.T) {
	const deadline = time.Second
	check := func(t *testing.T, d *app.Deps, token string, stall func()) {
		t.Helper()
		d.Config.RequestTimeout = deadline
		c := apptest.Serve(t, deadlineRoutes(d))
		if res := c.Do(http.MethodGet, "/api/v1/test/accounts", token, nil); res.Status != http.StatusOK {
			t.Fatalf("before the stall: %d %s", res.Status, res.Body)
		}
		stall()
		// The client gives up well after the deadline (plus room for a loaded test machine),
		// so a missing deadline fails here instead of hanging as long as the stall.
		hc := &http.Client{Timeout: deadline + 3*time.Second}
		req, err := http.NewRequest(http.MethodGet, c.URL()+"/api/v1/test/accounts", nil)
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Authorization", "Bearer "+token)
		start := time.Now()
		resp, err := hc.Do(req)
		if err != nil {
			t.Fatalf("stalled request got no answer in %s: %v", time.Since(start), err)
		}
		body, _ := io.ReadAll(resp.Body)
		_ = resp.Body.Close()
		if took := time.Since(start); took > deadline+2*time.Second {
			t.Errorf("stalled request took %s, deadline %s", took, deadline)
		}
		if resp.StatusCode != http.StatusServiceUnavailable {
			t.Errorf("stalled: %d %s, want 503", resp.StatusCode, body)
		}
	}

	t.Run("mysql", func(t *testing.T) {
		dsn := storetest.MySQLDatabase(t)
		cfg, err := mysql.ParseDSN(dsn)
		if err != nil {
			t.Fatal(err)
		}
		proxy := newStallProxy(t, cfg.Addr)
		cfg.Addr = proxy.Addr()
		s, err := store.OpenMySQL(t.Context(), cfg.FormatDSN(), store.PoolOptions{})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = s.Close() })
		d := apptest.Deps(t, s)
		_, token := apptest.User(t, d, "stall@example.com", auth.RoleAdmin)
		check(t, d, token, proxy.Stall)
	})

	t.Run("redis", func(t *testing.T) {
		// The stall is the proxy's doing, so the embedded Redis behind it serves as well as a real one.
		addr, stop, err := cache.StartEmbedded()
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(stop)
		proxy := newStallProxy(t, addr)
		ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
		defer cancel()
		cc, err := cache.Open(ctx, proxy.Addr(), "", 0, nil)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = cc.Client().Close() })
		d := apptest.Deps(t, storetest.SQLite(t))
		d.Cache = cc
		d.Auth.Sessions = cc
		_, token := apptest.User(t, d, "stall@example.com", auth.RoleAdmin)
		check(t, d, token, proxy.Stall)
	})
}

// TestJobTriggerHasNoRequestDeadline: a job function's signed trigger (POST /) runs the whole
// job inside the request, so the API's request deadline must not cut it short.
func TestJobTriggerHasNoRequestDeadline(t *testing.T) {
	d := apptest.Deps(t, storetest.SQLite(t))
	d.Config.RequestTimeout = 20 * time.Millisecond
	h := d.JobHandler("slowjob", func(ctx context.Context, items func(int64)) (string, error) {
		select {
		case <-ctx.Done():
			return "", ctx.Err()
		case <-time.After(200 * time.Millisecond):
			return "done", nil
		}
	})
	run, err := d.Jobs().Queue(t.Context(), "slowjob", "manual", 0)
	if err != nil {
		t.Fatal(err)
	}
	body := []byte(`{"job":"slowjob","runId":` + strconv.FormatInt(run.ID, 10) + `}`)
	req := httptest.NewRequest(http.MethodPost, "/", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set(fcx.HeaderSignature, fcx.Sign(d.InvocationKey, body))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), `"succeeded"`) {
		t.Fatalf("job trigger: %d %s", rec.Code, rec.Body)
	}
}
