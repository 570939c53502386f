package auth

import (
	"context"
	"net/netip"
	"time"

	sa "github.com/cloudlens/cloudlens/shared/auth"
	"github.com/cloudlens/cloudlens/shared/cache"
	"github.com/cloudlens/cloudlens/shared/errs"
	"github.com/cloudlens/cloudlens/shared/httpx"
)

// Sign-in limits count failed attempts only (a successful sign-in gives its attempt back), in
// three windows, each keyed by hashes so no e-mail is stored and no key grows with the input:
//
//   - per e-mail and address: CLOUDLENS_LOGIN_RATE_LIMIT per 15 minutes. Guessing from one
//     place is slowed, and it locks out only that place;
//   - per address across e-mails: five times that, which slows spraying one password over
//     many accounts;
//   - per e-mail across addresses: five times that per hour, which bounds guessing from many
//     addresses. An address the user signed in from within knownFor is exempt, so an attacker
//     who exhausts it locks out only new places, never the user where they usually sign in.
const (
	pairWindow   = 15 * time.Minute
	globalWindow = time.Hour
	knownFor     = 30 * 24 * time.Hour
)

// loginLimit is the set of attempts one sign-in counted.
type loginLimit struct {
	a     *api
	held  []cache.Reservation
	known string // key marking the (e-mail, address) pair as a known place after a success
}

// limitLogin counts one attempt of email from addr, or refuses it with 429 and Retry-After
// when any window is full. Counting falls back to an in-process limiter while Redis is down.
func (a *api) limitLogin(ctx context.Context, email string, addr netip.Addr) (*loginLimit, error) {
	limit := a.d.Config.LoginRateLimit
	place := addrKey(addr)
	l := &loginLimit{a: a, known: "login:known:" + sa.HashSecret(email+"\x00"+place)}
	type window struct {
		key    string
		limit  int
		window time.Duration
	}
	checks := []window{
		{"login:pair:" + sa.HashSecret(email+"\x00"+place), limit, pairWindow},
		{"login:addr:" + sa.HashSecret(place), 5 * limit, pairWindow},
	}
	known, err := a.d.Cache.Exists(ctx, l.known)
	if err != nil && ctx.Err() != nil {
		return nil, err
	}
	if !known {
		checks = append(checks, window{"login:email:" + sa.HashSecret(email), 5 * limit, globalWindow})
	}
	for _, c := range checks {
		res, err := a.d.Cache.Reserve(ctx, c.key, c.limit, c.window)
		if err != nil {
			l.release(ctx)
			return nil, err
		}
		if !res.OK {
			l.release(ctx)
			secs := int64(res.RetryAfter.Seconds()) + 1
			return nil, &httpx.RetryAfterError{Seconds: secs, Err: errs.E(errs.KindRateLimited, "too many failed sign-in attempts; try again in %d seconds", secs)}
		}
		l.held = append(l.held, res)
	}
	return l, nil
}

// succeeded gives the attempt back (successes are not failures) and remembers the place.
func (l *loginLimit) succeeded(ctx context.Context) {
	l.release(ctx)
	if err := l.a.d.Cache.Put(ctx, l.known, []byte("1"), knownFor); err != nil {
		l.a.d.Log.WarnContext(ctx, "could not remember a sign-in place", "error", err.Error())
	}
}

func (l *loginLimit) release(ctx context.Context) {
	for _, r := range l.held {
		if err := l.a.d.Cache.Cancel(ctx, r); err != nil {
			l.a.d.Log.WarnContext(ctx, "could not give a sign-in attempt back", "error", err.Error())
		}
	}
	l.held = nil
}

// addrKey is the unit an address is limited by: one IPv4 address, or the /64 an IPv6 client
// gets (one host can use every address of its /64).
func addrKey(a netip.Addr) string {
	if !a.IsValid() {
		return "unknown"
	}
	if a.Is6() {
		p, _ := a.Prefix(64)
		return p.String()
	}
	return a.String()
}
