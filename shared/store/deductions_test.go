package store_test

import (
	"testing"

	"github.com/cloudlens/cloudlens/shared/account"
	"github.com/cloudlens/cloudlens/shared/billing"
	"github.com/cloudlens/cloudlens/shared/cost"
	"github.com/cloudlens/cloudlens/shared/money"
	"github.com/cloudlens/cloudlens/shared/store"
	"github.com/cloudlens/cloudlens/shared/store/storetest"
)

// TestDiscountsCarryPaymentDeductions: prepaid-card and resource-package deductions of the
// bills reach the discount analysis through every roll-up it reads, and amortised shares of
// an upfront purchase add none.
func TestDiscountsCarryPaymentDeductions(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		days := daysFrom("2026-02-25", 10)
		var items []billing.LineItem
		var prepaid, pkg money.Micros
		for i, d := range days {
			li := testItem(1, d, i, []string{"ecs", "oss"}[i%2], []string{"cn-hangzhou", "cn-beijing"}[i%2], 50_000_000)
			li.PrepaidCardDeduction = money.Micros(1_000_000 * (i + 1))
			li.ResourcePackageDeduction = money.Micros(230_000 * i)
			prepaid += li.PrepaidCardDeduction
			pkg += li.ResourcePackageDeduction
			items = append(items, li)
		}
		buy := upfront(1, "2026-02-26", 99, 310_000_000, "1", "月")
		buy.PrepaidCardDeduction = 10_000_000
		prepaid += buy.PrepaidCardDeduction
		items = append(items, buy)
		if _, err := s.UpsertLineItems(ctx, 1, items); err != nil {
			t.Fatal(err)
		}
		if err := s.RebuildDaily(ctx, 1, days); err != nil {
			t.Fatal(err)
		}
		for _, by := range []string{"product", "region", "subscriptionType", "month"} {
			for _, filter := range []string{"", "chargeCategory:in:Usage,Purchase"} {
				q := cost.Query{Start: "2026-02-01", End: "2026-04-30"}
				if filter != "" {
					f, err := cost.ParseFilter(filter)
					if err != nil {
						t.Fatal(err)
					}
					q.Filters = []cost.Filter{f}
				}
				if err := q.Validate(); err != nil {
					t.Fatal(err)
				}
				rows, err := s.Discounts(ctx, account.AllAccounts, q, by)
				if err != nil {
					t.Fatal(err)
				}
				var gotPrepaid, gotPkg money.Micros
				for _, r := range rows {
					gotPrepaid += r.PrepaidCard
					gotPkg += r.ResourcePackage
				}
				if gotPrepaid != prepaid || gotPkg != pkg {
					t.Errorf("by %s %s: prepaid %s, packages %s; bills %s, %s", by, filter, gotPrepaid.Exact(), gotPkg.Exact(), prepaid.Exact(), pkg.Exact())
				}
			}
		}
	})
}

// TestPaymentDeductionsBackfill builds the discount roll-ups as versions before migration 0091
// did (without the deduction columns) and migrates: the discount analysis shows the prepaid-card
// and resource-package deductions of the bills stored before.
func TestPaymentDeductionsBackfill(t *testing.T) {
	storetest.Unmigrated(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		if err := store.MigrateTo(ctx, s, 90); err != nil {
			t.Fatal(err)
		}
		var items []billing.LineItem
		var prepaid, pkg money.Micros
		for i, d := range daysFrom("2026-03-01", 6) {
			li := testItem(1, d, i, []string{"ecs", "oss", "rds"}[i%3], "cn-hangzhou", 40_000_000)
			if i%2 == 0 {
				li.PrepaidCardDeduction = 3_330_000
				prepaid += li.PrepaidCardDeduction
			}
			li.ResourcePackageDeduction = money.Micros(1_000 * i)
			pkg += li.ResourcePackageDeduction
			items = append(items, li)
		}
		if _, err := s.UpsertLineItems(ctx, 1, items); err != nil {
			t.Fatal(err)
		}
		for _, q := range []string{
			`INSERT INTO cost_daily (account_id, charge_date, billing_period, week_start, service_code, service_name, region_id,
  subscription_type, charge_category, currency, list_cost, billed_cost, effective_cost, invoice_discount, coupon_deduction,
  cash_coupon_deduction, line_items)
SELECT account_id, charge_date, MAX(billing_period), MAX(week_start), service_code, MAX(service_name), region_id,
  subscription_type, charge_category, currency, SUM(list_cost), SUM(billed_cost), SUM(effective_cost), SUM(invoice_discount),
  SUM(coupon_deduction), SUM(cash_coupon_deduction), COUNT(*)
FROM cost_line_items GROUP BY account_id, charge_date, service_code, region_id, subscription_type, charge_category, currency`,
			`INSERT INTO cost_daily_regions (account_id, charge_date, service_code, region_id, currency, billing_period, week_start,
  list_cost, billed_cost, effective_cost, invoice_discount, coupon_deduction, cash_coupon_deduction, line_items)
SELECT account_id, charge_date, service_code, region_id, currency, MAX(billing_period), MAX(week_start), SUM(list_cost),
  SUM(billed_cost), SUM(effective_cost), SUM(invoice_discount), SUM(coupon_deduction), SUM(cash_coupon_deduction), SUM(line_items)
FROM cost_daily GROUP BY account_id, charge_date, service_code, region_id, currency`,
			`INSERT INTO cost_daily_subscriptions (account_id, charge_date, subscription_type, charge_category, region_id, currency,
  billing_period, week_start, list_cost, billed_cost, effective_cost, invoice_discount, coupon_deduction, cash_coupon_deduction, line_items)
SELECT account_id, charge_date, subscription_type, charge_category, region_id, currency, MAX(billing_period), MAX(week_start),
  SUM(list_cost), SUM(billed_cost), SUM(effective_cost), SUM(invoice_discount), SUM(coupon_deduction), SUM(cash_coupon_deduction),
  SUM(line_items)
FROM cost_daily GROUP BY account_id, charge_date, subscription_type, charge_category, region_id, currency`,
		} {
			if _, err := s.DB().ExecContext(ctx, q); err != nil {
				t.Fatal(err)
			}
		}
		if err := s.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		for _, by := range []string{"product", "region", "subscriptionType", "month"} {
			q := cost.Query{Start: "2026-03-01", End: "2026-03-31"}
			if err := q.Validate(); err != nil {
				t.Fatal(err)
			}
			rows, err := s.Discounts(ctx, account.AllAccounts, q, by)
			if err != nil {
				t.Fatal(err)
			}
			var gotPrepaid, gotPkg money.Micros
			for _, r := range rows {
				gotPrepaid += r.PrepaidCard
				gotPkg += r.ResourcePackage
			}
			if gotPrepaid != prepaid || gotPkg != pkg {
				t.Errorf("by %s after migrating: prepaid %s, packages %s; bills %s, %s", by, gotPrepaid.Exact(), gotPkg.Exact(), prepaid.Exact(), pkg.Exact())
			}
		}
	})
}
