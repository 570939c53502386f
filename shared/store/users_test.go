package store_test

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/cloudlens/cloudlens/shared/account"
	"github.com/cloudlens/cloudlens/shared/auth"
	"github.com/cloudlens/cloudlens/shared/errs"
	"github.com/cloudlens/cloudlens/shared/store"
	"github.com/cloudlens/cloudlens/shared/store/storetest"
)

// mkAccount creates a demo account with the given name and uid.
func mkAccount(t *testing.T, s *store.Store, name, uid string) account.Account {
	t.Helper()
	a := account.Account{Name: name, UID: uid, Site: account.SiteChina, AuthType: account.AuthAccessKey,
		AccessKeyID: "LTAI0000test", SecretEnc: []byte{1, 2, 3}, Regions: []string{"cn-hangzhou"}, Demo: true}
	if err := s.CreateAccount(t.Context(), &a); err != nil {
		t.Fatalf("create account %s: %v", name, err)
	}
	return a
}

func mkUser(t *testing.T, s *store.Store, email string, role auth.Role, accounts ...int64) auth.User {
	t.Helper()
	u := auth.User{Email: email, Name: "N " + email, Role: role, PasswordHash: "hash-" + email, AccountIDs: accounts}
	if err := s.CreateUser(t.Context(), &u); err != nil {
		t.Fatalf("create user %s: %v", email, err)
	}
	return u
}

