package auth

import (
	"context"
	"time"
)

// Quota is a request count an authenticating edge wants taken for the caller. Counting needs
// the caller, and the caller is known only once its access token is read; taking the count in
// the same Redis round trip as the session lookup saves a round trip on every request
// (httpx.AuthenticateLimited). Authenticate fills the outcome in when the session store could
// count; otherwise Counted stays false and the edge counts on its own.
type Quota struct {
	Key    func(userID int64) string // the counter of a user
	Limit  int
	Window time.Duration

	Counted    bool          // the session store took the count
	OK         bool          // the request fits the limit and was counted
	RetryAfter time.Duration // when refused: how long until a slot frees
}

// SessionCounter is a session store that can take a Quota's count in the session lookup's round
// trip. It counts only when the session is live and belongs to userID at epoch, so that a
// request refused by the session check uses none of the caller's budget.
type SessionCounter interface {
	CountedSession(ctx context.Context, id string, userID, epoch int64, key string, limit int, window time.Duration) (s Session, ok bool, retryAfter time.Duration, err error)
}

type quotaKey struct{}

// WithQuota asks the authenticator of ctx's request to count q.
func WithQuota(ctx context.Context, q *Quota) context.Context {
	return context.WithValue(ctx, quotaKey{}, q)
}

// QuotaFrom returns the quota of ctx, or nil.
func QuotaFrom(ctx context.Context) *Quota {
	q, _ := ctx.Value(quotaKey{}).(*Quota)
	return q
}
