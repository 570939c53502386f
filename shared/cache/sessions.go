package cache

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/cloudlens/cloudlens/shared/auth"
	"github.com/cloudlens/cloudlens/shared/errs"
)

// A session is one hash, cl:s:<id> = {uid, ep, rt}, where rt is the hash of the one refresh
// token that may be exchanged next. Every refresh token ever issued also leaves a pointer
// cl:rt:<hash> = <session id> until it would have expired, so a spent token presented again is
// recognised as reuse rather than as an unknown token. Both keys expire with the session's
// refresh lifetime, which rotation extends.

// rotateScript exchanges refresh token ARGV[1] for ARGV[2] within session KEYS[1] atomically:
// two requests racing with the same token cannot both win. A token that is not the current one
// is reuse: the session ends, taking every successor token and access token with it.
var rotateScript = redis.NewScript(`
local cur = redis.call("HGET", KEYS[1], "rt")
if not cur then return {0} end
if cur ~= ARGV[1] then
  redis.call("DEL", KEYS[1])
  return {-1}
end
redis.call("HSET", KEYS[1], "rt", ARGV[2])
redis.call("PEXPIRE", KEYS[1], ARGV[3])
local v = redis.call("HMGET", KEYS[1], "uid", "ep")
return {1, v[1], v[2]}`)

// StartSession records session s, whose first refresh token hashes to refreshHash, for ttl.
func (c *Cache) StartSession(ctx context.Context, s auth.Session, refreshHash string, ttl time.Duration) error {
	if err := checkTTL(ttl); err != nil {
		return err
	}
	_, err := c.rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
		p.HSet(ctx, c.sessionKey(s.ID), "uid", s.UserID, "ep", s.Epoch, "rt", refreshHash)
		p.PExpire(ctx, c.sessionKey(s.ID), ttl)
		p.Set(ctx, c.refreshKey(refreshHash), s.ID, ttl)
		return nil
	})
	if err != nil {
		return c.fail(ctx, err, "start session")
	}
	return nil
}

// Session returns the live session id (one round trip), or errs.KindNotFound once it has
// ended or expired.
func (c *Cache) Session(ctx context.Context, id string) (auth.Session, error) {
	v, err := c.rdb.HMGet(ctx, c.sessionKey(id), "uid", "ep").Result()
	if err != nil {
		return auth.Session{}, c.fail(ctx, err, "get session")
	}
	return parseSession(id, v...)
}

// countedSessionScript reads session KEYS[1] and, when it is live and belongs to user ARGV[4] at
// epoch ARGV[5], counts one request under KEYS[2] (window ARGV[1] ms, limit ARGV[2], member
// ARGV[3]): {0} for no session, {1, uid, ep} for someone else's, {1, uid, ep, ok, wait} counted.
var countedSessionScript = redis.NewScript(slidingWindow + `
local v = redis.call("HMGET", KEYS[1], "uid", "ep")
if not v[1] then return {0} end
if v[1] ~= ARGV[4] or v[2] ~= ARGV[5] then return {1, v[1], v[2]} end
local r = count(KEYS[2], tonumber(ARGV[1]), tonumber(ARGV[2]), ARGV[3])
return {1, v[1], v[2], r[1], r[2]}`)

// CountedSession is Session and, when the session is live and is userID's at epoch, one request
// counted under key as Reserve counts it, in one round trip (auth.SessionCounter). It does not
// fall back to counting in process: on error nothing was counted, and the caller counts apart.
func (c *Cache) CountedSession(ctx context.Context, id string, userID, epoch int64, key string, limit int, window time.Duration) (auth.Session, bool, time.Duration, error) {
	if limit < 1 || window < time.Millisecond {
		return auth.Session{}, false, 0, errs.Invalid("cache: counted session needs limit >= 1 and window >= 1ms, got %d per %s", limit, window)
	}
	member, err := randomMember()
	if err != nil {
		return auth.Session{}, false, 0, err
	}
	res, err := countedSessionScript.Run(ctx, c.rdb, []string{c.sessionKey(id), c.prefix + "cl:r:" + key},
		window.Milliseconds(), limit, member, strconv.FormatInt(userID, 10), strconv.FormatInt(epoch, 10)).Slice()
	if err != nil {
		return auth.Session{}, false, 0, c.fail(ctx, err, "get session and count request")
	}
	if state, _ := res[0].(int64); state == 0 || len(res) < 3 {
		return auth.Session{}, false, 0, errs.NotFound("cache: session ended or expired")
	}
	s, err := parseSession(id, res[1], res[2])
	if err != nil || len(res) != 5 {
		return s, false, 0, err
	}
	if ok, _ := res[3].(int64); ok == 1 {
		return s, true, 0, nil
	}
	wait, _ := res[4].(int64)
	return s, false, time.Duration(max(wait, 1)) * time.Millisecond, nil
}

