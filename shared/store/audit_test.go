package store_test

import (
	"testing"
	"time"

	"github.com/cloudlens/cloudlens/shared/store"
	"github.com/cloudlens/cloudlens/shared/store/storetest"
)

func TestAudit(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		base := time.Date(2020, 7, 1, 0, 0, 0, 0, time.UTC)
		entries := []store.AuditEntry{
			{At: base, UserID: 1, Action: "user.create", TargetType: "user", TargetID: "2", Detail: "bob@example.com"},
			{At: base.Add(2 * time.Hour), UserID: 2, Action: "account.update", TargetType: "account", TargetID: "7", Detail: `{"name":"prod"}`},
			{At: base.Add(time.Hour), UserID: 0, Action: "sync.run", TargetType: "account", TargetID: "7", Detail: "rows=120"},
			// Same instant as the newest: ties are broken by insertion order, newest first.
			{At: base.Add(2 * time.Hour), UserID: 1, Action: "budget.delete", TargetType: "budget", TargetID: "3", Detail: ""},
		}
		for _, e := range entries {
			if err := s.Audit(ctx, e); err != nil {
				t.Fatal(err)
			}
		}
		tests := []struct {
			limit int
			want  []string
		}{
			{2, []string{"budget.delete", "account.update"}},
			{0, []string{"budget.delete", "account.update", "sync.run", "user.create"}},
			{5000, []string{"budget.delete", "account.update", "sync.run", "user.create"}},
		}
		for _, tc := range tests {
			got, err := s.ListAudit(ctx, tc.limit)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(tc.want) {
				t.Fatalf("ListAudit(%d) returned %d entries, want %d", tc.limit, len(got), len(tc.want))
			}
			for i, w := range tc.want {
				if got[i].Action != w {
					t.Errorf("ListAudit(%d)[%d] = %s, want %s", tc.limit, i, got[i].Action, w)
				}
			}
		}
		all, _ := s.ListAudit(ctx, 10)
		if all[1] != entries[1] {
			t.Fatalf("entry round trip = %+v, want %+v", all[1], entries[1])
		}

		before := time.Now().Add(-time.Second)
		if err := s.Audit(ctx, store.AuditEntry{UserID: 4, Action: "login"}); err != nil {
			t.Fatal(err)
		}
		latest, _ := s.ListAudit(ctx, 1)
		if latest[0].Action != "login" || latest[0].At.Before(before) {
			t.Fatalf("zero At not set to now: %+v", latest[0])
		}
	})
}
