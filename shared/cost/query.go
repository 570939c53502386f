// Package cost is the cost-analysis domain: the one query model behind the overview, the
// explorer, drill-down and exports (dimensions, filters, metrics, validation), the shaping of
// grouped rows into top-N series, the weekday-aware forecast, and the FOCUS 1.2 column set with
// its conformance check. It knows nothing of SQL or HTTP; shared/store answers its queries.
package cost

import (
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/cloudlens/cloudlens/shared/billing"
	"github.com/cloudlens/cloudlens/shared/errs"
)

// Dimension kinds. Tag dimensions are written "tag.<key>".
const (
	DimAccount          = "account"
	DimProduct          = "product"
	DimRegion           = "region"
	DimResourceGroup    = "resourceGroup"
	DimTag              = "tag"
	DimCostUnit         = "costUnit"
	DimSubscriptionType = "subscriptionType"
	DimBillingItem      = "billingItem"
	DimChargeCategory   = "chargeCategory"
)

// rollupDims are the dimensions the daily roll-up (cost_daily) carries; a query that groups
// and filters only on these never has to read line items.
var rollupDims = []string{DimAccount, DimProduct, DimRegion, DimSubscriptionType, DimChargeCategory}

var allDims = []string{DimAccount, DimProduct, DimRegion, DimResourceGroup, DimCostUnit,
	DimSubscriptionType, DimBillingItem, DimChargeCategory}

// Dim is one dimension of the query model; TagKey is set for tag dimensions only.
type Dim struct {
	Kind   string
	TagKey string
}

// String is the dimension as the API writes it.
func (d Dim) String() string {
	if d.Kind == DimTag {
		return DimTag + "." + d.TagKey
	}
	return d.Kind
}

// InRollup reports whether the daily roll-up can answer for d.
func (d Dim) InRollup() bool { return slices.Contains(rollupDims, d.Kind) }

// Limits of the query model. Tag keys follow Alibaba's own limit.
const (
	MaxRangeDays   = 366
	MaxGroupBy     = 2
	MaxTop         = 100
	DefaultTop     = 10
	MaxFilters     = 20
	MaxFilterVals  = 100
	MaxValueLength = 1000
	maxTagKey      = 128
)

// ParseDim reads a dimension name: one of the fixed dimensions or tag.<key>.
func ParseDim(s string) (Dim, error) { return parseDim("dimension", s) }

// parseDim is ParseDim with errors naming field, the parameter the name came in.
func parseDim(field, s string) (Dim, error) {
	if k, ok := strings.CutPrefix(s, DimTag+"."); ok {
		if err := checkTagKey(field, k); err != nil {
			return Dim{}, err
		}
		return Dim{Kind: DimTag, TagKey: k}, nil
	}
	if slices.Contains(allDims, s) {
		return Dim{Kind: s}, nil
	}
	return Dim{}, errs.UnknownValue(field, s, append(slices.Clone(allDims), "tag.<key>")...)
}

func checkTagKey(field, k string) error {
	switch {
	case k == "":
		return errs.InvalidField(field, errs.ReasonFormat, "a tag dimension needs a key: tag.<key>")
	case !utf8.ValidString(k):
		return errs.InvalidField(field, errs.ReasonUTF8, "the tag key is not valid UTF-8")
	case utf8.RuneCountInString(k) > maxTagKey:
		return errs.TooLong(field, maxTagKey)
	}
	for _, r := range k {
		if unicode.IsControl(r) {
			return errs.InvalidField(field, errs.ReasonControl, "tag key %q holds a control character", errs.Clip(k, 60))
		}
	}
	return nil
}

// Filter keeps (or, with Exclude, drops) the costs whose dimension value is one of Values.
type Filter struct {
	Dim     Dim
	Exclude bool
	Values  []string
}