// RotateSession exchanges the refresh token hashing to oldHash for one hashing to newHash and
// returns the session it belongs to, alive for ttl more. An unknown or expired token, or an
// ended session, is errs.KindNotFound; a token that was already exchanged ends the session and
// is errs.KindUnauthorized wrapping auth.ErrRefreshReused.
func (c *Cache) RotateSession(ctx context.Context, oldHash, newHash string, ttl time.Duration) (auth.Session, error) {
	if err := checkTTL(ttl); err != nil {
		return auth.Session{}, err
	}
	id, err := c.rdb.Get(ctx, c.refreshKey(oldHash)).Result()
	switch {
	case errors.Is(err, redis.Nil):
		return auth.Session{}, errs.NotFound("cache: unknown or expired refresh token")
	case err != nil:
		return auth.Session{}, c.fail(ctx, err, "find session of refresh token")
	}
	// The pointer of the new token goes in first: if the exchange below then fails, the new
	// token was never handed out and its pointer only ever leads to a refusal.
	if err := c.rdb.Set(ctx, c.refreshKey(newHash), id, ttl).Err(); err != nil {
		return auth.Session{}, c.fail(ctx, err, "rotate refresh token")
	}
	res, err := rotateScript.Run(ctx, c.rdb, []string{c.sessionKey(id)}, oldHash, newHash, ttl.Milliseconds()).Slice()
	if err != nil {
		return auth.Session{}, c.fail(ctx, err, "rotate refresh token")
	}
	state, _ := res[0].(int64)
	switch state {
	case 0:
		return auth.Session{}, errs.NotFound("cache: session ended")
	case -1:
		return auth.Session{}, errs.Wrap(errs.KindUnauthorized, auth.ErrRefreshReused, "refresh token reused; the session is ended")
	}
	if len(res) != 3 {
		return auth.Session{}, c.fail(ctx, fmt.Errorf("unexpected reply %v", res), "rotate refresh token")
	}
	return parseSession(id, res[1], res[2])
}

// SessionOfRefresh returns the id of the session a refresh token (spent or not) was issued in,
// or errs.KindNotFound when the token is unknown or expired.
func (c *Cache) SessionOfRefresh(ctx context.Context, refreshHash string) (string, error) {
	id, err := c.rdb.Get(ctx, c.refreshKey(refreshHash)).Result()
	switch {
	case errors.Is(err, redis.Nil):
		return "", errs.NotFound("cache: unknown or expired refresh token")
	case err != nil:
		return "", c.fail(ctx, err, "find session of refresh token")
	}
	return id, nil
}

// EndSession ends session id at once; ending an ended session is not an error.
func (c *Cache) EndSession(ctx context.Context, id string) error {
	if err := c.rdb.Del(ctx, c.sessionKey(id)).Err(); err != nil {
		return c.fail(ctx, err, "end session")
	}
	return nil
}

// parseSession reads the uid and ep fields as Redis returned them (strings, nil when absent).
func parseSession(id string, fields ...any) (auth.Session, error) {
	if len(fields) != 2 || fields[0] == nil {
		return auth.Session{}, errs.NotFound("cache: session ended or expired")
	}
	uid, err1 := strconv.ParseInt(fmt.Sprint(fields[0]), 10, 64)
	ep, err2 := strconv.ParseInt(fmt.Sprint(fields[1]), 10, 64)
	if err := errors.Join(err1, err2); err != nil {
		return auth.Session{}, errs.Wrap(errs.KindInternal, err, "cache: session %s is malformed", id)
	}
	return auth.Session{ID: id, UserID: uid, Epoch: ep}, nil
}

// Errors of the session methods leave keys out, so no log line names a live session or the
// hash of a refresh token.
func (c *Cache) sessionKey(id string) string { return c.prefix + "cl:s:" + id }

func (c *Cache) refreshKey(hash string) string { return c.prefix + "cl:rt:" + hash }
