package store

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/cloudlens/cloudlens/shared/account"
	"github.com/cloudlens/cloudlens/shared/billing"
	"github.com/cloudlens/cloudlens/shared/cost"
	"github.com/cloudlens/cloudlens/shared/errs"
	"github.com/cloudlens/cloudlens/shared/money"
)

// MaxCostRows caps the grouped rows one cost query may return before shaping: two fine
// dimensions over a year of days could otherwise pull millions of groups into memory.
const MaxCostRows = 200_000

// costSQL is the FROM/WHERE part of a cost query built from the query model. Every value
// from the query goes in as a bound argument; only column names chosen here are spliced.
type costSQL struct {
	from      string
	joinArgs  []any
	where     []string
	whereArgs []any
	tags      map[string]string // tag key → join alias
	joins     []string
	source    source
	tagKey    string // the one tag key the tag roll-up answers for
	attr      string // the one line-item attribute the attribute roll-up answers for
	empty     bool   // the scope is empty: no row can match
}

// source is the table a cost query reads, from the smallest that can answer it.
type source int

const (
	fromTotals    source = iota // cost_daily_totals: account, day and currency only
	fromTags                    // cost_daily_tags (+ totals): one tag key, accounts
	fromAttrs                   // cost_daily_attrs: one line-item attribute, accounts
	fromRegions                 // cost_daily_regions: accounts, products, regions
	fromSubs                    // cost_daily_subscriptions: accounts, regions, subscription types, charge categories
	fromDaily                   // cost_daily: the roll-up dimensions
	fromLineItems               // cost_line_items: everything
)

// pickSource returns the smallest source that holds every dimension q touches, and no
// smaller than least (a caller that reads product columns or line-item columns says so),
// with the tag key or attribute that source is read for.
func pickSource(q cost.Query, least source) (source, string) {
	dims := make([]cost.Dim, 0, len(q.GroupBy)+len(q.Filters))
	dims = append(dims, q.GroupBy...)
	for _, f := range q.Filters {
		dims = append(dims, f.Dim)
	}
	onlyAccounts, tagKey, oneTag := true, "", true
	attr, oneAttr, regions, product := "", true, true, false
	for _, d := range dims {
		if d.Kind == cost.DimAccount {
			continue
		}
		onlyAccounts = false
		if d.Kind == cost.DimTag && (tagKey == "" || tagKey == d.TagKey) {
			tagKey = d.TagKey
		} else {
			oneTag = false
		}
		if _, ok := attrColumns[d.Kind]; ok && (attr == "" || attr == d.Kind) {
			attr = d.Kind
		} else {
			oneAttr = false
		}
		if d.Kind != cost.DimProduct && d.Kind != cost.DimRegion {
			regions = false
		}
		product = product || d.Kind == cost.DimProduct
	}
	switch {
	case least <= fromTotals && onlyAccounts:
		return fromTotals, ""
	case least <= fromTags && oneTag && tagKey != "":
		return fromTags, tagKey
	case least <= fromAttrs && oneAttr && attr != "":
		return fromAttrs, attr
	case least <= fromRegions && regions && product:
		return fromRegions, ""
	case least <= fromSubs && q.InRollup() && !product:
		// Also for region alone and for no dimension at all: a fifth of the rows of
		// cost_daily_regions, which keeps the product.
		return fromSubs, ""
	case least <= fromDaily && q.InRollup():
		return fromDaily, ""
	}
	return fromLineItems, ""
}

// tagRollup is the tag roll-up of one key as a derived table with the column names of the
// other sources: the key's rows, plus the day totals of account-days where the key never
// occurs (their items all have the empty value). Both halves take key, start, end and the
// scope; the anti-join repeats the range so MariaDB, which materializes it, reads only those days.
const tagRollup = `(SELECT account_id, charge_date, billing_period, week_start, currency, tag_value,
  list_cost, billed_cost, effective_cost
FROM cost_daily_tags
WHERE tag_key = ? AND charge_date >= ? AND charge_date <= ? AND %[1]s
UNION ALL
SELECT d.account_id, d.charge_date, d.billing_period, d.week_start, d.currency, '',
  d.list_cost, d.billed_cost, d.effective_cost
FROM cost_daily_totals d
WHERE d.charge_date >= ? AND d.charge_date <= ? AND %[2]s AND NOT EXISTS (SELECT 1 FROM cost_daily_tags k
  WHERE k.tag_key = ? AND k.charge_date >= ? AND k.charge_date <= ?
    AND k.charge_date = d.charge_date AND k.account_id = d.account_id AND k.currency = d.currency)) c`

