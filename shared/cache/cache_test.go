package cache_test

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/cloudlens/cloudlens/shared/cache"
	"github.com/cloudlens/cloudlens/shared/cache/cachetest"
	"github.com/cloudlens/cloudlens/shared/errs"
)

// loader returns a load function that yields val and counts its calls.
func loader[T any](val T, calls *int) func(context.Context) (T, error) {
	return func(context.Context) (T, error) {
		*calls++
		return val, nil
	}
}

func TestVersionBumpHidesOldEntries(t *testing.T) {
	ctx := context.Background()
	for _, b := range cachetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			c := b.Cache
			steps := []struct {
				name     string
				ns       string
				bump     bool
				load     string
				wantVer  int64
				wantVal  string
				wantHit  bool
				wantLoad int
			}{
				{name: "first read loads", ns: "costs", load: "v0", wantVer: 0, wantVal: "v0", wantLoad: 1},
				{name: "second read hits", ns: "costs", load: "unused", wantVer: 0, wantVal: "v0", wantHit: true},
				{name: "bump then read loads again", ns: "costs", bump: true, load: "v1", wantVer: 1, wantVal: "v1", wantLoad: 1},
				{name: "new version is cached", ns: "costs", load: "unused", wantVer: 1, wantVal: "v1", wantHit: true},
				{name: "second bump", ns: "costs", bump: true, load: "v2", wantVer: 2, wantVal: "v2", wantLoad: 1},
				{name: "other namespace unaffected", ns: "budgets", load: "b0", wantVer: 0, wantVal: "b0", wantLoad: 1},
			}
			for _, s := range steps {
				if s.bump {
					v, err := c.Bump(ctx, s.ns)
					if err != nil || v != s.wantVer {
						t.Fatalf("%s: Bump = %d, %v; want %d", s.name, v, err, s.wantVer)
					}
				}
				ver, err := c.Version(ctx, s.ns)
				if err != nil || ver != s.wantVer {
					t.Fatalf("%s: Version = %d, %v; want %d", s.name, ver, err, s.wantVer)
				}
				calls := 0
				v, hit, err := cache.GetOrLoad(ctx, c, s.ns, "overview?month=2026-01", time.Minute, loader(s.load, &calls))
				if err != nil || v != s.wantVal || hit != s.wantHit || calls != s.wantLoad {
					t.Fatalf("%s: GetOrLoad = %q hit=%v err=%v loads=%d; want %q hit=%v loads=%d",
						s.name, v, hit, err, calls, s.wantVal, s.wantHit, s.wantLoad)
				}
			}
		})
	}
}

type overview struct {
	Account string           `json:"account"`
	Micros  int64            `json:"micros"`
	ByDay   map[string]int64 `json:"by_day"`
}

