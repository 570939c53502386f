package cache

import (
	"context"
	"errors"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/cloudlens/cloudlens/shared/errs"
)

// takeScript reads and deletes in one step, like GETDEL, which Redis 5.0-compatible Tair
// instances lack.
var takeScript = redis.NewScript(`
local v = redis.call("GET", KEYS[1])
if v then redis.call("DEL", KEYS[1]) end
return v`)

// Put stores value under key for ttl. Every value expires: these hold refresh tokens and
// revocations, which must not outlive the tokens they describe.
func (c *Cache) Put(ctx context.Context, key string, value []byte, ttl time.Duration) error {
	if err := checkTTL(ttl); err != nil {
		return err
	}
	if err := c.rdb.Set(ctx, c.kvKey(key), value, ttl).Err(); err != nil {
		return c.fail(ctx, err, "put")
	}
	return nil
}

// Take returns the value under key and deletes it atomically, so a refresh token can be redeemed
// once even when two requests race. It fails with errs.KindNotFound when nothing is stored.
func (c *Cache) Take(ctx context.Context, key string) ([]byte, error) {
	v, err := takeScript.Run(ctx, c.rdb, []string{c.kvKey(key)}).Text()
	switch {
	case errors.Is(err, redis.Nil):
		return nil, errs.NotFound("cache: nothing stored under this key")
	case err != nil:
		return nil, c.fail(ctx, err, "take")
	}
	return []byte(v), nil
}

// Delete removes the values stored under keys; absent keys are not an error.
func (c *Cache) Delete(ctx context.Context, keys ...string) error {
	if len(keys) == 0 {
		return nil
	}
	full := make([]string, len(keys))
	for i, k := range keys {
		full[i] = c.kvKey(k)
	}
	if err := c.rdb.Del(ctx, full...).Err(); err != nil {
		return c.fail(ctx, err, "delete")
	}
	return nil
}

// Errors from Put, Take and Delete leave the key out: callers key these values by token.
func (c *Cache) kvKey(key string) string { return c.prefix + "cl:k:" + key }

// Exists reports whether a value is stored under key.
func (c *Cache) Exists(ctx context.Context, key string) (bool, error) {
	n, err := c.rdb.Exists(ctx, c.kvKey(key)).Result()
	if err != nil {
		return false, c.fail(ctx, err, "exists")
	}
	return n == 1, nil
}
