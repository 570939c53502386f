package auth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base32"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/cloudlens/cloudlens/shared/errs"
)

// Tokens issues and verifies short-lived access tokens (HS256 JWTs).
type Tokens struct {
	secret []byte
	ttl    time.Duration
	now    func() time.Time
}

// NewTokens returns a token issuer; secret must be at least 32 bytes.
func NewTokens(secret string, ttl time.Duration, now func() time.Time) (*Tokens, error) {
	if len(secret) < 32 {
		return nil, errors.New("auth: JWT secret must be at least 32 bytes")
	}
	if now == nil {
		now = time.Now
	}
	return &Tokens{secret: []byte(secret), ttl: ttl, now: now}, nil
}

// TTL is the lifetime of an access token.
func (t *Tokens) TTL() time.Duration { return t.ttl }

type claims struct {
	Role    string `json:"role"`
	Session string `json:"sid"`
	Epoch   int64  `json:"sep"`
	jwt.RegisteredClaims
}

const issuer = "cloudlens"

// Access is what a verified access token says: whose it is and which session it belongs to.
type Access struct {
	UserID    int64
	SessionID string
	Epoch     int64 // the user's session epoch when the session began
}

// Issue returns an access token for u within session sessionID.
func (t *Tokens) Issue(u User, sessionID string) (string, error) {
	if sessionID == "" {
		return "", errors.New("auth: an access token needs a session")
	}
	now := t.now()
	c := claims{
		Role:    string(u.Role),
		Session: sessionID,
		Epoch:   u.SessionEpoch,
		RegisteredClaims: jwt.RegisteredClaims{
			Issuer:    issuer,
			Subject:   strconv.FormatInt(u.ID, 10),
			IssuedAt:  jwt.NewNumericDate(now),
			ExpiresAt: jwt.NewNumericDate(now.Add(t.ttl)),
		},
	}
	s, err := jwt.NewWithClaims(jwt.SigningMethodHS256, c).SignedString(t.secret)
	if err != nil {
		return "", fmt.Errorf("auth: sign token: %w", err)
	}
	return s, nil
}

// Verify checks an access token's signature, issuer and expiry. Whether its session is still
// alive is the Authenticator's question.
func (t *Tokens) Verify(token string) (Access, error) {
	var c claims
	_, err := jwt.ParseWithClaims(token, &c, func(*jwt.Token) (any, error) { return t.secret, nil },
		jwt.WithValidMethods([]string{jwt.SigningMethodHS256.Alg()}),
		jwt.WithIssuer(issuer), jwt.WithExpirationRequired(), jwt.WithTimeFunc(t.now))
	if err != nil {
		if errors.Is(err, jwt.ErrTokenExpired) {
			return Access{}, errs.Unauthorized("access token expired: refresh it")
		}
		return Access{}, errs.Unauthorized("invalid access token")
	}
	id, err := strconv.ParseInt(c.Subject, 10, 64)
	// Tokens from before sessions existed carry no session id: they are refused, so their
	// holders sign in again instead of keeping a session nothing can end.
	if err != nil || id <= 0 || c.Session == "" {
		return Access{}, errs.Unauthorized("invalid access token")
	}
	return Access{UserID: id, SessionID: c.Session, Epoch: c.Epoch}, nil
}

// Prefixes tell the kinds of credential apart at a glance and in secret scanners.
const (
	APIKeyPrefix       = "clk_"
	RefreshTokenPrefix = "clr_"
)

var b32 = base32.StdEncoding.WithPadding(base32.NoPadding)

// randomToken returns prefix + 32 random bytes in lower-case base32.
func randomToken(prefix string) string {
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic("auth: no randomness: " + err.Error()) // crypto/rand never fails on supported systems
	}
	return prefix + strings.ToLower(b32.EncodeToString(b[:]))
}

// HashSecret is how API keys and refresh tokens are stored and looked up: hex SHA-256.
// The inputs are 256-bit random values, so a fast hash is enough (no guessing to slow down).
func HashSecret(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:])
}

// NewAPIKey returns a new key (shown once), its display prefix and its stored hash.
func NewAPIKey() (key, prefix, hash string) {
	key = randomToken(APIKeyPrefix)
	return key, key[:len(APIKeyPrefix)+6], HashSecret(key)
}

// NewRefreshToken returns a new opaque refresh token.
func NewRefreshToken() string { return randomToken(RefreshTokenPrefix) }

// NewSessionID returns a new random session id. It travels in access tokens, which anyone
// holding one can read, so it only names a session: ending one takes the token or a refresh
// token of that session.
func NewSessionID() string {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic("auth: no randomness: " + err.Error())
	}
	return hex.EncodeToString(b[:])
}

// Session is one sign-in: it begins at login, lives on through refresh-token rotation, and
// ends at logout, on refresh-token reuse, or when it expires unused.
type Session struct {
	ID     string
	UserID int64
	Epoch  int64 // the user's session epoch when it began
}

// ErrRefreshReused means a refresh token that had already been exchanged was presented again:
// someone holds a copy, so the whole session (every successor token too) has been ended.
var ErrRefreshReused = errors.New("auth: refresh token reused")

// Users is what the authenticator needs of the user store.
type Users interface {
	GetUser(ctx context.Context, id int64) (User, error)
}

