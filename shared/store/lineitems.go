package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/go-sql-driver/mysql"

	"github.com/cloudlens/cloudlens/shared/account"
	"github.com/cloudlens/cloudlens/shared/billing"
	"github.com/cloudlens/cloudlens/shared/cost"
	"github.com/cloudlens/cloudlens/shared/money"
)

// lineItemCols are the columns of cost_line_items a sync writes, in argument order.
var lineItemCols = []string{
	"account_id", "charge_date", "item_key", "billing_period", "week_start",
	"billing_account_id", "billing_account_name", "sub_account_id", "sub_account_name",
	"service_code", "service_name", "service_category", "product_type",
	"charge_category", "charge_frequency", "resource_id", "resource_name",
	"region_id", "region_name", "zone",
	"list_cost", "billed_cost", "effective_cost", "invoice_discount",
	"coupon_deduction", "cash_coupon_deduction", "prepaid_card_deduction",
	"pricing_quantity", "pricing_unit", "subscription_type", "billing_item", "billing_item_name",
	"resource_group", "cost_unit", "currency", "sync_id", "tag_set_id",
	"resource_package_deduction", "adjust_amount", "payment_amount", "cash_amount", "outstanding_amount",
	"list_price", "list_price_unit", "instance_spec", "instance_config", "service_period", "service_period_unit",
}

// lineItemKey is the natural key; everything else is updated when a re-fetched item collides.
var lineItemKey = []string{"account_id", "charge_date", "item_key"}

var lineItemUpdate = lineItemCols[3:]

// maxBatchRows caps rows per statement even where the parameter limit would allow more:
// past about a thousand rows the statement text grows without making inserts faster.
const maxBatchRows = 1000

// batchRows is how many rows of ncols columns fit in one statement on the dialect.
func (d Dialect) batchRows(ncols int) int {
	return min(maxBatchRows, d.MaxParams()/ncols)
}

// appendLineItemArgs appends the arguments of li, with the id of its tag set, in lineItemCols order.
func appendLineItemArgs(args []any, syncID int64, li *billing.LineItem, tagSetID int64) []any {
	return append(args,
		li.AccountID, li.ChargeDate, li.Key[:], li.BillingPeriod, li.WeekStart,
		li.BillingAccountID, li.BillingAccountName, li.SubAccountID, li.SubAccountName,
		li.ServiceCode, li.ServiceName, li.ServiceCategory, li.ProductType,
		li.ChargeCategory, li.ChargeFrequency, li.ResourceID, li.ResourceName,
		li.RegionID, li.RegionName, li.Zone,
		int64(li.ListCost), int64(li.BilledCost), int64(li.EffectiveCost), int64(li.InvoiceDiscount),
		int64(li.CouponDeduction), int64(li.CashCouponDeduction), int64(li.PrepaidCardDeduction),
		li.PricingQuantity, li.PricingUnit, li.SubscriptionType, li.BillingItem, li.BillingItemName,
		li.ResourceGroup, li.CostUnit, li.Currency, syncID, tagSetID,
		int64(li.ResourcePackageDeduction), int64(li.AdjustAmount), int64(li.PaymentAmount), int64(li.CashAmount),
		int64(li.OutstandingAmount), li.ListPrice, li.ListPriceUnit, li.InstanceSpec, li.InstanceConfig,
		li.ServicePeriod, li.ServicePeriodUnit,
	)
}

// txRows is how many line items one transaction writes. A sync passes a few thousand per
// call; larger callers (benchmark loaders, backfills) are cut here so that one transaction
// neither holds locks on a whole month nor grows the undo log without bound.
const txRows = 10_000

// UpsertLineItems inserts or updates items (natural key account_id+charge_date+item_key),
// with their tags as a reference to a stored tag set (tagsets.go). It returns how many
// items it wrote. Each run of up to txRows items is one transaction, so a failure leaves
// earlier runs stored: callers re-run the day, which is idempotent.
//
// On MySQL the items go through LOAD DATA LOCAL INFILE … REPLACE (see loaddata.go) when the
// server allows it, else through multi-row upserts; SQLite always uses the latter.
func (s *Store) UpsertLineItems(ctx context.Context, syncID int64, items []billing.LineItem) (int64, error) {
	var written int64
	for start := 0; start < len(items); start += txRows {
		chunk := items[start:min(start+txRows, len(items))]
		tagSets, err := s.tagSetIDs(ctx, chunk)
		if err != nil {
			return written, err
		}
		err = errLoadDeclined
		if s.loadDataUsable() {
			err = s.loadLineItems(ctx, syncID, chunk, tagSets)
		}
		if errors.Is(err, errLoadDeclined) {
			err = s.writeTx(ctx, func(tx *sql.Tx) error { return upsertLineItemsTx(ctx, tx, s.dialect, syncID, chunk, tagSets) })
		}
		if err != nil {
			return written, fmt.Errorf("store: upsert line items: %w", Translate(err))
		}
		written += int64(len(chunk))
	}
	return written, nil
}