func TestGetOrLoad(t *testing.T) {
	ctx := context.Background()
	want := overview{Account: "acc-1", Micros: 123_456_789, ByDay: map[string]int64{"2026-01-01": 1_000_000, "2026-01-02": 2_500_000}}
	for _, b := range cachetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			t.Run("miss then hit keeps the value exact", func(t *testing.T) {
				c := cachetest.Embedded(t).Cache
				if b.Name != "miniredis" {
					c = b.Cache
				}
				calls := 0
				for i, wantHit := range []bool{false, true, true} {
					got, hit, err := cache.GetOrLoad(ctx, c, "costs", "k1", time.Minute, loader(want, &calls))
					if err != nil || hit != wantHit {
						t.Fatalf("call %d: hit=%v err=%v; want hit=%v", i, hit, err, wantHit)
					}
					if got.Account != want.Account || got.Micros != want.Micros || got.ByDay["2026-01-02"] != 2_500_000 || len(got.ByDay) != 2 {
						t.Fatalf("call %d: got %+v, want %+v", i, got, want)
					}
				}
				if calls != 1 {
					t.Fatalf("load ran %d times, want 1", calls)
				}
			})

			t.Run("load error is returned and not cached", func(t *testing.T) {
				c := b.Cache
				boom := errors.New("database down")
				calls := 0
				failing := func(context.Context) (int, error) { calls++; return 0, boom }
				for i := range 2 {
					_, hit, err := cache.GetOrLoad(ctx, c, "costs", "failing", time.Minute, failing)
					if !errors.Is(err, boom) || hit {
						t.Fatalf("call %d: hit=%v err=%v; want %v", i, hit, err, boom)
					}
				}
				ok := 0
				v, hit, err := cache.GetOrLoad(ctx, c, "costs", "failing", time.Minute, loader(42, &ok))
				if err != nil || hit || v != 42 || calls != 2 || ok != 1 {
					t.Fatalf("after errors: v=%d hit=%v err=%v failing calls=%d ok calls=%d", v, hit, err, calls, ok)
				}
			})

			t.Run("keys and namespaces are distinct", func(t *testing.T) {
				c := b.Cache
				cases := []struct{ ns, key, val string }{
					{"costs", "a", "costs-a"},
					{"costs", "b", "costs-b"},
					{"budgets", "a", "budgets-a"},
				}
				for _, cs := range cases {
					calls := 0
					if _, _, err := cache.GetOrLoad(ctx, c, cs.ns, cs.key, time.Minute, loader(cs.val, &calls)); err != nil {
						t.Fatal(err)
					}
				}
				for _, cs := range cases {
					calls := 0
					v, hit, err := cache.GetOrLoad(ctx, c, cs.ns, cs.key, time.Minute, loader("wrong", &calls))
					if err != nil || !hit || v != cs.val {
						t.Fatalf("%s/%s: got %q hit=%v err=%v, want %q hit", cs.ns, cs.key, v, hit, err, cs.val)
					}
				}
			})

			t.Run("entries expire after ttl", func(t *testing.T) {
				c := b.Cache
				calls := 0
				for _, step := range []struct {
					advance time.Duration
					wantHit bool
				}{{0, false}, {0, true}, {150 * time.Millisecond, false}} {
					b.Advance(step.advance)
					_, hit, err := cache.GetOrLoad(ctx, c, "ttl", "k", 100*time.Millisecond, loader(1, &calls))
					if err != nil || hit != step.wantHit {
						t.Fatalf("after %s: hit=%v err=%v, want hit=%v", step.advance, hit, err, step.wantHit)
					}
				}
				if calls != 2 {
					t.Fatalf("load ran %d times, want 2", calls)
				}
			})

			t.Run("zero ttl is not cached", func(t *testing.T) {
				calls := 0
				for range 2 {
					if _, hit, err := cache.GetOrLoad(ctx, b.Cache, "nottl", "k", 0, loader(1, &calls)); err != nil || hit {
						t.Fatalf("hit=%v err=%v", hit, err)
					}
				}
				if calls != 2 {
					t.Fatalf("load ran %d times, want 2", calls)
				}
			})
		})
	}
}

func TestStatsCountHitsAndMisses(t *testing.T) {
	ctx := context.Background()
	c := cachetest.Embedded(t).Cache
	calls := 0
	for _, k := range []string{"a", "a", "b", "a", "b", "c"} {
		if _, _, err := cache.GetOrLoad(ctx, c, "ns", k, time.Minute, loader(k, &calls)); err != nil {
			t.Fatal(err)
		}
	}
	if got, want := c.Stats(), (cache.Stats{Hits: 3, Misses: 3, Errors: 0}); got != want {
		t.Fatalf("Stats = %+v, want %+v", got, want)
	}
}

func TestUndecodableEntryIsReloaded(t *testing.T) {
	ctx := context.Background()
	c := cachetest.Embedded(t).Cache
	calls := 0
	if _, _, err := cache.GetOrLoad(ctx, c, "ns", "k", time.Minute, loader("text", &calls)); err != nil {
		t.Fatal(err)
	}
	// Same key read as a different type, as after a deploy that changed the cached shape.
	v, hit, err := cache.GetOrLoad(ctx, c, "ns", "k", time.Minute, loader(7, &calls))
	if err != nil || hit || v != 7 {
		t.Fatalf("got %d hit=%v err=%v, want 7 miss", v, hit, err)
	}
	v, hit, err = cache.GetOrLoad(ctx, c, "ns", "k", time.Minute, loader(8, &calls))
	if err != nil || !hit || v != 7 {
		t.Fatalf("after reload: got %d hit=%v err=%v, want 7 hit", v, hit, err)
	}
	if s := c.Stats(); s.Errors != 1 {
		t.Fatalf("Errors = %d, want 1", s.Errors)
	}
}

// warnCounter is a slog handler that counts warnings, to prove the once-per-call rule.
type warnCounter struct{ n atomic.Int64 }

