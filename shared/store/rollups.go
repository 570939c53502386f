package store

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/cloudlens/cloudlens/shared/cost"
)

// RebuildDaily recomputes the roll-ups of the given account and days from the line items:
// cost_daily, and from it cost_daily_totals, cost_daily_regions and cost_daily_subscriptions,
// then cost_daily_tags,
// cost_daily_resources and cost_daily_attrs, and cost_monthly_resources for the months of
// those days (recomputed whole from cost_daily_resources), then the running totals and
// lifetimes of the account's resource series (resourceSeriesSteps).
// Each chunk of days is replaced in one transaction, so readers never see a half-built day
// or roll-ups that disagree with each other.
//
// First the upfront charges billed on those days are amortised (amortize); every day whose
// amortised shares changed, and every day a failed rebuild left waiting, is rebuilt too.
func (s *Store) RebuildDaily(ctx context.Context, accountID int64, days []string) error {
	days = uniqueStrings(days)
	if err := s.amortize(ctx, accountID, days); err != nil {
		return err
	}
	waiting, err := s.dirtyDays(ctx, accountID)
	if err != nil {
		return err
	}
	days = uniqueStrings(append(days, waiting...))
	const per = 31 // a month of days per statement keeps the IN list and the transaction small
	for start := 0; start < len(days); start += per {
		chunk := days[start:min(start+per, len(days))]
		args := make([]any, 0, len(chunk)+1)
		args = append(args, accountID)
		for _, d := range chunk {
			args = append(args, d)
		}
		in := placeholders(len(chunk))
		err := s.writeTx(ctx, func(tx *sql.Tx) error {
			for _, table := range rollupTables {
				if _, err := tx.ExecContext(ctx, "DELETE FROM "+table+" WHERE account_id = ? AND charge_date IN ("+in+")", args...); err != nil {
					return fmt.Errorf("clear %s: %w", table, err)
				}
			}
			if _, err := tx.ExecContext(ctx, "DELETE FROM cost_rollup_dirty WHERE account_id = ? AND charge_date IN ("+in+")", args...); err != nil {
				return fmt.Errorf("clear cost_rollup_dirty: %w", err)
			}
			// Days on which amortised shares fall read the shares with the line items; the
			// others read the line items alone, as they did before amortisation.
			var shares int
			if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM (SELECT 1 FROM cost_amortized_daily WHERE account_id = ? AND charge_date IN ("+in+") LIMIT 1) x", args...).Scan(&shares); err != nil {
				return fmt.Errorf("look for amortised shares: %w", err)
			}
			// Order matters: totals read cost_daily, the tag remainders read totals and tags.
			for _, step := range rollupSteps {
				q, stepArgs := rollupSQL(step.sql, in, args, shares > 0)
				if _, err := tx.ExecContext(ctx, q, stepArgs...); err != nil {
					return fmt.Errorf("build %s: %w", step.name, err)
				}
			}
			// The months the chunk touches are recomputed whole from the daily rows just built,
			// in the same transaction, so the monthly and daily resource roll-ups never disagree.
			for _, m := range monthsOf(chunk) {
				first, last, err := monthBounds(m)
				if err != nil {
					return err
				}
				if _, err := tx.ExecContext(ctx, "DELETE FROM cost_monthly_resources WHERE billing_period = ? AND account_id = ?", m, accountID); err != nil {
					return fmt.Errorf("clear cost_monthly_resources %s: %w", m, err)
				}
				if _, err := tx.ExecContext(ctx, monthlyResources[s.dialect], accountID, first, last); err != nil {
					return fmt.Errorf("build cost_monthly_resources %s: %w", m, err)
				}
			}
			// A month's cost moves the running totals of every later month of the account's
			// series, so they are recomputed here too, in the same transaction.
			for _, step := range resourceSeriesSteps[s.dialect] {
				if _, err := tx.ExecContext(ctx, step.sql, accountID); err != nil {
					return fmt.Errorf("%s: %w", step.name, err)
				}
			}
			return nil
		})
		if err != nil {
			return fmt.Errorf("store: rebuild daily roll-ups of account %d: %w", accountID, err)
		}
	}
	return nil
}

// monthlyResources rebuilds one account's month of cost_monthly_resources from
// cost_daily_resources, per dialect; it takes the account id and the month's first and last
// day. The range on charge_date uses the daily table's primary key, which leads with the
// date. Besides the month's sums it fills the per-day columns and days_present (migration
// 0007): a resource has one daily row per day of the month, so the sum of 1 << (day - 1) is
// the set of its days. The day of the month is DAYOFMONTH on MySQL, an integer read from the
// DATE, rather than the date converted to text for each of the 94 columns.
var monthlyResources = map[Dialect]string{
	MySQL:  monthlyResourcesSQL("DAYOFMONTH(charge_date)"),
	SQLite: monthlyResourcesSQL("CAST(substr(charge_date, 9, 2) AS INTEGER)"),
}

