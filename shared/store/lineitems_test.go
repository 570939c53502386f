package store_test

import (
	"context"
	"crypto/sha256"
	"fmt"
	"github.com/cloudlens/cloudlens/shared/account"
	"github.com/cloudlens/cloudlens/shared/cost"
	"testing"

	"github.com/cloudlens/cloudlens/shared/billing"
	"github.com/cloudlens/cloudlens/shared/money"
	"github.com/cloudlens/cloudlens/shared/store"
	"github.com/cloudlens/cloudlens/shared/store/storetest"
)

// testItem builds a line item with a key derived from (account, day, n).
func testItem(account int64, day string, n int, product, region string, billed money.Micros, tags ...billing.Tag) billing.LineItem {
	sum := sha256.Sum256(fmt.Appendf(nil, "%d/%s/%d", account, day, n))
	var k billing.Key
	copy(k[:], sum[:])
	return billing.LineItem{
		Key: k, AccountID: account, ChargeDate: day, BillingPeriod: day[:7], WeekStart: day,
		ServiceCode: product, ServiceName: product + " name", RegionID: region,
		ChargeCategory: billing.ChargeUsage, SubscriptionType: "PayAsYouGo", Currency: "CNY",
		ListCost: billed + 1_000_000, BilledCost: billed, EffectiveCost: billed, InvoiceDiscount: 1_000_000,
		ResourceID: fmt.Sprintf("i-%d", n), Tags: tags,
	}
}

type dayTotal struct {
	rows   int64
	billed int64
	tags   int64
}

func totals(t *testing.T, s *store.Store, account int64, day string) dayTotal {
	t.Helper()
	var d dayTotal
	err := s.DB().QueryRowContext(context.Background(),
		"SELECT COUNT(*), COALESCE(SUM(billed_cost), 0) FROM cost_line_items WHERE account_id = ? AND charge_date = ?", account, day).
		Scan(&d.rows, &d.billed)
	if err != nil {
		t.Fatal(err)
	}
	err = s.DB().QueryRowContext(context.Background(),
		"SELECT COUNT(*) FROM cost_line_items li JOIN cost_tag_set_tags t ON t.tag_set_id = li.tag_set_id WHERE li.account_id = ? AND li.charge_date = ?",
		account, day).Scan(&d.tags)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func dailyBilled(t *testing.T, s *store.Store, account int64, day, product string) (billed, items int64) {
	t.Helper()
	err := s.DB().QueryRowContext(context.Background(),
		"SELECT COALESCE(SUM(billed_cost), 0), COALESCE(SUM(line_items), 0) FROM cost_daily WHERE account_id = ? AND charge_date = ? AND service_code = ?",
		account, day, product).Scan(&billed, &items)
	if err != nil {
		t.Fatal(err)
	}
	return billed, items
}

func TestUpsertLineItemsIdempotentAndReplacing(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		const acct = 7
		day1, day2 := "2026-03-01", "2026-03-02"
		env := billing.Tag{Key: "env", Value: "prod"}
		team := billing.Tag{Key: "team", Value: "data"}
		// 2,500 items on day1 span several batches on both dialects.
		var items []billing.LineItem
		for n := range 2500 {
			items = append(items, testItem(acct, day1, n, "ecs", "cn-hangzhou", 1_230_000, env))
		}
		items = append(items, testItem(acct, day2, 0, "rds", "cn-beijing", 5_000_000, env, team))

		n, err := s.UpsertLineItems(ctx, 1, items)
		if err != nil {
			t.Fatal(err)
		}
		if n != 2501 {
			t.Fatalf("written = %d, want 2501", n)
		}
		if got, want := totals(t, s, acct, day1), (dayTotal{2500, 2500 * 1_230_000, 2500}); got != want {
			t.Fatalf("day1 = %+v, want %+v", got, want)
		}

		// The same items again change nothing.
		if _, err := s.UpsertLineItems(ctx, 2, items); err != nil {
			t.Fatal(err)
		}
		if got, want := totals(t, s, acct, day1), (dayTotal{2500, 2500 * 1_230_000, 2500}); got != want {
			t.Fatalf("day1 after re-upsert = %+v, want %+v", got, want)
		}

		// A correction replaces the amount and the tags of the same key.
		fix := testItem(acct, day2, 0, "rds", "cn-beijing", 4_000_000, team)
		if _, err := s.UpsertLineItems(ctx, 3, []billing.LineItem{fix}); err != nil {
			t.Fatal(err)
		}
		if got, want := totals(t, s, acct, day2), (dayTotal{1, 4_000_000, 1}); got != want {
			t.Fatalf("day2 after correction = %+v, want %+v", got, want)
		}
		var tagKey string
		if err := s.DB().QueryRowContext(ctx, "SELECT t.tag_key FROM cost_line_items li JOIN cost_tag_set_tags t ON t.tag_set_id = li.tag_set_id WHERE li.account_id = ? AND li.charge_date = ?", acct, day2).Scan(&tagKey); err != nil || tagKey != "team" {
			t.Fatalf("tag after correction = %q, %v", tagKey, err)
		}

		// DeleteMissing keeps the listed keys and removes the rest of that day only.
		var keep []billing.Key
		for _, it := range items[:2000] {
			keep = append(keep, it.Key)
		}
		deleted, err := s.DeleteMissing(ctx, acct, day1, keep)
		if err != nil {
			t.Fatal(err)
		}
		if deleted != 500 {
			t.Fatalf("deleted = %d, want 500", deleted)
		}
		if got, want := totals(t, s, acct, day1), (dayTotal{2000, 2000 * 1_230_000, 2000}); got != want {
			t.Fatalf("day1 after DeleteMissing = %+v, want %+v", got, want)
		}
		if got := totals(t, s, acct, day2); got.rows != 1 {
			t.Fatalf("day2 touched by DeleteMissing of day1: %+v", got)
		}

		// Roll-ups follow the line items, and a rebuild replaces the old figures.
		if err := s.RebuildDaily(ctx, acct, []string{day1, day2, day1}); err != nil {
			t.Fatal(err)
		}
		for _, c := range []struct {
			day, product  string
			billed, items int64
		}{
			{day1, "ecs", 2000 * 1_230_000, 2000},
			{day2, "rds", 4_000_000, 1},
			{day2, "ecs", 0, 0},
		} {
			b, i := dailyBilled(t, s, acct, c.day, c.product)
			if b != c.billed || i != c.items {
				t.Errorf("cost_daily %s %s = %d (%d items), want %d (%d)", c.day, c.product, b, i, c.billed, c.items)
			}
		}
		if _, err := s.DeleteMissing(ctx, acct, day1, nil); err != nil {
			t.Fatal(err)
		}
		if err := s.RebuildDaily(ctx, acct, []string{day1}); err != nil {
			t.Fatal(err)
		}
		if b, i := dailyBilled(t, s, acct, day1, "ecs"); b != 0 || i != 0 {
			t.Fatalf("cost_daily of an emptied day = %d (%d items)", b, i)
		}
	})
}

