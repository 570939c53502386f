package store_test

import (
	"reflect"
	"testing"
	"time"

	"github.com/cloudlens/cloudlens/shared/account"
	"github.com/cloudlens/cloudlens/shared/billing"
	"github.com/cloudlens/cloudlens/shared/budget"
	"github.com/cloudlens/cloudlens/shared/cost"
	"github.com/cloudlens/cloudlens/shared/cost/costtest"
	"github.com/cloudlens/cloudlens/shared/errs"
	"github.com/cloudlens/cloudlens/shared/money"
	"github.com/cloudlens/cloudlens/shared/store"
	"github.com/cloudlens/cloudlens/shared/store/storetest"
)

func TestBudgetsCRUDAndScope(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		months := make([]money.Micros, 12)
		months[11] = 5_000_000_000
		b := budget.Budget{Name: "生产 ECS", Period: budget.Month, Amount: 1_000_000_000, Currency: "CNY",
			MonthAmounts: months, AccountIDs: []int64{3, 5}, Filters: []string{"product:in:ecs,rds", "tag.env:notin:dev"},
			Thresholds: []budget.Threshold{{Percent: 80, Basis: budget.Actual}, {Percent: 100, Basis: budget.Forecast}}, CreatedBy: 1}
		if err := s.CreateBudget(ctx, &b); err != nil {
			t.Fatal(err)
		}
		all := budget.Budget{Name: "Everything", Period: budget.Year, Amount: 9_000_000, Currency: "USD", AllAccounts: true,
			Filters: []string{}, Thresholds: budget.DefaultThresholds, CreatedBy: 1}
		if err := s.CreateBudget(ctx, &all); err != nil {
			t.Fatal(err)
		}

		got, err := s.GetBudget(ctx, account.AllAccounts, b.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, b) {
			t.Fatalf("GetBudget =\n%+v\nwant\n%+v", got, b)
		}

		tests := []struct {
			name  string
			scope account.Scope
			want  []int64
		}{
			{"admin sees every budget", account.AllAccounts, []int64{all.ID, b.ID}},
			{"a viewer granted every account of the scope", account.Scope{IDs: []int64{3, 5, 9}}, []int64{b.ID}},
			{"a viewer missing one account", account.Scope{IDs: []int64{3}}, nil},
			{"a viewer with no accounts", account.Scope{IDs: []int64{}}, nil},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				list, err := s.ListBudgets(ctx, tt.scope)
				if err != nil {
					t.Fatal(err)
				}
				var ids []int64
				for _, x := range list {
					ids = append(ids, x.ID)
				}
				if !reflect.DeepEqual(ids, tt.want) {
					t.Errorf("ListBudgets = %v, want %v", ids, tt.want)
				}
				_, err = s.GetBudget(ctx, tt.scope, b.ID)
				if visible := len(tt.want) > 0 && tt.want[len(tt.want)-1] == b.ID; visible != (err == nil) {
					t.Errorf("GetBudget visible = %v (err %v)", err == nil, err)
				} else if err != nil && errs.KindOf(err) != errs.KindNotFound {
					t.Errorf("hidden budget: kind %s, want not_found", errs.KindOf(err))
				}
			})
		}

		b.Name, b.AccountIDs, b.MonthAmounts = "ECS", []int64{3}, nil
		if err := s.UpdateBudget(ctx, &b); err != nil {
			t.Fatal(err)
		}
		if got, _ := s.GetBudget(ctx, account.Scope{IDs: []int64{3}}, b.ID); got.Name != "ECS" || !reflect.DeepEqual(got.AccountIDs, []int64{3}) || got.MonthAmounts != nil {
			t.Errorf("after update = %+v", got)
		}

		day := func(s string) time.Time { d, _ := time.ParseInLocation(time.DateOnly, s, billing.Shanghai); return d }
		sn := budget.Snapshot{PeriodStart: day("2026-11-01"), AsOf: day("2026-11-20"), Amount: 1_000_000_000, Spent: 700_000_000,
			Forecast: 1_100_000_000, BurnDown: day("2026-11-28"), EvaluatedAt: time.Date(2026, 11, 21, 1, 2, 3, 456000, time.UTC)}
		if err := s.SaveBudgetSnapshot(ctx, b.ID, sn); err != nil {
			t.Fatal(err)
		}
		got, _ = s.GetBudget(ctx, account.AllAccounts, b.ID)
		if got.Last == nil || !reflect.DeepEqual(*got.Last, sn) {
			t.Errorf("snapshot = %+v, want %+v", got.Last, sn)
		}

		if err := s.DeleteBudget(ctx, b.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := s.GetBudget(ctx, account.AllAccounts, b.ID); errs.KindOf(err) != errs.KindNotFound {
			t.Errorf("deleted budget: %v", err)
		}
		if err := s.DeleteBudget(ctx, b.ID); errs.KindOf(err) != errs.KindNotFound {
			t.Errorf("deleting twice: %v", err)
		}
	})
}

