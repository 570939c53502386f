package store

import (
	"context"
	"database/sql"
	"fmt"
)

// RebuildDaily recomputes cost_daily for the given account and days from the line items.
// Each day's roll-up is replaced in one transaction, so readers never see a half-built day.
func (s *Store) RebuildDaily(ctx context.Context, accountID int64, days []string) error {
	days = uniqueStrings(days)
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
			if _, err := tx.ExecContext(ctx, "DELETE FROM cost_daily WHERE account_id = ? AND charge_date IN ("+in+")", args...); err != nil {
				return err
			}
			q := `INSERT INTO cost_daily (account_id, charge_date, billing_period, week_start, service_code,
  service_name, region_id, subscription_type, charge_category, currency,
  list_cost, billed_cost, effective_cost, invoice_discount, coupon_deduction, cash_coupon_deduction, line_items) ` +
				fmt.Sprintf(dailyAggregate, in)
			_, err := tx.ExecContext(ctx, q, args...)
			return err
		})
		if err != nil {
			return fmt.Errorf("store: rebuild daily roll-up of account %d: %w", accountID, err)
		}
	}
	return nil
}

// dailyAggregate is the SELECT that RebuildDaily inserts into cost_daily. Names are
// descriptive values of the group, not part of its identity, so MAX picks one of them.
const dailyAggregate = `SELECT account_id, charge_date, MAX(billing_period), MAX(week_start), service_code,
  MAX(service_name), region_id, subscription_type, charge_category, currency,
  SUM(list_cost), SUM(billed_cost), SUM(effective_cost), SUM(invoice_discount),
  SUM(coupon_deduction), SUM(cash_coupon_deduction), COUNT(*)
FROM cost_line_items
WHERE account_id = ? AND charge_date IN (%s)
GROUP BY account_id, charge_date, service_code, region_id, subscription_type, charge_category, currency`
