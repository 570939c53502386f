package store

import (
	"context"
	"fmt"

	"github.com/cloudlens/cloudlens/shared/anomaly"
	"github.com/cloudlens/cloudlens/shared/money"
)

// SeriesPoint is one series' billed cost on one day: the series is named by the account
// (0 across accounts), a key (a product code, or ” for a total) and the currency.
type SeriesPoint struct {
	AccountID int64
	Key       string
	Currency  string
	Day       string
	Amount    money.Micros
}

func (s *Store) seriesPoints(ctx context.Context, what, q string, args ...any) ([]SeriesPoint, error) {
	rows, err := s.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("store: %s: %w", what, Translate(err))
	}
	defer rows.Close()
	var out []SeriesPoint
	for rows.Next() {
		var p SeriesPoint
		if err := rows.Scan(&p.AccountID, &p.Key, &p.Currency, dateCol{&p.Day}, &p.Amount); err != nil {
			return nil, fmt.Errorf("store: %s: %w", what, Translate(err))
		}
		out = append(out, p)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: %s: %w", what, Translate(err))
	}
	return out, nil
}

// AccountProductDaily returns every account × product series' daily billed cost over
// from..to (inclusive), from the product × region roll-up.
func (s *Store) AccountProductDaily(ctx context.Context, from, to string) ([]SeriesPoint, error) {
	return s.seriesPoints(ctx, "account product series",
		"SELECT account_id, service_code, currency, charge_date, SUM(billed_cost) FROM cost_daily_regions "+
			"WHERE charge_date >= ? AND charge_date <= ? GROUP BY account_id, service_code, currency, charge_date", from, to)
}

// AccountDaily returns every account's daily billed cost over from..to.
func (s *Store) AccountDaily(ctx context.Context, from, to string) ([]SeriesPoint, error) {
	return s.seriesPoints(ctx, "account series",
		"SELECT account_id, '', currency, charge_date, billed_cost FROM cost_daily_totals WHERE charge_date >= ? AND charge_date <= ?", from, to)
}

// MonitorDaily returns the daily billed cost per account of what a person's monitor watches
// (a tag value, cost unit, resource group or region) over from..to, from the roll-ups.
func (s *Store) MonitorDaily(ctx context.Context, m anomaly.Monitor, from, to string) ([]SeriesPoint, error) {
	var q string
	args := []any{}
	switch m.Dim {
	case anomaly.MonTag:
		q = "SELECT account_id, '', currency, charge_date, SUM(billed_cost) FROM cost_daily_tags WHERE tag_key = ? AND tag_value = ?"
		args = append(args, m.Key, m.Value)
	case anomaly.MonCostUnit, anomaly.MonResourceGroup:
		q = "SELECT account_id, '', currency, charge_date, SUM(billed_cost) FROM cost_daily_attrs WHERE attr = ? AND attr_value = ?"
		args = append(args, string(m.Dim), m.Value)
	case anomaly.MonRegion:
		q = "SELECT account_id, '', currency, charge_date, SUM(billed_cost) FROM cost_daily_regions WHERE region_id = ?"
		args = append(args, m.Value)
	default:
		return nil, fmt.Errorf("store: monitor series: dimension %q is read with the built-in series", m.Dim)
	}
	if m.AccountID != 0 {
		q += " AND account_id = ?"
		args = append(args, m.AccountID)
	}
	q += " AND charge_date >= ? AND charge_date <= ? GROUP BY account_id, currency, charge_date"
	return s.seriesPoints(ctx, "monitor series", q, append(args, from, to)...)
}

// BilledDays returns, per account that recorded any complete day within from..to, the days
// whose bills are complete: fetched whole and not noted incomplete since. An account absent
// from the answer has no sync record in the range (figures loaded another way), and its
// days are taken as they are.
func (s *Store) BilledDays(ctx context.Context, from, to string) (map[int64]map[string]bool, error) {
	out := map[int64]map[string]bool{}
	rows, err := s.db.QueryContext(ctx, "SELECT account_id, charge_date FROM sync_days WHERE charge_date >= ? AND charge_date <= ?", from, to)
	if err != nil {
		return nil, fmt.Errorf("store: billed days: %w", Translate(err))
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var day string
		if err := rows.Scan(&id, dateCol{&day}); err != nil {
			return nil, fmt.Errorf("store: billed days: %w", Translate(err))
		}
		if out[id] == nil {
			out[id] = map[string]bool{}
		}
		out[id][day] = true
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: billed days: %w", Translate(err))
	}
	gaps, err := s.db.QueryContext(ctx, "SELECT account_id, charge_date FROM billing_day_gaps WHERE charge_date >= ? AND charge_date <= ?", from, to)
	if err != nil {
		return nil, fmt.Errorf("store: billed days: %w", Translate(err))
	}
	defer gaps.Close()
	for gaps.Next() {
		var id int64
		var day string
		if err := gaps.Scan(&id, dateCol{&day}); err != nil {
			return nil, fmt.Errorf("store: billed days: %w", Translate(err))
		}
		if out[id] == nil {
			out[id] = map[string]bool{}
		}
		out[id][day] = false
	}
	if err := gaps.Err(); err != nil {
		return nil, fmt.Errorf("store: billed days: %w", Translate(err))
	}
	return out, nil
}