// TestBudgetSpentEqualsLineItems checks a budget's spend and daily series against a sum over
// the line items written, for a scope of one account and a product filter.
func TestBudgetSpentEqualsLineItems(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		now := time.Date(2025, 3, 15, 10, 0, 0, 0, billing.Shanghai)
		data := costtest.Load(t, s, costtest.Options{Seed: 5, Accounts: 2, Resources: 8, Now: now, Days: 120})
		acc := data.Accounts[0]
		var product string
		for _, li := range data.Items {
			if li.AccountID == acc.ID {
				product = li.ServiceCode
				break
			}
		}
		var currency string
		for cur := range data.Sum(func(li *billing.LineItem) bool { return li.AccountID == acc.ID }, costtest.Billed) {
			currency = cur
		}
		b := budget.Budget{ID: 1, Name: "one product", Period: budget.Month, Amount: 1_000_000, Currency: currency,
			AccountIDs: []int64{acc.ID}, Filters: []string{"product:in:" + product}, Thresholds: budget.DefaultThresholds}
		asOf := cost.Yesterday(now)
		st, err := budget.Compute(ctx, s, &b, now, asOf)
		if err != nil {
			t.Fatal(err)
		}
		keep := func(li *billing.LineItem) bool {
			return li.AccountID == acc.ID && li.ServiceCode == product && li.ChargeDate >= "2025-03-01" && li.ChargeDate <= "2025-03-14"
		}
		want := data.Sum(keep, costtest.Billed)[currency]
		if want == 0 || st.Spent != want {
			t.Fatalf("spent = %s, want the line items' %s", st.Spent.Exact(), want.Exact())
		}
		if len(st.Series) != 14 || st.Series[13].Cumulative != want {
			t.Errorf("series has %d days ending at %v, want 14 ending at the spend", len(st.Series), st.Series[len(st.Series)-1])
		}
		// The forecast is the cost forecast of the scope: the model over the same daily history.
		history, err := budget.Daily(ctx, s, &b, asOf.AddDate(0, 0, 1-budget.HistoryDays), asOf)
		if err != nil {
			t.Fatal(err)
		}
		if f := cost.MonthEnd(history, asOf, want).Value; st.Forecast != f {
			t.Errorf("forecast = %s, want the month-end forecast %s", st.Forecast.Exact(), f.Exact())
		}
		past, err := budget.History(ctx, s, &b, now, 2)
		if err != nil {
			t.Fatal(err)
		}
		feb := data.Sum(func(li *billing.LineItem) bool {
			return li.AccountID == acc.ID && li.ServiceCode == product && li.ChargeDate >= "2025-02-01" && li.ChargeDate <= "2025-02-28"
		}, costtest.Billed)[currency]
		if past[0].Label != "2025-02" || past[0].Spent != feb {
			t.Errorf("history[0] = %+v, want 2025-02 spending %s", past[0], feb.Exact())
		}
	})
}
