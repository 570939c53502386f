package store

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math/bits"
	"slices"
	"strconv"
	"strings"
	"sync"
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
		" GROUP BY c.account_id, c.resource_id, c.currency ORDER BY 7 DESC, c.resource_id, c.account_id, c.currency LIMIT ?")
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

// topResourcesByMonth answers TopResources from the running totals of resource series
// (migration 0009): a series' cost from s to e is R(e) - R(s-1), R(t) being its cost up to
// and including day t. Whatever the length of the range it reads two months of
// cost_monthly_resources, one row per series in each: R(s-1) from the rows of s's month (its
// prior totals plus its days before s) and R(e) from the rows of e's month; a series that
// ended before e's month has no row there and contributes its lifetime total instead, from
// cost_resource_lifetimes. A range inside one month reads that month's day columns alone. The
// same difference over the count of days with cost keeps only resources with cost in the
// range. The sums are added up and ranked here, not in SQL: MariaDB grouped them through a
// temporary table at 2–5 µs a row, and the rows of two months took 160 ms at 10 M line items.
// b is buildCost's answer for the line items, whose two date conditions lead.
func (s *Store) topResourcesByMonth(ctx context.Context, b *costSQL, q cost.Query, limit int) ([]ResourceCost, error) {
	first, last, err := monthSpans(q.Start, q.End)
	if err != nil {
		return nil, err
	}
	filters, filterArgs := b.where[2:], b.whereArgs[2:]
	type read struct {
		sign            int64
		value, days, dp string // SQL of the row's cost, days before the month and days_present
		from            string
		cond            string
		args            []any
		mask            int64 // days_present bits that count
	}
	month := func(sp monthSpan, prior bool, from, to int) read {
		r := read{sign: 1, value: "0", days: "0", dp: "c.days_present", from: "cost_monthly_resources c",
			cond: "c.billing_period = ?", args: []any{sp.month}}
		if from <= to {
			r.value = dayRangeExpr(q.Metric, from, to, sp.days)
			r.mask = monthSpan{from: from, to: to}.mask()
		}
		if prior {
			r.value = priorExpr(q.Metric) + " + " + r.value
			r.days = "c.prior_days"
		}
		return r
	}
	var reads []read
	if first.month == last.month {
		reads = append(reads, month(first, false, first.from, first.to))
	} else {
		before := month(first, true, 1, first.from-1) // R(s-1), subtracted
		before.sign = -1
		atEnd := month(last, true, 1, last.to) // R(e) of the series that reach e's month
		ended := read{                         // R(e) of those that ended in s's month or after it but before e's
			sign: 1, value: metricValue(q.Metric), days: "c.days", dp: "0", from: "cost_resource_lifetimes c",
			cond: "c.last_period >= ? AND c.last_period < ?", args: []any{first.month, last.month},
		}
		reads = append(reads, before, atEnd, ended)
	}

	// Rows are many and each key comes once per read, so a row finds its resource by its raw
	// bytes and only a new resource allocates strings. Sums are kept per series too, so that
	// the product, region and name of a resource come from its series with cost in the range,
	// as the line items would give them.
	sums := make(map[string]*resourceSum, 4096)
	var slab []resourceSum // resourceSums are allocated a block at a time
	names := map[string]string{}
	intern := func(b []byte) string { // products and regions are few: one string each
		if s, ok := names[string(b)]; ok {
			return s
		}
		s := string(b)
		names[s] = s
		return s
	}
	var mu sync.Mutex // guards sums while the reads run at once: the server works on one while this process adds up another
	failed := make([]error, len(reads))
	var wg sync.WaitGroup
	for i, r := range reads {
		wg.Go(func() {
			query := "SELECT c.account_id, c.resource_id, c.currency, c.service_code, c.region_id, " + r.value + ", " + r.days + ", " + r.dp +
				" FROM " + r.from + " WHERE " + strings.Join(append([]string{r.cond}, filters...), " AND ")
			args := append(slices.Clone(r.args), filterArgs...)
			rows, err := s.db.QueryContext(ctx, query, args...)
			if err != nil {
				failed[i] = err
				return
			}
			defer rows.Close()
			var buf []byte
			var acct, value, days, dp int64
			var resource, currency, product, region sql.RawBytes
			for rows.Next() {
				if err := rows.Scan(&acct, &resource, &currency, &product, &region, &value, &days, &dp); err != nil {
					failed[i] = err
					return
				}
				buf = resourceKey(buf[:0], acct, resource, currency)
				mu.Lock()
				t, ok := sums[string(buf)]
				if !ok {
					if len(slab) == cap(slab) {
						slab = make([]resourceSum, 0, 1024)
					}
					// The key holds the resource id and currency; the fields share its bytes.
					key := string(buf)
					idAt := strings.IndexByte(key, 0) + 1
					slab = append(slab, resourceSum{ResourceCost: ResourceCost{AccountID: acct,
						ResourceID: key[idAt : idAt+len(resource)], Currency: key[idAt+len(resource)+1:]}})
					t = &slab[len(slab)-1]
					sums[key] = t
				}
				t.Cost += money.Micros(r.sign * value)
				t.add(intern(product), intern(region), r.sign*(days+int64(bits.OnesCount64(uint64(dp&r.mask)))))
				mu.Unlock()
			}
			failed[i] = rows.Err()
		})
	}
	wg.Wait()
	if err := errors.Join(failed...); err != nil {
		return nil, fmt.Errorf("store: top resources: %w", Translate(err))
	}

	// The largest limit resources with cost on a day of the range (a series' cost in the
	// range is zero when it has no day there, so the resource's sum is over all its series).
	top := make([]*resourceSum, 0, limit+1)
	worse := func(x, y *resourceSum) bool { // x ranks after y
		if x.Cost != y.Cost {
			return x.Cost < y.Cost
		}
		return cmp.Or(strings.Compare(x.ResourceID, y.ResourceID), cmp.Compare(x.AccountID, y.AccountID), strings.Compare(x.Currency, y.Currency)) > 0
	}
	for _, t := range sums {
		if !t.present() || (len(top) == limit && worse(t, top[len(top)-1])) {
			continue
		}
		i, _ := slices.BinarySearchFunc(top, t, func(e, t *resourceSum) int {
			if worse(e, t) {
				return 1
			}
			return -1
		})
		top = slices.Insert(top, i, t)
		if len(top) > limit {
			top = top[:limit]
		}
	}
	var buf []byte
	out := make([]ResourceCost, 0, len(top))
	for _, t := range top {
		for _, sr := range t.series {
			if sr.days > 0 {
				t.Product, t.Region = max(t.Product, sr.product), max(t.Region, sr.region)
			}
		}
		out = append(out, t.ResourceCost)
	}
	if len(out) == 0 {
		return out, nil
	}

	// Names of the winners' series with cost in the range, from their lifetimes: the largest,
	// as the line items' MAX gives it unless a resource was renamed inside the range.
	// Each winner is looked up by its (account, resource) primary-key prefix; a list of
	// resource ids alone made MariaDB scan the whole table.
	pairs := make([]string, 0, len(out))
	args := make([]any, 0, 2*len(out)+len(filterArgs))
	for _, r := range out {
		pairs = append(pairs, "(c.account_id = ? AND c.resource_id = ?)")
		args = append(args, r.AccountID, r.ResourceID)
	}
	query := "SELECT c.account_id, c.resource_id, c.currency, c.service_code, c.region_id, c.resource_name" +
		" FROM cost_resource_lifetimes c WHERE " + strings.Join(append([]string{"(" + strings.Join(pairs, " OR ") + ")"}, filters...), " AND ")
	rows, err := s.db.QueryContext(ctx, query, append(args, filterArgs...)...)
	if err != nil {
		return nil, fmt.Errorf("store: top resources: names: %w", Translate(err))
	}
	defer rows.Close()
	for rows.Next() {
		var acct int64
		var resource, currency, product, region, name string
		if err := rows.Scan(&acct, &resource, &currency, &product, &region, &name); err != nil {
			return nil, fmt.Errorf("store: top resources: names: %w", Translate(err))
		}
		buf = resourceKey(buf[:0], acct, []byte(resource), []byte(currency))
		t, ok := sums[string(buf)]
		if !ok || t.days(product, region) <= 0 {
			continue
		}
		for i := range out {
			if out[i].AccountID == acct && out[i].ResourceID == resource && out[i].Currency == currency {
				out[i].ResourceName = max(out[i].ResourceName, name)
			}
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: top resources: names: %w", Translate(err))
	}
	return out, nil
}

// resourceSum is one resource's cost in a range while topResourcesByMonth adds it up, with
// the days with cost of each of its series (product and region). Nearly every resource has
// one series, which series holds without an allocation of its own.
type resourceSum struct {
	ResourceCost
	series []seriesDays
	one    [1]seriesDays
}

type seriesDays struct {
	product, region string
	days            int64
}

func (t *resourceSum) add(product, region string, days int64) {
	for i := range t.series {
		if t.series[i].product == product && t.series[i].region == region {
			t.series[i].days += days
			return
		}
	}
	if t.series == nil {
		t.series = t.one[:0]
	}
	t.series = append(t.series, seriesDays{product, region, days})
}

func (t *resourceSum) days(product, region string) int64 {
	for _, sr := range t.series {
		if sr.product == product && sr.region == region {
			return sr.days
		}
	}
	return 0
}

func (t *resourceSum) present() bool {
	return slices.ContainsFunc(t.series, func(sr seriesDays) bool { return sr.days > 0 })
}

// resourceKey appends the map key of (account, resource, currency) to buf.
func resourceKey(buf []byte, account int64, resource, currency []byte) []byte {
	buf = strconv.AppendInt(buf, account, 10)
	buf = append(append(buf, 0), resource...)
	return append(append(buf, 0), currency...)
}

// dayRangeExpr sums metric m over days from..to of a cost_monthly_resources row whose month
// has days days. Each day column costs MariaDB time on every row, so it sums the days in the
// range or subtracts the days outside it from the month's total, whichever reads fewer.
func dayRangeExpr(m cost.Metric, from, to, days int) string {
	outside := from - 1 + days - to
	if outside >= to-from+1 {
		return "(" + resourceDaysExpr(m, from, to) + ")"
	}
	expr := "(" + metricValue(m)
	if from > 1 {
		expr += " - (" + resourceDaysExpr(m, 1, from-1) + ")"
	}
	if to < days {
		expr += " - (" + resourceDaysExpr(m, to+1, days) + ")"
	}
	return expr + ")"
}

// priorExpr is metric m over a cost_monthly_resources row's earlier months of its series.
func priorExpr(m cost.Metric) string {
	switch m {
	case cost.List:
		return "c.prior_list"
	case cost.Effective:
		return "c.prior_effective"
	case cost.Discount:
		return "c.prior_list - c.prior_billed"
	}
	return "c.prior_billed"
}

// monthSpan is the days from..to (1–31) of one month (YYYY-MM) that a date range covers.
type monthSpan struct {
	month    string
	from, to int
	days     int // days in the month
}

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