// ContributorRow is the billed cost of one combination of the dimensions an anomaly is
// explained across, on one day.
type ContributorRow struct {
	Day                                     string
	AccountID                               int64
	Product, Region, Resource, ResourceName string
	BillingItem, BillingItemName, ResGroup  string
	SubscriptionType                        string
	TagSetID                                int64
	Amount                                  money.Micros
}

// ContributorRows returns the billed cost in currency of what monitor m watches on days (YYYY-MM-DD),
// per day and per combination of account, product, region, resource, billing item, resource
// group, subscription type and tag set. It reads line items (whose key leads with the day): the
// detection job calls it once per new or changed anomaly, for its days and the days its
// baseline reads, never on a request path.
func (s *Store) ContributorRows(ctx context.Context, m anomaly.Monitor, currency string, days []string) ([]ContributorRow, error) {
	if len(days) == 0 {
		return nil, nil
	}
	where := "charge_date IN (" + placeholders(len(days)) + ") AND currency = ?"
	args := make([]any, 0, len(days)+3)
	for _, d := range days {
		args = append(args, d)
	}
	args = append(args, currency)
	if m.AccountID != 0 {
		where += " AND account_id = ?"
		args = append(args, m.AccountID)
	}
	switch m.Dim {
	case anomaly.MonAccountProduct, anomaly.MonProduct:
		where += " AND service_code = ?"
		args = append(args, m.Value)
	case anomaly.MonTag:
		where += " AND tag_set_id IN (SELECT tag_set_id FROM cost_tag_set_tags WHERE tag_key = ? AND tag_value = ?)"
		args = append(args, m.Key, m.Value)
	case anomaly.MonCostUnit:
		where += " AND cost_unit = ?"
		args = append(args, m.Value)
	case anomaly.MonResourceGroup:
		where += " AND resource_group = ?"
		args = append(args, m.Value)
	case anomaly.MonRegion:
		where += " AND region_id = ?"
		args = append(args, m.Value)
	}
	rows, err := s.db.QueryContext(ctx, "SELECT charge_date, account_id, service_code, region_id, resource_id, MAX(resource_name), billing_item, "+
		"MAX(billing_item_name), resource_group, subscription_type, tag_set_id, SUM(billed_cost) FROM cost_line_items WHERE "+where+
		" GROUP BY charge_date, account_id, service_code, region_id, resource_id, billing_item, resource_group, subscription_type, tag_set_id", args...)
	if err != nil {
		return nil, fmt.Errorf("store: contributor rows: %w", Translate(err))
	}
	defer rows.Close()
	var out []ContributorRow
	for rows.Next() {
		var r ContributorRow
		if err := rows.Scan(dateCol{&r.Day}, &r.AccountID, &r.Product, &r.Region, &r.Resource, &r.ResourceName, &r.BillingItem,
			&r.BillingItemName, &r.ResGroup, &r.SubscriptionType, &r.TagSetID, &r.Amount); err != nil {
			return nil, fmt.Errorf("store: contributor rows: %w", Translate(err))
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: contributor rows: %w", Translate(err))
	}
	return out, nil
}

// TagSets returns the tags of each tag set id.
func (s *Store) TagSets(ctx context.Context, ids []int64) (map[int64]map[string]string, error) {
	out := map[int64]map[string]string{}
	ids = uniqueIDs(ids)
	for start := 0; start < len(ids); start += 500 {
		part := ids[start:min(start+500, len(ids))]
		rows, err := s.db.QueryContext(ctx, "SELECT tag_set_id, tag_key, tag_value FROM cost_tag_set_tags WHERE tag_set_id IN ("+
			placeholders(len(part))+")", int64Args(part)...)
		if err != nil {
			return nil, fmt.Errorf("store: tag sets: %w", Translate(err))
		}
		for rows.Next() {
			var id int64
			var k, v string
			if err := rows.Scan(&id, &k, &v); err != nil {
				rows.Close()
				return nil, fmt.Errorf("store: tag sets: %w", Translate(err))
			}
			if out[id] == nil {
				out[id] = map[string]string{}
			}
			out[id][k] = v
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return nil, fmt.Errorf("store: tag sets: %w", Translate(err))
		}
	}
	return out, nil
}
