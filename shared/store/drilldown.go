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
	"github.com/cloudlens/cloudlens/shared/cost"
	"github.com/cloudlens/cloudlens/shared/errs"
	"github.com/cloudlens/cloudlens/shared/money"
)

// TopResources lists the resources with the largest q.Metric in the slice q, largest first,
// at most limit per call. Items without a resource id are not resources and are left out.
func (s *Store) TopResources(ctx context.Context, scope account.Scope, q cost.Query, limit int) ([]cost.ResourceCost, error) {
	b := buildCost(scope, q, fromLineItems)
	out := []cost.ResourceCost{}
	if b.empty {
		return out, nil
	}
	if resourceRollup(q) {
		return s.topResourcesByMonth(ctx, b, q, limit)
	}
	if q.Metric == cost.Effective {
		b.addShares(scope, q)
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
		var r cost.ResourceCost
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
// cost_monthly_resources, one row per series in each (monthReads says which), adds the rows
// up per resource here rather than in SQL (sumResources; BENCHMARKS.md, "Measured choices in
// the store", says why), keeps the largest (rank) and names them (nameResources).
// b is buildCost's answer for the line items, whose two date conditions lead.
func (s *Store) topResourcesByMonth(ctx context.Context, b *costSQL, q cost.Query, limit int) ([]cost.ResourceCost, error) {
	first, last, err := monthSpans(q.Start, q.End)
	if err != nil {
		return nil, err
	}
	f := resourceFilters{where: b.where[2:], args: b.whereArgs[2:]}
	sums, err := s.sumResources(ctx, monthReads(q.Metric, first, last), f)
	if err != nil {
		return nil, err
	}
	out := sums.rank(limit)
	if len(out) == 0 {
		return out, nil
	}
	if err := s.nameResources(ctx, out, sums, f); err != nil {
		return nil, err
	}
	return out, nil
}

// resourceFilters are the conditions of a drill-down beyond its dates (scope and filters on
// account, product and region), which every table read by topResourcesByMonth carries.
type resourceFilters struct {
	where []string
	args  []any
}

// monthRead is one query of topResourcesByMonth: per series, a signed cost and count of days
// with cost, read from one month of cost_monthly_resources or from the lifetimes.
type monthRead struct {
	sign            int64
	value, days, dp string // SQL of the row's cost, days before the month and days_present
	from            string
	cond            string
	args            []any
	mask            int64 // days_present bits that count
}

// monthReads plans the reads of a range from first to last. A range inside one month reads
// that month's day columns alone. Otherwise R(s-1) comes from the rows of s's month (their
// prior totals plus the days before s) and is subtracted, R(e) from the rows of e's month; a
// series that ended before e's month has no row there and contributes its lifetime total
// instead, from cost_resource_lifetimes. The same difference over the count of days with cost
// keeps only resources with cost in the range.
func monthReads(m cost.Metric, first, last monthSpan) []monthRead {
	month := func(sp monthSpan, prior bool, from, to int) monthRead {
		r := monthRead{sign: 1, value: "0", days: "0", dp: "c.days_present", from: "cost_monthly_resources c",
			cond: "c.billing_period = ?", args: []any{sp.month}}
		if from <= to {
			r.value = dayRangeExpr(m, from, to, sp.days)
			r.mask = monthSpan{from: from, to: to}.mask()
		}
		if prior {
			r.value = priorExpr(m) + " + " + r.value
			r.days = "c.prior_days"
		}
		return r
	}
	if first.month == last.month {
		return []monthRead{month(first, false, first.from, first.to)}
	}
	before := month(first, true, 1, first.from-1) // R(s-1), subtracted
	before.sign = -1
	atEnd := month(last, true, 1, last.to) // R(e) of the series that reach e's month
	ended := monthRead{                    // R(e) of those that ended in s's month or after it but before e's
		sign: 1, value: metricValue(m), days: "c.days", dp: "0", from: "cost_resource_lifetimes c",
		cond: "c.last_period >= ? AND c.last_period < ?", args: []any{first.month, last.month},
	}
	return []monthRead{before, atEnd, ended}
}

// resourceSums adds up the reads of topResourcesByMonth per (account, resource, currency).
// Rows are many and each key comes once per read, so a row finds its resource by its raw
// bytes and only a new resource allocates strings. Sums are kept per series too, so that the
// product, region and name of a resource come from its series with cost in the range, as the
// line items would give them.
type resourceSums struct {
	mu    sync.Mutex // guards the rest while the reads run at once
	byKey map[string]*resourceSum
	slab  []resourceSum // resourceSums are allocated a block at a time
	names map[string]string
}

// intern returns b as a string, one per distinct value: products and regions are few.
func (rs *resourceSums) intern(b []byte) string {
	if s, ok := rs.names[string(b)]; ok {
		return s
	}
	s := string(b)
	rs.names[s] = s
	return s
}

// add counts one row of a read, its signed cost and days with cost, for the series (product,
// region) of the resource whose map key is key.
func (rs *resourceSums) add(key []byte, acct int64, resource []byte, product, region []byte, value money.Micros, days int64) {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	t, ok := rs.byKey[string(key)]
	if !ok {
		if len(rs.slab) == cap(rs.slab) {
			rs.slab = make([]resourceSum, 0, 1024)
		}
		// The key holds the resource id and currency; the fields share its bytes.
		k := string(key)
		idAt := strings.IndexByte(k, 0) + 1
		rs.slab = append(rs.slab, resourceSum{ResourceCost: cost.ResourceCost{AccountID: acct,
			ResourceID: k[idAt : idAt+len(resource)], Currency: k[idAt+len(resource)+1:]}})
		t = &rs.slab[len(rs.slab)-1]
		rs.byKey[k] = t
	}
	t.Cost += value
	t.add(rs.intern(product), rs.intern(region), days)
}

// sumResources runs the reads at the same time (the server works on one while this process
// adds up another) and adds their rows up per resource.
func (s *Store) sumResources(ctx context.Context, reads []monthRead, f resourceFilters) (*resourceSums, error) {
	sums := &resourceSums{byKey: make(map[string]*resourceSum, 4096), names: map[string]string{}}
	failed := make([]error, len(reads))
	var wg sync.WaitGroup
	for i, r := range reads {
		wg.Go(func() { failed[i] = s.readMonth(ctx, r, f, sums) })
	}
	wg.Wait()
	if err := errors.Join(failed...); err != nil {
		return nil, fmt.Errorf("store: top resources: %w", Translate(err))
	}
	return sums, nil
}

// readMonth runs one read and adds its rows to sums.
func (s *Store) readMonth(ctx context.Context, r monthRead, f resourceFilters, sums *resourceSums) error {
	query := "SELECT c.account_id, c.resource_id, c.currency, c.service_code, c.region_id, " + r.value + ", " + r.days + ", " + r.dp +
		" FROM " + r.from + " WHERE " + strings.Join(append([]string{r.cond}, f.where...), " AND ")
	args := append(slices.Clone(r.args), f.args...)
	rows, err := s.db.QueryContext(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	var buf []byte
	var acct, value, days, dp int64
	var resource, currency, product, region sql.RawBytes
	for rows.Next() {
		if err := rows.Scan(&acct, &resource, &currency, &product, &region, &value, &days, &dp); err != nil {
			return err
		}
		buf = resourceKey(buf[:0], acct, resource, currency)
		sums.add(buf, acct, resource, product, region, money.Micros(r.sign*value), r.sign*(days+int64(bits.OnesCount64(uint64(dp&r.mask)))))
	}
	return rows.Err()
}

// rank returns the largest limit resources with cost on a day of the range (a series' cost
// in the range is zero when it has no day there, so the resource's sum is over all its
// series), each with the largest product and region of its series with cost in the range.
func (rs *resourceSums) rank(limit int) []cost.ResourceCost {
	// A caller may ask for "all" with a huge limit: size the buffer by what there is.
	top := make([]*resourceSum, 0, min(limit, len(rs.byKey))+1)
	worse := func(x, y *resourceSum) bool { // x ranks after y
		if x.Cost != y.Cost {
			return x.Cost < y.Cost
		}
		return cmp.Or(strings.Compare(x.ResourceID, y.ResourceID), cmp.Compare(x.AccountID, y.AccountID), strings.Compare(x.Currency, y.Currency)) > 0
	}
	for _, t := range rs.byKey {
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
	out := make([]cost.ResourceCost, 0, len(top))
	for _, t := range top {
		for _, sr := range t.series {
			if sr.days > 0 {
				t.Product, t.Region = max(t.Product, sr.product), max(t.Region, sr.region)
			}
		}
		out = append(out, t.ResourceCost)
	}
	return out
}

// nameResources sets the names of out's resources from the lifetimes of their series with
// cost in the range: the largest, as the line items' MAX gives it unless a resource was
// renamed inside the range. Each is looked up by its (account, resource) primary-key prefix;
// a list of resource ids alone made MariaDB scan the whole table.
func (s *Store) nameResources(ctx context.Context, out []cost.ResourceCost, sums *resourceSums, f resourceFilters) error {
	pairs := make([]string, 0, len(out))
	args := make([]any, 0, 2*len(out)+len(f.args))
	for _, r := range out {
		pairs = append(pairs, "(c.account_id = ? AND c.resource_id = ?)")
		args = append(args, r.AccountID, r.ResourceID)
	}
	query := "SELECT c.account_id, c.resource_id, c.currency, c.service_code, c.region_id, c.resource_name" +
		" FROM cost_resource_lifetimes c WHERE " + strings.Join(append([]string{"(" + strings.Join(pairs, " OR ") + ")"}, f.where...), " AND ")
	rows, err := s.db.QueryContext(ctx, query, append(args, f.args...)...)
	if err != nil {
		return fmt.Errorf("store: top resources: names: %w", Translate(err))
	}
	defer rows.Close()
	var buf []byte
	for rows.Next() {
		var acct int64
		var resource, currency, product, region, name string
		if err := rows.Scan(&acct, &resource, &currency, &product, &region, &name); err != nil {
			return fmt.Errorf("store: top resources: names: %w", Translate(err))
		}
		buf = resourceKey(buf[:0], acct, []byte(resource), []byte(currency))
		t, ok := sums.byKey[string(buf)]
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
		return fmt.Errorf("store: top resources: names: %w", Translate(err))
	}
	return nil
}

// resourceSum is one resource's cost in a range while topResourcesByMonth adds it up, with
// the days with cost of each of its series (product and region). Nearly every resource has
// one series, which series holds without an allocation of its own.
type resourceSum struct {
	cost.ResourceCost
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

// ResourceSeries is the cost of resourceID per period of q (any account in scope), with the
// resource's descriptive columns; no rows means no visible cost in the range.
func (s *Store) ResourceSeries(ctx context.Context, scope account.Scope, resourceID string, q cost.Query) ([]cost.ResourceRow, error) {
	b := buildCost(scope, q, fromLineItems)
	out := []cost.ResourceRow{}
	if b.empty {
		return out, nil
	}
	if resourceRollup(q) {
		// The daily resource roll-up has every column read below, and an index on
		// (resource_id, charge_date); the line items have no index on the resource.
		b.from = "cost_daily_resources c"
	} else if q.Metric == cost.Effective {
		b.addShares(scope, q)
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
		r := cost.ResourceRow{ResourceCost: cost.ResourceCost{ResourceID: resourceID}}
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
