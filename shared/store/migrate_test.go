package store_test

import (
	"context"
	"database/sql"
	"os"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/cloudlens/cloudlens/shared/store"
	"github.com/cloudlens/cloudlens/shared/store/storetest"
)

func migrationFiles(t *testing.T, dialect string) []string {
	t.Helper()
	entries, err := os.ReadDir("migrations/" + dialect)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

func TestMigrationFilesLockstep(t *testing.T) {
	my, lite := migrationFiles(t, "mysql"), migrationFiles(t, "sqlite")
	if !reflect.DeepEqual(my, lite) {
		t.Fatalf("migration files differ:\nmysql:  %v\nsqlite: %v", my, lite)
	}
	if len(my) == 0 || my[0] != "0001_foundation.sql" {
		t.Fatalf("first migration = %v, want 0001_foundation.sql", my)
	}
}

func TestMigrateIdempotentAndConcurrent(t *testing.T) {
	// Helpers take numbers from separate ranges, so versions have gaps: compare with the
	// number of files and the highest number among them.
	files := migrationFiles(t, "mysql")
	want := len(files)
	wantMax, _ := strconv.Atoi(files[len(files)-1][:4])
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		// storetest already migrated once; run again in sequence, then four at once.
		if err := s.Migrate(ctx); err != nil {
			t.Fatalf("second Migrate: %v", err)
		}
		var wg sync.WaitGroup
		errc := make(chan error, 4)
		for range 4 {
			wg.Go(func() { errc <- s.Migrate(ctx) })
		}
		wg.Wait()
		close(errc)
		for err := range errc {
			if err != nil {
				t.Fatalf("concurrent Migrate: %v", err)
			}
		}
		var n, maxVersion int
		if err := s.DB().QueryRowContext(ctx, "SELECT COUNT(*), MAX(version) FROM schema_migrations").Scan(&n, &maxVersion); err != nil {
			t.Fatal(err)
		}
		if n != want || maxVersion != wantMax {
			t.Fatalf("schema_migrations has %d rows up to version %d, want %d up to %d", n, maxVersion, want, wantMax)
		}
	})
}

// column is what the lockstep test compares: name, portable type class, nullability.
type column struct {
	Name     string
	Class    string
	Nullable bool
}

type schema struct {
	Columns map[string][]column // table → columns in order
	Unique  map[string][]string // table → unique keys other than the id primary key
}

func mysqlClass(dataType string) string {
	switch dataType {
	case "bigint", "int", "tinyint", "smallint", "mediumint":
		return "integer"
	case "varchar", "char", "text", "mediumtext", "longtext":
		return "text"
	case "datetime", "timestamp":
		return "timestamp"
	case "date":
		return "date"
	case "varbinary", "binary", "blob", "mediumblob", "longblob":
		return "blob"
	case "double", "float":
		return "real"
	}
	return "mysql:" + dataType
}