// upsertLineItemsTx writes items, with tagSets[i] the tag set of items[i], with multi-row
// upserts in tx. The statement for a full batch is prepared once and reused for every full batch.
func upsertLineItemsTx(ctx context.Context, tx *sql.Tx, d Dialect, syncID int64, items []billing.LineItem, tagSets []int64) error {
	per := d.batchRows(len(lineItemCols))
	var full *sql.Stmt
	if len(items) >= per {
		var err error
		full, err = tx.PrepareContext(ctx, d.Upsert("cost_line_items", lineItemCols, lineItemKey, lineItemUpdate, per))
		if err != nil {
			return fmt.Errorf("prepare upsert: %w", err)
		}
		defer full.Close()
	}
	args := make([]any, 0, min(per, len(items))*len(lineItemCols))
	for start := 0; start < len(items); start += per {
		batch := items[start:min(start+per, len(items))]
		args = args[:0]
		for i := range batch {
			args = appendLineItemArgs(args, syncID, &batch[i], tagSets[start+i])
		}
		var err error
		if len(batch) == per {
			_, err = full.ExecContext(ctx, args...)
		} else {
			_, err = tx.ExecContext(ctx, d.Upsert("cost_line_items", lineItemCols, lineItemKey, lineItemUpdate, len(batch)), args...)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// DeleteMissing removes rows of (account, day) whose keys are not in keep: only after all of a day's pages were fetched.
// It returns how many line items it removed.
func (s *Store) DeleteMissing(ctx context.Context, accountID int64, day string, keep []billing.Key) (int64, error) {
	wanted := make(map[billing.Key]struct{}, len(keep))
	for _, k := range keep {
		wanted[k] = struct{}{}
	}
	rows, err := s.db.QueryContext(ctx,
		"SELECT item_key FROM cost_line_items WHERE charge_date = ? AND account_id = ?", day, accountID)
	if err != nil {
		return 0, fmt.Errorf("store: delete missing line items: %w", Translate(err))
	}
	var gone []any
	for rows.Next() {
		var b []byte
		if err := rows.Scan(&b); err != nil {
			rows.Close()
			return 0, fmt.Errorf("store: delete missing line items: %w", Translate(err))
		}
		var k billing.Key
		copy(k[:], b)
		if _, ok := wanted[k]; !ok {
			gone = append(gone, k[:])
		}
	}
	if err := rows.Err(); err != nil {
		rows.Close()
		return 0, fmt.Errorf("store: delete missing line items: %w", Translate(err))
	}
	rows.Close()
	if len(gone) == 0 {
		return 0, nil
	}
	var deleted int64
	err = s.writeTx(ctx, func(tx *sql.Tx) error {
		deleted = 0
		per := s.dialect.MaxParams() - 2
		for start := 0; start < len(gone); start += per {
			chunk := gone[start:min(start+per, len(gone))]
			args := append([]any{day, accountID}, chunk...)
			in := " AND item_key IN (" + placeholders(len(chunk)) + ")"
			res, err := tx.ExecContext(ctx, "DELETE FROM cost_line_items WHERE charge_date = ? AND account_id = ?"+in, args...)
			if err != nil {
				return err
			}
			n, err := res.RowsAffected()
			if err != nil {
				return err
			}
			deleted += n
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("store: delete missing line items of %s: %w", day, err)
	}
	return deleted, nil
}

// writeTx is InTx for the bulk writes of a sync, which run concurrently for different days
// of an account. On MySQL they run at READ COMMITTED, which takes no gap locks, and a
// transaction InnoDB picks as a deadlock victim is run again: both are InnoDB's own advice
// for concurrent batch writers. Every such transaction is idempotent, so a rerun is safe.
func (s *Store) writeTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	if s.dialect != MySQL {
		return s.InTx(ctx, fn)
	}
	return retryLocked(ctx, func() error {
		return s.inTxOpts(ctx, &sql.TxOptions{Isolation: sql.LevelReadCommitted}, fn)
	})
}

// retryLocked runs the transaction fn again, a few times with growing pauses, when MySQL
// reports a deadlock (1213) or a lock wait timeout (1205); fn must be idempotent.
func retryLocked(ctx context.Context, fn func() error) error {
	const attempts = 5
	for attempt := 1; ; attempt++ {
		err := fn()
		var me *mysql.MySQLError
		if err == nil || attempt == attempts || !errors.As(err, &me) || (me.Number != 1213 && me.Number != 1205) {
			return err
		}
		select {
		case <-ctx.Done():
			return err
		case <-time.After(time.Duration(attempt*attempt) * 10 * time.Millisecond):
		}
	}
}

// uniqueStrings returns the distinct non-empty values of in, sorted.
func uniqueStrings(in []string) []string {
	out := make([]string, 0, len(in))
	seen := make(map[string]struct{}, len(in))
	for _, v := range in {
		v = strings.TrimSpace(v)
		if v == "" {
			continue
		}
		if _, ok := seen[v]; ok {
			continue
		}
		seen[v] = struct{}{}
		out = append(out, v)
	}
	sort.Strings(out)
	return out
}

const lineItemColumns = "c.account_id, c.charge_date, c.item_key, c.billing_period, c.week_start, c.billing_account_id, " +
	"c.billing_account_name, c.sub_account_id, c.sub_account_name, c.service_code, c.service_name, c.service_category, " +
	"c.product_type, c.charge_category, c.charge_frequency, c.resource_id, c.resource_name, c.region_id, c.region_name, " +
	"c.zone, c.list_cost, c.billed_cost, c.effective_cost, c.invoice_discount, c.coupon_deduction, " +
	"c.cash_coupon_deduction, c.prepaid_card_deduction, c.pricing_quantity, c.pricing_unit, c.subscription_type, " +
	"c.billing_item, c.billing_item_name, c.resource_group, c.cost_unit, c.currency, " +
	"c.resource_package_deduction, c.adjust_amount, c.payment_amount, c.cash_amount, c.outstanding_amount, " +
	"c.list_price, c.list_price_unit, c.instance_spec, c.instance_config, c.service_period, c.service_period_unit"

// EachLineItem streams the line items of the slice q (its filters apply; group-by and
// granularity do not), with their tags, in primary-key order (date, account, key), calling fn for each. It stops
// at fn's first error and returns it.
func (s *Store) EachLineItem(ctx context.Context, scope account.Scope, q cost.Query, fn func(*billing.LineItem) error) error {
	b := buildCost(scope, q, fromLineItems)
	if b.empty {
		return nil
	}
	b.joins = append(b.joins, " LEFT JOIN cost_tag_set_tags tg ON tg.tag_set_id = c.tag_set_id")
	query, args := b.sql(lineItemColumns+", tg.tag_key, tg.tag_value", " ORDER BY c.charge_date, c.account_id, c.item_key, tg.tag_key")
	rows, err := s.db.QueryContext(ctx, query, args...)
	if err != nil {
		return fmt.Errorf("store: line items: %w", Translate(err))
	}
	defer rows.Close()
	var cur *billing.LineItem
	for rows.Next() {
		var li billing.LineItem
		var key []byte
		var m [12]int64
		var tagKey, tagValue sql.NullString
		if err := rows.Scan(&li.AccountID, &li.ChargeDate, &key, &li.BillingPeriod, &li.WeekStart, &li.BillingAccountID,
			&li.BillingAccountName, &li.SubAccountID, &li.SubAccountName, &li.ServiceCode, &li.ServiceName, &li.ServiceCategory,
			&li.ProductType, &li.ChargeCategory, &li.ChargeFrequency, &li.ResourceID, &li.ResourceName, &li.RegionID, &li.RegionName,
			&li.Zone, &m[0], &m[1], &m[2], &m[3], &m[4], &m[5], &m[6], &li.PricingQuantity, &li.PricingUnit, &li.SubscriptionType,
			&li.BillingItem, &li.BillingItemName, &li.ResourceGroup, &li.CostUnit, &li.Currency,
			&m[7], &m[8], &m[9], &m[10], &m[11], &li.ListPrice, &li.ListPriceUnit, &li.InstanceSpec, &li.InstanceConfig,
			&li.ServicePeriod, &li.ServicePeriodUnit, &tagKey, &tagValue); err != nil {
			return fmt.Errorf("store: line items: %w", Translate(err))
		}
		li.ChargeDate, li.WeekStart = dayText(li.ChargeDate), dayText(li.WeekStart)
		copy(li.Key[:], key)
		if cur == nil || cur.AccountID != li.AccountID || cur.ChargeDate != li.ChargeDate || cur.Key != li.Key {
			if cur != nil {
				if err := fn(cur); err != nil {
					return err
				}
			}
			li.ListCost, li.BilledCost, li.EffectiveCost = money.Micros(m[0]), money.Micros(m[1]), money.Micros(m[2])
			li.InvoiceDiscount, li.CouponDeduction, li.CashCouponDeduction, li.PrepaidCardDeduction = money.Micros(m[3]), money.Micros(m[4]), money.Micros(m[5]), money.Micros(m[6])
			li.ResourcePackageDeduction, li.AdjustAmount, li.PaymentAmount = money.Micros(m[7]), money.Micros(m[8]), money.Micros(m[9])
			li.CashAmount, li.OutstandingAmount = money.Micros(m[10]), money.Micros(m[11])
			cur = &li
		}
		if tagKey.Valid {
			cur.Tags = append(cur.Tags, billing.Tag{Key: tagKey.String, Value: tagValue.String})
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("store: line items: %w", Translate(err))
	}
	if cur != nil {
		return fn(cur)
	}
	return nil
}