func (w *warnCounter) Enabled(context.Context, slog.Level) bool { return true }
func (w *warnCounter) Handle(_ context.Context, r slog.Record) error {
	if r.Level == slog.LevelWarn {
		w.n.Add(1)
	}
	return nil
}
func (w *warnCounter) WithAttrs([]slog.Attr) slog.Handler { return w }
func (w *warnCounter) WithGroup(string) slog.Handler      { return w }

// deadAddr returns an address where no Redis answers.
func deadAddrs(t *testing.T) map[string]string {
	addr, stop, err := cache.StartEmbedded()
	if err != nil {
		t.Fatal(err)
	}
	stop()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	wrong := ln.Addr().String()
	ln.Close()
	return map[string]string{"closed miniredis": addr, "wrong port": wrong}
}

// quietRedis drops go-redis's own dial-failure lines, which these tests provoke on purpose.
type quietRedis struct{}

func (quietRedis) Printf(context.Context, string, ...any) {}

func TestRedisDown(t *testing.T) {
	redis.SetLogger(quietRedis{})
	ctx := context.Background()
	for name, addr := range deadAddrs(t) {
		t.Run(name, func(t *testing.T) {
			w := &warnCounter{}
			c, err := cache.Open(ctx, addr, "", 0, slog.New(w))
			if err != nil {
				t.Fatalf("Open with Redis down = %v, want nil", err)
			}
			if w.n.Load() != 1 {
				t.Fatalf("Open logged %d warnings, want 1", w.n.Load())
			}
			if err := c.Ping(ctx); !errs.Is(err, errs.KindUnavailable) {
				t.Fatalf("Ping = %v, want unavailable", err)
			}

			calls := 0
			for i := range 3 {
				before := w.n.Load()
				v, hit, err := cache.GetOrLoad(ctx, c, "costs", "k", time.Minute, loader(99, &calls))
				if err != nil || hit || v != 99 {
					t.Fatalf("GetOrLoad %d = %d hit=%v err=%v, want 99 uncached", i, v, hit, err)
				}
				if got := w.n.Load() - before; got != 1 {
					t.Fatalf("GetOrLoad %d logged %d warnings, want 1", i, got)
				}
			}
			if calls != 3 {
				t.Fatalf("load ran %d times, want 3", calls)
			}
			boom := errors.New("db down too")
			if _, _, err := cache.GetOrLoad(ctx, c, "costs", "k", time.Minute, func(context.Context) (int, error) { return 0, boom }); !errors.Is(err, boom) {
				t.Fatalf("load error = %v, want %v", err, boom)
			}

			if _, err := c.Lock(ctx, "billingsync:acc-1", time.Minute); !errs.Is(err, errs.KindUnavailable) {
				t.Fatalf("Lock = %v, want unavailable", err)
			}
			ok, retry, err := c.Allow(ctx, "login:alice", 5, time.Minute)
			if !ok || retry != 0 || !errs.Is(err, errs.KindUnavailable) {
				t.Fatalf("Allow = %v %s %v, want fail-open with unavailable", ok, retry, err)
			}
			if _, err := c.Version(ctx, "costs"); !errs.Is(err, errs.KindUnavailable) {
				t.Fatalf("Version = %v, want unavailable", err)
			}
			if _, err := c.Bump(ctx, "costs"); !errs.Is(err, errs.KindUnavailable) {
				t.Fatalf("Bump = %v, want unavailable", err)
			}
			if err := c.Put(ctx, "rt", []byte("x"), time.Minute); !errs.Is(err, errs.KindUnavailable) {
				t.Fatalf("Put = %v, want unavailable", err)
			}
			if _, err := c.Take(ctx, "rt"); !errs.Is(err, errs.KindUnavailable) {
				t.Fatalf("Take = %v, want unavailable", err)
			}
			if err := c.Delete(ctx, "rt"); !errs.Is(err, errs.KindUnavailable) {
				t.Fatalf("Delete = %v, want unavailable", err)
			}
			// Open's ping, Ping, 4 GetOrLoad version reads, Lock, Allow, Version, Bump, Put, Take, Delete.
			if got := c.Stats(); got.Errors != 13 || got.Hits != 0 || got.Misses != 0 {
				t.Fatalf("Stats = %+v, want 13 errors and no hits or misses", got)
			}
		})
	}
}