func readMySQLSchema(t *testing.T, db *sql.DB) schema {
	ctx := t.Context()
	sc := schema{Columns: map[string][]column{}, Unique: map[string][]string{}}
	rows, err := db.QueryContext(ctx, `SELECT TABLE_NAME, COLUMN_NAME, DATA_TYPE, IS_NULLABLE FROM information_schema.COLUMNS
WHERE TABLE_SCHEMA = DATABASE() ORDER BY TABLE_NAME, ORDINAL_POSITION`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var table, name, typ, nullable string
		if err := rows.Scan(&table, &name, &typ, &nullable); err != nil {
			t.Fatal(err)
		}
		sc.Columns[table] = append(sc.Columns[table], column{name, mysqlClass(strings.ToLower(typ)), nullable == "YES"})
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	urows, err := db.QueryContext(ctx, `SELECT TABLE_NAME, INDEX_NAME, COLUMN_NAME FROM information_schema.STATISTICS
WHERE TABLE_SCHEMA = DATABASE() AND NON_UNIQUE = 0 ORDER BY TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX`)
	if err != nil {
		t.Fatal(err)
	}
	defer urows.Close()
	keys := map[[2]string][]string{}
	for urows.Next() {
		var table, index, col string
		if err := urows.Scan(&table, &index, &col); err != nil {
			t.Fatal(err)
		}
		keys[[2]string{table, index}] = append(keys[[2]string{table, index}], col)
	}
	if err := urows.Err(); err != nil {
		t.Fatal(err)
	}
	for k, cols := range keys {
		addUnique(sc, k[0], cols)
	}
	return sc
}

func addUnique(sc schema, table string, cols []string) {
	key := strings.Join(cols, ",")
	if key == "id" {
		return
	}
	sc.Unique[table] = append(sc.Unique[table], key)
	sort.Strings(sc.Unique[table])
}

func sqliteClass(declType string) string {
	switch strings.ToUpper(declType) {
	case "INTEGER":
		return "integer"
	case "TEXT":
		return "text"
	case "BLOB":
		return "blob"
	case "REAL":
		return "real"
	}
	return "sqlite:" + declType
}

func readSQLiteSchema(t *testing.T, db *sql.DB) schema {
	ctx := t.Context()
	sc := schema{Columns: map[string][]column{}, Unique: map[string][]string{}}
	tables := queryStrings(t, db, "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
	for _, table := range tables {
		rows, err := db.QueryContext(ctx, "SELECT name, type, \"notnull\", pk FROM pragma_table_info(?) ORDER BY cid", table)
		if err != nil {
			t.Fatal(err)
		}
		var pkCols []string
		for rows.Next() {
			var name, typ string
			var notNull, pk int
			if err := rows.Scan(&name, &typ, &notNull, &pk); err != nil {
				t.Fatal(err)
			}
			sc.Columns[table] = append(sc.Columns[table], column{name, sqliteClass(typ), notNull == 0 && pk == 0})
			if pk > 0 {
				pkCols = append(pkCols, name)
			}
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		rows.Close()
		// A lone INTEGER PRIMARY KEY is the rowid and has no index entry of its own.
		if len(pkCols) == 1 {
			addUnique(sc, table, pkCols)
		}
		for _, index := range queryStrings(t, db, "SELECT name FROM pragma_index_list(?) WHERE \"unique\" = 1", table) {
			addUnique(sc, table, queryStrings(t, db, "SELECT name FROM pragma_index_info(?) ORDER BY seqno", index))
		}
	}
	return sc
}

func queryStrings(t *testing.T, db *sql.DB, q string, args ...any) []string {
	t.Helper()
	rows, err := db.QueryContext(t.Context(), q, args...)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		out = append(out, s)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestSchemaLockstep applies both dialects' migrations and requires the same tables,
// columns (in order), type classes, nullability and unique keys.
func TestSchemaLockstep(t *testing.T) {
	stores := storetest.Stores(t)
	if len(stores) < 2 {
		t.Skipf("needs MySQL (%s) to compare the dialects", storetest.EnvMySQLDSN)
	}
	lite, my := readSQLiteSchema(t, stores[0].DB()), readMySQLSchema(t, stores[1].DB())
	if len(lite.Columns) < 6 {
		t.Fatalf("sqlite schema has %d tables, want at least 6", len(lite.Columns))
	}
	for _, table := range []string{"users", "account_grants", "api_keys", "cloud_accounts", "audit_log", "schema_migrations"} {
		if _, ok := lite.Columns[table]; !ok {
			t.Errorf("table %s missing", table)
		}
	}
	// MySQL DATETIME and DATE are TEXT in SQLite.
	for _, cols := range my.Columns {
		for i := range cols {
			if cols[i].Class == "timestamp" || cols[i].Class == "date" {
				cols[i].Class = "text"
			}
		}
	}
	if !reflect.DeepEqual(lite.Columns, my.Columns) {
		for table := range my.Columns {
			if !reflect.DeepEqual(lite.Columns[table], my.Columns[table]) {
				t.Errorf("table %s:\nsqlite: %+v\nmysql:  %+v", table, lite.Columns[table], my.Columns[table])
			}
		}
		for table := range lite.Columns {
			if _, ok := my.Columns[table]; !ok {
				t.Errorf("table %s exists only in sqlite", table)
			}
		}
	}
	if !reflect.DeepEqual(lite.Unique, my.Unique) {
		t.Errorf("unique keys differ:\nsqlite: %v\nmysql:  %v", lite.Unique, my.Unique)
	}
}

func TestMigrateOnReopenedSQLite(t *testing.T) {
	// A second process opening the same file sees the schema applied and adds nothing.
	ctx := context.Background()
	path := t.TempDir() + "/db/cloudlens.db"
	for i := range 2 {
		s, err := store.OpenSQLite(ctx, path, nil)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Migrate(ctx); err != nil {
			t.Fatalf("open %d: Migrate: %v", i+1, err)
		}
		var n int
		if err := s.DB().QueryRowContext(ctx, "SELECT COUNT(*) FROM schema_migrations").Scan(&n); err != nil {
			t.Fatal(err)
		}
		if want := len(migrationFiles(t, "sqlite")); n != want {
			t.Fatalf("open %d: %d migrations recorded, want %d", i+1, n, want)
		}
		s.Close()
	}
}