// dimColumn is the SQL expression of a fixed dimension; roll-up and line items share names.
func dimColumn(kind string) string {
	switch kind {
	case cost.DimAccount:
		return "c.account_id"
	case cost.DimProduct:
		return "c.service_code"
	case cost.DimRegion:
		return "c.region_id"
	case cost.DimResourceGroup:
		return "c.resource_group"
	case cost.DimCostUnit:
		return "c.cost_unit"
	case cost.DimSubscriptionType:
		return "c.subscription_type"
	case cost.DimBillingItem:
		return "c.billing_item"
	case cost.DimChargeCategory:
		return "c.charge_category"
	}
	panic("store: unknown cost dimension " + kind)
}

func periodColumn(g cost.Granularity) string {
	switch g {
	case cost.Week:
		return "c.week_start"
	case cost.Month:
		return "c.billing_period"
	}
	return "c.charge_date"
}

func metricExpr(m cost.Metric) string {
	return "SUM(" + metricValue(m) + ")"
}

// metricValue is metric m of one row of any cost table: all carry list, billed and effective
// cost under the same names.
func metricValue(m cost.Metric) string {
	switch m {
	case cost.List:
		return "c.list_cost"
	case cost.Effective:
		return "c.effective_cost"
	case cost.Discount:
		return "c.list_cost - c.billed_cost"
	}
	return "c.billed_cost"
}

// buildCost prepares the FROM and WHERE of q within scope, reading the smallest source
// that can answer and no smaller than least.
func buildCost(scope account.Scope, q cost.Query, least source) *costSQL {
	b := &costSQL{tags: map[string]string{}}
	var key string
	b.source, key = pickSource(q, least)
	cond, args, ok := scopeFilter("c.account_id", scope)
	if !ok {
		b.empty = true
		return b
	}
	switch b.source {
	case fromTotals:
		b.from = "cost_daily_totals c"
	case fromTags:
		b.tagKey = key
		// The scope goes inside both halves too, so the indexes see it.
		inner, _, _ := scopeFilter("account_id", scope)
		innerD, _, _ := scopeFilter("d.account_id", scope)
		b.from = fmt.Sprintf(tagRollup, inner, innerD)
		b.joinArgs = append(b.joinArgs, b.tagKey, q.Start, q.End)
		b.joinArgs = append(b.joinArgs, args...)
		b.joinArgs = append(b.joinArgs, q.Start, q.End)
		b.joinArgs = append(b.joinArgs, args...)
		b.joinArgs = append(b.joinArgs, b.tagKey, q.Start, q.End)
	case fromAttrs:
		b.from, b.attr = "cost_daily_attrs c", key
	case fromRegions:
		b.from = "cost_daily_regions c"
	case fromSubs:
		b.from = "cost_daily_subscriptions c"
	case fromDaily:
		b.from = "cost_daily c"
	default:
		b.from = "cost_line_items c"
	}
	if b.source == fromAttrs {
		b.where = append(b.where, "c.attr = ?")
		b.whereArgs = append(b.whereArgs, b.attr)
	}
	b.where = append(b.where, "c.charge_date >= ?", "c.charge_date <= ?", cond)
	b.whereArgs = append(b.whereArgs, q.Start, q.End)
	b.whereArgs = append(b.whereArgs, args...)
	for _, f := range q.Filters {
		col := b.dim(f.Dim)
		op := " IN ("
		if f.Exclude {
			op = " NOT IN ("
		}
		b.where = append(b.where, col+op+placeholders(len(f.Values))+")")
		for _, v := range f.Values {
			if f.Dim.Kind == cost.DimAccount {
				id, _ := strconv.ParseInt(v, 10, 64) // validated by cost.ParseFilter
				b.whereArgs = append(b.whereArgs, id)
				continue
			}
			b.whereArgs = append(b.whereArgs, v)
		}
	}
	return b
}

