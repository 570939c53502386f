package store_test

import (
	"bytes"
	"context"
	"database/sql"
	"database/sql/driver"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/go-sql-driver/mysql"

	"github.com/cloudlens/cloudlens/shared/errs"
	"github.com/cloudlens/cloudlens/shared/logx"
	"github.com/cloudlens/cloudlens/shared/store"
	"github.com/cloudlens/cloudlens/shared/store/storetest"
)

func TestTranslate(t *testing.T) {
	invalid := errs.Invalid("bad input")
	tests := []struct {
		name string
		err  error
		want errs.Kind
	}{
		{"no rows", sql.ErrNoRows, errs.KindNotFound},
		{"wrapped no rows", fmt.Errorf("get: %w", sql.ErrNoRows), errs.KindNotFound},
		{"mysql duplicate", &mysql.MySQLError{Number: 1062, Message: "Duplicate entry 'a' for key 'users_email'"}, errs.KindConflict},
		{"mysql foreign key", &mysql.MySQLError{Number: 1452, Message: "Cannot add or update a child row"}, errs.KindConflict},
		{"mysql deadlock", &mysql.MySQLError{Number: 1213}, errs.KindUnavailable},
		{"mysql lock wait", &mysql.MySQLError{Number: 1205}, errs.KindUnavailable},
		{"mysql too many connections", &mysql.MySQLError{Number: 1040}, errs.KindUnavailable},
		{"mysql unknown table", &mysql.MySQLError{Number: 1146}, errs.KindInternal},
		{"bad conn", driver.ErrBadConn, errs.KindUnavailable},
		{"invalid conn", mysql.ErrInvalidConn, errs.KindUnavailable},
		{"conn done", sql.ErrConnDone, errs.KindUnavailable},
		{"deadline", context.DeadlineExceeded, errs.KindUnavailable},
		{"refused", &net.OpError{Op: "dial", Net: "tcp", Err: os.NewSyscallError("connect", syscall.ECONNREFUSED)}, errs.KindUnavailable},
		{"reset", fmt.Errorf("read: %w", syscall.ECONNRESET), errs.KindUnavailable},
		{"classified kept", invalid, errs.KindInvalid},
		{"unknown", errors.New("syntax error near FROM"), errs.KindInternal},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := store.Translate(tc.err)
			if k := errs.KindOf(got); k != tc.want {
				t.Fatalf("KindOf(Translate(%v)) = %s, want %s", tc.err, k, tc.want)
			}
			if !errors.Is(got, tc.err) {
				t.Fatalf("Translate lost the cause %v", tc.err)
			}
		})
	}
	if store.Translate(nil) != nil {
		t.Fatal("Translate(nil) != nil")
	}
	if got := store.Translate(invalid); got != invalid {
		t.Fatalf("a classified error must come back unchanged, got %v", got)
	}
}

func TestTranslateEngineErrors(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		ins := "INSERT INTO users (email, role, created_at, updated_at) VALUES (?, 'viewer', ?, ?)"
		ts := any("2026-01-02T03:04:05.000000Z")
		if s.Dialect() == store.MySQL {
			ts = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
		}
		if _, err := s.DB().ExecContext(ctx, ins, "a@example.com", ts, ts); err != nil {
			t.Fatal(err)
		}
		tests := []struct {
			name string
			run  func() error
			want errs.Kind
		}{
			{"duplicate email", func() error {
				_, err := s.DB().ExecContext(ctx, ins, "a@example.com", ts, ts)
				return err
			}, errs.KindConflict},
			{"grant of missing user", func() error {
				_, err := s.DB().ExecContext(ctx, "INSERT INTO account_grants (user_id, account_id) VALUES (?, ?)", 999, 999)
				return err
			}, errs.KindConflict},
			{"no row", func() error {
				var id int64
				return s.DB().QueryRowContext(ctx, "SELECT id FROM users WHERE email = ?", "none@example.com").Scan(&id)
			}, errs.KindNotFound},
			{"syntax error", func() error {
				_, err := s.DB().ExecContext(ctx, "SELEC 1")
				return err
			}, errs.KindInternal},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				err := tc.run()
				if err == nil {
					t.Fatal("expected an error")
				}
				if k := errs.KindOf(store.Translate(err)); k != tc.want {
					t.Fatalf("kind = %s, want %s (%v)", k, tc.want, err)
				}
			})
		}
	})
}

func TestOpenMySQLUnreachable(t *testing.T) {
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	// Port 1 on loopback refuses connections; the password must not surface either.
	_, err := store.OpenMySQL(ctx, "cloudlens:s3cret-pass@tcp(127.0.0.1:1)/cloudlens", store.PoolOptions{})
	if err == nil {
		t.Fatal("OpenMySQL on a closed port succeeded")
	}
	if k := errs.KindOf(err); k != errs.KindUnavailable {
		t.Fatalf("kind = %s, want unavailable (%v)", k, err)
	}
	msg := errs.Message(err)
	for _, leak := range []string{"127.0.0.1", ":1", "s3cret", "cloudlens", "tcp", "refused"} {
		if strings.Contains(msg, leak) {
			t.Errorf("user message %q contains %q", msg, leak)
		}
	}
}

