package auth

import (
	"fmt"

	"golang.org/x/crypto/bcrypt"
)

// PasswordCost is bcrypt's work factor. 11 takes ~100 ms on one core: slow for guessing,
// fast enough for a login inside a function's timeout.
const PasswordCost = 11

// HashPassword hashes a password for storage.
func HashPassword(password string, cost int) (string, error) {
	if cost == 0 {
		cost = PasswordCost
	}
	h, err := bcrypt.GenerateFromPassword([]byte(password), cost)
	if err != nil {
		return "", fmt.Errorf("auth: hash password: %w", err)
	}
	return string(h), nil
}

// dummyHash is compared against when the user does not exist, so a wrong e-mail and a wrong
// password take the same time and cannot be told apart. It is a constant (a bcrypt hash at
// PasswordCost of a throw-away string) because computing it at start-up would add ~100 ms to
// every function's cold start.
var dummyHash = []byte("$2a$11$COu8YXdYHcs0QuJrokc/LOVHq.TsKaK70sTBIUJgfhC6bJYR6tNaS")

// CheckPassword reports whether password matches hash. An empty hash (unknown user) still
// spends the time of a real comparison.
func CheckPassword(hash, password string) bool {
	if hash == "" {
		_ = bcrypt.CompareHashAndPassword(dummyHash, []byte(password))
		return false
	}
	return bcrypt.CompareHashAndPassword([]byte(hash), []byte(password)) == nil
}
