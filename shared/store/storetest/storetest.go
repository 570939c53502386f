// Package storetest gives tests a fresh, migrated store on every engine CloudLens
// supports: SQLite always, MySQL when CLOUDLENS_TEST_MYSQL_DSN is set (each test in its
// own throw-away database). With CI=true a missing or unreachable MySQL fails the test,
// so CI always proves both dialects.
package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/go-sql-driver/mysql"

	"github.com/cloudlens/cloudlens/shared/store"
)

// EnvMySQLDSN names the variable holding the DSN of a MySQL/MariaDB server whose user
// may create and drop databases.
const EnvMySQLDSN = "CLOUDLENS_TEST_MYSQL_DSN"

func inCI() bool { return os.Getenv("CI") == "true" }

// MySQLDSN returns the test server's DSN and whether one is configured. In CI an unset
// variable fails the test.
func MySQLDSN(t testing.TB) (string, bool) {
	t.Helper()
	dsn := os.Getenv(EnvMySQLDSN)
	if dsn == "" && inCI() {
		t.Fatalf("storetest: CI=true but %s is not set; CI must run the store tests on MySQL", EnvMySQLDSN)
	}
	return dsn, dsn != ""
}

// Stores returns a migrated SQLite store and, when MySQL is configured, a migrated MySQL
// store, each on its own fresh database removed when the test ends.
func Stores(t testing.TB) []*store.Store {
	t.Helper()
	out := []*store.Store{SQLite(t)}
	if dsn, ok := MySQLDSN(t); ok {
		out = append(out, openMySQL(t, dsn))
	}
	return out
}

// Each runs fn as the subtests "sqlite" and "mysql", each with a fresh migrated store.
// The mysql subtest is skipped when no MySQL is configured (and fails in CI).
func Each(t *testing.T, fn func(t *testing.T, s *store.Store)) {
	t.Helper()
	t.Run("sqlite", func(t *testing.T) { fn(t, SQLite(t)) })
	t.Run("mysql", func(t *testing.T) { fn(t, MySQL(t)) })
}

// SQLite returns a migrated store on a new database file in the test's temp directory.
func SQLite(t testing.TB) *store.Store {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	s, err := store.OpenSQLite(ctx, filepath.Join(t.TempDir(), "cloudlens.db"), nil)
	if err != nil {
		t.Fatalf("storetest: open sqlite: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	if err := s.Migrate(ctx); err != nil {
		t.Fatalf("storetest: migrate sqlite: %v", err)
	}
	return s
}

// MySQL returns a migrated store on a new MySQL database, dropped when the test ends.
// Without a configured server the test is skipped (in CI it fails).
func MySQL(t testing.TB) *store.Store {
	t.Helper()
	dsn, ok := MySQLDSN(t)
	if !ok {
		t.Skipf("storetest: %s not set; MySQL variant skipped", EnvMySQLDSN)
	}
	return openMySQL(t, dsn)
}

// openMySQL creates database cl_test_<random> on the server of dsn, opens a store on
// it, migrates it, and drops the database in t.Cleanup. Any failure is fatal: a DSN was
// given, so the developer meant to test on MySQL.
func openMySQL(t testing.TB, dsn string) *store.Store {
	t.Helper()
	s, _ := openMySQLDSN(t, dsn)
	return s
}

// MySQLDatabase creates a fresh migrated database like MySQL does and returns its DSN, for
// tests that start a real function process against it. Skipped without a configured server
// (failed in CI).
func MySQLDatabase(t testing.TB) string {
	t.Helper()
	dsn, ok := MySQLDSN(t)
	if !ok {
		t.Skipf("storetest: %s not set; MySQL variant skipped", EnvMySQLDSN)
	}
	_, db := openMySQLDSN(t, dsn)
	return db
}

// Unmigrated runs fn as the subtests "sqlite" and "mysql", each with a fresh database that
// no migration has touched: for tests of a migration's backfill, which migrate part way,
// write data in the older schema, and migrate the rest.
func Unmigrated(t *testing.T, fn func(t *testing.T, s *store.Store)) {
	t.Helper()
	t.Run("sqlite", func(t *testing.T) {
		s, err := store.OpenSQLite(t.Context(), filepath.Join(t.TempDir(), "cloudlens.db"), nil)
		if err != nil {
			t.Fatalf("storetest: open sqlite: %v", err)
		}
		t.Cleanup(func() { s.Close() })
		fn(t, s)
	})
	t.Run("mysql", func(t *testing.T) {
		dsn, ok := MySQLDSN(t)
		if !ok {
			t.Skipf("storetest: %s not set; MySQL variant skipped", EnvMySQLDSN)
		}
		s, _ := openMySQLDSNMigrated(t, dsn, false)
		fn(t, s)
	})
}

func openMySQLDSN(t testing.TB, dsn string) (*store.Store, string) {
	t.Helper()
	return openMySQLDSNMigrated(t, dsn, true)
}

func openMySQLDSNMigrated(t testing.TB, dsn string, migrate bool) (*store.Store, string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cfg, err := mysql.ParseDSN(dsn)
	if err != nil {
		t.Fatalf("storetest: %s is not a valid DSN: %v", EnvMySQLDSN, err)
	}
	var suffix [8]byte
	if _, err := rand.Read(suffix[:]); err != nil {
		t.Fatalf("storetest: random database name: %v", err)
	}
	name := "cl_test_" + hex.EncodeToString(suffix[:])

	admin := cfg.Clone()
	admin.DBName = ""
	adminDB, err := sql.Open("mysql", admin.FormatDSN())
	if err != nil {
		t.Fatalf("storetest: open MySQL admin connection: %v", err)
	}
	adminDB.SetMaxOpenConns(1)
	// The name is generated above from hex digits only, so it is safe to splice in.
	if _, err := adminDB.ExecContext(ctx, "CREATE DATABASE "+name+" CHARACTER SET utf8mb4 COLLATE utf8mb4_bin"); err != nil {
		adminDB.Close()
		t.Fatalf("storetest: %s is set but MySQL is not usable (create database): %v", EnvMySQLDSN, err)
	}
	t.Cleanup(func() {
		defer adminDB.Close()
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		if _, err := adminDB.ExecContext(ctx, "DROP DATABASE IF EXISTS "+name); err != nil {
			t.Errorf("storetest: drop database %s: %v", name, err)
		}
	})

	cfg.DBName = name
	s, err := store.OpenMySQL(ctx, cfg.FormatDSN(), store.PoolOptions{MaxOpenConns: 4})
	if err != nil {
		t.Fatalf("storetest: open MySQL store: %v", err)
	}
	// Registered after the drop, so it runs before it: cleanups run last-in first-out.
	t.Cleanup(func() { s.Close() })
	if !migrate {
		return s, cfg.FormatDSN()
	}
	if err := s.Migrate(ctx); err != nil {
		t.Fatalf("storetest: migrate mysql: %v", err)
	}
	return s, cfg.FormatDSN()
}
