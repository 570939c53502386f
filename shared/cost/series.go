package cost

import (
	"cmp"
	"slices"
	"strings"
	"time"

	"github.com/cloudlens/cloudlens/shared/billing"
	"github.com/cloudlens/cloudlens/shared/money"
)

// Row is one grouped sum as the store returns it: the cost of one group in one period and
// currency. Keys has one value per group-by dimension, in the query's order.
type Row struct {
	Currency string
	Period   string
	Keys     []string
	Cost     money.Micros
}

// Point is the cost of one period.
type Point struct {
	Period string       `json:"period"`
	Cost   money.Micros `json:"cost"`
}

// Group is one series of the explorer: its key per dimension, a display label, its total and
// one point per period of the range (zero where it had no cost).
type Group struct {
	Key    map[string]string `json:"key"`
	Label  string            `json:"label"`
	Other  bool              `json:"other,omitempty"`
	Total  money.Micros      `json:"total"`
	Points []Point           `json:"points"`
}

// Series is the explorer's answer for one currency; totals of different currencies are never added.
type Series struct {
	Currency string       `json:"currency"`
	Total    money.Micros `json:"total"`
	Periods  []string     `json:"periods"`
	Groups   []Group      `json:"groups"`
}

// OthersLabel names the group that folds everything beyond the top N.
const OthersLabel = "others"

// Labeler gives the display name of a dimension value (an account's name, a product's name);
// it returns "" when the value itself is the best label.
type Labeler func(d Dim, value string) string

// Periods lists the periods of [start, end] at granularity g: days, Mondays of weeks, or months.
func Periods(start, end string, g Granularity) []string {
	s, err1 := time.ParseInLocation(time.DateOnly, start, billing.Shanghai)
	e, err2 := time.ParseInLocation(time.DateOnly, end, billing.Shanghai)
	if err1 != nil || err2 != nil || e.Before(s) {
		return []string{}
	}
	var out []string
	switch g {
	case Week:
		s = s.AddDate(0, 0, -((int(s.Weekday()) + 6) % 7))
		for d := s; !d.After(e); d = d.AddDate(0, 0, 7) {
			out = append(out, d.Format(time.DateOnly))
		}
	case Month:
		for d := time.Date(s.Year(), s.Month(), 1, 0, 0, 0, 0, billing.Shanghai); !d.After(e); d = d.AddDate(0, 1, 0) {
			out = append(out, d.Format("2006-01"))
		}
	default:
		for d := s; !d.After(e); d = d.AddDate(0, 0, 1) {
			out = append(out, d.Format(time.DateOnly))
		}
	}
	return out
}

// Shape turns grouped rows into one Series per currency (sorted by currency): groups ordered
// by total, largest first, the top q.Top kept and the rest folded into one "others" group.
// Without group-by dimensions each currency has a single group holding the total.
func Shape(q Query, rows []Row, label Labeler) []Series {
	periods := Periods(q.Start, q.End, q.Granularity)
	index := make(map[string]int, len(periods))
	for i, p := range periods {
		index[p] = i
	}
	type acc struct {
		keys   []string
		total  money.Micros
		points []money.Micros
	}
	byCur := map[string]map[string]*acc{}
	for _, r := range rows {
		gs := byCur[r.Currency]
		if gs == nil {
			gs = map[string]*acc{}
			byCur[r.Currency] = gs
		}
		id := strings.Join(r.Keys, "\x00")
		a := gs[id]
		if a == nil {
			a = &acc{keys: r.Keys, points: make([]money.Micros, len(periods))}
			gs[id] = a
		}
		a.total += r.Cost
		if i, ok := index[r.Period]; ok {
			a.points[i] += r.Cost
		}
	}
	out := make([]Series, 0, len(byCur))
	for cur, gs := range byCur {
		all := make([]*acc, 0, len(gs))
		for _, a := range gs {
			all = append(all, a)
		}
		slices.SortFunc(all, func(x, y *acc) int {
			if c := cmp.Compare(y.total, x.total); c != 0 {
				return c
			}
			return slices.Compare(x.keys, y.keys)
		})
		s := Series{Currency: cur, Periods: periods, Groups: []Group{}}
		var others *acc
		for i, a := range all {
			s.Total += a.total
			if i >= q.Top {
				if others == nil {
					others = &acc{points: make([]money.Micros, len(periods))}
				}
				others.total += a.total
				for j, p := range a.points {
					others.points[j] += p
				}
				continue
			}
			s.Groups = append(s.Groups, group(q, a.keys, a.total, a.points, periods, label))
		}
		if others != nil {
			g := group(q, nil, others.total, others.points, periods, label)
			g.Label, g.Other = OthersLabel, true
			s.Groups = append(s.Groups, g)
		}
		out = append(out, s)
	}
	slices.SortFunc(out, func(a, b Series) int { return cmp.Compare(a.Currency, b.Currency) })
	return out
}

func group(q Query, keys []string, total money.Micros, pts []money.Micros, periods []string, label Labeler) Group {
	g := Group{Key: map[string]string{}, Total: total, Points: make([]Point, len(periods))}
	for i, p := range periods {
		g.Points[i] = Point{Period: p, Cost: pts[i]}
	}
	var labels []string
	for i, k := range keys {
		d := q.GroupBy[i]
		g.Key[d.String()] = k
		l := ""
		if label != nil {
			l = label(d, k)
		}
		if l == "" {
			l = k
		}
		if l == "" {
			l = "(none)"
		}
		labels = append(labels, l)
	}
	g.Label = strings.Join(labels, " / ")
	if len(q.GroupBy) == 0 {
		g.Label = "total"
	}
	return g
}
