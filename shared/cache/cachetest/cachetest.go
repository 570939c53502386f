// Package cachetest gives tests a Cache: the Redis named by CLOUDLENS_TEST_REDIS_ADDR when set,
// an embedded miniredis otherwise. Every Cache gets its own random key prefix, so tests sharing a
// real Redis never see each other's keys, and its keys are removed when the test ends.
package cachetest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"

	"github.com/cloudlens/cloudlens/shared/cache"
)

// EnvRedisAddr names the variable that points tests at a real Redis.
const EnvRedisAddr = "CLOUDLENS_TEST_REDIS_ADDR"

// Backend is one Redis a test runs against.
type Backend struct {
	Name  string // "miniredis" or "redis"
	Cache *cache.Cache
	// Advance lets d pass for key expiry and the server clock: miniredis moves its clock
	// instantly, a real Redis is waited on.
	Advance func(d time.Duration)
}

// New returns a Cache on the real Redis when CLOUDLENS_TEST_REDIS_ADDR is set, miniredis
// otherwise. With CI=true the variable is required and its Redis must answer.
func New(t testing.TB) *cache.Cache {
	t.Helper()
	if b, ok := external(t); ok {
		return b.Cache
	}
	return Embedded(t).Cache
}

// Backends returns miniredis always and the real Redis as well when CLOUDLENS_TEST_REDIS_ADDR
// is set, so one table-driven test proves behaviour on both.
func Backends(t testing.TB) []Backend {
	t.Helper()
	bs := []Backend{Embedded(t)}
	if b, ok := external(t); ok {
		bs = append(bs, b)
	}
	return bs
}

// Embedded starts a miniredis for this test. Its clock is frozen until Advance moves it, so
// expiries and rate windows are exact.
func Embedded(t testing.TB) Backend {
	t.Helper()
	s := miniredis.NewMiniRedis()
	if err := s.StartAddr("127.0.0.1:0"); err != nil {
		t.Fatalf("cachetest: start miniredis: %v", err)
	}
	t.Cleanup(s.Close)
	var mu sync.Mutex
	now := time.Now().UTC()
	s.SetTime(now)
	rdb := redis.NewClient(&redis.Options{Addr: s.Addr(), Protocol: 2, DisableIdentity: true})
	t.Cleanup(func() { _ = rdb.Close() })
	return Backend{
		Name:  "miniredis",
		Cache: cache.New(rdb, nil, cache.WithPrefix(prefix(t))),
		Advance: func(d time.Duration) {
			mu.Lock()
			defer mu.Unlock()
			now = now.Add(d)
			s.SetTime(now)
			s.FastForward(d)
		},
	}
}

func external(t testing.TB) (Backend, bool) {
	t.Helper()
	addr := os.Getenv(EnvRedisAddr)
	if addr == "" {
		if os.Getenv("CI") == "true" {
			t.Fatalf("cachetest: CI=true but %s is not set", EnvRedisAddr)
		}
		return Backend{}, false
	}
	rdb := redis.NewClient(&redis.Options{Addr: addr, Protocol: 2, DisableIdentity: true})
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := rdb.Ping(ctx).Err(); err != nil {
		_ = rdb.Close()
		// Set but unreachable is a broken test setup, in CI or not: falling back would hide it.
		t.Fatalf("cachetest: %s=%s does not answer: %v", EnvRedisAddr, addr, err)
	}
	p := prefix(t)
	t.Cleanup(func() {
		removePrefix(t, rdb, p)
		_ = rdb.Close()
	})
	return Backend{
		Name:  "redis",
		Cache: cache.New(rdb, nil, cache.WithPrefix(p)),
		// Redis expires a key only once its clock is strictly past the deadline; the extra
		// milliseconds keep a wait of exactly d from landing on the boundary.
		Advance: func(d time.Duration) { time.Sleep(d + 5*time.Millisecond) },
	}, true
}

func prefix(t testing.TB) string {
	var b [8]byte
	if _, err := rand.Read(b[:]); err != nil {
		t.Fatalf("cachetest: prefix: %v", err)
	}
	return "test:" + hex.EncodeToString(b[:]) + ":"
}

func removePrefix(t testing.TB, rdb *redis.Client, p string) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	iter := rdb.Scan(ctx, 0, p+"*", 500).Iterator()
	var keys []string
	for iter.Next(ctx) {
		keys = append(keys, iter.Val())
	}
	if err := iter.Err(); err != nil {
		t.Logf("cachetest: scan %s*: %v", p, err)
		return
	}
	if len(keys) > 0 {
		if err := rdb.Del(ctx, keys...).Err(); err != nil {
			t.Logf("cachetest: delete test keys: %v", err)
		}
	}
}
