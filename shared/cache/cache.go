// Package cache is CloudLens's adapter to Redis (Tair in production): cache-aside query results
// under per-namespace data versions, locks that keep two jobs off the same work, rate limits and
// small one-shot values for token rotation. Query caching degrades to uncached reads when Redis
// is down, so the API keeps serving; locks do not, so jobs never run twice.
package cache

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"

	"github.com/cloudlens/cloudlens/shared/errs"
)

// Cache wraps one go-redis client. It is safe for concurrent use.
type Cache struct {
	rdb    redis.UniversalClient
	logger *slog.Logger
	prefix string

	hits   atomic.Uint64
	misses atomic.Uint64
	errors atomic.Uint64

	// local counts rate limits in process while Redis is unreachable (see Reserve).
	localOnce sync.Once
	local     *localLimiter
}

// Stats counts cache outcomes since the Cache was built; Errors counts every failed Redis call,
// which is how operators see that the API is running uncached.
type Stats struct {
	Hits   uint64
	Misses uint64
	Errors uint64
}

// Option adjusts a Cache at construction.
type Option func(*Cache)

// WithPrefix puts p in front of every key the Cache writes, so that several deployments or
// tests can share one Redis without seeing each other's keys.
func WithPrefix(p string) Option {
	return func(c *Cache) { c.prefix = p }
}

// New wraps rdb. A nil logger discards logs.
func New(rdb redis.UniversalClient, logger *slog.Logger, opts ...Option) *Cache {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	c := &Cache{rdb: rdb, logger: logger}
	for _, o := range opts {
		o(c)
	}
	return c
}

// Open connects to the Redis at addr with timeouts suited to Function Compute. A Redis that is
// down at start is logged, not returned: the API must keep serving uncached, and go-redis
// reconnects on its own once Redis is back.
func Open(ctx context.Context, addr, password string, db int, logger *slog.Logger, opts ...Option) (*Cache, error) {
	if addr == "" {
		return nil, errs.Invalid("cache: redis address is empty")
	}
	rdb := redis.NewClient(&redis.Options{
		Addr:     addr,
		Password: password,
		DB:       db,
		// RESP2 is what every Tair version speaks and keeps Lua replies identical everywhere.
		Protocol: 2,
		// CLIENT SETINFO costs a round trip per new connection and older Tair rejects it.
		DisableIdentity: true,
		// A request must not stall on a slow or dead Redis: it falls back to the database instead.
		DialTimeout:  2 * time.Second,
		ReadTimeout:  time.Second,
		WriteTimeout: time.Second,
		PoolTimeout:  2 * time.Second,
		// go-redis redials five times with 100ms pauses by default, which would add half a second
		// to every request while Redis is down; one attempt, then serve uncached.
		DialerRetries:   1,
		MaxRetries:      1,
		MinRetryBackoff: 8 * time.Millisecond,
		MaxRetryBackoff: 64 * time.Millisecond,
		// One instance serves instanceConcurrency requests at a time; a small pool is enough,
		// and instances are frozen between requests, so idle sockets are dropped early rather
		// than reused after the network has forgotten them.
		PoolSize:        16,
		MinIdleConns:    0,
		ConnMaxIdleTime: 30 * time.Second,
	})
	c := New(rdb, logger, opts...)
	if err := c.Ping(ctx); err != nil {
		c.logger.WarnContext(ctx, "redis unreachable at start; serving uncached until it is back", "redis_addr", addr, "err", err)
	}
	return c, nil
}

// StartEmbedded runs an in-process Redis (miniredis) on a loopback port for local mode and for
// tests without a Redis. stop shuts it down.
func StartEmbedded() (addr string, stop func(), err error) {
	s := miniredis.NewMiniRedis()
	if err := s.StartAddr("127.0.0.1:0"); err != nil {
		return "", nil, fmt.Errorf("cache: start embedded redis: %w", err)
	}
	return s.Addr(), s.Close, nil
}

// Client returns the underlying go-redis client.
func (c *Cache) Client() redis.UniversalClient { return c.rdb }

// Ping reports whether Redis answers.
func (c *Cache) Ping(ctx context.Context) error {
	if err := c.rdb.Ping(ctx).Err(); err != nil {
		return c.fail(ctx, err, "ping")
	}
	return nil
}