func TestLock(t *testing.T) {
	ctx := context.Background()
	const ttl = 100 * time.Millisecond
	for _, b := range cachetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			c := b.Cache

			t.Run("exclusive until unlocked", func(t *testing.T) {
				l, err := c.Lock(ctx, "sync:acc-1", time.Minute)
				if err != nil {
					t.Fatal(err)
				}
				if _, err := c.Lock(ctx, "sync:acc-1", time.Minute); !errs.Is(err, errs.KindConflict) {
					t.Fatalf("second Lock = %v, want conflict", err)
				}
				other, err := c.Lock(ctx, "sync:acc-2", time.Minute)
				if err != nil {
					t.Fatalf("Lock on another name = %v", err)
				}
				if err := l.Unlock(ctx); err != nil {
					t.Fatal(err)
				}
				if err := other.Unlock(ctx); err != nil {
					t.Fatal(err)
				}
				again, err := c.Lock(ctx, "sync:acc-1", time.Minute)
				if err != nil {
					t.Fatalf("Lock after Unlock = %v", err)
				}
				if err := again.Unlock(ctx); err != nil {
					t.Fatal(err)
				}
			})

			t.Run("expiry hands the lock over and the old holder cannot release it", func(t *testing.T) {
				first, err := c.Lock(ctx, "sync:exp", ttl)
				if err != nil {
					t.Fatal(err)
				}
				b.Advance(ttl + 20*time.Millisecond)
				second, err := c.Lock(ctx, "sync:exp", time.Minute)
				if err != nil {
					t.Fatalf("Lock after expiry = %v", err)
				}
				if err := first.Unlock(ctx); !errors.Is(err, cache.ErrNotHeld) || !errs.Is(err, errs.KindConflict) {
					t.Fatalf("stale Unlock = %v, want ErrNotHeld", err)
				}
				if err := first.Extend(ctx, time.Minute); !errors.Is(err, cache.ErrNotHeld) {
					t.Fatalf("stale Extend = %v, want ErrNotHeld", err)
				}
				if _, err := c.Lock(ctx, "sync:exp", time.Minute); !errs.Is(err, errs.KindConflict) {
					t.Fatalf("Lock while second holds = %v, want conflict", err)
				}
				if err := second.Unlock(ctx); err != nil {
					t.Fatalf("second Unlock = %v", err)
				}
				if err := second.Unlock(ctx); !errors.Is(err, cache.ErrNotHeld) {
					t.Fatalf("double Unlock = %v, want ErrNotHeld", err)
				}
			})

			t.Run("extend keeps the lock past its first ttl", func(t *testing.T) {
				l, err := c.Lock(ctx, "sync:ext", ttl)
				if err != nil {
					t.Fatal(err)
				}
				b.Advance(60 * time.Millisecond)
				if err := l.Extend(ctx, 300*time.Millisecond); err != nil {
					t.Fatal(err)
				}
				b.Advance(60 * time.Millisecond)
				if _, err := c.Lock(ctx, "sync:ext", time.Minute); !errs.Is(err, errs.KindConflict) {
					t.Fatalf("Lock after extend = %v, want conflict", err)
				}
				if err := l.Unlock(ctx); err != nil {
					t.Fatal(err)
				}
			})

			t.Run("one winner among racers", func(t *testing.T) {
				var wg sync.WaitGroup
				var won, lost atomic.Int64
				for range 16 {
					wg.Go(func() {
						_, err := c.Lock(ctx, "sync:race", time.Minute)
						switch {
						case err == nil:
							won.Add(1)
						case errs.Is(err, errs.KindConflict):
							lost.Add(1)
						default:
							t.Errorf("Lock = %v", err)
						}
					})
				}
				wg.Wait()
				if won.Load() != 1 || lost.Load() != 15 {
					t.Fatalf("won=%d lost=%d, want 1 and 15", won.Load(), lost.Load())
				}
			})

			t.Run("ttl below a millisecond is invalid", func(t *testing.T) {
				for _, d := range []time.Duration{0, -time.Second, time.Microsecond} {
					if _, err := c.Lock(ctx, "sync:bad", d); !errs.Is(err, errs.KindInvalid) {
						t.Fatalf("Lock ttl %s = %v, want invalid", d, err)
					}
				}
			})
		})
	}
}

