package accounts

import (
	"context"
	"io"
	"net"
	"strings"
	"sync"
	"testing"

	"github.com/go-sql-driver/mysql"
	"github.com/redis/go-redis/v9"

	"github.com/cloudlens/cloudlens/shared/app/apptest"
	"github.com/cloudlens/cloudlens/shared/auth"
	"github.com/cloudlens/cloudlens/shared/cache"
	"github.com/cloudlens/cloudlens/shared/store"
	"github.com/cloudlens/cloudlens/shared/store/storetest"
)

// proxy forwards TCP to target until stopped, so a test can take MySQL away mid-run.
type proxy struct {
	ln    net.Listener
	mu    sync.Mutex
	conns []net.Conn
}

func startProxy(t *testing.T, target string) *proxy {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &proxy{ln: ln}
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			up, err := net.Dial("tcp", target)
			if err != nil {
				c.Close()
				continue
			}
			p.mu.Lock()
			p.conns = append(p.conns, c, up)
			p.mu.Unlock()
			go func() { _, _ = io.Copy(up, c); up.Close() }()
			go func() { _, _ = io.Copy(c, up); c.Close() }()
		}
	}()
	t.Cleanup(p.stop)
	return p
}

func (p *proxy) stop() {
	p.ln.Close()
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, c := range p.conns {
		c.Close()
	}
	p.conns = nil
}

// TestOutages: with Redis down the API keeps serving; with MySQL down it answers 503 with
// no internal detail, and does not panic.
func TestOutages(t *testing.T) {
	dsn := storetest.MySQLDatabase(t)
	cfg, err := mysql.ParseDSN(dsn)
	if err != nil {
		t.Fatal(err)
	}
	px := startProxy(t, cfg.Addr)
	cfg.Addr = px.ln.Addr().String()
	s, err := store.OpenMySQL(context.Background(), cfg.FormatDSN(), store.PoolOptions{MaxOpenConns: 2})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	d := apptest.Deps(t, s)
	// Signed in before the outage: the session is recorded while Redis still answers.
	_, tok := apptest.User(t, d, "admin@example.com", auth.RoleAdmin)
	// Then Redis moves to a port where nothing listens, session store included.
	dead, _ := net.Listen("tcp", "127.0.0.1:0")
	deadAddr := dead.Addr().String()
	dead.Close()
	d.Cache = cache.New(redis.NewClient(&redis.Options{Addr: deadAddr, DialerRetries: 1, MaxRetries: 0}), d.Log)
	d.Auth.Sessions = d.Cache

	c := apptest.Serve(t, New(d))
	if r := c.Do("POST", "/api/v1/accounts", tok, body("Prod", "1234567890123456")); r.Status != 201 {
		t.Fatalf("create with Redis down: %d %s", r.Status, r.Body)
	}
	if r := c.Do("GET", "/api/v1/accounts", tok, nil); r.Status != 200 {
		t.Fatalf("list with Redis down: %d %s", r.Status, r.Body)
	}

	px.stop()
	for _, path := range []string{"/api/v1/accounts", "/api/v1/accounts/1"} {
		r := c.Do("GET", path, tok, nil)
		if r.Status != 503 || r.ErrorCode(t) != "unavailable" {
			t.Fatalf("%s with MySQL down: %d %s", path, r.Status, r.Body)
		}
		for _, leak := range []string{cfg.Addr, "tcp", "dial", "mysql", "sql"} {
			if strings.Contains(strings.ToLower(string(r.Body)), leak) {
				t.Errorf("503 body leaks %q: %s", leak, r.Body)
			}
		}
	}
}
