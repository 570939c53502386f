package store

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/cloudlens/cloudlens/shared/account"
	"github.com/cloudlens/cloudlens/shared/billing"
	"github.com/cloudlens/cloudlens/shared/cost"
	"github.com/cloudlens/cloudlens/shared/money"
)

// amortizedCols are the columns of cost_amortized_daily, in the order amortizedRow writes them.
var amortizedCols = []string{"account_id", "source_date", "item_key", "charge_date", "billing_period", "week_start",
	"service_code", "service_name", "region_id", "subscription_type", "charge_category", "currency",
	"resource_id", "resource_name", "tag_set_id", "resource_group", "cost_unit", "billing_item", "effective_cost"}

// upfrontItem is what amortisation reads of one stored line item.
type upfrontItem struct {
	key                                                  []byte
	date, subType, category, period, unit                string
	billed, effective                                    int64
	service, serviceName, region, currency               string
	resource, resourceName, group, costUnit, billingItem string
	tagSet                                               int64
}

// amortize recomputes the daily shares of the upfront charges billed on days (an account's
// Subscription purchases and refunds with a term of more than a day, billing.Term) from the
// stored line items, and returns nothing but an error: the days whose shares changed are
// recorded in cost_rollup_dirty, in the same transaction as the shares, for RebuildDaily to
// rebuild. Shares that did not change are not rewritten, so a re-sync of an open window does
// not rebuild a year of roll-ups for a purchase it fetched again unchanged.
func (s *Store) amortize(ctx context.Context, accountID int64, days []string) error {
	const per = 31
	for start := 0; start < len(days); start += per {
		chunk := days[start:min(start+per, len(days))]
		if err := s.writeTx(ctx, func(tx *sql.Tx) error { return s.amortizeTx(ctx, tx, accountID, chunk) }); err != nil {
			return fmt.Errorf("store: amortise upfront charges of account %d: %w", accountID, err)
		}
	}
	return nil
}

