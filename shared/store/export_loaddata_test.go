package store

// LoadDataState names the load-data state of s for tests: "probe", "works", "refused" or "off".
func LoadDataState(s *Store) string {
	return [...]string{"probe", "works", "refused", "off"}[s.loadState().Load()]
}
