package store

import (
	"context"

	"github.com/cloudlens/cloudlens/shared/cost"
)

// MigrateTo applies the migrations up to and including version last.
func MigrateTo(ctx context.Context, s *Store, last int) error { return s.migrateTo(ctx, last) }

// LoadDataState names the load-data state of s for tests: "probe", "works", "refused" or "off".
func LoadDataState(s *Store) string {
	return [...]string{"probe", "works", "refused", "off"}[s.loadState().Load()]
}

// CostTable is the table CostRows reads for q (cost_daily_tags for the tag roll-up).
func CostTable(q cost.Query) string {
	src, _ := pickSource(q, fromTotals)
	return src.table()
}

// DiscountTable is the table Discounts reads for q grouped by by.
func DiscountTable(q cost.Query, by string) string {
	if by != cost.ByMonth {
		q.GroupBy = []cost.Dim{{Kind: by}}
	}
	src, _ := pickSource(q, fromRegions)
	return src.table()
}

// Amortize recomputes the amortised shares of the charges billed on days, marking the days
// whose shares changed for a rebuild, without rebuilding.
func Amortize(ctx context.Context, s *Store, accountID int64, days []string) error {
	return s.amortize(ctx, accountID, days)
}