func TestOpenMySQLBadDSN(t *testing.T) {
	_, err := store.OpenMySQL(t.Context(), "not a dsn", store.PoolOptions{})
	if k := errs.KindOf(err); k != errs.KindInvalid {
		t.Fatalf("kind = %s, want invalid (%v)", k, err)
	}
}

func TestOpenSQLite(t *testing.T) {
	ctx := t.Context()
	for _, bad := range []string{"", ":memory:", "file:x.db", "x.db?mode=ro"} {
		if _, err := store.OpenSQLite(ctx, bad, nil); errs.KindOf(err) != errs.KindInvalid {
			t.Errorf("OpenSQLite(%q) kind = %s, want invalid", bad, errs.KindOf(err))
		}
	}
	path := filepath.Join(t.TempDir(), "nested", "dir", "cloudlens.db")
	s, err := store.OpenSQLite(ctx, path, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("database file not created: %v", err)
	}
	if s.Dialect() != store.SQLite {
		t.Fatalf("dialect = %s", s.Dialect())
	}
	pragmas := []struct {
		name string
		want string
	}{
		{"journal_mode", "wal"},
		{"foreign_keys", "1"},
		{"synchronous", "1"}, // NORMAL
		{"busy_timeout", "15000"},
	}
	for _, p := range pragmas {
		var got string
		if err := s.DB().QueryRowContext(ctx, "PRAGMA "+p.name).Scan(&got); err != nil {
			t.Fatal(err)
		}
		if got != p.want {
			t.Errorf("PRAGMA %s = %s, want %s", p.name, got, p.want)
		}
	}
	if err := s.Ping(ctx); err != nil {
		t.Fatal(err)
	}
}

func TestInTx(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		count := func() int {
			var n int
			if err := s.DB().QueryRowContext(ctx, "SELECT COUNT(*) FROM audit_log").Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}
		insert := func(tx *sql.Tx) error {
			_, err := tx.ExecContext(ctx, "INSERT INTO audit_log (at, user_id, action, detail) VALUES (?, 1, 'probe', '')",
				"2026-01-02 03:04:05.000000")
			return err
		}
		if s.Dialect() == store.SQLite {
			insert = func(tx *sql.Tx) error {
				_, err := tx.ExecContext(ctx, "INSERT INTO audit_log (at, user_id, action, detail) VALUES (?, 1, 'probe', '')",
					"2026-01-02T03:04:05.000000Z")
				return err
			}
		}

		if err := s.InTx(ctx, insert); err != nil {
			t.Fatalf("commit path: %v", err)
		}
		if n := count(); n != 1 {
			t.Fatalf("after commit: %d rows, want 1", n)
		}

		err := s.InTx(ctx, func(tx *sql.Tx) error {
			if err := insert(tx); err != nil {
				return err
			}
			return sql.ErrNoRows
		})
		if errs.KindOf(err) != errs.KindNotFound {
			t.Fatalf("rollback path: kind %s (%v), want not_found", errs.KindOf(err), err)
		}
		if n := count(); n != 1 {
			t.Fatalf("after rollback: %d rows, want 1", n)
		}

		func() {
			defer func() {
				if recover() == nil {
					t.Fatal("panic was swallowed")
				}
			}()
			_ = s.InTx(ctx, func(tx *sql.Tx) error {
				if err := insert(tx); err != nil {
					return err
				}
				panic("boom")
			})
		}()
		if n := count(); n != 1 {
			t.Fatalf("after panic: %d rows, want 1", n)
		}
	})
}

// TestStoreLogsThroughInjectedLogger shows that the store writes with the logger it was given,
// so its lines carry the request's id and the function like every other line, in the
// configured format.
func TestStoreLogsThroughInjectedLogger(t *testing.T) {
	var b bytes.Buffer
	log := logx.New(slog.NewJSONHandler(&b, nil), "cloudlens-test")
	s, err := store.OpenSQLite(t.Context(), filepath.Join(t.TempDir(), "cloudlens.db"), log)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.Migrate(logx.WithRequestID(t.Context(), "req-store-1")); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(b.String()), "\n")
	if len(lines) == 0 || lines[0] == "" {
		t.Fatal("the store logged nothing through its logger")
	}
	for _, line := range lines {
		var rec map[string]any
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			t.Fatalf("line is not JSON: %s", line)
		}
		if rec["msg"] != "store: migration applied" || rec["request_id"] != "req-store-1" || rec["function"] != "cloudlens-test" {
			t.Errorf("store line = %s", line)
		}
	}
}