// dim returns the expression of d, joining the tag table once per tag key; an item without
// the tag has the value "".
func (b *costSQL) dim(d cost.Dim) string {
	if b.source == fromAttrs && d.Kind == b.attr {
		return "c.attr_value" // pickSource admits one attribute only
	}
	if d.Kind != cost.DimTag {
		return dimColumn(d.Kind)
	}
	if b.source == fromTags {
		return "c.tag_value" // pickSource admits one tag key only
	}
	alias, ok := b.tags[d.TagKey]
	if !ok {
		alias = "t" + strconv.Itoa(len(b.tags))
		b.tags[d.TagKey] = alias
		b.joins = append(b.joins, " LEFT JOIN cost_tag_set_tags "+alias+" ON "+alias+".tag_set_id = c.tag_set_id AND "+alias+".tag_key = ?")
		b.joinArgs = append(b.joinArgs, d.TagKey)
	}
	return "COALESCE(" + alias + ".tag_value, '')"
}

// sql assembles SELECT sel FROM … WHERE … with the arguments in the order of their ? marks.
func (b *costSQL) sql(sel, tail string) (string, []any) {
	var sb strings.Builder
	sb.WriteString("SELECT ")
	sb.WriteString(sel)
	sb.WriteString(" FROM ")
	sb.WriteString(b.from)
	for _, j := range b.joins {
		sb.WriteString(j)
	}
	sb.WriteString(" WHERE ")
	sb.WriteString(strings.Join(b.where, " AND "))
	sb.WriteString(tail)
	args := make([]any, 0, len(b.joinArgs)+len(b.whereArgs))
	args = append(args, b.joinArgs...)
	args = append(args, b.whereArgs...)
	return sb.String(), args
}

// dayText reads a DATE column (time.Time on MySQL, text on SQLite) or a YYYY-MM text as
// its leading date text.
func dayText(s string) string {
	if len(s) > 10 {
		return s[:10]
	}
	return s
}

// CostRows answers q for the accounts in scope: one row per currency, period and group, from
// the smallest roll-up that holds every dimension q touches (account-day totals, the tag
// roll-up, the attribute roll-up, the product-region roll-up, the daily roll-up), from line
// items otherwise.
// More than MaxCostRows groups is errs.KindInvalid, asking for a narrower query.
func (s *Store) CostRows(ctx context.Context, scope account.Scope, q cost.Query) ([]cost.Row, error) {
	b := buildCost(scope, q, fromTotals)
	if b.empty {
		return []cost.Row{}, nil
	}
	selectCols := []string{periodColumn(q.Granularity), "c.currency"}
	for _, d := range q.GroupBy {
		selectCols = append(selectCols, b.dim(d))
	}
	// The GROUP BY lists the period, the currency, then the dimensions in the column order of
	// the roll-ups' covering indexes (cost_daily_regions_cover, cost_daily_groups), so that a
	// daily breakdown groups in index order instead of through a temporary table, whichever
	// order the user named the dimensions in. The order of GROUP BY changes no result.
	groupCols := slices.Clone(selectCols[2:])
	slices.SortStableFunc(groupCols, func(a, b string) int { return indexRank(a) - indexRank(b) })
	group := strings.Join(append(selectCols[:2:2], groupCols...), ", ")
	query, args := b.sql(strings.Join(selectCols, ", ")+", "+metricExpr(q.Metric), " GROUP BY "+group+" LIMIT "+strconv.Itoa(MaxCostRows+1))
	rows, err := s.db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("store: cost rows: %w", Translate(err))
	}
	defer rows.Close()
	out := []cost.Row{}
	for rows.Next() {
		r := cost.Row{Keys: make([]string, len(q.GroupBy))}
		dest := []any{&r.Period, &r.Currency}
		for i := range r.Keys {
			dest = append(dest, &r.Keys[i])
		}
		var sum int64
		dest = append(dest, &sum)
		if err := rows.Scan(dest...); err != nil {
			return nil, fmt.Errorf("store: cost rows: %w", Translate(err))
		}
		r.Period, r.Cost = dayText(r.Period), money.Micros(sum)
		out = append(out, r)
		if len(out) > MaxCostRows {
			return nil, errs.Invalid("the query has more than %d groups; narrow the range, coarsen the granularity or add filters", MaxCostRows)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: cost rows: %w", Translate(err))
	}
	return out, nil
}

