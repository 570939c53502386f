package store_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/cloudlens/cloudlens/shared/account"
	"github.com/cloudlens/cloudlens/shared/billing"
	"github.com/cloudlens/cloudlens/shared/cost"
	"github.com/cloudlens/cloudlens/shared/cost/costtest"
	"github.com/cloudlens/cloudlens/shared/store"
	"github.com/cloudlens/cloudlens/shared/store/storetest"
)

func rowsText(rows []cost.Row) []string {
	out := make([]string, 0, len(rows))
	for _, r := range rows {
		out = append(out, fmt.Sprintf("%s %s %v %d", r.Currency, r.Period, r.Keys, r.Cost))
	}
	slices.Sort(out)
	return out
}

func TestCostRowsRollupEqualsLineItems(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		now := time.Date(2025, 3, 15, 10, 0, 0, 0, cost.Shanghai)
		data := costtest.Load(t, s, costtest.Options{Seed: 3, Accounts: 3, Resources: 8, Now: now, Days: 40})
		// A filter that keeps everything but names a line-item dimension forces the line-item path.
		neutral := cost.Filter{Dim: cost.Dim{Kind: cost.DimBillingItem}, Exclude: true, Values: []string{"no such item"}}
		for _, g := range []cost.Granularity{cost.Day, cost.Week, cost.Month} {
			for _, by := range [][]cost.Dim{nil, {{Kind: cost.DimProduct}}, {{Kind: cost.DimAccount}, {Kind: cost.DimRegion}},
				{{Kind: cost.DimSubscriptionType}, {Kind: cost.DimChargeCategory}}} {
				for _, m := range []cost.Metric{cost.Billed, cost.List, cost.Discount} {
					q := cost.Query{Start: "2025-02-10", End: "2025-03-14", Granularity: g, GroupBy: by, Metric: m, Top: 10}
					if !q.InRollup() {
						t.Fatal("query should be answered from the roll-up")
					}
					rollup, err := s.CostRows(ctx, account.AllAccounts, q)
					if err != nil {
						t.Fatal(err)
					}
					q.Filters = []cost.Filter{neutral}
					items, err := s.CostRows(ctx, account.AllAccounts, q)
					if err != nil {
						t.Fatal(err)
					}
					if a, b := rowsText(rollup), rowsText(items); len(a) == 0 || !slices.Equal(a, b) {
						t.Fatalf("%s %v %s: roll-up and line items differ (%d vs %d rows)", g, by, m, len(a), len(b))
					}
				}
			}
		}

		// Scope: an empty scope reads nothing; one account reads only its own costs.
		q := cost.Query{Start: "2025-02-10", End: "2025-03-14", Granularity: cost.Month, Metric: cost.Billed, Top: 10}
		if rows, err := s.CostRows(ctx, account.Scope{}, q); err != nil || len(rows) != 0 {
			t.Fatalf("empty scope: %v %v", rows, err)
		}
		id := data.Accounts[1].ID
		rows, err := s.CostRows(ctx, account.Scope{IDs: []int64{id}}, q)
		if err != nil {
			t.Fatal(err)
		}
		want := data.Sum(func(li *billing.LineItem) bool {
			return li.AccountID == id && li.ChargeDate >= q.Start && li.ChargeDate <= q.End
		}, costtest.Billed)
		got := map[string]int64{}
		for _, r := range rows {
			got[r.Currency] += int64(r.Cost)
		}
		if fmt.Sprint(got) != fmt.Sprint(map[string]int64{data.Accounts[1].Site.Currency(): int64(want[data.Accounts[1].Site.Currency()])}) {
			t.Fatalf("one account: %v, want %v", got, want)
		}

		// Line items stream back whole, tags included.
		n, tags := 0, 0
		err = s.EachLineItem(ctx, account.AllAccounts, q, func(li *billing.LineItem) error {
			n++
			tags += len(li.Tags)
			return nil
		})
		wantN, wantTags := 0, 0
		for _, li := range data.Items {
			if li.ChargeDate >= q.Start && li.ChargeDate <= q.End {
				wantN++
				wantTags += len(li.Tags)
			}
		}
		if err != nil || n != wantN || tags != wantTags {
			t.Fatalf("streamed %d items with %d tags, want %d and %d (%v)", n, tags, wantN, wantTags, err)
		}
	})
}
