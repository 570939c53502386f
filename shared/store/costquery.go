package store

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/cloudlens/cloudlens/shared/account"
	"github.com/cloudlens/cloudlens/shared/cost"
)

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

// table is the table a source reads; the tag roll-up adds the totals of days without the key.
func (s source) table() string {
	return [...]string{fromTotals: "cost_daily_totals", fromTags: "cost_daily_tags", fromAttrs: "cost_daily_attrs",
		fromRegions: "cost_daily_regions", fromSubs: "cost_daily_subscriptions", fromDaily: "cost_daily",
		fromLineItems: "cost_line_items"}[s]
}

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

// lineItemsAndShares is cost_line_items with the amortised shares of upfront charges, in the
// columns a cost query reads; both halves take start, end and the scope.
const lineItemsAndShares = `(SELECT account_id, charge_date, billing_period, week_start, currency, service_code, region_id,
  resource_group, cost_unit, subscription_type, billing_item, charge_category, tag_set_id, resource_id, resource_name,
  list_cost, billed_cost, effective_cost
FROM cost_line_items WHERE charge_date >= ? AND charge_date <= ? AND %[1]s
UNION ALL
SELECT account_id, charge_date, billing_period, week_start, currency, service_code, region_id,
  resource_group, cost_unit, subscription_type, billing_item, charge_category, tag_set_id, resource_id, resource_name,
  0, 0, effective_cost
FROM cost_amortized_daily WHERE charge_date >= ? AND charge_date <= ? AND %[1]s) c`

// addShares makes a line-item query read the amortised shares of upfront charges too, which
// only the roll-ups carry otherwise, so that metric effective summed from line items agrees
// with the roll-ups. The range and scope go inside both halves so the indexes see them; their
// arguments come first, before any join's.
func (b *costSQL) addShares(scope account.Scope, q cost.Query) {
	inner, args, _ := scopeFilter("account_id", scope)
	b.from = fmt.Sprintf(lineItemsAndShares, inner)
	front := make([]any, 0, 4+2*len(args)+len(b.joinArgs))
	front = append(front, q.Start, q.End)
	front = append(front, args...)
	front = append(front, q.Start, q.End)
	front = append(front, args...)
	b.joinArgs = append(front, b.joinArgs...)
}

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
		b.from, b.attr = b.source.table()+" c", key
	case fromLineItems:
		b.from = b.source.table() + " c"
		if q.Metric == cost.Effective && least < fromLineItems {
			// Callers that read line items as such (least = fromLineItems) get them alone.
			b.addShares(scope, q)
		}
	default:
		b.from = b.source.table() + " c"
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
