// Package auth holds who may do what in CloudLens: users and their roles, account grants,
// API keys, password hashing and access tokens. It knows nothing of HTTP or SQL.
package auth

import (
	"net/mail"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/cloudlens/cloudlens/shared/account"
	"github.com/cloudlens/cloudlens/shared/errs"
	"github.com/cloudlens/cloudlens/shared/text"
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

// Bounds of what people type for a user.
const (
	MaxEmailBytes    = 254 // RFC 5321
	MinPassword      = 10
	MaxPasswordBytes = 72 // bcrypt reads no further
	MaxName          = 100
)

// Address forms accepted: a dot-atom local part (no quoted strings, comments or display names)
// and a domain of at least two LDH labels. Stricter than RFC 5322 on purpose: these addresses
// are keys, appear in audit lines and exports, and receive alert e-mails.
var (
	localPart = regexp.MustCompile("^[a-z0-9!#$%&'*+/=?^_`{|}~-]+(\\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*$")
	domain    = regexp.MustCompile(`^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$`)
)

// EmailProblem returns what is wrong with an e-mail address as typed (a coded validation
// error), or nil. The address is normalised first (NormalizeEmail), as it will be stored.
func EmailProblem(email string) error {
	e := NormalizeEmail(email)
	if e == "" {
		return errs.Required("email")
	}
	if len(e) > MaxEmailBytes {
		return errs.TooLong("email", MaxEmailBytes)
	}
	if err := text.Check("email", e, MaxEmailBytes); err != nil {
		return err
	}
	at := strings.LastIndexByte(e, '@')
	a, err := mail.ParseAddress(e)
	if err != nil || a.Name != "" || a.Address != e || at < 1 || at > 64 ||
		!localPart.MatchString(e[:at]) || !domain.MatchString(e[at+1:]) {
		return errs.InvalidField("email", errs.ReasonFormat, "must be a plain address such as name@example.com")
	}
	return nil
}

// UserInput is what a person types to create or edit a user; nil fields are not being set.
type UserInput struct {
	Email    *string
	Name     *string
	Password *string
	Role     *Role
}

// Validate checks every given field and reports all problems at once.
func (in UserInput) Validate() error {
	var problems errs.Problems
	if in.Email != nil {
		problems.Add(EmailProblem(*in.Email))
	}
	if in.Name != nil {
		problems.Add(text.Check("name", strings.TrimSpace(*in.Name), MaxName))
	}
	if in.Password != nil {
		pw := *in.Password
		switch {
		case utf8.RuneCountInString(pw) < MinPassword:
			problems.Add(errs.InvalidField("password", errs.ReasonTooShort, "must be at least %d characters", MinPassword))
		case len(pw) > MaxPasswordBytes:
			problems.Add(errs.TooLong("password", MaxPasswordBytes))
		default:
			problems.Add(text.Check("password", pw, MaxPasswordBytes))
		}
	}
	if in.Role != nil && !in.Role.Valid() {
		problems.Add(errs.UnknownValue("role", *in.Role, RoleAdmin, RoleEditor, RoleViewer))
	}
	return problems.Err()
}
