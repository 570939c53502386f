package store_test

import (
	"testing"

	"github.com/cloudlens/cloudlens/shared/store"
	"github.com/cloudlens/cloudlens/shared/store/storetest"
)

func TestUpsertSQL(t *testing.T) {
	cols := []string{"day", "sku", "usage", "cost"}
	tests := []struct {
		name    string
		d       store.Dialect
		update  []string
		rows    int
		want    string
		wantArg int
	}{
		{"mysql two rows", store.MySQL, []string{"usage", "cost"}, 2,
			"INSERT INTO `probe` (`day`, `sku`, `usage`, `cost`) VALUES (?, ?, ?, ?), (?, ?, ?, ?) " +
				"ON DUPLICATE KEY UPDATE `usage` = VALUES(`usage`), `cost` = VALUES(`cost`)", 8},
		{"sqlite two rows", store.SQLite, []string{"usage", "cost"}, 2,
			"INSERT INTO `probe` (`day`, `sku`, `usage`, `cost`) VALUES (?, ?, ?, ?), (?, ?, ?, ?) " +
				"ON CONFLICT (`day`, `sku`) DO UPDATE SET `usage` = excluded.`usage`, `cost` = excluded.`cost`", 8},
		{"mysql keep existing", store.MySQL, nil, 1,
			"INSERT INTO `probe` (`day`, `sku`, `usage`, `cost`) VALUES (?, ?, ?, ?) ON DUPLICATE KEY UPDATE `day` = `day`", 4},
		{"sqlite keep existing", store.SQLite, nil, 1,
			"INSERT INTO `probe` (`day`, `sku`, `usage`, `cost`) VALUES (?, ?, ?, ?) ON CONFLICT (`day`, `sku`) DO NOTHING", 4},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := tc.d.Upsert("probe", cols, []string{"day", "sku"}, tc.update, tc.rows)
			if got != tc.want {
				t.Fatalf("Upsert =\n%s\nwant\n%s", got, tc.want)
			}
			if n := countMarks(got); n != tc.wantArg {
				t.Fatalf("%d placeholders, want %d", n, tc.wantArg)
			}
		})
	}
}

func countMarks(s string) int {
	n := 0
	for _, r := range s {
		if r == '?' {
			n++
		}
	}
	return n
}

func TestUpsertPanicsOnProgrammingErrors(t *testing.T) {
	tests := []struct {
		name  string
		table string
		cols  []string
		keys  []string
		rows  int
	}{
		{"zero rows", "t", []string{"a"}, []string{"a"}, 0},
		{"no key", "t", []string{"a"}, nil, 1},
		{"injected table", "t; DROP TABLE users", []string{"a"}, []string{"a"}, 1},
		{"injected column", "t", []string{"a`b"}, []string{"a"}, 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Fatal("no panic")
				}
			}()
			store.SQLite.Upsert(tc.table, tc.cols, tc.keys, nil, tc.rows)
		})
	}
}

// TestUpsertRoundTrip inserts rows, then upserts the same keys with new values plus a
// new key, on a table whose column `usage` is a reserved word in MySQL.
func TestUpsertRoundTrip(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		ddl := "CREATE TABLE probe (day TEXT NOT NULL, sku TEXT NOT NULL, `usage` INTEGER NOT NULL, cost INTEGER NOT NULL, PRIMARY KEY (day, sku)) STRICT"
		if s.Dialect() == store.MySQL {
			ddl = "CREATE TABLE probe (day DATE NOT NULL, sku VARCHAR(32) NOT NULL, `usage` BIGINT NOT NULL, cost BIGINT NOT NULL, PRIMARY KEY (day, sku)) ENGINE=InnoDB"
		}
		if _, err := s.DB().ExecContext(ctx, ddl); err != nil {
			t.Fatal(err)
		}
		cols, keys, upd := []string{"day", "sku", "usage", "cost"}, []string{"day", "sku"}, []string{"usage", "cost"}
		d := s.Dialect()
		if _, err := s.DB().ExecContext(ctx, d.Upsert("probe", cols, keys, upd, 2),
			"2026-03-01", "ecs", 10, 1_500_000,
			"2026-03-01", "rds", 20, 2_250_000); err != nil {
			t.Fatalf("first upsert: %v", err)
		}
		if _, err := s.DB().ExecContext(ctx, d.Upsert("probe", cols, keys, upd, 2),
			"2026-03-01", "ecs", 11, 1_650_000,
			"2026-03-02", "ecs", 5, 750_000); err != nil {
			t.Fatalf("second upsert: %v", err)
		}
		// Keep-existing form: the rds row must not change.
		if _, err := s.DB().ExecContext(ctx, d.Upsert("probe", cols, keys, nil, 1),
			"2026-03-01", "rds", 99, 99); err != nil {
			t.Fatalf("keep-existing upsert: %v", err)
		}
		rows, err := s.DB().QueryContext(ctx, "SELECT sku, `usage`, cost FROM probe ORDER BY day, sku")
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		type row struct {
			sku         string
			usage, cost int64
		}
		var got []row
		for rows.Next() {
			var r row
			if err := rows.Scan(&r.sku, &r.usage, &r.cost); err != nil {
				t.Fatal(err)
			}
			got = append(got, r)
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		want := []row{{"ecs", 11, 1_650_000}, {"rds", 20, 2_250_000}, {"ecs", 5, 750_000}}
		if len(got) != len(want) {
			t.Fatalf("rows = %+v, want %+v", got, want)
		}
		for i := range want {
			if got[i] != want[i] {
				t.Fatalf("row %d = %+v, want %+v", i, got[i], want[i])
			}
		}
		var total int64
		if err := s.DB().QueryRowContext(ctx, "SELECT SUM(cost) FROM probe").Scan(&total); err != nil {
			t.Fatal(err)
		}
		if total != 4_650_000 {
			t.Fatalf("SUM(cost) = %d, want 4650000", total)
		}
	})
}

func TestMaxParams(t *testing.T) {
	if store.MySQL.MaxParams() != 65535 || store.SQLite.MaxParams() != 32766 {
		t.Fatalf("MaxParams = %d / %d", store.MySQL.MaxParams(), store.SQLite.MaxParams())
	}
}
