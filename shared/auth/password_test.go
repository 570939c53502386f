package auth

import (
	"testing"

	"golang.org/x/crypto/bcrypt"
)

func TestPassword(t *testing.T) {
	h, err := HashPassword("correct horse battery", 4)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, hash, password string
		want                 bool
	}{
		{"right password", h, "correct horse battery", true},
		{"wrong password", h, "correct horse batterz", false},
		{"unknown user", "", "correct horse battery", false},
		{"garbage hash", "not-a-hash", "x", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := CheckPassword(tt.hash, tt.password); got != tt.want {
				t.Fatalf("CheckPassword = %v", got)
			}
		})
	}
	// The dummy hash must be a real bcrypt hash at the production cost, or unknown users
	// would answer faster than known ones.
	if cost, err := bcrypt.Cost(dummyHash); err != nil || cost != PasswordCost {
		t.Fatalf("dummy hash cost %d, %v", cost, err)
	}
}
