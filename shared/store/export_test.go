package store

import "context"

// MigrateTo applies the migrations up to and including version last.
func MigrateTo(ctx context.Context, s *Store, last int) error { return s.migrateTo(ctx, last) }

// LoadDataState names the load-data state of s for tests: "probe", "works", "refused" or "off".
func LoadDataState(s *Store) string {
	return [...]string{"probe", "works", "refused", "off"}[s.loadState().Load()]
}
