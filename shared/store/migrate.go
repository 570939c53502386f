package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"embed"
	"encoding/hex"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
)

// migrationFS holds the numbered, forward-only schema changes of each dialect. A change
// is a new NNNN_name.sql in both directories; applied files are never edited.
//
//go:embed migrations/mysql/*.sql migrations/sqlite/*.sql
var migrationFS embed.FS

var migrationName = regexp.MustCompile(`^([0-9]{4})_([a-z0-9_]+)\.sql$`)

// migration is one numbered file, split into statements.
type migration struct {
	Version    int
	Name       string
	Statements []string
}

// migrations returns the dialect's migrations in version order.
func (d Dialect) migrations() ([]migration, error) {
	dir := "migrations/" + string(d)
	entries, err := fs.ReadDir(migrationFS, dir)
	if err != nil {
		return nil, fmt.Errorf("store: read %s migrations: %w", d, err)
	}
	var out []migration
	seen := map[int]string{}
	for _, e := range entries {
		m := migrationName.FindStringSubmatch(e.Name())
		if m == nil {
			return nil, fmt.Errorf("store: migration file %q is not named NNNN_name.sql", e.Name())
		}
		v, _ := strconv.Atoi(m[1])
		if prev, dup := seen[v]; dup {
			return nil, fmt.Errorf("store: migrations %q and %q share version %d", prev, e.Name(), v)
		}
		seen[v] = e.Name()
		body, err := fs.ReadFile(migrationFS, path.Join(dir, e.Name()))
		if err != nil {
			return nil, fmt.Errorf("store: read migration %s: %w", e.Name(), err)
		}
		stmts := splitStatements(string(body))
		if len(stmts) == 0 {
			return nil, fmt.Errorf("store: migration %s has no statements", e.Name())
		}
		out = append(out, migration{Version: v, Name: m[2], Statements: stmts})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Version < out[j].Version })
	return out, nil
}

// splitStatements cuts a migration into statements at semicolons that end a line, and
// drops whole-line "--" comments. MySQL is opened without multi-statement support, so
// each statement goes to the server on its own.
func splitStatements(body string) []string {
	var stmts []string
	var cur strings.Builder
	for line := range strings.SplitSeq(body, "\n") {
		trimmed := strings.TrimSpace(line)
		if trimmed == "" || strings.HasPrefix(trimmed, "--") {
			continue
		}
		cur.WriteString(line)
		cur.WriteByte('\n')
		if strings.HasSuffix(trimmed, ";") {
			stmts = append(stmts, strings.TrimSuffix(strings.TrimSpace(cur.String()), ";"))
			cur.Reset()
		}
	}
	if rest := strings.TrimSpace(cur.String()); rest != "" {
		stmts = append(stmts, rest)
	}
	return stmts
}

// Migrate applies every embedded migration not yet recorded in schema_migrations, in
// order. It is safe to call repeatedly and from several processes at once: MySQL runs
// it under a named lock (GET_LOCK), SQLite under its write lock (each migration is one
// IMMEDIATE transaction, and SQLite DDL is transactional).
func (s *Store) Migrate(ctx context.Context) error {
	return s.migrateTo(ctx, 0)
}

// migrateTo is Migrate stopping after version last (every version when last is 0); tests
// of a migration's backfill use it to write data in the schema before the migration.
func (s *Store) migrateTo(ctx context.Context, last int) error {
	ms, err := s.dialect.migrations()
	if err != nil {
		return err
	}
	if last > 0 {
		ms = slices.DeleteFunc(ms, func(m migration) bool { return m.Version > last })
	}
	if s.dialect == MySQL {
		return s.migrateMySQL(ctx, ms)
	}
	return s.migrateSQLite(ctx, ms)
}

