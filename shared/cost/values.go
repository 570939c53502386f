package cost

import (
	"cmp"
	"context"
	"encoding/base64"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/cloudlens/cloudlens/shared/account"
	"github.com/cloudlens/cloudlens/shared/errs"
	"github.com/cloudlens/cloudlens/shared/money"
	"github.com/cloudlens/cloudlens/shared/text"
)

// ValueCost is the cost of one value of a dimension in one currency, as the store sums it.
type ValueCost struct {
	Value    string
	Currency string
	Cost     money.Micros
}

// DimValue is one value of a dimension as a picker lists it: the value filters take, its
// display label in the caller's language, and its cost in the range.
type DimValue struct {
	Value    string
	Label    string
	Currency string
	Cost     money.Micros
}

// Limits of a values request.
const (
	DefaultValues  = 50
	MaxValues      = 200
	MaxValueSearch = 200
)

// ValuesQuery asks for the values of Dim in [Start, End], those whose value or label holds
// Search (case-insensitively), from Offset on, at most Limit. A tag dimension without a key
// asks for the tag keys.
type ValuesQuery struct {
	Dim        Dim
	Start, End string
	Search     string
	Offset     int
	Limit      int
}

// ParseValuesQuery reads the dimension (a dimension name, "tag" for the tag keys, or
// tag.<key>) and the parameters start, end, q, cursor and limit. Without start and end the
// range is the month of yesterday up to yesterday, as in ParseQuery. Every error names the
// parameter at fault.
func ParseValuesQuery(dimension string, v url.Values, now time.Time) (ValuesQuery, error) {
	var vq ValuesQuery
	if dimension == DimTag {
		vq.Dim = Dim{Kind: DimTag}
	} else {
		d, err := ParseDim(dimension)
		if err != nil {
			return vq, err
		}
		vq.Dim = d
	}
	// The range is validated by the one query model, whose messages name start and end.
	q, err := ParseQuery(url.Values{"start": {v.Get("start")}, "end": {v.Get("end")}}, now)
	if err != nil {
		return vq, err
	}
	vq.Start, vq.End = q.Start, q.End
	vq.Search = strings.TrimSpace(v.Get("q"))
	if err := text.Check("q", vq.Search, MaxValueSearch); err != nil {
		return vq, err
	}
	vq.Limit = DefaultValues
	if l := v.Get("limit"); l != "" {
		n, err := strconv.Atoi(l)
		if err != nil || n < 1 || n > MaxValues {
			return vq, errs.OutOfRange("limit", 1, MaxValues)
		}
		vq.Limit = n
	}
	if c := v.Get("cursor"); c != "" {
		if vq.Offset, err = decodeCursor(c); err != nil {
			return vq, err
		}
	}
	return vq, nil
}

// The cursor is the offset of the next page, opaque to clients so that it can change.
const cursorPrefix = "o:"

func encodeCursor(offset int) string {
	return base64.RawURLEncoding.EncodeToString([]byte(cursorPrefix + strconv.Itoa(offset)))
}

func decodeCursor(c string) (int, error) {
	bad := errs.BadCursor("cursor", c)
	if len(c) > 40 {
		return 0, bad
	}
	raw, err := base64.RawURLEncoding.DecodeString(c)
	if err != nil || !utf8.Valid(raw) {
		return 0, bad
	}
	s, ok := strings.CutPrefix(string(raw), cursorPrefix)
	if !ok {
		return 0, bad
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 || n > maxCursor {
		return 0, bad
	}
	return n, nil
}

// maxCursor bounds a cursor's offset: no list is longer than the store's row cap.
const maxCursor = 200_000

// ValuesPage is one page of a dimension's values, largest cost first.
type ValuesPage struct {
	Demo       bool
	Items      []DimValue
	NextCursor string
}

// DimensionValues lists the values of vq.Dim with costs in scope, labelled in s.Lang, largest cost first (a value with costs in two currencies is listed once per currency).
func (s Service) DimensionValues(ctx context.Context, scope account.Scope, vq ValuesQuery) (ValuesPage, error) {
	q := Query{Start: vq.Start, End: vq.End, Granularity: Day, Metric: Billed, Top: 1}
	rows, err := s.Store.DimensionValues(ctx, scope, q, vq.Dim)
	if err != nil {
		return ValuesPage{}, err
	}
	l, demo, err := s.labelled(ctx, scope, q)
	if err != nil {
		return ValuesPage{}, err
	}
	needle := strings.ToLower(vq.Search)
	items := make([]DimValue, 0, len(rows))
	for _, r := range rows {
		label := r.Value
		if vq.Dim.TagKey != "" || vq.Dim.Kind != DimTag {
			if lb := l.Label(vq.Dim, r.Value); lb != "" {
				label = lb
			}
		}
		if needle != "" && !strings.Contains(strings.ToLower(r.Value), needle) && !strings.Contains(strings.ToLower(label), needle) {
			continue
		}
		items = append(items, DimValue{Value: r.Value, Label: label, Currency: r.Currency, Cost: r.Cost})
	}
	slices.SortFunc(items, func(a, b DimValue) int {
		return cmp.Or(cmp.Compare(b.Cost, a.Cost), cmp.Compare(a.Value, b.Value), cmp.Compare(a.Currency, b.Currency))
	})
	out := ValuesPage{Demo: demo, Items: []DimValue{}}
	if vq.Offset < len(items) {
		end := min(vq.Offset+vq.Limit, len(items))
		out.Items = items[vq.Offset:end]
		if end < len(items) {
			out.NextCursor = encodeCursor(end)
		}
	}
	return out, nil
}