// indexRank is the position of a grouped column in the covering indexes of the roll-ups,
// after the date and the currency; columns in none of them come last.
func indexRank(col string) int {
	for i, c := range []string{"c.service_code", "c.subscription_type", "c.charge_category", "c.region_id", "c.account_id"} {
		if col == c {
			return i
		}
	}
	return 5
}

// CostAccounts lists the accounts that have costs in the slice q, so an answer can say
// whether it rests on demo accounts.
func (s *Store) CostAccounts(ctx context.Context, scope account.Scope, q cost.Query) ([]int64, error) {
	// Grouping does not change which accounts have costs; without it the filters alone pick
	// the source, which is the account-day totals for most slices.
	q.GroupBy = nil
	b := buildCost(scope, q, fromTotals)
	if b.empty {
		return []int64{}, nil
	}
	query, args := b.sql("DISTINCT c.account_id", "")
	return s.queryIDs(ctx, "cost accounts", query, args)
}

func (s *Store) queryIDs(ctx context.Context, what, query string, args []any) ([]int64, error) {
	rows, err := s.db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("store: %s: %w", what, Translate(err))
	}
	defer rows.Close()
	out := []int64{}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("store: %s: %w", what, Translate(err))
		}
		out = append(out, id)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: %s: %w", what, Translate(err))
	}
	return out, nil
}

// ProductNames maps product codes to their display names as the bills in scope name them.
// It names every product billed to the accounts in scope on any day, not only in q's range:
// a wider label map costs the caller nothing, and read this way it is one index probe per
// account and product (cost_daily_products) instead of a scan of the range's roll-up rows.
func (s *Store) ProductNames(ctx context.Context, scope account.Scope, q cost.Query) (map[string]string, error) {
	out := map[string]string{}
	cond, args, ok := scopeFilter("c.account_id", scope)
	if !ok {
		return out, nil
	}
	// Grouping by the index's leading columns lets MySQL skip from group to group.
	query := "SELECT c.service_code, MAX(c.service_name) FROM cost_daily c WHERE " + cond + " GROUP BY c.account_id, c.service_code"
	rows, err := s.db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("store: product names: %w", Translate(err))
	}
	defer rows.Close()
	for rows.Next() {
		var code, name string
		if err := rows.Scan(&code, &name); err != nil {
			return nil, fmt.Errorf("store: product names: %w", Translate(err))
		}
		out[code] = max(out[code], name) // the same choice MAX makes across accounts
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: product names: %w", Translate(err))
	}
	return out, nil
}

// ResourceCost is one resource's cost in a slice.
type ResourceCost struct {
	AccountID    int64        `json:"accountId"`
	ResourceID   string       `json:"resourceId"`
	ResourceName string       `json:"resourceName"`
	Product      string       `json:"product"`
	Region       string       `json:"region"`
	Currency     string       `json:"currency"`
	Cost         money.Micros `json:"cost"`
}

// TopResources lists the resources with the largest q.Metric in the slice q, largest first,
// at most limit per call. Items without a resource id are not resources and are left out.
func (s *Store) TopResources(ctx context.Context, scope account.Scope, q cost.Query, limit int) ([]ResourceCost, error) {
	b := buildCost(scope, q, fromLineItems)
	out := []ResourceCost{}
	if b.empty {
		return out, nil
	}
	if resourceRollup(q) {
		return s.topResourcesByMonth(ctx, b, q, limit)
	}
	b.where = append(b.where, "c.resource_id <> ''")
	query, args := b.sql("c.account_id, c.resource_id, MAX(c.resource_name), MAX(c.service_code), MAX(c.region_id), c.currency, "+metricExpr(q.Metric),
		" GROUP BY c.account_id, c.resource_id, c.currency ORDER BY 7 DESC, c.resource_id LIMIT ?")
	args = append(args, limit)
	rows, err := s.db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("store: top resources: %w", Translate(err))
	}
	defer rows.Close()
	for rows.Next() {
		var r ResourceCost
		var sum int64
		if err := rows.Scan(&r.AccountID, &r.ResourceID, &r.ResourceName, &r.Product, &r.Region, &r.Currency, &sum); err != nil {
			return nil, fmt.Errorf("store: top resources: %w", Translate(err))
		}
		r.Cost = money.Micros(sum)
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: top resources: %w", Translate(err))
	}
	return out, nil
}

