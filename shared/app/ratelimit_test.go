package app_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"

	"github.com/cloudlens/cloudlens/shared/app"
	"github.com/cloudlens/cloudlens/shared/app/apptest"
	"github.com/cloudlens/cloudlens/shared/auth"
	"github.com/cloudlens/cloudlens/shared/cache"
	"github.com/cloudlens/cloudlens/shared/cache/cachetest"
	"github.com/cloudlens/cloudlens/shared/httpx"
	"github.com/cloudlens/cloudlens/shared/store/storetest"
)

// limitedRoutes are protected routes of each class, mounted the way functions mount theirs
// (d.AuthedFunc), with no limiting code of their own: the AI prefix gets the strict class by
// its path alone.
func limitedRoutes(d *app.Deps) http.Handler {
	mux := http.NewServeMux()
	ok := d.AuthedFunc(func(w http.ResponseWriter, r *http.Request) error {
		return httpx.OK(w, map[string]string{"class": string(httpx.ClassOf(r))})
	})
	mux.Handle("GET /api/v1/costs/explore", ok)
	mux.Handle("GET /api/v1/costs/focus", ok)
	mux.Handle("POST /api/v1/chatbot/messages", ok)
	return d.API(mux)
}

// TestRateLimitPerCallerAndClass: past its class's rate a caller gets 429 with Retry-After;
// exports and AI routes have stricter rates counted apart from ordinary pages; another user
// and an API key of the same user each have their own budget; with Redis down the limit holds
// (counted in process).
func TestRateLimitPerCallerAndClass(t *testing.T) {
	for _, b := range cachetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			d := apptest.Deps(t, storetest.SQLite(t))
			d.Cache = b.Cache
			d.Auth.Sessions = b.Cache
			d.Config.RateAPI, d.Config.RateExport, d.Config.RateAI = 5, 2, 3
			c := apptest.Serve(t, limitedRoutes(d))
			u, alice := apptest.User(t, d, "alice@example.com", auth.RoleViewer)
			_, bob := apptest.User(t, d, "bob@example.com", auth.RoleViewer)
			key, prefix, hash := auth.NewAPIKey()
			if err := d.Store.CreateAPIKey(t.Context(), &auth.APIKey{UserID: u.ID, Name: "script", Prefix: prefix, Hash: hash, CreatedAt: time.Now()}); err != nil {
				t.Fatal(err)
			}

			// calls makes n requests and returns the status of each.
			calls := func(method, path, token string, n int) []int {
				out := make([]int, n)
				for i := range out {
					res := c.Do(method, path, token, nil)
					out[i] = res.Status
					if res.Status == http.StatusTooManyRequests {
						s, err := strconv.Atoi(res.Header.Get("Retry-After"))
						if err != nil || s < 1 || s > 60 {
							t.Errorf("429 with Retry-After %q", res.Header.Get("Retry-After"))
						}
						if res.ErrorCode(t) != "rate_limited" {
							t.Errorf("429 body %s", res.Body)
						}
					}
				}
				return out
			}
			want := func(name string, got []int, okN int) {
				t.Helper()
				for i, s := range got {
					w := http.StatusOK
					if i >= okN {
						w = http.StatusTooManyRequests
					}
					if s != w {
						t.Errorf("%s: statuses %v, want %d × 200 then 429", name, got, okN)
						return
					}
				}
			}
			want("alice's pages", calls(http.MethodGet, "/api/v1/costs/explore", alice, 6), 5)
			want("alice's CSV exports, counted apart", calls(http.MethodGet, "/api/v1/costs/explore?format=csv", alice, 3), 2)
			want("alice's FOCUS exports share the export budget", calls(http.MethodGet, "/api/v1/costs/focus", alice, 1), 0)
			want("alice's AI calls", calls(http.MethodPost, "/api/v1/chatbot/messages", alice, 4), 3)
			want("bob, another user", calls(http.MethodGet, "/api/v1/costs/explore", bob, 6), 5)
			want("alice's API key", calls(http.MethodGet, "/api/v1/costs/explore", key, 6), 5)
		})
	}

	t.Run("redis down", func(t *testing.T) {
		d := apptest.Deps(t, storetest.SQLite(t))
		_, token := apptest.User(t, d, "carol@example.com", auth.RoleViewer)
		// A Redis nobody listens on: sessions are accepted on their signature (auth's fallback)
		// and requests are counted in this process.
		dead := redis.NewClient(&redis.Options{Addr: "127.0.0.1:1", MaxRetries: -1, DialTimeout: 100 * time.Millisecond})
		t.Cleanup(func() { _ = dead.Close() })
		d.Cache = cache.New(dead, nil)
		d.Auth.Sessions = d.Cache
		d.Config.RateAPI = 3
		c := apptest.Serve(t, limitedRoutes(d))
		var got []int
		for range 4 {
			got = append(got, c.Do(http.MethodGet, "/api/v1/costs/explore", token, nil).Status)
		}
		if got[2] != http.StatusOK || got[3] != http.StatusTooManyRequests {
			t.Errorf("with Redis down: %v, want 200 200 200 429", got)
		}
	})
}

