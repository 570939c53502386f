package auth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base32"
	"encoding/hex"
	"errors"
	"fmt"
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
	Role string `json:"role"`
	jwt.RegisteredClaims
}

const issuer = "cloudlens"

// Issue returns an access token for u.
func (t *Tokens) Issue(u User) (string, error) {
	now := t.now()
	c := claims{
		Role: string(u.Role),
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

// Verify checks an access token and returns the user id it was issued to.
func (t *Tokens) Verify(token string) (int64, error) {
	var c claims
	_, err := jwt.ParseWithClaims(token, &c, func(*jwt.Token) (any, error) { return t.secret, nil },
		jwt.WithValidMethods([]string{jwt.SigningMethodHS256.Alg()}),
		jwt.WithIssuer(issuer), jwt.WithExpirationRequired(), jwt.WithTimeFunc(t.now))
	if err != nil {
		if errors.Is(err, jwt.ErrTokenExpired) {
			return 0, errs.Unauthorized("access token expired: refresh it")
		}
		return 0, errs.Unauthorized("invalid access token")
	}
	id, err := strconv.ParseInt(c.Subject, 10, 64)
	if err != nil || id <= 0 {
		return 0, errs.Unauthorized("invalid access token")
	}
	return id, nil
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

// Users is what the authenticator needs of the user store.
type Users interface {
	GetUser(ctx context.Context, id int64) (User, error)
}

// Keys is what the authenticator needs of the API key store.
type Keys interface {
	GetAPIKeyByHash(ctx context.Context, hash string) (APIKey, error)
	TouchAPIKey(ctx context.Context, id int64, at time.Time) error
}

// Authenticator turns a credential (access token or API key) into a Principal. The user is
// read on every request so that a disabled user, a role change or a new account grant takes
// effect at once rather than when the token expires.
type Authenticator struct {
	Tokens *Tokens
	Users  Users
	Keys   Keys
	Now    func() time.Time
}

// Authenticate resolves credential to a principal.
func (a *Authenticator) Authenticate(ctx context.Context, credential string) (Principal, error) {
	var userID, keyID int64
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
		id, err := a.Tokens.Verify(credential)
		if err != nil {
			return Principal{}, err
		}
		userID = id
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
	return PrincipalOf(u, keyID), nil
}

// PrincipalOf is the principal a user acts as.
func PrincipalOf(u User, apiKeyID int64) Principal {
	return Principal{
		UserID: u.ID, Email: u.Email, Role: u.Role,
		AllAccounts: u.Role == RoleAdmin, AccountIDs: u.AccountIDs, APIKeyID: apiKeyID,
	}
}