// ParseFilter reads "dimension:in:v1,v2" or "dimension:notin:v1,v2". The dimension is split
// at the last ":in:"/":notin:" so tag keys may hold colons.
func ParseFilter(s string) (Filter, error) {
	var f Filter
	var dim, vals string
	if i := strings.LastIndex(s, ":notin:"); i >= 0 {
		dim, vals, f.Exclude = s[:i], s[i+len(":notin:"):], true
	} else if i := strings.LastIndex(s, ":in:"); i >= 0 {
		dim, vals = s[:i], s[i+len(":in:"):]
	} else {
		return f, errs.InvalidField("filter", errs.ReasonFormat, "%q must be dimension:in:v1,v2 or dimension:notin:v1,v2", errs.Clip(s, 60))
	}
	d, err := parseDim("filter", dim)
	if err != nil {
		return f, err
	}
	f.Dim = d
	for _, v := range strings.Split(vals, ",") {
		if err := checkValue(v); err != nil {
			return f, err
		}
		if !slices.Contains(f.Values, v) {
			f.Values = append(f.Values, v)
		}
	}
	if len(f.Values) > MaxFilterVals {
		return f, errs.TooMany("filter", MaxFilterVals)
	}
	if d.Kind == DimAccount {
		for _, v := range f.Values {
			if id, err := strconv.ParseInt(v, 10, 64); err != nil || id <= 0 {
				return f, errs.BadID("filter", v)
			}
		}
	}
	return f, nil
}

func checkValue(v string) error {
	if !utf8.ValidString(v) {
		return errs.InvalidField("filter", errs.ReasonUTF8, "a value is not valid UTF-8")
	}
	if len(v) > MaxValueLength {
		return errs.TooLong("filter", MaxValueLength)
	}
	return nil
}

// Granularity of a series.
type Granularity string

const (
	Day   Granularity = "day"
	Week  Granularity = "week"
	Month Granularity = "month"
)

// Metric is the cost column a query sums.
type Metric string

const (
	Billed    Metric = "billed"    // BilledCost: after discounts and coupons, before tax
	List      Metric = "list"      // ListCost: before any discount
	Effective Metric = "effective" // EffectiveCost
	Discount  Metric = "discount"  // ListCost - BilledCost: invoice discounts and coupons together
)

// Query is the one query model: a date range of calendar days (Asia/Shanghai, inclusive),
// a granularity, up to two group-by dimensions, filters, a metric and a top-N.
type Query struct {
	Start, End  string // YYYY-MM-DD, inclusive
	Granularity Granularity
	GroupBy     []Dim
	Filters     []Filter
	Metric      Metric
	Top         int
}

// InRollup reports whether every dimension the query touches is in the daily roll-up.
func (q Query) InRollup() bool {
	for _, d := range q.GroupBy {
		if !d.InRollup() {
			return false
		}
	}
	for _, f := range q.Filters {
		if !f.Dim.InRollup() {
			return false
		}
	}
	return true
}

// Key is a canonical text of the query, for cache keys.
func (q Query) Key() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s|%s|%s|%s|%d|", q.Start, q.End, q.Granularity, q.Metric, q.Top)
	for _, d := range q.GroupBy {
		b.WriteString(strconv.Quote(d.String()))
	}
	for _, f := range q.Filters {
		fmt.Fprintf(&b, "|%s:%t", strconv.Quote(f.Dim.String()), f.Exclude)
		for _, v := range f.Values {
			b.WriteString(strconv.Quote(v))
		}
	}
	return b.String()
}

