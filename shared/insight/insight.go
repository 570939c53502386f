// Package insight computes the deterministic analyses the AI features narrate: which
// accounts, products and regions explain a change of spend between two periods, and which
// pay-as-you-go resources would cost less on subscription. The figures come from shared/cost
// (the code the API uses); a model only ever words them.
package insight

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/cloudlens/cloudlens/shared/account"
	"github.com/cloudlens/cloudlens/shared/billing"
	"github.com/cloudlens/cloudlens/shared/cost"
	"github.com/cloudlens/cloudlens/shared/errs"
	"github.com/cloudlens/cloudlens/shared/money"
)

// Range is a date range of calendar days, inclusive.
type Range struct {
	Start string `json:"start"`
	End   string `json:"end"`
}

// Contributor is one group's part of a change.
type Contributor struct {
	Dimension string       `json:"dimension"`
	Key       string       `json:"key"`
	Label     string       `json:"label"`
	Current   money.Micros `json:"current"`
	Previous  money.Micros `json:"previous"`
	Change    money.Micros `json:"change"`
	// Share is Change / the currency's total change, in percent (one decimal); nil when the
	// total did not change.
	Share *float64 `json:"share"`
}

// Change is the change of one currency between the periods, with its largest contributors.
type Change struct {
	Currency      string        `json:"currency"`
	Current       money.Micros  `json:"current"`
	Previous      money.Micros  `json:"previous"`
	Change        money.Micros  `json:"change"`
	ChangePercent *float64      `json:"changePercent"`
	Contributors  []Contributor `json:"contributors"`
}

// Analysis is the root cause of a period's change.
type Analysis struct {
	Demo     bool     `json:"demo"`
	Current  Range    `json:"current"`
	Previous Range    `json:"previous"`
	Items    []Change `json:"items"`
}

// Dimensions the contributors are looked for in.
var Dimensions = []string{cost.DimProduct, cost.DimAccount, cost.DimRegion}

// MaxContributors is how many contributors an analysis lists per currency.
const MaxContributors = 10

// DefaultRanges are the dashboard's change: the month so far against the same days of last
// month, as seen at now.
func DefaultRanges(now time.Time) (cur, prev Range) {
	c := cost.NewCalendar(now)
	if !c.MonthToDate {
		// The first of a month has no billed day yet: explain last month against the one before.
		start := c.LastStart
		return Range{cost.FormatDay(start), cost.FormatDay(c.LastEnd)},
			Range{cost.FormatDay(start.AddDate(0, -1, 0)), cost.FormatDay(start.AddDate(0, 0, -1))}
	}
	return Range{cost.FormatDay(c.MonthStart), cost.FormatDay(c.Yesterday)},
		Range{cost.FormatDay(c.LastStart), cost.FormatDay(c.SameEnd)}
}

// PreviousOf is the range of the same length just before r.
func PreviousOf(r Range) (Range, error) {
	s, err := time.ParseInLocation(time.DateOnly, r.Start, billing.Shanghai)
	if err != nil {
		return Range{}, errs.BadDate("start", r.Start)
	}
	e, err := time.ParseInLocation(time.DateOnly, r.End, billing.Shanghai)
	if err != nil {
		return Range{}, errs.BadDate("end", r.End)
	}
	if e.Before(s) {
		return Range{}, errs.DateOrder(r.Start, r.End)
	}
	// A whole calendar month compares with the whole month before.
	if s.Day() == 1 && e.AddDate(0, 0, 1).Day() == 1 && e.Sub(s) < 32*24*time.Hour {
		ps := s.AddDate(0, -1, 0)
		return Range{cost.FormatDay(ps), cost.FormatDay(s.AddDate(0, 0, -1))}, nil
	}
	days := int(math.Round(e.Sub(s).Hours()/24)) + 1
	return Range{cost.FormatDay(s.AddDate(0, 0, -days)), cost.FormatDay(s.AddDate(0, 0, -1))}, nil
}