func TestAllow(t *testing.T) {
	ctx := context.Background()
	cases := []struct {
		name   string
		limit  int
		window time.Duration
	}{
		{"one per window", 1, 200 * time.Millisecond},
		{"three per window", 3, 300 * time.Millisecond},
		{"five per window", 5, 250 * time.Millisecond},
	}
	for _, b := range cachetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			for _, tc := range cases {
				t.Run(tc.name, func(t *testing.T) {
					c := b.Cache
					key := "login:" + tc.name
					if b.Name != "miniredis" {
						// A real Redis runs on the wall clock: on a busy machine a few calls can
						// take longer than a short window, so the window is widened there.
						tc.window *= 8
					}
					for i := range tc.limit {
						ok, retry, err := c.Allow(ctx, key, tc.limit, tc.window)
						if err != nil || !ok || retry != 0 {
							t.Fatalf("call %d = %v %s %v, want allowed", i+1, ok, retry, err)
						}
					}
					for i := range 2 {
						ok, retry, err := c.Allow(ctx, key, tc.limit, tc.window)
						if err != nil || ok || retry <= 0 || retry > tc.window {
							t.Fatalf("over-limit call %d = %v %s %v, want refused with 0 < retry <= %s", i, ok, retry, err, tc.window)
						}
						// miniredis's clock is frozen, so every call shares one timestamp.
						if b.Name == "miniredis" && retry != tc.window {
							t.Fatalf("retryAfter = %s, want exactly %s", retry, tc.window)
						}
					}
					if ok, _, err := c.Allow(ctx, "other:"+tc.name, tc.limit, tc.window); err != nil || !ok {
						t.Fatalf("another key = %v %v, want allowed", ok, err)
					}
					_, retry, _ := c.Allow(ctx, key, tc.limit, tc.window)
					b.Advance(retry)
					if ok, retry, err := c.Allow(ctx, key, tc.limit, tc.window); err != nil || !ok {
						t.Fatalf("after waiting retryAfter = %v %s %v, want allowed", ok, retry, err)
					}
				})
			}
		})
	}

	t.Run("window slides", func(t *testing.T) {
		b := cachetest.Embedded(t)
		c := b.Cache
		const limit, window = 3, 300 * time.Millisecond
		steps := []struct {
			advance   time.Duration
			wantOK    bool
			wantRetry time.Duration
		}{
			{0, true, 0},                      // t=0
			{0, true, 0},                      // t=0
			{100 * time.Millisecond, true, 0}, // t=100
			{50 * time.Millisecond, false, 150 * time.Millisecond}, // t=150: oldest (t=0) leaves at 300
			{150 * time.Millisecond, true, 0},                      // t=300: both t=0 calls left
			{0, true, 0},                                           // t=300
			{0, false, 100 * time.Millisecond},                     // t=300: t=100 leaves at 400
		}
		for i, s := range steps {
			b.Advance(s.advance)
			ok, retry, err := c.Allow(ctx, "ai:alice", limit, window)
			if err != nil || ok != s.wantOK || retry != s.wantRetry {
				t.Fatalf("step %d = %v %s %v, want %v %s", i, ok, retry, err, s.wantOK, s.wantRetry)
			}
		}
	})

	t.Run("invalid arguments", func(t *testing.T) {
		c := cachetest.Embedded(t).Cache
		for _, a := range []struct {
			limit  int
			window time.Duration
		}{{0, time.Second}, {-1, time.Second}, {5, 0}, {5, time.Microsecond}} {
			if ok, _, err := c.Allow(ctx, "k", a.limit, a.window); ok || !errs.Is(err, errs.KindInvalid) {
				t.Fatalf("Allow(%d, %s) = %v %v, want invalid", a.limit, a.window, ok, err)
			}
		}
	})
}