// Validate checks the query as a whole and fills defaults for granularity, metric and top.
func (q *Query) Validate() error {
	start, err := parseDate("start", q.Start)
	if err != nil {
		return err
	}
	end, err := parseDate("end", q.End)
	if err != nil {
		return err
	}
	if end.Before(start) {
		return errs.DateOrder(q.Start, q.End)
	}
	if days := int(end.Sub(start).Hours()/24) + 1; days > MaxRangeDays {
		return &errs.Error{Kind: errs.KindInvalid, Message: fmt.Sprintf("the range covers %d days; at most %d are allowed", days, MaxRangeDays),
			Code: errs.CodeRangeTooLong, Params: map[string]string{"days": strconv.Itoa(days), "max": strconv.Itoa(MaxRangeDays)}}
	}
	switch q.Granularity {
	case "":
		q.Granularity = Day
	case Day, Week, Month:
	default:
		return errs.UnknownValue("granularity", q.Granularity, Day, Week, Month)
	}
	switch q.Metric {
	case "":
		q.Metric = Billed
	case Billed, List, Effective, Discount:
	default:
		return errs.UnknownValue("metric", q.Metric, Billed, List, Effective, Discount)
	}
	if len(q.GroupBy) > MaxGroupBy {
		return errs.TooMany("groupBy", MaxGroupBy)
	}
	if len(q.GroupBy) == 2 && q.GroupBy[0] == q.GroupBy[1] {
		return errs.InvalidField("groupBy", errs.ReasonTwice, "names %s twice", q.GroupBy[0])
	}
	if q.Top == 0 {
		q.Top = DefaultTop
	}
	if q.Top < 1 || q.Top > MaxTop {
		return errs.OutOfRange("top", 1, MaxTop)
	}
	if len(q.Filters) > MaxFilters {
		return errs.TooMany("filter", MaxFilters)
	}
	return nil
}

func parseDate(name, s string) (time.Time, error) {
	t, err := time.ParseInLocation(time.DateOnly, s, billing.Shanghai)
	if err != nil {
		return time.Time{}, errs.BadDate(name, s)
	}
	return t, nil
}

// Yesterday is the last day with a bill, as seen at now: bills lag a day behind usage.
func Yesterday(now time.Time) time.Time {
	n := now.In(billing.Shanghai)
	return time.Date(n.Year(), n.Month(), n.Day()-1, 0, 0, 0, 0, billing.Shanghai)
}

// ParseQuery reads the common query parameters of the cost API (start, end, granularity,
// groupBy, filter, accountId, metric, top). Without start and end the range is the month of
// yesterday up to yesterday.
func ParseQuery(v url.Values, now time.Time) (Query, error) {
	y := Yesterday(now)
	q := Query{
		Start:       v.Get("start"),
		End:         v.Get("end"),
		Granularity: Granularity(v.Get("granularity")),
		Metric:      Metric(v.Get("metric")),
	}
	if q.End == "" {
		q.End = y.Format(time.DateOnly)
	}
	if q.Start == "" {
		e, err := parseDate("end", q.End)
		if err != nil {
			return q, err
		}
		q.Start = time.Date(e.Year(), e.Month(), 1, 0, 0, 0, 0, billing.Shanghai).Format(time.DateOnly)
	}
	if g := v.Get("groupBy"); g != "" {
		for _, s := range strings.Split(g, ",") {
			d, err := parseDim("groupBy", strings.TrimSpace(s))
			if err != nil {
				return q, err
			}
			q.GroupBy = append(q.GroupBy, d)
		}
	}
	if t := v.Get("top"); t != "" {
		n, err := strconv.Atoi(t)
		if err != nil {
			return q, errs.InvalidField("top", errs.ReasonNumber, "%q is not a number", errs.Clip(t, 60))
		}
		if n == 0 {
			return q, errs.OutOfRange("top", 1, MaxTop)
		}
		q.Top = n
	}
	for _, s := range v["filter"] {
		f, err := ParseFilter(s)
		if err != nil {
			return q, err
		}
		q.Filters = append(q.Filters, f)
	}
	if ids := v["accountId"]; len(ids) > 0 {
		f, err := ParseFilter(DimAccount + ":in:" + strings.Join(ids, ","))
		if err != nil {
			return q, err
		}
		q.Filters = append(q.Filters, f)
	}
	return q, q.Validate()
}
