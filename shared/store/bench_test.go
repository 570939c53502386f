package store_test

import (
	"fmt"
	"testing"

	"github.com/cloudlens/cloudlens/shared/store"
	"github.com/cloudlens/cloudlens/shared/store/storetest"
)

// BenchmarkUpsert measures multi-row upserts of 8-column rows in batches of 500, the
// shape bill ingestion uses; b.N counts rows.
func BenchmarkUpsert(b *testing.B) {
	for _, s := range storetest.Stores(b) {
		b.Run(string(s.Dialect()), func(b *testing.B) {
			ctx := b.Context()
			ddl := "CREATE TABLE bench_items (account_id INTEGER NOT NULL, day TEXT NOT NULL, line TEXT NOT NULL, product TEXT NOT NULL, " +
				"region TEXT NOT NULL, currency TEXT NOT NULL, billed INTEGER NOT NULL, list_cost INTEGER NOT NULL, PRIMARY KEY (account_id, day, line)) STRICT"
			if s.Dialect() == store.MySQL {
				ddl = "CREATE TABLE bench_items (account_id BIGINT NOT NULL, day DATE NOT NULL, line VARCHAR(64) NOT NULL, product VARCHAR(64) NOT NULL, " +
					"region VARCHAR(32) NOT NULL, currency CHAR(3) NOT NULL, billed BIGINT NOT NULL, list_cost BIGINT NOT NULL, PRIMARY KEY (account_id, day, line)) ENGINE=InnoDB"
			}
			if _, err := s.DB().ExecContext(ctx, "DROP TABLE IF EXISTS bench_items"); err != nil {
				b.Fatal(err)
			}
			if _, err := s.DB().ExecContext(ctx, ddl); err != nil {
				b.Fatal(err)
			}
			cols := []string{"account_id", "day", "line", "product", "region", "currency", "billed", "list_cost"}
			const batch = 500
			q := s.Dialect().Upsert("bench_items", cols, cols[:3], cols[3:], batch)
			args := make([]any, 0, batch*len(cols))
			rows := 0
			b.ResetTimer()
			for done := 0; done < b.N; done += batch {
				args = args[:0]
				for i := range batch {
					n := done + i
					args = append(args, int64(n%7+1), fmt.Sprintf("2026-03-%02d", n%28+1), fmt.Sprintf("i-%08d", n),
						"ecs", "cn-hangzhou", "CNY", int64(n*1000), int64(n*1200))
				}
				if _, err := s.DB().ExecContext(ctx, q, args...); err != nil {
					b.Fatal(err)
				}
				rows += batch
			}
			b.ReportMetric(float64(rows)/b.Elapsed().Seconds(), "rows/s")
		})
	}
}
