package store_test

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"

	"github.com/cloudlens/cloudlens/shared/account"
	"github.com/cloudlens/cloudlens/shared/billing"
	"github.com/cloudlens/cloudlens/shared/cost"
	"github.com/cloudlens/cloudlens/shared/store"
	"github.com/cloudlens/cloudlens/shared/store/storetest"
)

// storedTags reads every line item of the store with its tags, as the FOCUS export does,
// keyed by "account/day/n" through keyName.
func storedTags(t *testing.T, s *store.Store, keyName map[billing.Key]string) map[string][]billing.Tag {
	t.Helper()
	out := map[string][]billing.Tag{}
	q := cost.Query{Start: "2026-01-01", End: "2026-12-31"}
	err := s.EachLineItem(t.Context(), account.Scope{All: true}, q, func(li *billing.LineItem) error {
		name, ok := keyName[li.Key]
		if !ok {
			return fmt.Errorf("unexpected line item %x", li.Key[:4])
		}
		out[name] = li.Tags
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func tagSetCount(t *testing.T, s *store.Store) (sets, rows int) {
	t.Helper()
	if err := s.DB().QueryRowContext(t.Context(), "SELECT COUNT(*) FROM cost_tag_sets").Scan(&sets); err != nil {
		t.Fatal(err)
	}
	if err := s.DB().QueryRowContext(t.Context(), "SELECT COUNT(*) FROM cost_tag_set_tags").Scan(&rows); err != nil {
		t.Fatal(err)
	}
	return sets, rows
}

// TestTagSetsBackfill writes line items and tags in the schema before migration 0006 and
// migrates: every item keeps exactly its tags, equal sets become one, and the hash the SQL
// computed is the one the Go write path computes, so a new item with the same tags joins
// the backfilled set instead of making a second one.
func TestTagSetsBackfill(t *testing.T) {
	storetest.Unmigrated(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		if err := store.MigrateTo(ctx, s, 5); err != nil {
			t.Fatal(err)
		}
		unicode := []billing.Tag{{Key: "环境", Value: "生产"}, {Key: "team", Value: "数据 平台; key:x"}}
		old := []struct {
			n    int
			tags []billing.Tag
		}{
			{1, []billing.Tag{{Key: "env", Value: "prod"}, {Key: "team", Value: "a"}}},
			{2, []billing.Tag{{Key: "team", Value: "a"}, {Key: "env", Value: "prod"}}}, // same set, other order
			{3, []billing.Tag{{Key: "env", Value: "prod"}}},
			{4, nil},
			{5, unicode},
			{6, []billing.Tag{{Key: "a", Value: "1:b"}}},                     // lengths keep these two apart:
			{7, []billing.Tag{{Key: "a", Value: ""}, {Key: "b", Value: ""}}}, // without them both read "a1:b"-ish
		}
		keyName := map[billing.Key]string{}
		want := map[string][]billing.Tag{}
		for _, o := range old {
			li := testItem(7, "2026-03-0"+fmt.Sprint(1+o.n%3), o.n, "ecs", "cn-hangzhou", 1_000_000)
			name := fmt.Sprint("item ", o.n)
			keyName[li.Key] = name
			want[name] = slices.SortedFunc(slices.Values(o.tags), func(a, b billing.Tag) int {
				return cmpString(a.Key, b.Key)
			})
			if _, err := s.DB().ExecContext(ctx, `INSERT INTO cost_line_items (account_id, charge_date, item_key, billing_period,
  week_start, service_code, charge_category, currency, billed_cost) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
				li.AccountID, li.ChargeDate, li.Key[:], li.BillingPeriod, li.WeekStart, li.ServiceCode, li.ChargeCategory, li.Currency, int64(li.BilledCost)); err != nil {
				t.Fatal(err)
			}
			for _, tag := range o.tags {
				if _, err := s.DB().ExecContext(ctx, "INSERT INTO cost_line_item_tags (account_id, charge_date, item_key, tag_key, tag_value) VALUES (?, ?, ?, ?, ?)",
					li.AccountID, li.ChargeDate, li.Key[:], tag.Key, tag.Value); err != nil {
					t.Fatal(err)
				}
			}
		}
		if err := s.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		got := storedTags(t, s, keyName)
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("tags after the migration:\n got %v\nwant %v", got, want)
		}
		if sets, rows := tagSetCount(t, s); sets != 5 || rows != 2+1+2+1+2 {
			t.Fatalf("tag sets = %d with %d tag rows, want 5 with 8", sets, rows)
		}

		// New items with the backfilled sets' tags, in any order, join those sets.
		fresh := []billing.LineItem{
			testItem(7, "2026-03-05", 10, "rds", "cn-hangzhou", 2_000_000, billing.Tag{Key: "team", Value: "a"}, billing.Tag{Key: "env", Value: "prod"}),
			testItem(7, "2026-03-05", 11, "rds", "cn-hangzhou", 2_000_000, unicode[1], unicode[0]),
			testItem(7, "2026-03-05", 12, "rds", "cn-hangzhou", 2_000_000, billing.Tag{Key: "a", Value: "1:b"}),
		}
		if _, err := s.UpsertLineItems(ctx, 1, fresh); err != nil {
			t.Fatal(err)
		}
		if sets, _ := tagSetCount(t, s); sets != 5 {
			t.Fatalf("tag sets after writing items with known tags = %d, want 5 (the Go hash differs from the migration's)", sets)
		}
		for i, li := range fresh {
			var id, want int64
			if err := s.DB().QueryRowContext(ctx, "SELECT tag_set_id FROM cost_line_items WHERE charge_date = ? AND account_id = ? AND item_key = ?",
				li.ChargeDate, li.AccountID, li.Key[:]).Scan(&id); err != nil {
				t.Fatal(err)
			}
			old := []int{1, 5, 6}[i]
			k := testItem(7, "2026-03-0"+fmt.Sprint(1+old%3), old, "ecs", "cn-hangzhou", 0).Key
			if err := s.DB().QueryRowContext(ctx, "SELECT tag_set_id FROM cost_line_items WHERE item_key = ?", k[:]).Scan(&want); err != nil {
				t.Fatal(err)
			}
			if id != want || id == 0 {
				t.Fatalf("item %d has tag set %d, want the backfilled set %d", 10+i, id, want)
			}
		}
	})
}

func cmpString(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// TestTagSetsConcurrentWriters stores the same new tag sets from several stores on one
// database at once, as concurrent syncs in separate function instances do: each set is
// stored once, with its tags, and every item refers to it.
func TestTagSetsConcurrentWriters(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		const writers, sets = 4, 60
		var wg sync.WaitGroup
		errc := make(chan error, writers)
		for w := range writers {
			wg.Go(func() {
				var items []billing.LineItem
				for n := range sets {
					tags := []billing.Tag{{Key: "team", Value: fmt.Sprint("t", n)}, {Key: "env", Value: "prod"}}
					items = append(items, testItem(int64(20+w), "2026-04-01", n, "ecs", "cn-beijing", 1_000_000, tags...))
				}
				if _, err := s.UpsertLineItems(ctx, 1, items); err != nil {
					errc <- err
				}
			})
		}
		wg.Wait()
		close(errc)
		for err := range errc {
			t.Fatal(err)
		}
		if n, rows := tagSetCount(t, s); n != sets || rows != 2*sets {
			t.Fatalf("tag sets = %d with %d rows, want %d with %d", n, rows, sets, 2*sets)
		}
		var orphans, wrong int
		if err := s.DB().QueryRowContext(ctx, "SELECT COUNT(*) FROM cost_line_items li LEFT JOIN cost_tag_sets ts ON ts.id = li.tag_set_id WHERE ts.id IS NULL").Scan(&orphans); err != nil {
			t.Fatal(err)
		}
		// Item n of every writer (resource i-n) carries team tn.
		rows, err := s.DB().QueryContext(ctx, "SELECT li.resource_id, t.tag_value FROM cost_line_items li JOIN cost_tag_set_tags t ON t.tag_set_id = li.tag_set_id AND t.tag_key = 'team'")
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		seen := 0
		for rows.Next() {
			var res, team string
			if err := rows.Scan(&res, &team); err != nil {
				t.Fatal(err)
			}
			seen++
			if "t"+res[len("i-"):] != team {
				wrong++
			}
		}
		if err := rows.Err(); err != nil || seen != writers*sets {
			t.Fatalf("read %d tagged items (%v), want %d", seen, err, writers*sets)
		}
		if orphans != 0 || wrong != 0 {
			t.Fatalf("%d items refer to no tag set, %d to the wrong one", orphans, wrong)
		}
	})
}