// Keys is what the authenticator needs of the API key store.
type Keys interface {
	GetAPIKeyByHash(ctx context.Context, hash string) (APIKey, error)
	TouchAPIKey(ctx context.Context, id int64, at time.Time) error
}

// Sessions is what the authenticator needs of the session store: the live session id, or
// errs.KindNotFound once it has ended or expired.
type Sessions interface {
	Session(ctx context.Context, id string) (Session, error)
}

// Authenticator turns a credential (access token or API key) into a Principal. The user is
// read on every request so that a disabled user, a role change or a new account grant takes
// effect at once rather than when the token expires; for access tokens the session is looked
// up too (one Redis round trip, which also takes the request's rate-limit count when asked:
// Quota), so logout and refresh-token reuse end it at once.
//
// When the session store cannot be reached, an access token whose signature, expiry, user and
// session epoch check out is accepted, and the outage is logged: the API keeps serving through
// a Redis outage as the design asks. What is lost meanwhile is only a logout or reuse detection
// from before the outage, for at most the rest of that token's lifetime (CLOUDLENS_ACCESS_TOKEN_TTL);
// password changes, disabling and deleting a user are enforced from the database and hold.
type Authenticator struct {
	Tokens   *Tokens
	Users    Users
	Keys     Keys
	Sessions Sessions
	Log      *slog.Logger
	Now      func() time.Time
}

// Authenticate resolves credential to a principal.
func (a *Authenticator) Authenticate(ctx context.Context, credential string) (Principal, error) {
	var userID, keyID int64
	var access Access
	if strings.HasPrefix(credential, APIKeyPrefix) {
		k, err := a.Keys.GetAPIKeyByHash(ctx, HashSecret(credential))
		if errs.Is(err, errs.KindNotFound) || (err == nil && k.RevokedAt != nil) {
			return Principal{}, errs.Unauthorized("invalid or revoked API key")
		}
		if err != nil {
			return Principal{}, fmt.Errorf("auth: look up API key: %w", err)
		}
		now := time.Now
		if a.Now != nil {
			now = a.Now
		}
		// Recording last use is best effort: a failed write must not fail the request.
		if k.LastUsedAt == nil || now().Sub(*k.LastUsedAt) > time.Minute {
			_ = a.Keys.TouchAPIKey(ctx, k.ID, now())
		}
		userID, keyID = k.UserID, k.ID
	} else {
		var err error
		if access, err = a.Tokens.Verify(credential); err != nil {
			return Principal{}, err
		}
		userID = access.UserID
	}
	u, err := a.Users.GetUser(ctx, userID)
	if errs.Is(err, errs.KindNotFound) {
		return Principal{}, errs.Unauthorized("the user of this credential no longer exists")
	}
	if err != nil {
		return Principal{}, fmt.Errorf("auth: load user: %w", err)
	}
	if u.Disabled {
		return Principal{}, errs.Unauthorized("this user is disabled")
	}
	if keyID == 0 {
		if err := a.checkSession(ctx, u, access); err != nil {
			return Principal{}, err
		}
	}
	p := PrincipalOf(u, keyID)
	p.SessionID = access.SessionID
	return p, nil
}

// checkSession refuses an access token whose session has ended.
func (a *Authenticator) checkSession(ctx context.Context, u User, access Access) error {
	if access.Epoch != u.SessionEpoch {
		return errs.Unauthorized("session ended: sign in again")
	}
	if a.Sessions == nil {
		return errors.New("auth: authenticator has no session store; access tokens cannot be checked")
	}
	s, err := a.session(ctx, u, access)
	switch {
	case errs.Is(err, errs.KindNotFound):
		return errs.Unauthorized("session ended: sign in again")
	case err != nil:
		if ctx.Err() != nil {
			return err
		}
		if a.Log != nil {
			a.Log.WarnContext(ctx, "session store unreachable; access token accepted on its signature and the user's session epoch",
				"user_id", u.ID, "error", err.Error())
		}
		return nil
	case s.UserID != u.ID || s.Epoch != u.SessionEpoch:
		return errs.Unauthorized("session ended: sign in again")
	}
	return nil
}

// session looks the access token's session up, taking the request's quota (QuotaFrom) in the
// same round trip when the store can.
func (a *Authenticator) session(ctx context.Context, u User, access Access) (Session, error) {
	q := QuotaFrom(ctx)
	sc, ok := a.Sessions.(SessionCounter)
	if q == nil || !ok {
		return a.Sessions.Session(ctx, access.SessionID)
	}
	s, allowed, wait, err := sc.CountedSession(ctx, access.SessionID, u.ID, u.SessionEpoch, q.Key(u.ID), q.Limit, q.Window)
	if err == nil && s.UserID == u.ID && s.Epoch == u.SessionEpoch {
		q.Counted, q.OK, q.RetryAfter = true, allowed, wait
	}
	return s, err
}

// PrincipalOf is the principal a user acts as.
func PrincipalOf(u User, apiKeyID int64) Principal {
	return Principal{
		UserID: u.ID, Email: u.Email, Role: u.Role,
		AllAccounts: u.Role == RoleAdmin, AccountIDs: u.AccountIDs, APIKeyID: apiKeyID,
	}
}