// Analyze computes the change from prev to cur and its contributors in scope, with filters
// (explorer filters) applied to both periods.
func Analyze(ctx context.Context, svc cost.Service, scope account.Scope, cur, prev Range, filters []cost.Filter) (Analysis, error) {
	out := Analysis{Current: cur, Previous: prev, Items: []Change{}}
	type key struct{ cur, dim, k string }
	totals := map[string]*Change{}
	groups := map[key]*Contributor{}
	for pi, r := range []Range{cur, prev} {
		for di, dim := range Dimensions {
			q := cost.Query{Start: r.Start, End: r.End, Granularity: cost.Month, GroupBy: []cost.Dim{{Kind: dim}},
				Filters: filters, Metric: cost.Billed, Top: cost.MaxTop}
			if err := q.Validate(); err != nil {
				return out, err
			}
			e, err := svc.Explore(ctx, scope, q)
			if err != nil {
				return out, err
			}
			out.Demo = out.Demo || e.Demo
			for _, s := range e.Series {
				t := totals[s.Currency]
				if t == nil {
					t = &Change{Currency: s.Currency}
					totals[s.Currency] = t
				}
				if di == 0 {
					if pi == 0 {
						t.Current += s.Total
					} else {
						t.Previous += s.Total
					}
				}
				for _, g := range s.Groups {
					k := key{s.Currency, dim, g.Key[dim]}
					if g.Other {
						k.k = "\x00others"
					}
					c := groups[k]
					if c == nil {
						c = &Contributor{Dimension: dim, Key: g.Key[dim], Label: g.Label}
						groups[k] = c
					}
					if c.Label == "" {
						c.Label = g.Label
					}
					if pi == 0 {
						c.Current += g.Total
					} else {
						c.Previous += g.Total
					}
				}
			}
		}
	}
	for currency, t := range totals {
		t.Change = t.Current - t.Previous
		t.ChangePercent = pct(t.Change, t.Previous)
		for k, c := range groups {
			if k.cur != currency {
				continue
			}
			c.Change = c.Current - c.Previous
			if c.Change == 0 {
				continue
			}
			if t.Change != 0 {
				s := math.Round(float64(c.Change)/float64(t.Change)*1000) / 10
				c.Share = &s
			}
			if c.Label == "" {
				c.Label = c.Key
			}
			t.Contributors = append(t.Contributors, *c)
		}
		// Largest absolute change first; ties by dimension order, then key, so the answer is stable.
		slices.SortFunc(t.Contributors, func(a, b Contributor) int {
			if c := cmp.Compare(abs(b.Change), abs(a.Change)); c != 0 {
				return c
			}
			if c := cmp.Compare(slices.Index(Dimensions, a.Dimension), slices.Index(Dimensions, b.Dimension)); c != 0 {
				return c
			}
			return strings.Compare(a.Key, b.Key)
		})
		if len(t.Contributors) > MaxContributors {
			t.Contributors = t.Contributors[:MaxContributors]
		}
		if t.Contributors == nil {
			t.Contributors = []Contributor{}
		}
		out.Items = append(out.Items, *t)
	}
	slices.SortFunc(out.Items, func(a, b Change) int { return strings.Compare(a.Currency, b.Currency) })
	return out, nil
}

func abs(m money.Micros) money.Micros {
	if m < 0 {
		return -m
	}
	return m
}

func pct(change, of money.Micros) *float64 {
	if of == 0 {
		return nil
	}
	p := math.Round(float64(change)/float64(of)*10000) / 100
	return &p
}

// Summary is the template text of an analysis, for when no model is configured (and as the
// facts a model is asked to word).
func (a Analysis) Summary(zh bool) string {
	var b strings.Builder
	for _, it := range a.Items {
		dir, dirZh := "up", "增加"
		if it.Change < 0 {
			dir, dirZh = "down", "减少"
		}
		p := ""
		if it.ChangePercent != nil {
			p = fmt.Sprintf(" (%+.2f%%)", *it.ChangePercent)
		}
		if zh {
			fmt.Fprintf(&b, "%s 至 %s 花费 %s %s，较 %s 至 %s 的 %s %s%s %s%s。", a.Current.Start, a.Current.End, it.Currency, it.Current,
				a.Previous.Start, a.Previous.End, it.Currency, it.Previous, dirZh, it.Currency, abs(it.Change).String()+p)
		} else {
			fmt.Fprintf(&b, "Spend %s–%s was %s %s, %s %s %s%s from %s %s in %s–%s.", a.Current.Start, a.Current.End, it.Currency, it.Current,
				dir, it.Currency, abs(it.Change), p, it.Currency, it.Previous, a.Previous.Start, a.Previous.End)
		}
		for i, c := range it.Contributors {
			if i == 3 {
				break
			}
			if i == 0 {
				if zh {
					b.WriteString("主要变化来自：")
				} else {
					b.WriteString(" The largest changes: ")
				}
			} else if zh {
				b.WriteString("；")
			} else {
				b.WriteString("; ")
			}
			fmt.Fprintf(&b, "%s %s %s%s", dimName(c.Dimension, zh), c.Label, sign(c.Change), c.Change.String())
		}
		if len(it.Contributors) > 0 {
			if zh {
				b.WriteString("。")
			} else {
				b.WriteString(".")
			}
		}
		b.WriteString("\n")
	}
	if len(a.Items) == 0 {
		if zh {
			return "两个时间段内都没有费用。"
		}
		return "There is no spend in either period."
	}
	return strings.TrimSpace(b.String())
}

func sign(m money.Micros) string {
	if m > 0 {
		return "+"
	}
	return ""
}

func dimName(d string, zh bool) string {
	names := map[string][2]string{cost.DimProduct: {"product", "产品"}, cost.DimAccount: {"account", "账号"}, cost.DimRegion: {"region", "地域"}}
	n, ok := names[d]
	if !ok {
		return d
	}
	if zh {
		return n[1]
	}
	return n[0]
}
