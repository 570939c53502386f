package app

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/cloudlens/cloudlens/shared/auth"
	"github.com/cloudlens/cloudlens/shared/config"
	"github.com/cloudlens/cloudlens/shared/errs"
)

// LocalAdminEmail is the admin local mode creates when CLOUDLENS_ADMIN_EMAIL is unset.
const LocalAdminEmail = "admin@cloudlens.local"

// AdminLogin is the first admin's login, as printed by the local runner.
type AdminLogin struct {
	Email    string
	Password string // empty when it was set by the operator or earlier and is not known here
	Created  bool
}

// EnsureAdmin creates the first admin when there is no user yet: from CLOUDLENS_ADMIN_EMAIL /
// CLOUDLENS_ADMIN_PASSWORD, or, in local mode, with a generated password that is kept in the
// data directory (mode 0600) so `make run` can print it again on every start.
func EnsureAdmin(ctx context.Context, d *Deps) (AdminLogin, error) {
	cfg := d.Config
	email, password := auth.NormalizeEmail(cfg.AdminEmail), cfg.AdminPassword
	passwordFile := filepath.Join(cfg.DataDir, "admin-password")

	n, err := d.Store.CountUsers(ctx)
	if err != nil {
		return AdminLogin{}, fmt.Errorf("app: count users: %w", err)
	}
	if n > 0 {
		login := AdminLogin{Email: email, Password: password}
		// Local mode names the generated admin only when it generated one: an install whose
		// first admin came from CLOUDLENS_ADMIN_* has no password file to show.
		if email == "" && cfg.Mode == config.ModeLocal {
			if b, err := os.ReadFile(passwordFile); err == nil {
				login.Email, login.Password = LocalAdminEmail, strings.TrimSpace(string(b))
			}
		}
		return login, nil
	}
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
	return AdminLogin{Email: email, Password: password, Created: true}, nil
}