func monthlyResourcesSQL(dayOfMonth string) string {
	var cols, sums []string
	for _, m := range resourceDayMetrics {
		for day := 1; day <= 31; day++ {
			cols = append(cols, resourceDayColumn(m.prefix, day))
			sums = append(sums, fmt.Sprintf("SUM(CASE %s WHEN %d THEN %s ELSE 0 END)", dayOfMonth, day, m.total))
		}
	}
	return `INSERT INTO cost_monthly_resources (billing_period, account_id, resource_id, service_code, region_id, currency,
  resource_name, list_cost, billed_cost, effective_cost, line_items, days_present, ` + strings.Join(cols, ", ") + `)
SELECT billing_period, account_id, resource_id, service_code, region_id, currency,
  MAX(resource_name), SUM(list_cost), SUM(billed_cost), SUM(effective_cost), SUM(line_items),
  SUM(1 << (` + dayOfMonth + ` - 1)), ` + strings.Join(sums, ", ") + `
FROM cost_daily_resources
WHERE account_id = ? AND charge_date >= ? AND charge_date <= ?
GROUP BY billing_period, account_id, resource_id, service_code, region_id, currency`
}

// resourceSeriesSteps recompute one account's running totals per resource series (migration
// 0009), per dialect; each statement takes the account id once. In order: drop the zero rows
// that filled months without cost, fill them again for every month between a series' first
// and last, set each row's prior_* to the sum of the series' earlier months, and replace the
// series' lifetimes. The statements are the migration's backfill limited to one account.
var resourceSeriesSteps = map[Dialect][]struct{ name, sql string }{
	MySQL:  resourceSeriesSQL(MySQL),
	SQLite: resourceSeriesSQL(SQLite),
}

func resourceSeriesSQL(d Dialect) []struct{ name, sql string } {
	const series = "account_id, resource_id, service_code, region_id, currency"
	const sameRow = `c.billing_period = r.billing_period AND c.account_id = r.account_id AND c.resource_id = r.resource_id
  AND c.service_code = r.service_code AND c.region_id = r.region_id AND c.currency = r.currency`
	nextMonth, dayCount := "strftime('%Y-%m', period || '-01', '+1 month')", sqliteBitCount("days_present")
	if d == MySQL {
		nextMonth, dayCount = "DATE_FORMAT(CONCAT(period, '-01') + INTERVAL 1 MONTH, '%Y-%m')", "BIT_COUNT(days_present)"
	}
	priors := `(
  SELECT billing_period, ` + series + `,
    SUM(list_cost) OVER w - list_cost AS prior_list,
    SUM(billed_cost) OVER w - billed_cost AS prior_billed,
    SUM(effective_cost) OVER w - effective_cost AS prior_effective,
    SUM(` + dayCount + `) OVER w - ` + dayCount + ` AS prior_days
  FROM cost_monthly_resources WHERE account_id = ?
  WINDOW w AS (PARTITION BY resource_id, service_code, region_id, currency ORDER BY billing_period)
) AS r`
	// Only rows whose totals moved are written: otherwise most of the time goes on rewriting
	// unchanged rows (BENCHMARKS.md, "Measured choices in the store").
	const changed = `(c.prior_list <> r.prior_list OR c.prior_billed <> r.prior_billed OR c.prior_effective <> r.prior_effective
  OR c.prior_days <> r.prior_days)`
	// MySQL updates through a join and wants the target's columns named; SQLite has UPDATE …
	// FROM and refuses qualified names on the left of SET.
	update := "UPDATE cost_monthly_resources AS c JOIN " + priors + " ON " + sameRow +
		` SET c.prior_list = r.prior_list, c.prior_billed = r.prior_billed, c.prior_effective = r.prior_effective,
  c.prior_days = r.prior_days WHERE ` + changed
	if d == SQLite {
		update = `UPDATE cost_monthly_resources AS c SET prior_list = r.prior_list, prior_billed = r.prior_billed,
  prior_effective = r.prior_effective, prior_days = r.prior_days FROM ` + priors + " WHERE " + sameRow + " AND " + changed
	}
	return []struct{ name, sql string }{
		{"clear the empty months of cost_monthly_resources", "DELETE FROM cost_monthly_resources WHERE account_id = ? AND line_items = 0"},
		{"fill the empty months of cost_monthly_resources", `INSERT INTO cost_monthly_resources (billing_period, ` + series + `, resource_name)
WITH RECURSIVE spans AS (
  SELECT ` + series + `, MIN(billing_period) AS period, MAX(billing_period) AS last_period, MAX(resource_name) AS resource_name
  FROM cost_monthly_resources WHERE account_id = ?
  GROUP BY ` + series + `
  UNION ALL
  SELECT ` + series + `, ` + nextMonth + `, last_period, resource_name
  FROM spans WHERE period < last_period
)
SELECT r.period, r.account_id, r.resource_id, r.service_code, r.region_id, r.currency, r.resource_name
FROM spans r LEFT JOIN cost_monthly_resources c ON c.billing_period = r.period AND c.account_id = r.account_id
  AND c.resource_id = r.resource_id AND c.service_code = r.service_code AND c.region_id = r.region_id AND c.currency = r.currency
WHERE c.account_id IS NULL`},
		{"running totals of cost_monthly_resources", update},
		{"clear cost_resource_lifetimes", "DELETE FROM cost_resource_lifetimes WHERE account_id = ?"},
		{"build cost_resource_lifetimes", `INSERT INTO cost_resource_lifetimes (` + series + `, first_period, last_period,
  resource_name, list_cost, billed_cost, effective_cost, days)
SELECT ` + series + `, MIN(billing_period), MAX(billing_period),
  MAX(resource_name), SUM(list_cost), SUM(billed_cost), SUM(effective_cost), SUM(` + dayCount + `)
FROM cost_monthly_resources WHERE account_id = ?
GROUP BY ` + series},
	}
}