func (s *Store) amortizeTx(ctx context.Context, tx *sql.Tx, accountID int64, days []string) error {
	args := make([]any, 0, len(days)+1)
	args = append(args, accountID)
	for _, d := range days {
		args = append(args, d)
	}
	in := placeholders(len(days))
	rows, err := tx.QueryContext(ctx, `SELECT item_key, charge_date, subscription_type, charge_category, service_period,
  service_period_unit, billed_cost, effective_cost, service_code, service_name, region_id, currency, resource_id,
  resource_name, resource_group, cost_unit, billing_item, tag_set_id
FROM cost_line_items
WHERE account_id = ? AND charge_date IN (`+in+`) AND charge_category IN ('`+billing.ChargePurchase+`', '`+billing.ChargeCredit+`')`, args...)
	if err != nil {
		return fmt.Errorf("read upfront charges: %w", err)
	}
	var items []upfrontItem
	for rows.Next() {
		var it upfrontItem
		if err := rows.Scan(&it.key, dateCol{&it.date}, &it.subType, &it.category, &it.period, &it.unit, &it.billed, &it.effective,
			&it.service, &it.serviceName, &it.region, &it.currency, &it.resource, &it.resourceName, &it.group, &it.costUnit,
			&it.billingItem, &it.tagSet); err != nil {
			rows.Close()
			return fmt.Errorf("read upfront charges: %w", err)
		}
		items = append(items, it)
	}
	if err := rows.Close(); err != nil {
		return fmt.Errorf("read upfront charges: %w", err)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read upfront charges: %w", err)
	}

	// The shares as they should be, each row as its argument list.
	want := map[string][]any{}
	for i := range items {
		it := &items[i]
		n := billing.Term(it.date, it.subType, it.category, it.period, it.unit)
		if n <= 1 {
			continue
		}
		if it.effective != 0 {
			// Stored before amortisation existed: the purchase day must not count it again.
			if _, err := tx.ExecContext(ctx, "UPDATE cost_line_items SET effective_cost = 0 WHERE account_id = ? AND charge_date = ? AND item_key = ?",
				accountID, it.date, it.key); err != nil {
				return fmt.Errorf("zero the effective cost of an amortised charge: %w", err)
			}
		}
		for _, d := range billing.Amortize(it.date, money.Micros(it.billed), n) {
			want[shareKey(it.date, it.key, d.Date)] = []any{accountID, it.date, it.key, d.Date, d.BillingPeriod, d.WeekStart,
				it.service, it.serviceName, it.region, it.subType, it.category, it.currency,
				it.resource, it.resourceName, it.tagSet, it.group, it.costUnit, it.billingItem, int64(d.Amount)}
		}
	}

	// The shares as stored.
	have := map[string]string{}
	rows, err = tx.QueryContext(ctx, "SELECT "+joinCols(amortizedCols)+" FROM cost_amortized_daily WHERE account_id = ? AND source_date IN ("+in+")", args...)
	if err != nil {
		return fmt.Errorf("read stored shares: %w", err)
	}
	for rows.Next() {
		var acc, tagSet, amount int64
		var key []byte
		var src, day, period, week, service, serviceName, region, subType, category, currency string
		var resource, resourceName, group, costUnit, billingItem string
		if err := rows.Scan(&acc, dateCol{&src}, &key, dateCol{&day}, &period, dateCol{&week}, &service, &serviceName, &region,
			&subType, &category, &currency, &resource, &resourceName, &tagSet, &group, &costUnit, &billingItem, &amount); err != nil {
			rows.Close()
			return fmt.Errorf("read stored shares: %w", err)
		}
		have[shareKey(src, key, day)] = shareText([]any{acc, src, key, day, period, week, service, serviceName, region, subType,
			category, currency, resource, resourceName, tagSet, group, costUnit, billingItem, amount})
	}
	if err := rows.Close(); err != nil {
		return fmt.Errorf("read stored shares: %w", err)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read stored shares: %w", err)
	}

	dirty := map[string]bool{}
	for k, v := range want {
		if have[k] != shareText(v) {
			dirty[v[3].(string)] = true
		}
	}
	for k := range have {
		if _, ok := want[k]; !ok {
			dirty[k[len(k)-10:]] = true
		}
	}
	if len(dirty) == 0 {
		return nil
	}

	if _, err := tx.ExecContext(ctx, "DELETE FROM cost_amortized_daily WHERE account_id = ? AND source_date IN ("+in+")", args...); err != nil {
		return fmt.Errorf("clear stored shares: %w", err)
	}
	all := make([][]any, 0, len(want))
	for _, v := range want {
		all = append(all, v)
	}
	const batch = 200
	for start := 0; start < len(all); start += batch {
		part := all[start:min(start+batch, len(all))]
		flat := make([]any, 0, len(part)*len(amortizedCols))
		for _, r := range part {
			flat = append(flat, r...)
		}
		q := s.dialect.Upsert("cost_amortized_daily", amortizedCols, []string{"account_id", "source_date", "item_key", "charge_date"}, nil, len(part))
		if _, err := tx.ExecContext(ctx, q, flat...); err != nil {
			return fmt.Errorf("store shares: %w", err)
		}
	}
	marks := make([]string, 0, len(dirty))
	for d := range dirty {
		marks = append(marks, d)
	}
	slices.Sort(marks)
	for start := 0; start < len(marks); start += batch {
		part := marks[start:min(start+batch, len(marks))]
		flat := make([]any, 0, 2*len(part))
		for _, d := range part {
			flat = append(flat, accountID, d)
		}
		q := s.dialect.Upsert("cost_rollup_dirty", []string{"account_id", "charge_date"}, []string{"account_id", "charge_date"}, nil, len(part))
		if _, err := tx.ExecContext(ctx, q, flat...); err != nil {
			return fmt.Errorf("mark days for rebuild: %w", err)
		}
	}
	return nil
}

