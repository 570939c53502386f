package store_test

import (
	"reflect"
	"testing"
	"time"

	"github.com/cloudlens/cloudlens/shared/account"
	"github.com/cloudlens/cloudlens/shared/store"
	"github.com/cloudlens/cloudlens/shared/store/storetest"
)

func TestIncompleteDays(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		at := time.Date(2026, 3, 12, 2, 0, 0, 0, time.UTC)
		for _, g := range []struct {
			account int64
			day     string
			reason  string
			at      time.Time
		}{
			{1, "2026-03-02", "throttled", at},
			{1, "2026-03-05", "paging loop", at.Add(time.Minute)},
			{2, "2026-03-03", "2 items rejected", at},
			{2, "2026-02-27", "before the range", at},
			{3, "2026-03-04", "completed later", at},
		} {
			if err := s.MarkDayIncomplete(ctx, g.account, g.day, g.reason, 7, g.at); err != nil {
				t.Fatal(err)
			}
		}
		// A later run completes one day of account 3 and re-notes a day of account 1.
		if err := s.MarkDayComplete(ctx, 3, "2026-03-04", 10, 8, at.Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		if err := s.MarkDayIncomplete(ctx, 1, "2026-03-02", "throttled again", 8, at.Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		for _, tc := range []struct {
			name  string
			scope account.Scope
			want  []store.IncompleteAccount
		}{
			{"all", account.AllAccounts, []store.IncompleteAccount{
				{AccountID: 1, Dates: []string{"2026-03-02", "2026-03-05"}, Reason: "throttled again"},
				{AccountID: 2, Dates: []string{"2026-03-03"}, Reason: "2 items rejected"},
			}},
			{"one account", account.Scope{IDs: []int64{2}}, []store.IncompleteAccount{
				{AccountID: 2, Dates: []string{"2026-03-03"}, Reason: "2 items rejected"},
			}},
			{"no account", account.Scope{IDs: []int64{}}, []store.IncompleteAccount{}},
		} {
			t.Run(tc.name, func(t *testing.T) {
				got, err := s.IncompleteDays(ctx, tc.scope, "2026-03-01", "2026-03-31")
				if err != nil || !reflect.DeepEqual(got, tc.want) {
					t.Fatalf("IncompleteDays = %+v, %v; want %+v", got, err, tc.want)
				}
			})
		}
	})
}