// sqliteBitCount counts the set bits of a days_present column: SQLite has no BIT_COUNT.
func sqliteBitCount(col string) string {
	bits := make([]string, 31)
	for i := range bits {
		bits[i] = fmt.Sprintf("((%s >> %d) & 1)", col, i)
	}
	return "(" + strings.Join(bits, " + ") + ")"
}

// resourceDayMetrics are the metrics cost_monthly_resources keeps per day of the month: the
// column prefix of the day columns and the column of the month's total.
var resourceDayMetrics = []struct{ prefix, total string }{
	{"list", "list_cost"}, {"billed", "billed_cost"}, {"effective", "effective_cost"},
}

// resourceDayColumn names the column of one metric on one day (1–31) of the month.
func resourceDayColumn(prefix string, day int) string {
	return fmt.Sprintf("%s_d%02d", prefix, day)
}

// monthsOf returns the distinct months (YYYY-MM) of days, in order of first appearance.
func monthsOf(days []string) []string {
	var out []string
	for _, d := range days {
		if len(d) >= 7 && !slices.Contains(out, d[:7]) {
			out = append(out, d[:7])
		}
	}
	return out
}

// monthBounds returns the first and last day (YYYY-MM-DD) of month (YYYY-MM).
func monthBounds(month string) (first, last string, err error) {
	t, err := time.Parse("2006-01", month)
	if err != nil {
		return "", "", fmt.Errorf("month %q: %w", month, err)
	}
	return t.Format(time.DateOnly), t.AddDate(0, 1, -1).Format(time.DateOnly), nil
}

// rollupSQL is one roll-up step for a chunk of days: in is the chunk's placeholder list and
// args the account and the days. Steps that read line items name them {items} and count
// them with SUM({n}); with shares, {items} is the line items and the amortised shares of the
// days together, shares counting no line item.
func rollupSQL(step, in string, args []any, shares bool) (string, []any) {
	items, n := "cost_line_items", "1"
	if shares && strings.Contains(step, "{items}") {
		items, n = fmt.Sprintf(itemsAndShares, in), "n"
		args = append(append(slices.Clone(args), args...), args...)
	}
	q := strings.NewReplacer("{items}", items, "{n}", n).Replace(step)
	return fmt.Sprintf(q, in), args
}

// itemsAndShares is the line items of an account's days with the amortised shares that fall
// on them, in the columns the roll-up steps read; it takes the account and the days twice.
// Shares have no list or billed cost and no discounts: they move effective cost only.
const itemsAndShares = `(SELECT charge_date, account_id, billing_period, week_start, service_code, service_name, region_id,
  subscription_type, charge_category, currency, resource_id, resource_name, tag_set_id, resource_group, cost_unit, billing_item,
  list_cost, billed_cost, effective_cost, invoice_discount, coupon_deduction, cash_coupon_deduction,
  prepaid_card_deduction, resource_package_deduction, 1 AS n
FROM cost_line_items WHERE account_id = ? AND charge_date IN (%[1]s)
UNION ALL
SELECT charge_date, account_id, billing_period, week_start, service_code, service_name, region_id,
  subscription_type, charge_category, currency, resource_id, resource_name, tag_set_id, resource_group, cost_unit, billing_item,
  0, 0, effective_cost, 0, 0, 0, 0, 0, 0
FROM cost_amortized_daily WHERE account_id = ? AND charge_date IN (%[1]s)) li`

