package store_test

import (
	"strings"
	"testing"
	"time"

	"github.com/cloudlens/cloudlens/shared/auth"
	"github.com/cloudlens/cloudlens/shared/errs"
	"github.com/cloudlens/cloudlens/shared/store"
	"github.com/cloudlens/cloudlens/shared/store/storetest"
)

func hash64(seed string) string { return strings.Repeat(seed, 64)[:64] }

func TestAPIKeys(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		alice := mkUser(t, s, "alice@example.com", auth.RoleEditor)
		bob := mkUser(t, s, "bob@example.com", auth.RoleViewer)

		k1 := auth.APIKey{UserID: alice.ID, Name: "ci", Prefix: "cl_aaaa", Hash: hash64("a")}
		k2 := auth.APIKey{UserID: alice.ID, Name: "grafana", Prefix: "cl_bbbb", Hash: hash64("b")}
		k3 := auth.APIKey{UserID: bob.ID, Name: "script", Prefix: "cl_cccc", Hash: hash64("c")}
		for _, k := range []*auth.APIKey{&k1, &k2, &k3} {
			if err := s.CreateAPIKey(ctx, k); err != nil {
				t.Fatal(err)
			}
			if k.ID == 0 || k.CreatedAt.IsZero() {
				t.Fatalf("created key = %+v", k)
			}
		}
		dup := auth.APIKey{UserID: bob.ID, Name: "again", Prefix: "cl_aaaa", Hash: hash64("a")}
		if err := s.CreateAPIKey(ctx, &dup); errs.KindOf(err) != errs.KindConflict {
			t.Fatalf("duplicate hash: kind %s (%v)", errs.KindOf(err), err)
		}
		orphan := auth.APIKey{UserID: 9999, Name: "x", Prefix: "cl_x", Hash: hash64("x")}
		if err := s.CreateAPIKey(ctx, &orphan); errs.KindOf(err) != errs.KindInvalid {
			t.Fatalf("unknown owner: kind %s (%v)", errs.KindOf(err), err)
		}

		got, err := s.GetAPIKeyByHash(ctx, hash64("b"))
		if err != nil {
			t.Fatal(err)
		}
		if got.ID != k2.ID || got.UserID != alice.ID || got.Name != "grafana" || got.Prefix != "cl_bbbb" ||
			!got.CreatedAt.Equal(k2.CreatedAt) || got.LastUsedAt != nil || got.RevokedAt != nil {
			t.Fatalf("GetAPIKeyByHash = %+v, want %+v", got, k2)
		}

		lists := []struct {
			user int64
			want []int64
		}{
			{alice.ID, []int64{k1.ID, k2.ID}},
			{bob.ID, []int64{k3.ID}},
			{0, []int64{k1.ID, k2.ID, k3.ID}},
			{9999, nil},
		}
		for _, tc := range lists {
			keys, err := s.ListAPIKeys(ctx, tc.user)
			if err != nil {
				t.Fatal(err)
			}
			var ids []int64
			for _, k := range keys {
				ids = append(ids, k.ID)
			}
			if len(ids) != len(tc.want) || (len(ids) > 0 && !equalIDs(ids, tc.want)) {
				t.Errorf("ListAPIKeys(%d) = %v, want %v", tc.user, ids, tc.want)
			}
		}

		used := time.Date(2026, 5, 1, 8, 30, 0, 123456789, time.UTC)
		if err := s.TouchAPIKey(ctx, k1.ID, used); err != nil {
			t.Fatal(err)
		}
		revoked := time.Date(2026, 5, 2, 9, 0, 0, 0, time.FixedZone("CST", 8*3600))
		revokes := []struct {
			name     string
			user, id int64
			want     errs.Kind
		}{
			{"other user's key", bob.ID, k1.ID, errs.KindNotFound},
			{"missing key", alice.ID, 9999, errs.KindNotFound},
			{"own key", alice.ID, k1.ID, ""},
			{"again, keeps first time", alice.ID, k1.ID, ""},
			{"admin, any owner", 0, k3.ID, ""},
		}
		for _, tc := range revokes {
			err := s.RevokeAPIKey(ctx, tc.user, tc.id, revoked)
			if tc.name == "again, keeps first time" {
				err = s.RevokeAPIKey(ctx, tc.user, tc.id, revoked.Add(time.Hour))
			}
			if (tc.want == "" && err != nil) || (tc.want != "" && errs.KindOf(err) != tc.want) {
				t.Errorf("%s: %v, want kind %q", tc.name, err, tc.want)
			}
		}
		got, err = s.GetAPIKeyByHash(ctx, hash64("a"))
		if err != nil {
			t.Fatal(err)
		}
		if got.LastUsedAt == nil || !got.LastUsedAt.Equal(used.Truncate(time.Microsecond)) {
			t.Fatalf("LastUsedAt = %v, want %v", got.LastUsedAt, used.Truncate(time.Microsecond))
		}
		if got.RevokedAt == nil || !got.RevokedAt.Equal(revoked) || got.RevokedAt.Location() != time.UTC {
			t.Fatalf("RevokedAt = %v, want %v in UTC", got.RevokedAt, revoked)
		}
		if b, _ := s.GetAPIKeyByHash(ctx, hash64("b")); b.RevokedAt != nil {
			t.Fatalf("unrevoked key has RevokedAt %v", b.RevokedAt)
		}
		if c, _ := s.GetAPIKeyByHash(ctx, hash64("c")); c.RevokedAt == nil {
			t.Fatal("admin revoke did not stick")
		}
		if err := s.TouchAPIKey(ctx, 9999, used); errs.KindOf(err) != errs.KindNotFound {
			t.Fatalf("touch missing key: %v", err)
		}
		if _, err := s.GetAPIKeyByHash(ctx, hash64("z")); errs.KindOf(err) != errs.KindNotFound {
			t.Fatalf("unknown hash: %v", err)
		}
	})
}

func equalIDs(a, b []int64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