// dirtyDays returns the days of the account waiting for a roll-up rebuild.
func (s *Store) dirtyDays(ctx context.Context, accountID int64) ([]string, error) {
	rows, err := s.db.QueryContext(ctx, "SELECT charge_date FROM cost_rollup_dirty WHERE account_id = ? ORDER BY charge_date", accountID)
	if err != nil {
		return nil, fmt.Errorf("store: days waiting for a rebuild: %w", Translate(err))
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var d string
		if err := rows.Scan(dateCol{&d}); err != nil {
			return nil, fmt.Errorf("store: days waiting for a rebuild: %w", Translate(err))
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// shareKey identifies one share: the charge (billing day and item key) and the day it falls
// on, which ends the key so that the day can be read back from it.
func shareKey(source string, key []byte, day string) string {
	return source + "|" + string(key) + "|" + day
}

// shareText is a row of shares as comparable text.
func shareText(row []any) string {
	var b []byte
	for _, v := range row {
		switch x := v.(type) {
		case string:
			b = strconv.AppendQuote(b, x)
		case []byte:
			b = strconv.AppendQuote(b, string(x))
		case int64:
			b = strconv.AppendInt(b, x, 10)
		default:
			b = fmt.Appendf(b, "%v", x)
		}
		b = append(b, '|')
	}
	return string(b)
}

func joinCols(cols []string) string { return strings.Join(cols, ", ") }

// EachAmortizedShare streams the amortised shares that fall in the slice q (its filters apply)
// as line items of their day: the share as effective cost, no list or billed cost, the
// descriptive fields and tags of the charge they come from, and SourceDate set to the charge's
// billing day. With EachLineItem it gives every row whose effective costs add up to the cost
// API's metric effective.
func (s *Store) EachAmortizedShare(ctx context.Context, scope account.Scope, q cost.Query, fn func(li *billing.LineItem, sourceDate string) error) error {
	b := buildCost(scope, q, fromLineItems)
	if b.empty {
		return nil
	}
	// The filters name columns that cost_amortized_daily has under the same names.
	b.from = "cost_amortized_daily c JOIN cost_line_items s ON s.account_id = c.account_id AND s.charge_date = c.source_date AND s.item_key = c.item_key"
	b.joins = append(b.joins, " LEFT JOIN cost_tag_set_tags tg ON tg.tag_set_id = c.tag_set_id")
	query, args := b.sql(`c.account_id, c.charge_date, c.source_date, c.item_key, c.billing_period, c.week_start, s.billing_account_id,
  s.billing_account_name, s.sub_account_id, s.sub_account_name, c.service_code, c.service_name, s.service_category, s.product_type,
  c.charge_category, c.resource_id, c.resource_name, c.region_id, s.region_name, s.zone, c.effective_cost, c.subscription_type,
  c.billing_item, s.billing_item_name, c.resource_group, c.cost_unit, c.currency, s.instance_spec, s.service_period,
  s.service_period_unit, tg.tag_key, tg.tag_value`, " ORDER BY c.charge_date, c.account_id, c.source_date, c.item_key, tg.tag_key")
	rows, err := s.db.QueryContext(ctx, query, args...)
	if err != nil {
		return fmt.Errorf("store: amortised shares: %w", Translate(err))
	}
	defer rows.Close()
	var cur *billing.LineItem
	var curSource string
	for rows.Next() {
		var li billing.LineItem
		var key []byte
		var source string
		var share int64
		var tagKey, tagValue sql.NullString
		if err := rows.Scan(&li.AccountID, dateCol{&li.ChargeDate}, dateCol{&source}, &key, &li.BillingPeriod, dateCol{&li.WeekStart},
			&li.BillingAccountID, &li.BillingAccountName, &li.SubAccountID, &li.SubAccountName, &li.ServiceCode, &li.ServiceName,
			&li.ServiceCategory, &li.ProductType, &li.ChargeCategory, &li.ResourceID, &li.ResourceName, &li.RegionID, &li.RegionName,
			&li.Zone, &share, &li.SubscriptionType, &li.BillingItem, &li.BillingItemName, &li.ResourceGroup, &li.CostUnit,
			&li.Currency, &li.InstanceSpec, &li.ServicePeriod, &li.ServicePeriodUnit, &tagKey, &tagValue); err != nil {
			return fmt.Errorf("store: amortised shares: %w", Translate(err))
		}
		copy(li.Key[:], key)
		if cur == nil || cur.AccountID != li.AccountID || cur.ChargeDate != li.ChargeDate || cur.Key != li.Key || curSource != source {
			if cur != nil {
				if err := fn(cur, curSource); err != nil {
					return err
				}
			}
			li.EffectiveCost = money.Micros(share)
			cur, curSource = &li, source
		}
		if tagKey.Valid {
			cur.Tags = append(cur.Tags, billing.Tag{Key: tagKey.String, Value: tagValue.String})
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("store: amortised shares: %w", Translate(err))
	}
	if cur != nil {
		return fn(cur, curSource)
	}
	return nil
}