func TestUsers(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		a1, a2, a3 := mkAccount(t, s, "prod", "1000001"), mkAccount(t, s, "dev", "1000002"), mkAccount(t, s, "test", "1000003")

		if n, err := s.CountUsers(ctx); err != nil || n != 0 {
			t.Fatalf("CountUsers on empty store = %d, %v", n, err)
		}
		before := time.Now().Add(-time.Second)
		u := auth.User{Email: "  Alice@Example.COM ", Name: "Alice", Role: auth.RoleEditor, PasswordHash: "h1",
			AccountIDs: []int64{a2.ID, a1.ID, a2.ID}}
		if err := s.CreateUser(ctx, &u); err != nil {
			t.Fatal(err)
		}
		if u.ID == 0 || u.Email != "alice@example.com" || u.CreatedAt.Before(before) || !u.CreatedAt.Equal(u.UpdatedAt) {
			t.Fatalf("created user = %+v", u)
		}
		bob := mkUser(t, s, "bob@example.com", auth.RoleViewer)

		got, err := s.GetUser(ctx, u.ID)
		if err != nil {
			t.Fatal(err)
		}
		want := auth.User{ID: u.ID, Email: "alice@example.com", Name: "Alice", Role: auth.RoleEditor, PasswordHash: "h1",
			AccountIDs: []int64{a1.ID, a2.ID}, CreatedAt: u.CreatedAt, UpdatedAt: u.UpdatedAt}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("GetUser =\n%+v\nwant\n%+v", got, want)
		}
		if got.CreatedAt.Location() != time.UTC {
			t.Fatalf("CreatedAt location = %v, want UTC", got.CreatedAt.Location())
		}
		byEmail, err := s.GetUserByEmail(ctx, "ALICE@example.com")
		if err != nil || !reflect.DeepEqual(byEmail, want) {
			t.Fatalf("GetUserByEmail = %+v, %v", byEmail, err)
		}

		dup := auth.User{Email: "alice@EXAMPLE.com", Role: auth.RoleViewer}
		err = s.CreateUser(ctx, &dup)
		if errs.KindOf(err) != errs.KindConflict || errs.Message(err) != "a user with this email exists" {
			t.Fatalf("duplicate email: kind %s message %q", errs.KindOf(err), errs.Message(err))
		}
		badGrant := auth.User{Email: "carol@example.com", Role: auth.RoleViewer, AccountIDs: []int64{a3.ID + 100}}
		if err := s.CreateUser(ctx, &badGrant); errs.KindOf(err) != errs.KindInvalid {
			t.Fatalf("grant of unknown account: kind %s (%v), want invalid", errs.KindOf(err), err)
		}
		if _, err := s.GetUserByEmail(ctx, "carol@example.com"); errs.KindOf(err) != errs.KindNotFound {
			t.Fatalf("failed create left a user behind: %v", err)
		}

		// Update: grants replaced, password kept when empty, e-mail unchanged.
		time.Sleep(2 * time.Millisecond) // updated_at must move past created_at
		upd := auth.User{ID: u.ID, Email: "ignored@example.com", Name: "Alice B", Role: auth.RoleAdmin, Disabled: true,
			AccountIDs: []int64{a3.ID}}
		if err := s.UpdateUser(ctx, upd); err != nil {
			t.Fatal(err)
		}
		got, err = s.GetUser(ctx, u.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Name != "Alice B" || got.Role != auth.RoleAdmin || !got.Disabled || got.PasswordHash != "h1" ||
			got.Email != "alice@example.com" || !reflect.DeepEqual(got.AccountIDs, []int64{a3.ID}) ||
			!got.UpdatedAt.After(got.CreatedAt) {
			t.Fatalf("after update = %+v", got)
		}
		upd.PasswordHash, upd.AccountIDs, upd.Disabled = "h2", nil, false
		if err := s.UpdateUser(ctx, upd); err != nil {
			t.Fatal(err)
		}
		got, _ = s.GetUser(ctx, u.ID)
		if got.PasswordHash != "h2" || got.Disabled || len(got.AccountIDs) != 0 {
			t.Fatalf("after second update = %+v", got)
		}
		// Saving identical values is still found (MySQL reports matched, not changed, rows).
		if err := s.UpdateUser(ctx, upd); err != nil {
			t.Fatalf("unchanged update: %v", err)
		}

		list, err := s.ListUsers(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(list) != 2 || list[0].ID != u.ID || list[1].ID != bob.ID || list[1].Email != "bob@example.com" {
			t.Fatalf("ListUsers = %+v", list)
		}
		if n, err := s.CountUsers(ctx); err != nil || n != 2 {
			t.Fatalf("CountUsers = %d, %v", n, err)
		}

		notFound := []struct {
			name string
			err  error
		}{
			{"get", func() error { _, err := s.GetUser(ctx, 9999); return err }()},
			{"get by email", func() error { _, err := s.GetUserByEmail(ctx, "nobody@example.com"); return err }()},
			{"update", s.UpdateUser(ctx, auth.User{ID: 9999, Role: auth.RoleViewer})},
			{"delete", s.DeleteUser(ctx, 9999)},
		}
		for _, tc := range notFound {
			if errs.KindOf(tc.err) != errs.KindNotFound || errs.Message(tc.err) != "user not found" {
				t.Errorf("%s: kind %s message %q, want not_found", tc.name, errs.KindOf(tc.err), errs.Message(tc.err))
			}
		}
	})
}

func TestDeleteUserCascades(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		a := mkAccount(t, s, "prod", "1000001")
		u := mkUser(t, s, "dave@example.com", auth.RoleViewer, a.ID)
		k := auth.APIKey{UserID: u.ID, Name: "ci", Prefix: "cl_abc", Hash: hash64("d")}
		if err := s.CreateAPIKey(ctx, &k); err != nil {
			t.Fatal(err)
		}
		if err := s.DeleteUser(ctx, u.ID); err != nil {
			t.Fatal(err)
		}
		for table, want := range map[string]int{"users": 0, "account_grants": 0, "api_keys": 0, "cloud_accounts": 1} {
			if n := countRows(ctx, t, s, table); n != want {
				t.Errorf("%s has %d rows after delete, want %d", table, n, want)
			}
		}
		if _, err := s.GetAPIKeyByHash(ctx, k.Hash); errs.KindOf(err) != errs.KindNotFound {
			t.Fatalf("key of deleted user: %v", err)
		}
	})
}

func countRows(ctx context.Context, t *testing.T, s *store.Store, table string) int {
	t.Helper()
	var n int
	// table comes from the test's own literal map.
	if err := s.DB().QueryRowContext(ctx, "SELECT COUNT(*) FROM "+table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}