// Stats returns the counters so far.
func (c *Cache) Stats() Stats {
	return Stats{Hits: c.hits.Load(), Misses: c.misses.Load(), Errors: c.errors.Load()}
}

// Version returns the current data version of namespace ns; 0 before the first Bump.
func (c *Cache) Version(ctx context.Context, ns string) (int64, error) {
	v, err := c.rdb.Get(ctx, c.versionKey(ns)).Int64()
	switch {
	case errors.Is(err, redis.Nil):
		return 0, nil
	case err != nil:
		return 0, c.fail(ctx, err, "version of %q", ns)
	}
	return v, nil
}

// Bump moves namespace ns to a new data version, which makes every entry cached under older
// versions unreachable; they expire on their own TTL instead of being deleted. Version keys
// carry no TTL, so Tair's default volatile-lru eviction never resets a version to a number
// whose entries may still be alive.
func (c *Cache) Bump(ctx context.Context, ns string) (int64, error) {
	v, err := c.rdb.Incr(ctx, c.versionKey(ns)).Result()
	if err != nil {
		return 0, c.fail(ctx, err, "bump version of %q", ns)
	}
	return v, nil
}

// GetOrLoad returns the value cached for key in namespace ns at its current version, or runs load,
// caches its result for ttl and returns it. A load error is returned and never cached. When Redis
// fails, GetOrLoad logs one warning, counts the error and returns load's result uncached, so a
// dead Redis costs latency, not availability. A ttl <= 0 loads without caching.
func GetOrLoad[T any](ctx context.Context, c *Cache, ns, key string, ttl time.Duration, load func(context.Context) (T, error)) (v T, hit bool, err error) {
	if ttl <= 0 {
		v, err = load(ctx)
		return v, false, err
	}
	// The version is read before load runs: if a sync bumps it meanwhile, whatever load saw is
	// stored under the old version and is never served again.
	ver, err := c.Version(ctx, ns)
	if err != nil {
		c.warn(ctx, "cache version read failed; loading uncached", ns, err)
		v, err = load(ctx)
		return v, false, err
	}
	k := c.entryKey(ns, ver, key)

	raw, err := c.rdb.Get(ctx, k).Bytes()
	warned := false
	switch {
	case err == nil:
		uerr := json.Unmarshal(raw, &v)
		if uerr == nil {
			c.hits.Add(1)
			return v, true, nil
		}
		// A deploy changed T's shape: reload and overwrite rather than fail the request.
		c.errors.Add(1)
		c.warn(ctx, "cache entry undecodable; reloading", ns, uerr)
		warned = true
	case errors.Is(err, redis.Nil):
	default:
		c.warn(ctx, "cache read failed; loading uncached", ns, c.fail(ctx, err, "get %q", ns))
		v, err = load(ctx)
		return v, false, err
	}

	c.misses.Add(1)
	v, err = load(ctx)
	if err != nil {
		return v, false, err
	}
	b, err := json.Marshal(v)
	if err != nil {
		c.errors.Add(1)
		if !warned {
			c.warn(ctx, "cache value not encodable; served uncached", ns, err)
		}
		return v, false, nil
	}
	if err := c.rdb.Set(ctx, k, b, ttl).Err(); err != nil {
		err = c.fail(ctx, err, "set %q", ns)
		if !warned {
			c.warn(ctx, "cache write failed; value served uncached", ns, err)
		}
	}
	return v, false, nil
}

// fail counts a failed Redis call and classifies it: the caller's own cancellation stays what it
// is, anything else means Redis is unavailable.
func (c *Cache) fail(ctx context.Context, err error, format string, args ...any) error {
	msg := "cache: " + fmt.Sprintf(format, args...)
	if ctx.Err() != nil {
		return fmt.Errorf("%s: %w", msg, err)
	}
	c.errors.Add(1)
	return errs.Wrap(errs.KindUnavailable, err, "%s", msg)
}

func (c *Cache) warn(ctx context.Context, msg, ns string, err error) {
	c.logger.WarnContext(ctx, msg, "cache_ns", ns, "err", err)
}

func (c *Cache) versionKey(ns string) string { return c.prefix + "cl:v:" + ns }

func (c *Cache) entryKey(ns string, ver int64, key string) string {
	sum := sha256.Sum256([]byte(key))
	return c.prefix + "cl:c:" + ns + ":v" + strconv.FormatInt(ver, 10) + ":" + hex.EncodeToString(sum[:])
}