func TestPutTakeDelete(t *testing.T) {
	ctx := context.Background()
	for _, b := range cachetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			c := b.Cache
			cases := []struct {
				name  string
				value []byte
			}{
				{"text", []byte("user-7")},
				{"binary", []byte{0, 0xff, 0x10, 0, 'a'}},
				{"empty", []byte{}},
			}
			for _, tc := range cases {
				key := "rt:" + tc.name
				if err := c.Put(ctx, key, tc.value, time.Minute); err != nil {
					t.Fatal(err)
				}
				got, err := c.Take(ctx, key)
				if err != nil || string(got) != string(tc.value) {
					t.Fatalf("%s: Take = %q %v, want %q", tc.name, got, err, tc.value)
				}
				if _, err := c.Take(ctx, key); !errs.Is(err, errs.KindNotFound) {
					t.Fatalf("%s: second Take = %v, want not found", tc.name, err)
				}
			}

			if _, err := c.Take(ctx, "never-stored"); !errs.Is(err, errs.KindNotFound) {
				t.Fatalf("Take absent = %v, want not found", err)
			}

			for _, k := range []string{"d1", "d2", "d3"} {
				if err := c.Put(ctx, k, []byte(k), time.Minute); err != nil {
					t.Fatal(err)
				}
			}
			if err := c.Delete(ctx, "d1", "d2", "absent"); err != nil {
				t.Fatal(err)
			}
			for k, want := range map[string]bool{"d1": false, "d2": false, "d3": true} {
				_, err := c.Take(ctx, k)
				if found := err == nil; found != want {
					t.Fatalf("after Delete, Take %s = %v, want found=%v", k, err, want)
				}
			}
			if err := c.Delete(ctx); err != nil {
				t.Fatalf("Delete with no keys = %v", err)
			}

			if err := c.Put(ctx, "short", []byte("x"), 100*time.Millisecond); err != nil {
				t.Fatal(err)
			}
			b.Advance(150 * time.Millisecond)
			if _, err := c.Take(ctx, "short"); !errs.Is(err, errs.KindNotFound) {
				t.Fatalf("Take after ttl = %v, want not found", err)
			}
			if err := c.Put(ctx, "forever", []byte("x"), 0); !errs.Is(err, errs.KindInvalid) {
				t.Fatalf("Put without ttl = %v, want invalid", err)
			}

			if err := c.Put(ctx, "race", []byte("token"), time.Minute); err != nil {
				t.Fatal(err)
			}
			var wg sync.WaitGroup
			var taken atomic.Int64
			for range 16 {
				wg.Go(func() {
					if _, err := c.Take(ctx, "race"); err == nil {
						taken.Add(1)
					}
				})
			}
			wg.Wait()
			if taken.Load() != 1 {
				t.Fatalf("racing Takes succeeded %d times, want 1", taken.Load())
			}
		})
	}
}

func TestStartEmbeddedAndOpen(t *testing.T) {
	ctx := context.Background()
	addr, stop, err := cache.StartEmbedded()
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	host, _, err := net.SplitHostPort(addr)
	if err != nil || host != "127.0.0.1" {
		t.Fatalf("embedded addr %q not on loopback", addr)
	}
	c, err := cache.Open(ctx, addr, "", 0, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Client().Close()
	if err := c.Ping(ctx); err != nil {
		t.Fatalf("Ping = %v", err)
	}
	if v, err := c.Bump(ctx, "costs"); err != nil || v != 1 {
		t.Fatalf("Bump = %d %v, want 1", v, err)
	}
	if _, err := cache.Open(ctx, "", "", 0, nil); !errs.Is(err, errs.KindInvalid) {
		t.Fatalf("Open with empty addr = %v, want invalid", err)
	}
}

func TestPrefixIsolates(t *testing.T) {
	ctx := context.Background()
	addr, stop, err := cache.StartEmbedded()
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	a, _ := cache.Open(ctx, addr, "", 0, nil, cache.WithPrefix("a:"))
	b, _ := cache.Open(ctx, addr, "", 0, nil, cache.WithPrefix("b:"))
	if _, err := a.Bump(ctx, "costs"); err != nil {
		t.Fatal(err)
	}
	if v, err := b.Version(ctx, "costs"); err != nil || v != 0 {
		t.Fatalf("other prefix Version = %d %v, want 0", v, err)
	}
	if _, err := a.Lock(ctx, "job", time.Minute); err != nil {
		t.Fatal(err)
	}
	if _, err := b.Lock(ctx, "job", time.Minute); err != nil {
		t.Fatalf("same lock name under another prefix = %v, want free", err)
	}
	keys, err := a.Client().Keys(ctx, "*").Result()
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]bool{"a:cl:v:costs": true, "a:cl:l:job": true, "b:cl:l:job": true}
	if len(keys) != len(want) {
		t.Fatalf("keys = %v, want %v", keys, want)
	}
	for _, k := range keys {
		if !want[k] {
			t.Fatalf("unexpected key %q in %v", k, keys)
		}
	}
}
