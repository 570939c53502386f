package store_test

import (
	"bytes"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/cloudlens/cloudlens/shared/account"
	"github.com/cloudlens/cloudlens/shared/errs"
	"github.com/cloudlens/cloudlens/shared/store"
	"github.com/cloudlens/cloudlens/shared/store/storetest"
)

func TestAccountsCRUD(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		a := account.Account{Name: "Prod 生产", UID: "1234567890", Site: account.SiteChina, AuthType: account.AuthRAMRole,
			AccessKeyID: "LTAI5tExample", SecretEnc: []byte{0, 1, 2, 250, 255}, RoleARN: "acs:ram::1234567890:role/cloudlens",
			Regions: []string{"cn-hangzhou", "cn-shanghai"}}
		if err := s.CreateAccount(ctx, &a); err != nil {
			t.Fatal(err)
		}
		if a.ID == 0 || a.Status != account.StatusNew || a.CreatedAt.IsZero() {
			t.Fatalf("created = %+v", a)
		}
		got, err := s.GetAccount(ctx, account.AllAccounts, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, a) {
			t.Fatalf("GetAccount =\n%+v\nwant\n%+v", got, a)
		}

		// Same uid on the other site is a different account; on the same site a conflict.
		intl := account.Account{Name: "Intl", UID: "1234567890", Site: account.SiteInternational, AuthType: account.AuthAccessKey,
			AccessKeyID: "LTAI5tIntl"}
		if err := s.CreateAccount(ctx, &intl); err != nil {
			t.Fatalf("same uid, other site: %v", err)
		}
		if got, _ := s.GetAccount(ctx, account.AllAccounts, intl.ID); got.SecretEnc != nil || len(got.Regions) != 0 {
			t.Fatalf("account without secret and regions = %+v", got)
		}
		dup := account.Account{Name: "Copy", UID: "1234567890", Site: account.SiteChina, AuthType: account.AuthAccessKey}
		if err := s.CreateAccount(ctx, &dup); errs.KindOf(err) != errs.KindConflict {
			t.Fatalf("duplicate (uid, site): kind %s (%v)", errs.KindOf(err), err)
		}

		// Update without a secret keeps the stored one; with one replaces it.
		upd := a
		upd.Name, upd.Regions, upd.Demo, upd.SecretEnc, upd.AuthType, upd.RoleARN = "Prod", []string{"cn-beijing"}, true, nil, account.AuthAccessKey, ""
		if err := s.UpdateAccount(ctx, upd); err != nil {
			t.Fatal(err)
		}
		got, _ = s.GetAccount(ctx, account.AllAccounts, a.ID)
		if got.Name != "Prod" || !reflect.DeepEqual(got.Regions, []string{"cn-beijing"}) || !got.Demo ||
			got.AuthType != account.AuthAccessKey || got.RoleARN != "" || !bytes.Equal(got.SecretEnc, a.SecretEnc) {
			t.Fatalf("after update without secret = %+v", got)
		}
		upd.SecretEnc = []byte("new-ciphertext")
		if err := s.UpdateAccount(ctx, upd); err != nil {
			t.Fatal(err)
		}
		got, _ = s.GetAccount(ctx, account.AllAccounts, a.ID)
		if string(got.SecretEnc) != "new-ciphertext" {
			t.Fatalf("secret after update with secret = %q", got.SecretEnc)
		}
		clash := upd
		clash.ID, clash.Site = intl.ID, account.SiteChina
		if err := s.UpdateAccount(ctx, clash); errs.KindOf(err) != errs.KindConflict {
			t.Fatalf("update into an existing (uid, site): kind %s (%v)", errs.KindOf(err), err)
		}

		// Status: lastSync nil keeps the previous one; long messages are cut to fit.
		synced := time.Date(2026, 6, 1, 2, 3, 4, 567891000, time.UTC)
		if err := s.SetAccountStatus(ctx, a.ID, account.StatusOK, "", &synced); err != nil {
			t.Fatal(err)
		}
		long := strings.Repeat("错", 2500)
		if err := s.SetAccountStatus(ctx, a.ID, account.StatusFailing, long, nil); err != nil {
			t.Fatal(err)
		}
		got, _ = s.GetAccount(ctx, account.AllAccounts, a.ID)
		if got.Status != account.StatusFailing || got.LastSyncAt == nil || !got.LastSyncAt.Equal(synced) ||
			got.StatusMessage != strings.Repeat("错", 2000) {
			t.Fatalf("status = %s, last sync %v, message %d runes", got.Status, got.LastSyncAt, len([]rune(got.StatusMessage)))
		}

		missing := []struct {
			name string
			err  error
		}{
			{"get", func() error { _, err := s.GetAccount(ctx, account.AllAccounts, 9999); return err }()},
			{"update", s.UpdateAccount(ctx, account.Account{ID: 9999, Name: "x", UID: "1", Site: account.SiteChina})},
			{"status", s.SetAccountStatus(ctx, 9999, account.StatusOK, "", nil)},
			{"delete", s.DeleteAccount(ctx, 9999)},
		}
		for _, tc := range missing {
			if errs.KindOf(tc.err) != errs.KindNotFound {
				t.Errorf("%s of missing account: kind %s (%v)", tc.name, errs.KindOf(tc.err), tc.err)
			}
		}

		u := mkUser(t, s, "viewer@example.com", "viewer", a.ID, intl.ID)
		if err := s.DeleteAccount(ctx, a.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := s.GetAccount(ctx, account.AllAccounts, a.ID); errs.KindOf(err) != errs.KindNotFound {
			t.Fatalf("deleted account still found: %v", err)
		}
		gu, err := s.GetUser(ctx, u.ID)
		if err != nil || !reflect.DeepEqual(gu.AccountIDs, []int64{intl.ID}) {
			t.Fatalf("grants after account delete = %v, %v", gu.AccountIDs, err)
		}
	})
}

func TestAccountScope(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		// Created out of name order, so ORDER BY name is visible.
		c := mkAccount(t, s, "gamma", "1000003")
		a := mkAccount(t, s, "alpha", "1000001")
		b := mkAccount(t, s, "beta", "1000002")

		tests := []struct {
			name  string
			scope account.Scope
			want  []string
		}{
			{"admin sees all, by name", account.AllAccounts, []string{"alpha", "beta", "gamma"}},
			{"granted ids", account.Scope{IDs: []int64{c.ID, a.ID}}, []string{"alpha", "gamma"}},
			{"repeated and unknown ids", account.Scope{IDs: []int64{b.ID, b.ID, 9999}}, []string{"beta"}},
			{"empty ids", account.Scope{IDs: []int64{}}, nil},
			{"nil ids", account.Scope{}, nil},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				list, err := s.ListAccounts(ctx, tc.scope)
				if err != nil {
					t.Fatal(err)
				}
				if list == nil {
					t.Fatal("ListAccounts returned nil, want an empty slice")
				}
				var names []string
				for _, x := range list {
					names = append(names, x.Name)
				}
				if !reflect.DeepEqual(names, tc.want) {
					t.Fatalf("names = %v, want %v", names, tc.want)
				}
				for _, id := range []int64{a.ID, b.ID, c.ID} {
					_, err := s.GetAccount(ctx, tc.scope, id)
					if tc.scope.Contains(id) && err != nil {
						t.Errorf("GetAccount(%d) in scope: %v", id, err)
					}
					if !tc.scope.Contains(id) && errs.KindOf(err) != errs.KindNotFound {
						t.Errorf("GetAccount(%d) out of scope: kind %s, want not_found", id, errs.KindOf(err))
					}
				}
			})
		}
	})
}
