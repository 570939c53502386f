package cache

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/cloudlens/cloudlens/shared/errs"
)

// ErrNotHeld means a lock expired or passed to another holder before Extend or Unlock; the
// holder must assume someone else may be doing the work now.
var ErrNotHeld = errors.New("lock is no longer held")

// Lock is one holder's claim on a named lock, identified by a random token so that only this
// holder can extend or release it.
type Lock struct {
	c     *Cache
	name  string
	key   string
	token string
}

// Both scripts compare the token and act in one atomic step; a GET followed by a DEL could
// delete a lock that expired and was taken by someone else in between.
var (
	unlockScript = redis.NewScript(`
if redis.call("GET", KEYS[1]) == ARGV[1] then
  return redis.call("DEL", KEYS[1])
end
return 0`)
	extendScript = redis.NewScript(`
if redis.call("GET", KEYS[1]) == ARGV[1] then
  return redis.call("PEXPIRE", KEYS[1], ARGV[2])
end
return 0`)
)

// Lock takes the lock called name for ttl. It fails with errs.KindConflict when someone else holds
// it and errs.KindUnavailable when Redis is down: jobs refuse to run rather than risk double work.
func (c *Cache) Lock(ctx context.Context, name string, ttl time.Duration) (*Lock, error) {
	if err := checkTTL(ttl); err != nil {
		return nil, err
	}
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		return nil, fmt.Errorf("cache: lock %q: token: %w", name, err)
	}
	l := &Lock{c: c, name: name, key: c.prefix + "cl:l:" + name, token: hex.EncodeToString(b[:])}
	ok, err := c.rdb.SetNX(ctx, l.key, l.token, ttl).Result()
	if err != nil {
		return nil, c.fail(ctx, err, "lock %q", name)
	}
	if !ok {
		return nil, errs.Conflict("lock %q is held by another run", name)
	}
	return l, nil
}

// Extend resets the lock's expiry to ttl from now, for work that outlives its first estimate.
// It fails with ErrNotHeld (kind conflict) when the lock has expired or changed hands.
func (l *Lock) Extend(ctx context.Context, ttl time.Duration) error {
	if err := checkTTL(ttl); err != nil {
		return err
	}
	n, err := extendScript.Run(ctx, l.c.rdb, []string{l.key}, l.token, ttl.Milliseconds()).Int64()
	if err != nil {
		return l.c.fail(ctx, err, "extend lock %q", l.name)
	}
	if n == 0 {
		return errs.Wrap(errs.KindConflict, ErrNotHeld, "cache: extend lock %q", l.name)
	}
	return nil
}

// Unlock releases the lock if this holder still owns it. It fails with ErrNotHeld (kind conflict)
// when the lock expired first, which tells a job its run overlapped with another.
func (l *Lock) Unlock(ctx context.Context) error {
	n, err := unlockScript.Run(ctx, l.c.rdb, []string{l.key}, l.token).Int64()
	if err != nil {
		return l.c.fail(ctx, err, "unlock %q", l.name)
	}
	if n == 0 {
		return errs.Wrap(errs.KindConflict, ErrNotHeld, "cache: unlock %q", l.name)
	}
	return nil
}

// checkTTL rejects expiries Redis would round to zero or refuse: a lock or value without an
// expiry would outlive a crashed holder forever.
func checkTTL(ttl time.Duration) error {
	if ttl < time.Millisecond {
		return errs.Invalid("cache: ttl must be at least 1ms, got %s", ttl)
	}
	return nil
}