// TestEachLineItemReadsEveryKeptField: what a sync stores of a bill (settlement amounts, price,
// spec, service period) comes back out for the FOCUS export, not only what the roll-ups use.
func TestEachLineItemReadsEveryKeptField(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		li := testItem(1, "2025-03-02", 1, "ecs", "cn-hangzhou", 5_000_000, billing.Tag{Key: "env", Value: "prod"})
		li.PrepaidCardDeduction, li.ResourcePackageDeduction, li.AdjustAmount = 100, 200, 300
		li.PaymentAmount, li.CashAmount, li.OutstandingAmount = 4_000_000, 3_500_000, 500_000
		li.ListPrice, li.ListPriceUnit, li.InstanceSpec, li.InstanceConfig = "0.42", "元/小时", "ecs.g7.large", "CPU:2 Memory:8"
		li.ServicePeriod, li.ServicePeriodUnit = "1", "Month"
		if _, err := s.UpsertLineItems(ctx, 1, []billing.LineItem{li}); err != nil {
			t.Fatal(err)
		}
		var got []billing.LineItem
		q := cost.Query{Start: "2025-03-01", End: "2025-03-31", Granularity: cost.Day, Metric: cost.Billed, Top: 10}
		if err := s.EachLineItem(ctx, account.AllAccounts, q, func(x *billing.LineItem) error { got = append(got, *x); return nil }); err != nil {
			t.Fatal(err)
		}
		if len(got) != 1 {
			t.Fatalf("%d items, want 1", len(got))
		}
		g := got[0]
		if g.PrepaidCardDeduction != 100 || g.ResourcePackageDeduction != 200 || g.AdjustAmount != 300 || g.PaymentAmount != 4_000_000 ||
			g.CashAmount != 3_500_000 || g.OutstandingAmount != 500_000 || g.ListPrice != "0.42" || g.ListPriceUnit != "元/小时" ||
			g.InstanceSpec != "ecs.g7.large" || g.InstanceConfig != "CPU:2 Memory:8" || g.ServicePeriod != "1" || g.ServicePeriodUnit != "Month" {
			t.Errorf("read back %+v", g)
		}
	})
}
