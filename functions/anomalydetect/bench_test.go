package anomalydetect_test

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/cloudlens/cloudlens/functions/anomalydetect"
	"github.com/cloudlens/cloudlens/shared/billing"
	"github.com/cloudlens/cloudlens/shared/store"
)

// TestBenchWholeRun times whole anomalydetect runs on the database CLOUDLENS_BENCH_MYSQL_DSN
// names, loaded by scripts/costgen (bills up to 2025-11-30): the first run over the data (every
// anomaly new, contributors read from line items), then a rerun on the same bills (nothing
// changes). The anomaly tables are emptied first so the first run is a first run.
func TestBenchWholeRun(t *testing.T) {
	dsn := os.Getenv("CLOUDLENS_BENCH_MYSQL_DSN")
	if dsn == "" {
		t.Skip("CLOUDLENS_BENCH_MYSQL_DSN is not set (a database loaded by scripts/costgen)")
	}
	ctx := context.Background()
	s, err := store.OpenMySQL(ctx, dsn, store.PoolOptions{MaxOpenConns: 8})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{"DELETE FROM anomaly_feedback", "DELETE FROM anomalies", "DELETE FROM anomaly_monitors",
		"DELETE FROM alerts WHERE kind = 'anomaly'"} {
		if _, err := s.DB().ExecContext(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	var items int64
	if err := s.DB().QueryRowContext(ctx, "SELECT COUNT(*) FROM cost_line_items").Scan(&items); err != nil {
		t.Fatal(err)
	}
	now := time.Date(2025, 12, 1, 10, 0, 0, 0, billing.Shanghai)
	for _, name := range []string{"first run", "rerun"} {
		start := time.Now()
		rep, err := anomalydetect.Run(ctx, s, now, "")
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("%s over %d line items: %v total; %d series, %d anomalies (%d new, %d updated, %d withdrawn); stages %v",
			name, items, time.Since(start).Round(time.Millisecond), rep.Series, rep.Found, rep.Inserted, rep.Updated, rep.Withdrawn, rep.Timings)
		if name == "rerun" && (rep.Inserted != 0 || rep.Updated != 0 || rep.Withdrawn != 0) {
			t.Errorf("the rerun changed anomalies: %+v", rep)
		}
	}
}
