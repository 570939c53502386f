package config

import (
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

// with returns base with extra added, leaving base as it was.
func with(base, extra map[string]string) map[string]string {
	out := make(map[string]string, len(base)+len(extra))
	for k, v := range base {
		out[k] = v
	}
	for k, v := range extra {
		out[k] = v
	}
	return out
}

func TestLoad(t *testing.T) {
	secretFile := filepath.Join(t.TempDir(), "jwt")
	if err := os.WriteFile(secretFile, []byte("0123456789abcdef0123456789abcdef\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	full := map[string]string{
		"CLOUDLENS_MYSQL_DSN":      "cl:pw@tcp(rds:3306)/cloudlens",
		"CLOUDLENS_REDIS_ADDR":     "tair:6379",
		"CLOUDLENS_SECRET_KEY":     "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
		"CLOUDLENS_JWT_SECRET":     "0123456789abcdef0123456789abcdef",
		"CLOUDLENS_ADMIN_EMAIL":    "ops@example.com",
		"CLOUDLENS_ADMIN_PASSWORD": "correct horse battery",
	}
	tests := []struct {
		name     string
		mode     Mode
		env      map[string]string
		problems []string // substrings that must all appear; none = success
		check    func(t *testing.T, c Config)
	}{
		{name: "local defaults", mode: ModeLocal, env: map[string]string{}, check: func(t *testing.T, c Config) {
			if c.Addr != "127.0.0.1:8080" || c.DataDir != ".cloudlens" || !c.Demo || c.LogFormat != "text" {
				t.Errorf("defaults: %+v", c)
			}
			if c.AccessTokenTTL != 15*time.Minute || c.BackfillMonths != 6 {
				t.Errorf("ttl/backfill defaults: %v %d", c.AccessTokenTTL, c.BackfillMonths)
			}
		}},
		{name: "function complete", mode: ModeFunction, env: full, check: func(t *testing.T, c Config) {
			if c.LogFormat != "json" || c.Demo {
				t.Errorf("function defaults: format %s demo %v", c.LogFormat, c.Demo)
			}
		}},
		{name: "function missing everything reports all", mode: ModeFunction, env: map[string]string{},
			problems: []string{"CLOUDLENS_MYSQL_DSN is required", "CLOUDLENS_REDIS_ADDR is required", "CLOUDLENS_SECRET_KEY is required", "CLOUDLENS_JWT_SECRET is required", "4 problem(s)"}},
		{name: "bad values named together", mode: ModeLocal, env: map[string]string{
			"CLOUDLENS_ADDR": "nonsense", "CLOUDLENS_BACKFILL_MONTHS": "40", "CLOUDLENS_ACCESS_TOKEN_TTL": "soon",
			"CLOUDLENS_CORS_ORIGINS": "ftp://x", "CLOUDLENS_DEMO": "maybe",
		}, problems: []string{"CLOUDLENS_ADDR", "CLOUDLENS_BACKFILL_MONTHS", "CLOUDLENS_ACCESS_TOKEN_TTL", "CLOUDLENS_CORS_ORIGINS", "CLOUDLENS_DEMO", "5 problem(s)"}},
		{name: "trusted proxies", mode: ModeLocal, env: map[string]string{"CLOUDLENS_TRUSTED_PROXIES": "10.0.0.0/8, 192.168.1.7 ,2001:db8::/32"}, check: func(t *testing.T, c Config) {
			if got := fmt.Sprint(c.TrustedProxies); got != "[10.0.0.0/8 192.168.1.7/32 2001:db8::/32]" {
				t.Errorf("trusted proxies = %s", got)
			}
		}},
		{name: "bad trusted proxy", mode: ModeLocal, env: map[string]string{"CLOUDLENS_TRUSTED_PROXIES": "10.0.0.0/8,proxy.internal"},
			problems: []string{`CLOUDLENS_TRUSTED_PROXIES entry "proxy.internal"`}},
		{name: "smtp defaults by TLS mode", mode: ModeFunction, env: with(full, map[string]string{
			"CLOUDLENS_SMTP_HOST": "smtpdm.aliyun.com", "CLOUDLENS_SMTP_USERNAME": "alerts@mail.example.com",
			"CLOUDLENS_SMTP_PASSWORD": "pw", "CLOUDLENS_SMTP_FROM": "CloudLens <alerts@mail.example.com>", "CLOUDLENS_SMTP_TLS": "tls",
		}), check: func(t *testing.T, c Config) {
			if c.SMTPHost != "smtpdm.aliyun.com" || c.SMTPPort != 465 || c.SMTPTLS != "tls" || c.SMTPPassword != "pw" {
				t.Errorf("smtp: %s:%d %s", c.SMTPHost, c.SMTPPort, c.SMTPTLS)
			}
		}},
		{name: "smtp starttls on 587 by default", mode: ModeLocal, env: map[string]string{
			"CLOUDLENS_SMTP_HOST": "localhost", "CLOUDLENS_SMTP_FROM": "alerts@example.com",
		}, check: func(t *testing.T, c Config) {
			if c.SMTPPort != 587 || c.SMTPTLS != "starttls" {
				t.Errorf("smtp: %d %s", c.SMTPPort, c.SMTPTLS)
			}
		}},
		{name: "smtp problems named together", mode: ModeFunction, env: with(full, map[string]string{
			"CLOUDLENS_SMTP_HOST": "smtp.example.com:25", "CLOUDLENS_SMTP_PORT": "70000", "CLOUDLENS_SMTP_USERNAME": "u",
			"CLOUDLENS_SMTP_FROM": "not an address", "CLOUDLENS_SMTP_TLS": "none",
		}), problems: []string{"CLOUDLENS_SMTP_HOST", "CLOUDLENS_SMTP_PORT", "CLOUDLENS_SMTP_FROM", "CLOUDLENS_SMTP_USERNAME and CLOUDLENS_SMTP_PASSWORD", "CLOUDLENS_SMTP_TLS=none", "5 problem(s)"}},
		{name: "smtp settings without a host", mode: ModeLocal, env: map[string]string{"CLOUDLENS_SMTP_FROM": "alerts@example.com"},
			problems: []string{"CLOUDLENS_SMTP_HOST is required"}},
		{name: "smtp unknown TLS mode", mode: ModeLocal, env: map[string]string{"CLOUDLENS_SMTP_TLS": "ssl"},
			problems: []string{"CLOUDLENS_SMTP_TLS"}},
		{name: "secret from file", mode: ModeLocal, env: map[string]string{"CLOUDLENS_JWT_SECRET_FILE": secretFile}, check: func(t *testing.T, c Config) {
			if c.JWTSecret != "0123456789abcdef0123456789abcdef" {
				t.Errorf("jwt secret from file = %q", c.JWTSecret)
			}
		}},
		{name: "secret and file both", mode: ModeLocal, env: map[string]string{"CLOUDLENS_JWT_SECRET": strings.Repeat("x", 32), "CLOUDLENS_JWT_SECRET_FILE": secretFile},
			problems: []string{"not both"}},
		{name: "missing secret file", mode: ModeLocal, env: map[string]string{"CLOUDLENS_SECRET_KEY_FILE": filepath.Join(t.TempDir(), "absent")},
			problems: []string{"CLOUDLENS_SECRET_KEY_FILE"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := Load(tt.mode, env(tt.env))
			if len(tt.problems) == 0 {
				if err != nil {
					t.Fatalf("unexpected error: %v", err)
				}
				if tt.check != nil {
					tt.check(t, c)
				}
				return
			}
			if err == nil {
				t.Fatal("expected problems, got none")
			}
			for _, p := range tt.problems {
				if !strings.Contains(err.Error(), p) {
					t.Errorf("error does not mention %q:\n%v", p, err)
				}
			}
		})
	}
}

func TestLogValueMasksSecrets(t *testing.T) {
	c, err := Load(ModeLocal, env(map[string]string{
		"CLOUDLENS_MYSQL_DSN": "cl:hunter2@tcp(rds:3306)/cloudlens", "CLOUDLENS_JWT_SECRET": "0123456789abcdef0123456789abcdef-jwt",
		"CLOUDLENS_ADMIN_PASSWORD": "adminpassword1", "CLOUDLENS_LLM_API_KEY": "sk-live-key",
		"CLOUDLENS_SMTP_HOST": "smtp.example.com", "CLOUDLENS_SMTP_FROM": "a@example.com",
		"CLOUDLENS_SMTP_USERNAME": "a@example.com", "CLOUDLENS_SMTP_PASSWORD": "smtp-pass-9",
	}))
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	slog.New(slog.NewTextHandler(&b, nil)).Info("config", "config", c)
	out := b.String()
	for _, secret := range []string{"hunter2", "0123456789abcdef0123456789abcdef-jwt", "adminpassword1", "sk-live-key", "smtp-pass-9"} {
		if strings.Contains(out, secret) {
			t.Errorf("log line leaks %q: %s", secret, out)
		}
	}
	if !strings.Contains(out, "cl:***@tcp(rds:3306)/cloudlens") {
		t.Errorf("dsn not masked usefully: %s", out)
	}
}