// roundTrips counts the commands and pipelines a Redis client sends.
type roundTrips struct{ n atomic.Int64 }

func (h *roundTrips) DialHook(next redis.DialHook) redis.DialHook { return next }
func (h *roundTrips) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error { h.n.Add(1); return next(ctx, cmd) }
}
func (h *roundTrips) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error { h.n.Add(1); return next(ctx, cmds) }
}

// TestRateLimitSharesTheSessionRoundTrip: a signed-in request costs one Redis round trip for the
// session check and its rate-limit count together; an API key's request, which has no session,
// one for its count. The limit still holds.
func TestRateLimitSharesTheSessionRoundTrip(t *testing.T) {
	s := miniredis.RunT(t)
	rdb := redis.NewClient(&redis.Options{Addr: s.Addr(), Protocol: 2, DisableIdentity: true})
	t.Cleanup(func() { _ = rdb.Close() })
	d := apptest.Deps(t, storetest.SQLite(t))
	d.Cache = cache.New(rdb, nil)
	d.Auth.Sessions = d.Cache
	d.Config.RateAPI = 3
	c := apptest.Serve(t, limitedRoutes(d))
	u, token := apptest.User(t, d, "dave@example.com", auth.RoleViewer)
	key, prefix, hash := auth.NewAPIKey()
	if err := d.Store.CreateAPIKey(t.Context(), &auth.APIKey{UserID: u.ID, Name: "script", Prefix: prefix, Hash: hash, CreatedAt: time.Now(), LastUsedAt: ptr(time.Now())}); err != nil {
		t.Fatal(err)
	}
	var trips roundTrips
	rdb.AddHook(&trips)
	for _, tc := range []struct {
		name       string
		credential string
		wantTrips  int64
	}{
		{"access token", token, 1},
		{"API key", key, 1},
	} {
		var statuses []int
		for i := range 4 {
			before := trips.n.Load()
			statuses = append(statuses, c.Do(http.MethodGet, "/api/v1/costs/explore", tc.credential, nil).Status)
			// The first request also opens the connection and loads the script (EVALSHA, then
			// EVAL on NOSCRIPT): steady state is what every later request pays.
			if got := trips.n.Load() - before; i > 0 && got != tc.wantTrips {
				t.Errorf("%s, request %d: %d Redis round trips, want %d", tc.name, i+1, got, tc.wantTrips)
			}
		}
		if want := []int{200, 200, 200, 429}; !slices.Equal(statuses, want) {
			t.Errorf("%s: statuses %v, want %v", tc.name, statuses, want)
		}
	}
}

func ptr[T any](v T) *T { return &v }

// reserveCounter counts with the cache as app.Deps does, for building the chain that counted
// apart from the session lookup.
type reserveCounter struct{ c *cache.Cache }

func (r reserveCounter) Count(ctx context.Context, key string, limit int, window time.Duration) (bool, time.Duration, error) {
	res, err := r.c.Reserve(ctx, key, limit, window)
	return res.OK, res.RetryAfter, err
}

// BenchmarkAuthedRequest: the edge of a signed-in request (token, user, session and rate
// limit) with the count in its own round trip after the session lookup, as issue 17 built it,
// and in the lookup's round trip (d.Authed). With CLOUDLENS_TEST_REDIS_ADDR the Redis is real.
func BenchmarkAuthedRequest(b *testing.B) {
	d := apptest.Deps(b, storetest.SQLite(b))
	d.Config.RateAPI = 1 << 30
	_, token := apptest.User(b, d, "bench@example.com", auth.RoleViewer)
	ok := d.Handle(func(w http.ResponseWriter, r *http.Request) error { return httpx.OK(w, nil) })
	for _, bc := range []struct {
		name string
		h    http.Handler
	}{
		{"count apart", httpx.Authenticate(d.Log, d.Auth)(httpx.RateLimit(d.Log, reserveCounter{d.Cache}, d.Rates())(ok))},
		{"count with session", d.Authed(ok)},
	} {
		b.Run(bc.name, func(b *testing.B) {
			for b.Loop() {
				req := httptest.NewRequest(http.MethodGet, "/api/v1/costs/explore", nil)
				req.Header.Set("Authorization", "Bearer "+token)
				w := httptest.NewRecorder()
				bc.h.ServeHTTP(w, req)
				if w.Code != http.StatusOK {
					b.Fatalf("status %d: %s", w.Code, w.Body)
				}
			}
		})
	}
}