// rollupTables are the tables RebuildDaily replaces, all keyed by account and day.
var rollupTables = []string{"cost_daily", "cost_daily_totals", "cost_daily_regions", "cost_daily_subscriptions", "cost_daily_tags",
	"cost_daily_resources", "cost_daily_attrs"}

// rollupSteps are the INSERT … SELECTs of a rebuild, each taking the account id and the
// chunk's days (spliced as the %s placeholder list).
var rollupSteps = []struct{ name, sql string }{
	{"cost_daily", `INSERT INTO cost_daily (account_id, charge_date, billing_period, week_start, service_code,
  service_name, region_id, subscription_type, charge_category, currency,
  list_cost, billed_cost, effective_cost, invoice_discount, coupon_deduction, cash_coupon_deduction,
  prepaid_card_deduction, resource_package_deduction, line_items) ` + dailyAggregate},
	{"cost_daily_totals", `INSERT INTO cost_daily_totals (account_id, charge_date, currency, billing_period, week_start,
  list_cost, billed_cost, effective_cost, invoice_discount, coupon_deduction, cash_coupon_deduction, line_items)
SELECT account_id, charge_date, currency, MAX(billing_period), MAX(week_start),
  SUM(list_cost), SUM(billed_cost), SUM(effective_cost), SUM(invoice_discount),
  SUM(coupon_deduction), SUM(cash_coupon_deduction), SUM(line_items)
FROM cost_daily
WHERE account_id = ? AND charge_date IN (%s)
GROUP BY account_id, charge_date, currency`},
	{"cost_daily_regions", `INSERT INTO cost_daily_regions (account_id, charge_date, service_code, region_id, currency, billing_period, week_start,
  list_cost, billed_cost, effective_cost, invoice_discount, coupon_deduction, cash_coupon_deduction,
  prepaid_card_deduction, resource_package_deduction, line_items)
SELECT account_id, charge_date, service_code, region_id, currency, MAX(billing_period), MAX(week_start),
  SUM(list_cost), SUM(billed_cost), SUM(effective_cost), SUM(invoice_discount),
  SUM(coupon_deduction), SUM(cash_coupon_deduction), SUM(prepaid_card_deduction), SUM(resource_package_deduction), SUM(line_items)
FROM cost_daily
WHERE account_id = ? AND charge_date IN (%s)
GROUP BY account_id, charge_date, service_code, region_id, currency`},
	{"cost_daily_subscriptions", `INSERT INTO cost_daily_subscriptions (account_id, charge_date, subscription_type, charge_category,
  region_id, currency, billing_period, week_start, list_cost, billed_cost, effective_cost, invoice_discount, coupon_deduction,
  cash_coupon_deduction, prepaid_card_deduction, resource_package_deduction, line_items)
SELECT account_id, charge_date, subscription_type, charge_category, region_id, currency, MAX(billing_period), MAX(week_start),
  SUM(list_cost), SUM(billed_cost), SUM(effective_cost), SUM(invoice_discount),
  SUM(coupon_deduction), SUM(cash_coupon_deduction), SUM(prepaid_card_deduction), SUM(resource_package_deduction), SUM(line_items)
FROM cost_daily
WHERE account_id = ? AND charge_date IN (%s)
GROUP BY account_id, charge_date, subscription_type, charge_category, region_id, currency`},
	// Tagged items per non-empty value; an item has at most one value per key. The items are
	// summed per tag set first (a day has a few hundred sets against thousands of items), and
	// only those sums meet the tags of their set.
	{"cost_daily_tags", `INSERT INTO cost_daily_tags (tag_key, charge_date, account_id, tag_value, currency,
  billing_period, week_start, list_cost, billed_cost, effective_cost, line_items)
SELECT t.tag_key, g.charge_date, g.account_id, t.tag_value, g.currency,
  MAX(g.billing_period), MAX(g.week_start), SUM(g.list_cost), SUM(g.billed_cost), SUM(g.effective_cost), SUM(g.line_items)
FROM (SELECT charge_date, account_id, tag_set_id, currency, MAX(billing_period) AS billing_period, MAX(week_start) AS week_start,
    SUM(list_cost) AS list_cost, SUM(billed_cost) AS billed_cost, SUM(effective_cost) AS effective_cost, SUM({n}) AS line_items
  FROM {items}
  WHERE account_id = ? AND charge_date IN (%[1]s) AND tag_set_id <> 0
  GROUP BY charge_date, account_id, tag_set_id, currency) g
JOIN cost_tag_set_tags t ON t.tag_set_id = g.tag_set_id
WHERE t.tag_value <> ''
GROUP BY t.tag_key, g.charge_date, g.account_id, t.tag_value, g.currency`},
	// The '' row of each key present on a day: the day's total less the items with a value,
	// which is what grouping line items by the key puts under ''.
	{"cost_daily_tags remainders", `INSERT INTO cost_daily_tags (tag_key, charge_date, account_id, tag_value, currency,
  billing_period, week_start, list_cost, billed_cost, effective_cost, line_items)
SELECT k.tag_key, d.charge_date, d.account_id, '', d.currency, d.billing_period, d.week_start,
  d.list_cost - k.list_cost, d.billed_cost - k.billed_cost, d.effective_cost - k.effective_cost, d.line_items - k.line_items
FROM cost_daily_totals d
JOIN (SELECT tag_key, charge_date, account_id, currency, SUM(list_cost) AS list_cost, SUM(billed_cost) AS billed_cost,
    SUM(effective_cost) AS effective_cost, SUM(line_items) AS line_items
  FROM cost_daily_tags
  WHERE account_id = ? AND charge_date IN (%s)
  GROUP BY tag_key, charge_date, account_id, currency) k
  ON k.account_id = d.account_id AND k.charge_date = d.charge_date AND k.currency = d.currency
WHERE d.line_items > k.line_items`},
	// Here a share counts as a row: the resource series' months are told from filler months by
	// line_items > 0, and a month a subscription only pays for (shares, no bill) is a real one.
	{"cost_daily_resources", `INSERT INTO cost_daily_resources (charge_date, account_id, resource_id, service_code, region_id, currency,
  resource_name, billing_period, week_start, list_cost, billed_cost, effective_cost, line_items)
SELECT charge_date, account_id, resource_id, service_code, region_id, currency,
  MAX(resource_name), MAX(billing_period), MAX(week_start), SUM(list_cost), SUM(billed_cost), SUM(effective_cost), COUNT(*)
FROM {items}
WHERE account_id = ? AND charge_date IN (%[1]s) AND resource_id <> ''
GROUP BY charge_date, account_id, resource_id, service_code, region_id, currency`},
	attrStep(cost.DimResourceGroup),
	attrStep(cost.DimCostUnit),
	attrStep(cost.DimBillingItem),
}