// topResourcesByMonth answers TopResources from cost_monthly_resources, one row per resource
// and month of the range whatever its length in days (migration 0007): whole months sum their
// totals, the range's first and last month the day columns inside the range, and a row counts
// only if the resource had cost on one of those days. It ranks on the narrow key and the sum
// first, then reads the names of the winners: carrying the name columns through the grouping
// tripled its cost. b is buildCost's answer for the line items, whose date conditions lead.
func (s *Store) topResourcesByMonth(ctx context.Context, b *costSQL, q cost.Query, limit int) ([]ResourceCost, error) {
	out := []ResourceCost{}
	first, last, err := monthSpans(q.Start, q.End)
	if err != nil {
		return nil, err
	}
	// The date conditions of the line items give way to the months and days of the range.
	where := []string{"c.billing_period >= ?", "c.billing_period <= ?"}
	whereArgs := []any{first.month, last.month}
	spans := []monthSpan{first}
	if last.month != first.month {
		spans = append(spans, last)
	}
	var cases string
	var sumArgs []any
	for _, sp := range spans {
		if sp.whole() {
			continue
		}
		cases += " WHEN c.billing_period = ? THEN " + resourceDaysExpr(q.Metric, sp.from, sp.to)
		sumArgs = append(sumArgs, sp.month)
		where = append(where, "(c.billing_period <> ? OR (c.days_present & "+strconv.FormatInt(sp.mask(), 10)+") <> 0)")
		whereArgs = append(whereArgs, sp.month)
	}
	sum := "SUM(" + metricValue(q.Metric) + ")"
	if cases != "" {
		sum = "SUM(CASE" + cases + " ELSE " + metricValue(q.Metric) + " END)"
	}
	b.from = "cost_monthly_resources c"
	b.where = append(where, b.where[2:]...)
	b.whereArgs = append(whereArgs, b.whereArgs[2:]...)
	b.joinArgs = sumArgs // cost_monthly_resources has no joins; the sum's arguments come first

	query, args := b.sql("c.account_id, c.resource_id, c.currency, "+sum, " GROUP BY c.account_id, c.resource_id, c.currency ORDER BY 4 DESC, c.resource_id LIMIT ?")
	args = append(args, limit)
	rows, err := s.db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("store: top resources: %w", Translate(err))
	}
	type key struct {
		account  int64
		resource string
		currency string
	}
	index := map[key]int{}
	var ids []any
	for rows.Next() {
		var r ResourceCost
		var total int64
		if err := rows.Scan(&r.AccountID, &r.ResourceID, &r.Currency, &total); err != nil {
			rows.Close()
			return nil, fmt.Errorf("store: top resources: %w", Translate(err))
		}
		r.Cost = money.Micros(total)
		index[key{r.AccountID, r.ResourceID, r.Currency}] = len(out)
		ids = append(ids, r.ResourceID)
		out = append(out, r)
	}
	err = rows.Err()
	rows.Close()
	if err != nil {
		return nil, fmt.Errorf("store: top resources: %w", Translate(err))
	}
	if len(out) == 0 {
		return out, nil
	}

	// Names, products and regions of the winners, over the same rows.
	b.joinArgs = nil
	b.where = append(b.where, "c.resource_id IN ("+placeholders(len(ids))+")")
	b.whereArgs = append(b.whereArgs, ids...)
	query, args = b.sql("c.account_id, c.resource_id, c.currency, MAX(c.resource_name), MAX(c.service_code), MAX(c.region_id)",
		" GROUP BY c.account_id, c.resource_id, c.currency")
	rows, err = s.db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("store: top resources: names: %w", Translate(err))
	}
	defer rows.Close()
	for rows.Next() {
		var k key
		var name, product, region string
		if err := rows.Scan(&k.account, &k.resource, &k.currency, &name, &product, &region); err != nil {
			return nil, fmt.Errorf("store: top resources: names: %w", Translate(err))
		}
		if i, ok := index[k]; ok {
			out[i].ResourceName, out[i].Product, out[i].Region = name, product, region
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: top resources: names: %w", Translate(err))
	}
	return out, nil
}

