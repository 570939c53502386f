package cache

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/cloudlens/cloudlens/shared/errs"
)

// slidingWindow is the Lua of a sliding-window log: one sorted-set member per allowed call,
// scored by the Redis server's clock in milliseconds so that every function instance counts
// against one clock. Refused calls are not recorded, so a client hammering a limit is let in
// again as soon as its oldest allowed call leaves the window. Scores stay in milliseconds
// because Lua prints larger integers in exponent form and would lose precision. count returns
// {1, 0} when the call fits, {0, milliseconds until a slot frees} when it does not.
const slidingWindow = `
local function count(key, window, limit, member)
  local t = redis.call("TIME")
  local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
  redis.call("ZREMRANGEBYSCORE", key, "-inf", now - window)
  if redis.call("ZCARD", key) < limit then
    redis.call("ZADD", key, now, member)
    redis.call("PEXPIRE", key, window)
    return {1, 0}
  end
  local oldest = redis.call("ZRANGE", key, 0, 0, "WITHSCORES")
  return {0, tonumber(oldest[2]) + window - now}
end
`

// allowScript counts one call under KEYS[1]: ARGV = window ms, limit, member.
var allowScript = redis.NewScript(slidingWindow + `
return count(KEYS[1], tonumber(ARGV[1]), tonumber(ARGV[2]), ARGV[3])`)

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
	member, err := randomMember()
	if err != nil {
		return true, 0, err
	}
	res, err := allowScript.Run(ctx, c.rdb, []string{c.prefix + "cl:r:" + key},
		window.Milliseconds(), limit, member).Int64Slice()
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

// Reservation is one attempt counted by Reserve. A caller that turns out not to want the
// attempt counted (a sign-in that succeeded) gives it back with Cancel.
type Reservation struct {
	OK         bool          // the attempt fits the limit and is counted
	RetryAfter time.Duration // when refused: how long until a slot frees
	key        string
	member     string
	local      bool // counted by the in-process fallback
}

// Reserve counts one attempt under key if it fits in limit attempts per sliding window (the
// script of Allow). When Redis cannot be reached it counts in this process instead and logs the
// outage: a limit that matters for security (sign-in guessing) must not fail open. The
// fallback is per instance, so during an outage an attacker spread over N instances gets N
// times the limit, which is still a limit.
func (c *Cache) Reserve(ctx context.Context, key string, limit int, window time.Duration) (Reservation, error) {
	if limit < 1 || window < time.Millisecond {
		return Reservation{}, errs.Invalid("cache: reserve needs limit >= 1 and window >= 1ms, got %d per %s", limit, window)
	}
	member, err := randomMember()
	if err != nil {
		return Reservation{}, err
	}
	res := Reservation{key: c.prefix + "cl:r:" + key, member: member}
	reply, err := allowScript.Run(ctx, c.rdb, []string{res.key}, window.Milliseconds(), limit, res.member).Int64Slice()
	if err == nil && len(reply) == 2 {
		res.OK = reply[0] == 1
		if !res.OK {
			res.RetryAfter = time.Duration(max(reply[1], 1)) * time.Millisecond
		}
		return res, nil
	}
	if ctx.Err() != nil {
		return Reservation{}, ctx.Err()
	}
	if err == nil {
		err = fmt.Errorf("unexpected reply %v", reply)
	}
	c.warn(ctx, "rate limit counted in process: redis unavailable", "ratelimit", c.fail(ctx, err, "reserve"))
	res.local = true
	res.OK, res.RetryAfter = c.fallback().reserve(res.key, res.member, limit, window, time.Now())
	return res, nil
}

// Cancel gives a counted attempt back. Cancelling a refused or zero reservation does nothing.
func (c *Cache) Cancel(ctx context.Context, r Reservation) error {
	if !r.OK || r.key == "" {
		return nil
	}
	if r.local {
		c.fallback().cancel(r.key, r.member)
		return nil
	}
	if err := c.rdb.ZRem(ctx, r.key, r.member).Err(); err != nil {
		return c.fail(ctx, err, "cancel reservation")
	}
	return nil
}

// randomMember names one counted call, so that Cancel can take exactly that one back.
func randomMember() (string, error) {
	var b [8]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("cache: rate limit member: %w", err)
	}
	return hex.EncodeToString(b[:]), nil
}

func (c *Cache) fallback() *localLimiter {
	c.localOnce.Do(func() { c.local = &localLimiter{keys: map[string][]localHit{}} })
	return c.local
}

// maxLocalKeys bounds the fallback's memory while Redis is down. Past it, expired entries are
// swept; if every key is still live, the oldest half of the map is dropped (Go's map order is
// random, so no client can aim at whose counts go).
const maxLocalKeys = 50_000

type localHit struct {
	at     time.Time
	member string
}

// localLimiter is the in-process sliding-window log Reserve falls back to.
type localLimiter struct {
	mu   sync.Mutex
	keys map[string][]localHit
}

func (l *localLimiter) reserve(key, member string, limit int, window time.Duration, now time.Time) (bool, time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	hits := live(l.keys[key], now.Add(-window))
	if len(hits) >= limit {
		l.keys[key] = hits
		return false, max(hits[0].at.Add(window).Sub(now), time.Millisecond)
	}
	if _, ok := l.keys[key]; !ok && len(l.keys) >= maxLocalKeys {
		l.sweep(now.Add(-window))
	}
	l.keys[key] = append(hits, localHit{at: now, member: member})
	return true, 0
}

func (l *localLimiter) cancel(key, member string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	hits := l.keys[key]
	for i, h := range hits {
		if h.member == member {
			l.keys[key] = append(hits[:i:i], hits[i+1:]...)
			return
		}
	}
}

// sweep drops expired entries, and half the keys if that was not enough.
func (l *localLimiter) sweep(since time.Time) {
	for k, hits := range l.keys {
		if hits = live(hits, since); len(hits) == 0 {
			delete(l.keys, k)
		} else {
			l.keys[k] = hits
		}
	}
	for k := range l.keys {
		if len(l.keys) < maxLocalKeys/2 {
			break
		}
		delete(l.keys, k)
	}
}

// live returns the hits after since (hits are in time order).
func live(hits []localHit, since time.Time) []localHit {
	i := 0
	for i < len(hits) && !hits[i].at.After(since) {
		i++
	}
	return hits[i:]
}
