// Package store is the one database adapter of CloudLens: hand-written SQL with `?`
// placeholders over MySQL 8.0 (production), MariaDB 10.11 (CI) and SQLite (the embedded
// default), with a small Dialect for what differs, embedded forward-only migrations, and
// driver errors translated into errs kinds so nothing driver-shaped leaks upward.
//
// Timestamps are UTC with microsecond precision: DATETIME(6) on MySQL, fixed-width
// RFC 3339 TEXT ("2006-01-02T15:04:05.000000Z") on SQLite, so that text order is time
// order in both.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync/atomic"
	"time"

	"github.com/go-sql-driver/mysql"
	_ "modernc.org/sqlite" // registers the "sqlite" driver

	"github.com/cloudlens/cloudlens/shared/errs"
	"github.com/cloudlens/cloudlens/shared/logx"
)

// Dialect names the SQL engine family a Store talks to.
type Dialect string

const (
	MySQL  Dialect = "mysql"  // MySQL 8.0 and MariaDB 10.11
	SQLite Dialect = "sqlite" // modernc.org/sqlite, pure Go
)

// Store wraps a connection pool and the dialect of the engine behind it.
type Store struct {
	db      *sql.DB
	dialect Dialect
	log     *slog.Logger // the process logger; lines carry the caller's request_id through ctx
	// loadData is the LOAD DATA state of the line-item write path (loadProbe, loadWorks, …).
	loadData atomic.Int32
	// tagSets caches the ids of tag sets already stored (tagsets.go).
	tagSets tagSetCache
}

// PoolOptions sizes the MySQL pool. Zero fields take the Function Compute defaults:
// instances are frozen between requests, so idle connections must expire quickly.
type PoolOptions struct {
	MaxOpenConns    int
	ConnMaxIdleTime time.Duration
	ConnMaxLifetime time.Duration
	Log             *slog.Logger // the store's and the driver's lines; nil logs nothing
}

func (p PoolOptions) withDefaults() PoolOptions {
	if p.MaxOpenConns <= 0 {
		p.MaxOpenConns = 10
	}
	if p.ConnMaxIdleTime <= 0 {
		p.ConnMaxIdleTime = 30 * time.Second
	}
	if p.ConnMaxLifetime <= 0 {
		p.ConnMaxLifetime = 5 * time.Minute
	}
	return p
}

// OpenMySQL opens a pool on dsn (go-sql-driver format), forcing the settings the store
// relies on, and pings it. An unreachable server gives an errs.KindUnavailable error.
func OpenMySQL(ctx context.Context, dsn string, p PoolOptions) (*Store, error) {
	cfg, err := mysqlConfig(dsn)
	if err != nil {
		return nil, err
	}
	log := logx.OrDiscard(p.Log)
	cfg.Logger = driverLogger{log}
	conn, err := mysql.NewConnector(cfg)
	if err != nil {
		return nil, errs.Wrap(errs.KindInvalid, err, "invalid MySQL DSN")
	}
	db := sql.OpenDB(conn)
	p = p.withDefaults()
	db.SetMaxOpenConns(p.MaxOpenConns)
	db.SetMaxIdleConns(p.MaxOpenConns)
	db.SetConnMaxIdleTime(p.ConnMaxIdleTime)
	db.SetConnMaxLifetime(p.ConnMaxLifetime)
	s := &Store{db: db, dialect: MySQL, log: log}
	if err := s.Ping(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("store: open mysql: %w", err)
	}
	return s, nil
}

// mysqlConfig parses dsn and overrides what the store's SQL depends on.
func mysqlConfig(dsn string) (*mysql.Config, error) {
	cfg, err := mysql.ParseDSN(dsn)
	if err != nil {
		return nil, errs.Wrap(errs.KindInvalid, err, "invalid MySQL DSN")
	}
	// Timestamps are scanned as time.Time in UTC on both sides of the wire.
	cfg.ParseTime = true
	cfg.Loc = time.UTC
	if cfg.Params == nil {
		cfg.Params = map[string]string{}
	}
	cfg.Params["time_zone"] = "'+00:00'"
	// Migrations and methods send one statement per call; multi-statements only widen
	// what an injection could do.
	cfg.MultiStatements = false
	// UPDATE … WHERE id = ? must report a matched row even when no value changed, or
	// "not found" could not be told from "unchanged".
	cfg.ClientFoundRows = true
	if cfg.Collation == "" {
		cfg.Collation = "utf8mb4_general_ci"
	}
	if cfg.Timeout == 0 {
		cfg.Timeout = 5 * time.Second
	}
	return cfg, nil
}

// driverLogger routes the driver's own diagnostics into the store's logger.
type driverLogger struct{ log *slog.Logger }

func (l driverLogger) Print(v ...any) {
	l.log.Warn("mysql driver", "detail", strings.TrimSpace(fmt.Sprint(v...)))
}