// monthSpan is the days from..to (1–31) of one month (YYYY-MM) that a date range covers.
type monthSpan struct {
	month    string
	from, to int
	days     int // days in the month
}

func (sp monthSpan) whole() bool { return sp.from == 1 && sp.to == sp.days }

// mask is the days_present bits of the span's days.
func (sp monthSpan) mask() int64 {
	var m int64
	for d := sp.from; d <= sp.to; d++ {
		m |= 1 << (d - 1)
	}
	return m
}

// monthSpans returns the parts of the first and last month of start..end (YYYY-MM-DD, the
// query model validated them) that the range covers; the months between are whole. For a
// range inside one month both are the same span.
func monthSpans(start, end string) (first, last monthSpan, err error) {
	s, err1 := time.Parse(time.DateOnly, start)
	e, err2 := time.Parse(time.DateOnly, end)
	if err1 != nil || err2 != nil || e.Before(s) {
		return first, last, errs.Invalid("the date range %s to %s is not valid", start, end)
	}
	daysIn := func(t time.Time) int { return time.Date(t.Year(), t.Month()+1, 0, 0, 0, 0, 0, time.UTC).Day() }
	first = monthSpan{month: s.Format("2006-01"), from: s.Day(), to: daysIn(s), days: daysIn(s)}
	last = monthSpan{month: e.Format("2006-01"), from: 1, to: e.Day(), days: daysIn(e)}
	if first.month == last.month {
		first.to = e.Day()
		last = first
	}
	return first, last, nil
}

// resourceDaysExpr sums metric m over days from..to of a cost_monthly_resources row.
func resourceDaysExpr(m cost.Metric, from, to int) string {
	days := func(prefix string) string {
		cols := make([]string, 0, to-from+1)
		for d := from; d <= to; d++ {
			cols = append(cols, "c."+resourceDayColumn(prefix, d))
		}
		return "(" + strings.Join(cols, " + ") + ")"
	}
	switch m {
	case cost.List:
		return days("list")
	case cost.Effective:
		return days("effective")
	case cost.Discount:
		return days("list") + " - " + days("billed")
	}
	return days("billed")
}

// resourceRollup reports whether cost_daily_resources can answer q: it carries the account,
// product and region of each resource-day, and no other dimension.
func resourceRollup(q cost.Query) bool {
	for _, f := range q.Filters {
		switch f.Dim.Kind {
		case cost.DimAccount, cost.DimProduct, cost.DimRegion:
		default:
			return false
		}
	}
	return true
}

// ResourceRow is one period of one resource's cost.
type ResourceRow struct {
	ResourceCost
	Period string
}

// ResourceSeries is the cost of resourceID per period of q (any account in scope), with the
// resource's descriptive columns; no rows means no visible cost in the range.
func (s *Store) ResourceSeries(ctx context.Context, scope account.Scope, resourceID string, q cost.Query) ([]ResourceRow, error) {
	b := buildCost(scope, q, fromLineItems)
	out := []ResourceRow{}
	if b.empty {
		return out, nil
	}
	if resourceRollup(q) {
		// The daily resource roll-up has every column read below, and an index on
		// (resource_id, charge_date); the line items have no index on the resource.
		b.from = "cost_daily_resources c"
	}
	b.where = append(b.where, "c.resource_id = ?")
	b.whereArgs = append(b.whereArgs, resourceID)
	period := periodColumn(q.Granularity)
	query, args := b.sql("c.account_id, MAX(c.resource_name), MAX(c.service_code), MAX(c.region_id), c.currency, "+period+", "+metricExpr(q.Metric),
		" GROUP BY c.account_id, c.currency, "+period+" ORDER BY c.currency, "+period)
	rows, err := s.db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("store: resource series: %w", Translate(err))
	}
	defer rows.Close()
	for rows.Next() {
		r := ResourceRow{ResourceCost: ResourceCost{ResourceID: resourceID}}
		var sum int64
		if err := rows.Scan(&r.AccountID, &r.ResourceName, &r.Product, &r.Region, &r.Currency, &r.Period, &sum); err != nil {
			return nil, fmt.Errorf("store: resource series: %w", Translate(err))
		}
		r.Period, r.Cost = dayText(r.Period), money.Micros(sum)
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: resource series: %w", Translate(err))
	}
	return out, nil
}

