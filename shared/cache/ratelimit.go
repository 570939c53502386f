package cache

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/cloudlens/cloudlens/shared/errs"
)

// allowScript keeps a sliding-window log: one sorted-set member per allowed call, scored by the
// Redis server's clock in milliseconds so that every function instance counts against one clock.
// Refused calls are not recorded, so a client hammering a limit is let in again as soon as its
// oldest allowed call leaves the window. Scores stay in milliseconds because Lua prints larger
// integers in exponent form and would lose precision.
var allowScript = redis.NewScript(`
local t = redis.call("TIME")
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local window = tonumber(ARGV[1])
local limit = tonumber(ARGV[2])
redis.call("ZREMRANGEBYSCORE", KEYS[1], "-inf", now - window)
if redis.call("ZCARD", KEYS[1]) < limit then
  redis.call("ZADD", KEYS[1], now, ARGV[3])
  redis.call("PEXPIRE", KEYS[1], window)
  return {1, 0}
end
local oldest = redis.call("ZRANGE", KEYS[1], 0, 0, "WITHSCORES")
return {0, tonumber(oldest[2]) + window - now}`)

// Allow reports whether one more call under key fits in limit calls per sliding window, and when
// refused, how long until a slot frees. When Redis fails it returns ok=true with an
// errs.KindUnavailable error: failing open keeps logins working during an outage, and the caller
// decides whether its endpoint is too costly to run unlimited.
func (c *Cache) Allow(ctx context.Context, key string, limit int, window time.Duration) (ok bool, retryAfter time.Duration, err error) {
	if limit < 1 {
		return false, 0, errs.Invalid("cache: rate limit must be at least 1, got %d", limit)
	}
	if window < time.Millisecond {
		return false, 0, errs.Invalid("cache: rate window must be at least 1ms, got %s", window)
	}
	var b [8]byte
	if _, err := rand.Read(b[:]); err != nil {
		return true, 0, fmt.Errorf("cache: allow %q: member: %w", key, err)
	}
	res, err := allowScript.Run(ctx, c.rdb, []string{c.prefix + "cl:r:" + key},
		window.Milliseconds(), limit, hex.EncodeToString(b[:])).Int64Slice()
	if err != nil {
		return true, 0, c.fail(ctx, err, "allow %q", key)
	}
	if len(res) != 2 {
		return true, 0, c.fail(ctx, fmt.Errorf("unexpected reply %v", res), "allow %q", key)
	}
	if res[0] == 1 {
		return true, 0, nil
	}
	return false, time.Duration(max(res[1], 1)) * time.Millisecond, nil
}