// attrColumns are the line-item columns that cost_daily_attrs rolls up, by the query model's
// dimension name, which is also the attr value of their rows.
var attrColumns = map[string]string{
	cost.DimResourceGroup: "resource_group",
	cost.DimCostUnit:      "cost_unit",
	cost.DimBillingItem:   "billing_item",
}

// attrStep is the rebuild of one attribute's rows of cost_daily_attrs.
func attrStep(attr string) struct{ name, sql string } {
	col := attrColumns[attr]
	return struct{ name, sql string }{"cost_daily_attrs " + attr, `INSERT INTO cost_daily_attrs (attr, charge_date, account_id, attr_value, currency,
  billing_period, week_start, list_cost, billed_cost, effective_cost, line_items)
SELECT '` + attr + `', charge_date, account_id, ` + col + `, currency,
  MAX(billing_period), MAX(week_start), SUM(list_cost), SUM(billed_cost), SUM(effective_cost), SUM({n})
FROM {items}
WHERE account_id = ? AND charge_date IN (%[1]s)
GROUP BY charge_date, account_id, ` + col + `, currency`}
}

// dailyAggregate is the SELECT that RebuildDaily inserts into cost_daily. Names are
// descriptive values of the group, not part of its identity, so MAX picks one of them.
const dailyAggregate = `SELECT account_id, charge_date, MAX(billing_period), MAX(week_start), service_code,
  MAX(service_name), region_id, subscription_type, charge_category, currency,
  SUM(list_cost), SUM(billed_cost), SUM(effective_cost), SUM(invoice_discount),
  SUM(coupon_deduction), SUM(cash_coupon_deduction), SUM(prepaid_card_deduction), SUM(resource_package_deduction), SUM({n})
FROM {items}
WHERE account_id = ? AND charge_date IN (%[1]s)
GROUP BY account_id, charge_date, service_code, region_id, subscription_type, charge_category, currency`
