package store_test

import (
	"context"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/cloudlens/cloudlens/shared/account"
	"github.com/cloudlens/cloudlens/shared/billing"
	"github.com/cloudlens/cloudlens/shared/cost"
	"github.com/cloudlens/cloudlens/shared/cost/costtest"
	"github.com/cloudlens/cloudlens/shared/store"
	"github.com/cloudlens/cloudlens/shared/store/storetest"
)

// accountIDTables lists every table with an account_id column, read from the live schema, so a
// table a later migration adds is checked without anyone remembering to list it here.
func accountIDTables(t *testing.T, s *store.Store) []string {
	t.Helper()
	q := "SELECT m.name FROM sqlite_master m JOIN pragma_table_info(m.name) p WHERE m.type = 'table' AND p.name = 'account_id'"
	if s.Dialect() == store.MySQL {
		q = "SELECT table_name FROM information_schema.columns WHERE table_schema = DATABASE() AND column_name = 'account_id'"
	}
	out := queryStrings(t, s.DB(), q)
	if len(out) < 10 {
		t.Fatalf("account tables %v", out)
	}
	return out
}

func rowsOf(t *testing.T, s *store.Store, table string, accountID int64) int64 {
	t.Helper()
	var n int64
	if err := s.DB().QueryRowContext(t.Context(), "SELECT COUNT(*) FROM "+table+" WHERE account_id = ?", accountID).Scan(&n); err != nil {
		t.Fatalf("count %s: %v", table, err)
	}
	return n
}

// TestDeleteAccountDeletesItsFigures: after an account is deleted, no table holds a row of it,
// and no cost answer (overview/explorer rows, drill-down, FOCUS line items) includes it, while
// the other accounts' figures are untouched.
func TestDeleteAccountDeletesItsFigures(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		now := time.Date(2025, 3, 15, 10, 0, 0, 0, billing.Shanghai)
		data := costtest.Load(t, s, costtest.Options{Seed: 5, Accounts: 2, Resources: 6, Now: now, Days: 40})
		gone, kept := data.Accounts[0], data.Accounts[1]

		// Sync history too, so every kind of per-account row exists for the deleted account.
		run := store.SyncRun{AccountID: gone.ID, Status: "succeeded", Trigger: "timer", StartedAt: now}
		if err := s.CreateSyncRun(ctx, &run); err != nil {
			t.Fatal(err)
		}
		if err := s.MarkDayComplete(ctx, gone.ID, "2025-03-01", 10, run.ID, now); err != nil {
			t.Fatal(err)
		}
		if err := s.AddSyncRejects(ctx, []store.SyncReject{{SyncID: run.ID, AccountID: gone.ID, ChargeDate: "2025-03-01", Reason: "test", Raw: "{}"}}); err != nil {
			t.Fatal(err)
		}
		mkUser(t, s, "viewer@example.com", "viewer", gone.ID, kept.ID)

		tables := accountIDTables(t, s)
		// Every table keyed by account must be cleared by DeleteAccount or be kept on purpose.
		keptOnPurpose := map[string]bool{"budget_accounts": true}
		for _, table := range tables {
			if !slices.Contains(store.AccountTables(), table) && !keptOnPurpose[table] {
				t.Errorf("table %s has an account_id column but DeleteAccount does not clear it", table)
			}
		}
		before := map[string]int64{}
		for _, table := range tables {
			before[table] = rowsOf(t, s, table, kept.ID)
		}
		if rowsOf(t, s, "cost_line_items", gone.ID) == 0 || rowsOf(t, s, "cost_daily", gone.ID) == 0 {
			t.Fatal("fixture wrote no figures for the account to delete")
		}

		if err := s.DeleteAccount(ctx, gone.ID); err != nil {
			t.Fatal(err)
		}
		for _, table := range tables {
			if n := rowsOf(t, s, table, gone.ID); n != 0 {
				t.Errorf("%s still holds %d rows of the deleted account", table, n)
			}
			if n := rowsOf(t, s, table, kept.ID); n != before[table] {
				t.Errorf("%s: the other account's rows went from %d to %d", table, before[table], n)
			}
		}

		q := cost.Query{Start: "2025-02-04", End: "2025-03-14", Granularity: cost.Month, GroupBy: []cost.Dim{{Kind: cost.DimAccount}}, Metric: cost.Billed, Top: 10}
		neutral := cost.Filter{Dim: cost.Dim{Kind: cost.DimBillingItem}, Exclude: true, Values: []string{"no such item"}}
		for _, path := range []struct {
			name    string
			filters []cost.Filter
		}{{"roll-up", nil}, {"line items", []cost.Filter{neutral}}} {
			q.Filters = path.filters
			rows, err := s.CostRows(ctx, account.AllAccounts, q)
			if err != nil {
				t.Fatal(err)
			}
			if len(rows) == 0 {
				t.Fatalf("%s: the remaining account has no cost rows", path.name)
			}
			for _, r := range rows {
				if r.Keys[0] != strconv.FormatInt(kept.ID, 10) {
					t.Fatalf("%s: a cost row of account %s after its deletion", path.name, r.Keys[0])
				}
			}
		}
		q.Filters, q.GroupBy = nil, nil
		top, err := s.TopResources(ctx, account.AllAccounts, q, 500)
		if err != nil || len(top) == 0 {
			t.Fatalf("drill-down: %d resources, %v", len(top), err)
		}
		for _, r := range top {
			if r.AccountID != kept.ID {
				t.Fatalf("drill-down lists resource %s of the deleted account", r.ResourceID)
			}
		}
		var items int
		err = s.EachLineItem(ctx, account.AllAccounts, q, func(li *billing.LineItem) error {
			items++
			if li.AccountID != kept.ID {
				t.Fatalf("FOCUS export holds a line item of the deleted account")
			}
			return nil
		})
		if err != nil || items == 0 {
			t.Fatalf("FOCUS export: %d items, %v", items, err)
		}
	})
}