// DiscountRow sums list and billed cost, invoice discounts and coupons of one group.
type DiscountRow struct {
	Currency    string
	Key         string
	ListCost    money.Micros
	BilledCost  money.Micros
	Invoice     money.Micros
	Coupons     money.Micros
	CashCoupons money.Micros
}

// Discounts groups the slice q by one roll-up dimension (product, region, subscriptionType)
// or, with by == "month", by billing period.
func (s *Store) Discounts(ctx context.Context, scope account.Scope, q cost.Query, by string) ([]DiscountRow, error) {
	var byDim []cost.Dim
	if by != "month" {
		d, err := cost.ParseDim(by)
		if err != nil || !d.InRollup() || d.Kind == cost.DimTag || d.Kind == cost.DimAccount || d.Kind == cost.DimChargeCategory {
			return nil, errs.Invalid("discounts can be grouped by product, region, subscriptionType or month, not %q", by)
		}
		byDim = []cost.Dim{d}
	}
	// The grouped dimension picks the source with the filters; the totals, tag and attribute
	// roll-ups lack the discount columns, so the smallest is cost_daily_regions.
	q.GroupBy = byDim
	b := buildCost(scope, q, fromRegions)
	out := []DiscountRow{}
	if b.empty {
		return out, nil
	}
	key := "c.billing_period"
	if len(byDim) == 1 {
		key = b.dim(byDim[0])
	}
	cols := "SUM(c.list_cost), SUM(c.billed_cost), SUM(c.invoice_discount), SUM(c.coupon_deduction), SUM(c.cash_coupon_deduction)"
	query, args := b.sql("c.currency, "+key+", "+cols, " GROUP BY c.currency, "+key+" ORDER BY c.currency, "+key)
	rows, err := s.db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("store: discounts: %w", Translate(err))
	}
	defer rows.Close()
	for rows.Next() {
		var r DiscountRow
		var v [5]int64
		if err := rows.Scan(&r.Currency, &r.Key, &v[0], &v[1], &v[2], &v[3], &v[4]); err != nil {
			return nil, fmt.Errorf("store: discounts: %w", Translate(err))
		}
		r.ListCost, r.BilledCost, r.Invoice, r.Coupons, r.CashCoupons = money.Micros(v[0]), money.Micros(v[1]), money.Micros(v[2]), money.Micros(v[3]), money.Micros(v[4])
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: discounts: %w", Translate(err))
	}
	return out, nil
}

const lineItemColumns = "c.account_id, c.charge_date, c.item_key, c.billing_period, c.week_start, c.billing_account_id, " +
	"c.billing_account_name, c.sub_account_id, c.sub_account_name, c.service_code, c.service_name, c.service_category, " +
	"c.product_type, c.charge_category, c.charge_frequency, c.resource_id, c.resource_name, c.region_id, c.region_name, " +
	"c.zone, c.list_cost, c.billed_cost, c.effective_cost, c.invoice_discount, c.coupon_deduction, " +
	"c.cash_coupon_deduction, c.prepaid_card_deduction, c.pricing_quantity, c.pricing_unit, c.subscription_type, " +
	"c.billing_item, c.billing_item_name, c.resource_group, c.cost_unit, c.currency"

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
		var m [7]int64
		var tagKey, tagValue sql.NullString
		if err := rows.Scan(&li.AccountID, &li.ChargeDate, &key, &li.BillingPeriod, &li.WeekStart, &li.BillingAccountID,
			&li.BillingAccountName, &li.SubAccountID, &li.SubAccountName, &li.ServiceCode, &li.ServiceName, &li.ServiceCategory,
			&li.ProductType, &li.ChargeCategory, &li.ChargeFrequency, &li.ResourceID, &li.ResourceName, &li.RegionID, &li.RegionName,
			&li.Zone, &m[0], &m[1], &m[2], &m[3], &m[4], &m[5], &m[6], &li.PricingQuantity, &li.PricingUnit, &li.SubscriptionType,
			&li.BillingItem, &li.BillingItemName, &li.ResourceGroup, &li.CostUnit, &li.Currency, &tagKey, &tagValue); err != nil {
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