// OpenSQLite opens (creating if needed) the SQLite database file at path in WAL mode. log
// receives the store's lines; nil logs nothing.
func OpenSQLite(ctx context.Context, path string, log *slog.Logger) (*Store, error) {
	if path == "" || strings.ContainsAny(path, "?#") || strings.HasPrefix(path, "file:") || path == ":memory:" {
		return nil, errs.Invalid("the SQLite database must be a plain file path")
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("store: create sqlite directory: %w", err)
	}
	// busy_timeout makes a second writer wait for the lock instead of failing at once;
	// _txlock=immediate takes the write lock at BEGIN, so two transactions that both read
	// then write cannot deadlock on the lock upgrade (which busy_timeout cannot resolve).
	dsn := path + "?_pragma=busy_timeout(15000)&_pragma=journal_mode(WAL)" +
		"&_pragma=foreign_keys(1)&_pragma=synchronous(NORMAL)&_txlock=immediate"
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("store: open sqlite: %w", err)
	}
	// WAL lets readers run beside the single writer, so a few connections serve
	// dashboards while a sync writes; writers queue on SQLite's lock, not on the pool.
	n := max(4, runtime.NumCPU())
	db.SetMaxOpenConns(n)
	db.SetMaxIdleConns(n)
	s := &Store{db: db, dialect: SQLite, log: logx.OrDiscard(log)}
	if err := s.Ping(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("store: open sqlite: %w", err)
	}
	return s, nil
}

// DB is the pool, for code in other packages that needs raw access (tests, benchmarks).
func (s *Store) DB() *sql.DB { return s.db }

// Dialect is the engine family of the store.
func (s *Store) Dialect() Dialect { return s.dialect }

// Close closes the pool.
func (s *Store) Close() error { return s.db.Close() }

// Ping checks that the database answers; any failure is KindUnavailable.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.db.PingContext(ctx); err != nil {
		if errs.Is(Translate(err), errs.KindUnavailable) {
			return Translate(err)
		}
		return errs.Wrap(errs.KindUnavailable, err, "database unavailable")
	}
	return nil
}

// InTx runs fn in a transaction: committed when fn returns nil, rolled back when it
// returns an error or panics. Errors come back translated.
func (s *Store) InTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	return s.inTxOpts(ctx, nil, fn)
}

// inTxOpts is InTx with transaction options.
func (s *Store) inTxOpts(ctx context.Context, opts *sql.TxOptions, fn func(tx *sql.Tx) error) error {
	tx, err := s.db.BeginTx(ctx, opts)
	if err != nil {
		return fmt.Errorf("store: begin: %w", Translate(err))
	}
	defer func() {
		if p := recover(); p != nil {
			tx.Rollback()
			panic(p)
		}
	}()
	if err := fn(tx); err != nil {
		if rbErr := tx.Rollback(); rbErr != nil && !errors.Is(rbErr, sql.ErrTxDone) {
			s.log.WarnContext(ctx, "store: rollback failed", "error", rbErr.Error())
		}
		return Translate(err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("store: commit: %w", Translate(err))
	}
	return nil
}

// sqliteTime is the one text layout of timestamps in SQLite: fixed width, so that
// comparing and sorting the text compares and sorts the times.
const sqliteTime = "2006-01-02T15:04:05.000000Z"

// now is the current time at the precision both engines store.
func now() time.Time { return time.Now().UTC().Truncate(time.Microsecond) }

// ts converts a timestamp into the argument the dialect stores. Every timestamp goes in
// through ts / nullTS and comes out through timeCol / nullTimeCol, whatever the engine.
func (s *Store) ts(t time.Time) any {
	t = t.UTC().Truncate(time.Microsecond)
	if s.dialect == SQLite {
		return t.Format(sqliteTime)
	}
	return t
}

// nullTS is ts for optional timestamps; nil stores NULL.
func (s *Store) nullTS(t *time.Time) any {
	if t == nil {
		return nil
	}
	return s.ts(*t)
}

// timeCol scans a timestamp column from either engine into a UTC time.Time.
type timeCol struct{ t *time.Time }

func (c timeCol) Scan(src any) error {
	t, err := parseTimeValue(src)
	if err != nil {
		return err
	}
	if t == nil {
		return errors.New("store: NULL in a NOT NULL timestamp column")
	}
	*c.t = *t
	return nil
}

// nullTimeCol scans a nullable timestamp column; NULL leaves a nil pointer.
type nullTimeCol struct{ t **time.Time }

func (c nullTimeCol) Scan(src any) error {
	t, err := parseTimeValue(src)
	if err != nil {
		return err
	}
	*c.t = t
	return nil
}

func parseTimeValue(src any) (*time.Time, error) {
	var text string
	switch v := src.(type) {
	case nil:
		return nil, nil
	case time.Time:
		t := v.UTC()
		return &t, nil
	case string:
		text = v
	case []byte:
		text = string(v)
	default:
		return nil, fmt.Errorf("store: cannot scan %T as a timestamp", src)
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02 15:04:05.999999999", "2006-01-02"} {
		if t, err := time.ParseInLocation(layout, text, time.UTC); err == nil {
			t = t.UTC()
			return &t, nil
		}
	}
	return nil, fmt.Errorf("store: cannot parse timestamp %q", text)
}

// rowsAffected turns "no row matched" into KindNotFound with msg.
func rowsAffected(res sql.Result, msg string) error {
	n, err := res.RowsAffected()
	if err != nil {
		return Translate(err)
	}
	if n == 0 {
		return errs.NotFound("%s", msg)
	}
	return nil
}

// placeholders returns "?, ?, …" with n marks.
func placeholders(n int) string {
	if n <= 0 {
		return ""
	}
	return strings.Repeat("?, ", n-1) + "?"
}

// int64Args converts ids into query arguments.
func int64Args(ids []int64) []any {
	a := make([]any, len(ids))
	for i, id := range ids {
		a[i] = id
	}
	return a
}