func (s *Store) migrateMySQL(ctx context.Context, ms []migration) (err error) {
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return fmt.Errorf("store: migrate: %w", Translate(err))
	}
	defer conn.Close()

	var dbName sql.NullString
	if err := conn.QueryRowContext(ctx, "SELECT DATABASE()").Scan(&dbName); err != nil {
		return fmt.Errorf("store: migrate: %w", Translate(err))
	}
	if !dbName.Valid {
		return fmt.Errorf("store: migrate: the MySQL DSN names no database")
	}
	// GET_LOCK names are server-wide, so the lock carries the database name; names are
	// limited to 64 characters, hence the digest for long database names.
	lock := "cloudlens_migrate:" + dbName.String
	if len(lock) > 64 {
		sum := sha256.Sum256([]byte(dbName.String))
		lock = "cloudlens_migrate:" + hex.EncodeToString(sum[:16])
	}
	var got sql.NullInt64
	if err := conn.QueryRowContext(ctx, "SELECT GET_LOCK(?, 120)", lock).Scan(&got); err != nil {
		return fmt.Errorf("store: migrate: take lock: %w", Translate(err))
	}
	if !got.Valid || got.Int64 != 1 {
		return fmt.Errorf("store: migrate: another migration held the lock for 120 s")
	}
	defer func() {
		// The lock belongs to this session; release it before the connection goes back
		// to the pool, with a fresh context in case ctx is already done.
		if _, rerr := conn.ExecContext(context.WithoutCancel(ctx), "SELECT RELEASE_LOCK(?)", lock); rerr != nil && err == nil {
			err = fmt.Errorf("store: migrate: release lock: %w", Translate(rerr))
		}
	}()

	if _, err := conn.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
  version    INT          NOT NULL,
  name       VARCHAR(200) NOT NULL,
  applied_at DATETIME(6)  NOT NULL,
  PRIMARY KEY (version)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin`); err != nil {
		return fmt.Errorf("store: migrate: create schema_migrations: %w", Translate(err))
	}
	applied, err := appliedVersions(ctx, conn)
	if err != nil {
		return err
	}
	for _, m := range ms {
		if applied[m.Version] {
			continue
		}
		// MySQL commits DDL implicitly, so a migration is not atomic there; the version
		// is recorded only after every statement succeeded.
		for i, stmt := range m.Statements {
			if _, err := conn.ExecContext(ctx, stmt); err != nil {
				return fmt.Errorf("store: migration %04d_%s statement %d: %w", m.Version, m.Name, i+1, Translate(err))
			}
		}
		if _, err := conn.ExecContext(ctx, "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
			m.Version, m.Name, s.ts(now())); err != nil {
			return fmt.Errorf("store: record migration %04d: %w", m.Version, Translate(err))
		}
		s.log.InfoContext(ctx, "store: migration applied", "dialect", string(s.dialect), "version", m.Version, "name", m.Name)
	}
	return nil
}

func (s *Store) migrateSQLite(ctx context.Context, ms []migration) error {
	if _, err := s.db.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
  version    INTEGER NOT NULL PRIMARY KEY,
  name       TEXT    NOT NULL,
  applied_at TEXT    NOT NULL
) STRICT`); err != nil {
		return fmt.Errorf("store: migrate: create schema_migrations: %w", Translate(err))
	}
	for _, m := range ms {
		err := s.InTx(ctx, func(tx *sql.Tx) error {
			var n int
			if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM schema_migrations WHERE version = ?", m.Version).Scan(&n); err != nil {
				return err
			}
			if n > 0 {
				return nil
			}
			for i, stmt := range m.Statements {
				if _, err := tx.ExecContext(ctx, stmt); err != nil {
					return fmt.Errorf("statement %d: %w", i+1, err)
				}
			}
			if _, err := tx.ExecContext(ctx, "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
				m.Version, m.Name, s.ts(now())); err != nil {
				return err
			}
			s.log.InfoContext(ctx, "store: migration applied", "dialect", string(s.dialect), "version", m.Version, "name", m.Name)
			return nil
		})
		if err != nil {
			return fmt.Errorf("store: migration %04d_%s: %w", m.Version, m.Name, err)
		}
	}
	return nil
}

func appliedVersions(ctx context.Context, conn *sql.Conn) (map[int]bool, error) {
	rows, err := conn.QueryContext(ctx, "SELECT version FROM schema_migrations")
	if err != nil {
		return nil, fmt.Errorf("store: migrate: read schema_migrations: %w", Translate(err))
	}
	defer rows.Close()
	applied := map[int]bool{}
	for rows.Next() {
		var v int
		if err := rows.Scan(&v); err != nil {
			return nil, fmt.Errorf("store: migrate: read schema_migrations: %w", err)
		}
		applied[v] = true
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: migrate: read schema_migrations: %w", Translate(err))
	}
	return applied, nil
}
