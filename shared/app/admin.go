package app

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"os"
	"path/filepath"

	"github.com/cloudlens/cloudlens/shared/auth"
	"github.com/cloudlens/cloudlens/shared/config"
	"github.com/cloudlens/cloudlens/shared/errs"
)

// LocalAdminEmail is the admin local mode creates when CLOUDLENS_ADMIN_EMAIL is unset.
const LocalAdminEmail = "admin@cloudlens.local"

// AdminLogin is the first admin's login, as the local runner announces it.
type AdminLogin struct {
	Email string
	// Password is set only on the start that generated it: a password the operator chose
	// (CLOUDLENS_ADMIN_PASSWORD) is never echoed, and a generated one is shown once.
	Password string
	// PasswordFile is where local mode keeps the generated password (mode 0600), so a later
	// start can point at it without printing it again.
	PasswordFile string
	Created      bool
}

// EnsureAdmin creates the first admin when there is no user yet: from CLOUDLENS_ADMIN_EMAIL /
// CLOUDLENS_ADMIN_PASSWORD, or, in local mode, with a generated password that is kept in the
// data directory (mode 0600) and returned only on the start that generated it.
func EnsureAdmin(ctx context.Context, d *Deps) (AdminLogin, error) {
	cfg := d.Config
	email, password := auth.NormalizeEmail(cfg.AdminEmail), cfg.AdminPassword
	passwordFile := filepath.Join(cfg.DataDir, "admin-password")

	n, err := d.Store.CountUsers(ctx)
	if err != nil {
		return AdminLogin{}, fmt.Errorf("app: count users: %w", err)
	}
	if n > 0 {
		login := AdminLogin{Email: email}
		// Local mode names the generated admin only when it generated one: an install whose
		// first admin came from CLOUDLENS_ADMIN_* has no password file to point at.
		if email == "" && cfg.Mode == config.ModeLocal {
			if _, err := os.Stat(passwordFile); err == nil {
				login.Email, login.PasswordFile = LocalAdminEmail, passwordFile
			}
		}
		return login, nil
	}
	if email != "" {
		if err := auth.EmailProblem(email); err != nil {
			return AdminLogin{}, fmt.Errorf("app: CLOUDLENS_ADMIN_EMAIL: %s", errs.Message(err))
		}
	}
	generated := false
	if email == "" {
		if cfg.Mode != config.ModeLocal {
			return AdminLogin{}, nil // deployers create the first admin through CLOUDLENS_ADMIN_*
		}
		email = LocalAdminEmail
		var b [12]byte
		if _, err := rand.Read(b[:]); err != nil {
			return AdminLogin{}, err
		}
		password = base64.RawURLEncoding.EncodeToString(b[:])
		if err := os.WriteFile(passwordFile, []byte(password+"\n"), 0o600); err != nil {
			return AdminLogin{}, fmt.Errorf("app: keep admin password: %w", err)
		}
		generated = true
	}
	hash, err := auth.HashPassword(password, 0)
	if err != nil {
		return AdminLogin{}, err
	}
	u := auth.User{Email: email, Name: "Administrator", Role: auth.RoleAdmin, PasswordHash: hash}
	if err := d.Store.CreateUser(ctx, &u); err != nil {
		// Two instances starting together may both see zero users; one of them wins.
		if errs.Is(err, errs.KindConflict) {
			return AdminLogin{Email: email}, nil
		}
		return AdminLogin{}, fmt.Errorf("app: create first admin: %w", err)
	}
	d.Log.Info("created first admin", "email", email)
	login := AdminLogin{Email: email, Created: true}
	if generated {
		login.Password, login.PasswordFile = password, passwordFile
	}
	return login, nil
}
