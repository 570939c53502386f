// Package auth holds who may do what in CloudLens: users and their roles, account grants,
// API keys, password hashing and access tokens. It knows nothing of HTTP or SQL.
package auth

import (
	"strings"
	"time"

	"github.com/cloudlens/cloudlens/shared/account"
	"github.com/cloudlens/cloudlens/shared/errs"
)

// Role decides what a user may change. Every role may read what it is granted.
type Role string

const (
	RoleAdmin  Role = "admin"  // everything, all accounts, user and key admin
	RoleEditor Role = "editor" // changes budgets, alerts, accounts it is granted
	RoleViewer Role = "viewer" // reads the accounts it is granted
)

// Valid reports whether r is one of the known roles.
func (r Role) Valid() bool { return r == RoleAdmin || r == RoleEditor || r == RoleViewer }

// AtLeast reports whether r has at least the rights of min.
func (r Role) AtLeast(min Role) bool { return rank(r) >= rank(min) }

func rank(r Role) int {
	switch r {
	case RoleAdmin:
		return 3
	case RoleEditor:
		return 2
	case RoleViewer:
		return 1
	}
	return 0
}

// User is a person who signs in to CloudLens.
type User struct {
	ID           int64
	Email        string
	Name         string
	Role         Role
	PasswordHash string
	Disabled     bool
	// SessionEpoch moves on when the password changes or the user is disabled; sessions and
	// access tokens begun under an older epoch are refused.
	SessionEpoch int64
	// AccountIDs are the cloud accounts granted to the user; admins see all accounts regardless.
	AccountIDs []int64
	CreatedAt  time.Time
	UpdatedAt  time.Time
}

// APIKey lets a program call the API as its owner. Only the hash of the secret is stored.
type APIKey struct {
	ID         int64
	UserID     int64
	Name       string
	Prefix     string // first characters of the key, shown so people can tell keys apart
	Hash       string // hex SHA-256 of the whole key
	CreatedAt  time.Time
	LastUsedAt *time.Time
	RevokedAt  *time.Time
}

// Principal is the caller of a request after authentication.
type Principal struct {
	UserID int64
	Email  string
	Role   Role
	// AllAccounts is true for admins: no account filter applies.
	AllAccounts bool
	AccountIDs  []int64
	APIKeyID    int64  // set when the caller used an API key
	SessionID   string // set when the caller used an access token: the session it belongs to
}

// Scope is the set of cloud accounts the principal may read.
func (p Principal) Scope() account.Scope {
	return account.Scope{All: p.AllAccounts, IDs: p.AccountIDs}
}

// NormalizeEmail lower-cases and trims an e-mail address so lookups are case-insensitive.
func NormalizeEmail(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// ValidateNewUser checks the fields a caller supplies when creating or editing a user.
func ValidateNewUser(email, password string, role Role, requirePassword bool) error {
	var problems []string
	if e := NormalizeEmail(email); e == "" || !strings.Contains(e, "@") || len(e) > 254 {
		problems = append(problems, "email must be a valid address")
	}
	if requirePassword || password != "" {
		if len(password) < 10 {
			problems = append(problems, "password must be at least 10 characters")
		}
		if len(password) > 72 {
			problems = append(problems, "password must be at most 72 bytes")
		}
	}
	if !role.Valid() {
		problems = append(problems, "role must be admin, editor or viewer")
	}
	if len(problems) > 0 {
		return errs.Invalid("%s", strings.Join(problems, "; "))
	}
	return nil
}
