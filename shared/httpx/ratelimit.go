package httpx

import (
	"context"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/cloudlens/cloudlens/shared/auth"
	"github.com/cloudlens/cloudlens/shared/errs"
)

// Rate is N requests per sliding window Per.
type Rate struct {
	N   int
	Per time.Duration
}

// Rates are the per-caller request rates by class (see ClassOf). A zero Rate is not limited.
type Rates struct {
	API    Rate
	Export Rate
	AI     Rate
}

// For returns the rate of class c.
func (r Rates) For(c Class) Rate {
	switch c {
	case ClassExport:
		return r.Export
	case ClassAI:
		return r.AI
	}
	return r.API
}

// Counter counts one request under key against limit per window, saying when a refused caller
// may try again. The cache's sliding-window log (Redis, with an in-process fallback while Redis
// is down) is the one in use; tests may count in memory.
type Counter interface {
	Count(ctx context.Context, key string, limit int, window time.Duration) (ok bool, retryAfter time.Duration, err error)
}

// RateLimit refuses an authenticated caller's requests past the rate of the route's class with
// 429 and Retry-After. It goes inside Authenticate: the caller is the user, or the API key when
// one was used, so a script's key and its owner's browser have a budget each. Each class
// counts apart, so exports and AI calls cannot use up the budget of ordinary pages. A request
// already counted with its session lookup (AuthenticateLimited) is not counted again.
func RateLimit(log *slog.Logger, c Counter, rates Rates) Middleware {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			p, ok := auth.FromContext(r.Context())
			class := ClassOf(r)
			rate := rates.For(class)
			if !ok || c == nil || rate.N < 1 || rate.Per <= 0 {
				next.ServeHTTP(w, r)
				return
			}
			var allowed bool
			var wait time.Duration
			if q := auth.QuotaFrom(r.Context()); q != nil && q.Counted && p.APIKeyID == 0 {
				allowed, wait = q.OK, q.RetryAfter
			} else {
				key := rateKey(class, p.UserID, p.APIKeyID)
				var err error
				if allowed, wait, err = c.Count(r.Context(), key, rate.N, rate.Per); err != nil {
					Error(log, w, r, err)
					return
				}
			}
			if !allowed {
				secs := int64((wait + time.Second - 1) / time.Second)
				Error(log, w, r, &RetryAfterError{Seconds: max(secs, 1),
					Err: errs.E(errs.KindRateLimited, "too many requests: at most %d %s requests per %s; retry in %d s", rate.N, class, rate.Per, max(secs, 1))})
				return
			}
			next.ServeHTTP(w, r)
		})
	}
}

// AuthenticateLimited is Authenticate then RateLimit, with the rate-limit count of a signed-in
// user taken in the round trip that looks the session up (auth.Quota) rather than in one of its
// own. API keys have no session to look up and are counted by RateLimit as before.
func AuthenticateLimited(log *slog.Logger, a Authenticator, c Counter, rates Rates) Middleware {
	return func(next http.Handler) http.Handler {
		h := Authenticate(log, a)(RateLimit(log, c, rates)(next))
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			class := ClassOf(r)
			if rate := rates.For(class); c != nil && rate.N >= 1 && rate.Per > 0 {
				q := &auth.Quota{Key: func(userID int64) string { return rateKey(class, userID, 0) }, Limit: rate.N, Window: rate.Per}
				r = r.WithContext(auth.WithQuota(r.Context(), q))
			}
			h.ServeHTTP(w, r)
		})
	}
}

// rateKey names the counter of a caller in a class: the API key when one was used, else the user.
func rateKey(class Class, userID, apiKeyID int64) string {
	if apiKeyID != 0 {
		return "req:" + string(class) + ":k" + strconv.FormatInt(apiKeyID, 10)
	}
	return "req:" + string(class) + ":u" + strconv.FormatInt(userID, 10)
}
