package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"slices"
	"strconv"
	"sync"

	"modernc.org/sqlite"

	"github.com/cloudlens/cloudlens/shared/billing"
)

// Tags are stored once per distinct tag set (migration 0006): cost_tag_sets gives each set
// an id, found by the SHA-256 of the set's canonical text; cost_tag_set_tags holds its keys
// and values; a line item carries the id of its set, 0 when it has no tags. Sets are never
// changed or deleted, so an id, once read, stays right for the life of the process.

// tagSetText appends the canonical text of tags to b: for each tag in byte order of its
// key, the byte length of the key, ':', the key, the byte length of the value, ':', the
// value. Migration 0006 builds the same text in SQL. Keys are unique within a set
// (billing.ParseTags rejects a key with two values and merges repeats).
func tagSetText(b []byte, tags []billing.Tag) []byte {
	sorted := tags
	if !slices.IsSortedFunc(tags, compareTagKeys) {
		sorted = slices.SortedFunc(slices.Values(tags), compareTagKeys)
	}
	for _, t := range sorted {
		b = strconv.AppendInt(b, int64(len(t.Key)), 10)
		b = append(b, ':')
		b = append(b, t.Key...)
		b = strconv.AppendInt(b, int64(len(t.Value)), 10)
		b = append(b, ':')
		b = append(b, t.Value...)
	}
	return b
}

func compareTagKeys(a, b billing.Tag) int {
	switch {
	case a.Key < b.Key:
		return -1
	case a.Key > b.Key:
		return 1
	}
	return 0
}

// The SQLite side of the migration's SHA2(…, 256): modernc's SQLite has no hash function.
func init() {
	err := sqlite.RegisterDeterministicScalarFunction("cl_sha256", 1, func(_ *sqlite.FunctionContext, args []driver.Value) (driver.Value, error) {
		var sum [32]byte
		switch v := args[0].(type) {
		case string:
			sum = sha256.Sum256([]byte(v))
		case []byte:
			sum = sha256.Sum256(v)
		case nil:
			return nil, nil
		default:
			return nil, fmt.Errorf("cl_sha256: want text, got %T", v)
		}
		return sum[:], nil
	})
	if err != nil {
		panic(err)
	}
}

// tagSetCache maps set hashes to ids already known to be stored with their tags.
type tagSetCache struct {
	mu  sync.Mutex
	ids map[[32]byte]int64
}

// maxCachedTagSets bounds the cache: an organisation has a few thousand distinct sets; far
// more means the cache starts over rather than grows without limit.
const maxCachedTagSets = 200_000

// tagSetIDs returns the tag set id of each item, in order (0 for an item without tags),
// storing the sets that are not stored yet. A set and its tags are committed before any
// line item refers to them.
func (s *Store) tagSetIDs(ctx context.Context, items []billing.LineItem) ([]int64, error) {
	ids := make([]int64, len(items))
	hashes := make([][32]byte, len(items))
	var buf []byte
	for i := range items {
		if len(items[i].Tags) > 0 {
			buf = tagSetText(buf[:0], items[i].Tags)
			hashes[i] = sha256.Sum256(buf)
		}
	}
	var missing map[[32]byte][]billing.Tag
	s.tagSets.mu.Lock()
	for i := range items {
		if len(items[i].Tags) == 0 {
			continue
		}
		if id, ok := s.tagSets.ids[hashes[i]]; ok {
			ids[i] = id
			continue
		}
		if missing == nil {
			missing = map[[32]byte][]billing.Tag{}
		}
		missing[hashes[i]] = items[i].Tags
	}
	s.tagSets.mu.Unlock()
	if len(missing) == 0 {
		return ids, nil
	}
	stored, err := s.storeTagSets(ctx, missing)
	if err != nil {
		return nil, err
	}
	for i := range items {
		if ids[i] == 0 && len(items[i].Tags) > 0 {
			ids[i] = stored[hashes[i]]
		}
	}
	s.tagSets.mu.Lock()
	if s.tagSets.ids == nil || len(s.tagSets.ids)+len(stored) > maxCachedTagSets {
		s.tagSets.ids = make(map[[32]byte]int64, len(stored))
	}
	for h, id := range stored {
		s.tagSets.ids[h] = id
	}
	s.tagSets.mu.Unlock()
	return ids, nil
}

// storeTagSets inserts the sets of missing that are not stored yet, makes sure every one
// of them has its tag rows, and returns their ids. Concurrent writers may store the same
// set: the hash is unique, both inserts leave the first row, and both write the same tag
// rows, also leaving the first. Hashes go in sorted order so two writers lock rows in the
// same order.
func (s *Store) storeTagSets(ctx context.Context, missing map[[32]byte][]billing.Tag) (map[[32]byte]int64, error) {
	hashes := make([][32]byte, 0, len(missing))
	for h := range missing {
		hashes = append(hashes, h)
	}
	slices.SortFunc(hashes, func(a, b [32]byte) int { return slices.Compare(a[:], b[:]) })
	out := make(map[[32]byte]int64, len(hashes))
	err := s.writeTx(ctx, func(tx *sql.Tx) error {
		clear(out)
		const per = 500
		for start := 0; start < len(hashes); start += per {
			chunk := hashes[start:min(start+per, len(hashes))]
			args := make([]any, len(chunk))
			for i := range chunk {
				args[i] = chunk[i][:]
			}
			if _, err := tx.ExecContext(ctx, s.dialect.Upsert("cost_tag_sets", []string{"set_hash"}, []string{"set_hash"}, nil, len(chunk)), args...); err != nil {
				return fmt.Errorf("insert tag sets: %w", err)
			}
			rows, err := tx.QueryContext(ctx, "SELECT id, set_hash FROM cost_tag_sets WHERE set_hash IN ("+placeholders(len(chunk))+")", args...)
			if err != nil {
				return fmt.Errorf("read tag sets: %w", err)
			}
			for rows.Next() {
				var id int64
				var h []byte
				if err := rows.Scan(&id, &h); err != nil {
					rows.Close()
					return fmt.Errorf("read tag sets: %w", err)
				}
				out[[32]byte(h)] = id
			}
			err = rows.Err()
			rows.Close()
			if err != nil {
				return fmt.Errorf("read tag sets: %w", err)
			}
		}
		cols := []string{"tag_set_id", "tag_key", "tag_value"}
		perRows := s.dialect.batchRows(len(cols))
		var args []any
		n := 0
		flush := func() error {
			if n == 0 {
				return nil
			}
			if _, err := tx.ExecContext(ctx, s.dialect.Upsert("cost_tag_set_tags", cols, cols[:2], nil, n), args...); err != nil {
				return fmt.Errorf("insert tag set tags: %w", err)
			}
			args, n = args[:0], 0
			return nil
		}
		for _, h := range hashes {
			id, ok := out[h]
			if !ok {
				return fmt.Errorf("tag set %x was not stored", h[:8])
			}
			for _, t := range missing[h] {
				args = append(args, id, t.Key, t.Value)
				if n++; n == perRows {
					if err := flush(); err != nil {
						return err
					}
				}
			}
		}
		return flush()
	})
	if err != nil {
		return nil, fmt.Errorf("store: tag sets: %w", Translate(err))
	}
	return out, nil
}
