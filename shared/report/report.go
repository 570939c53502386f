// Package report builds the monthly cost report: spend and its change by account and product,
// the daily spend, the forecast, budgets, the month's anomalies with their contributors, the
// open idle and savings findings and subscription savings, in Markdown and in HTML with inline
// SVG charts. Every figure comes from the code the API answers with (shared/cost,
// shared/budget, shared/insight, and the store calls of the anomaly and findings APIs), so the
// report and the API agree for the same month and scope.
package report

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/cloudlens/cloudlens/shared/account"
	"github.com/cloudlens/cloudlens/shared/billing"
	"github.com/cloudlens/cloudlens/shared/budget"
	"github.com/cloudlens/cloudlens/shared/cost"
	"github.com/cloudlens/cloudlens/shared/errs"
	"github.com/cloudlens/cloudlens/shared/insight"
	"github.com/cloudlens/cloudlens/shared/money"
)

// Store is what a report reads.
type Store interface {
	cost.Store
	ListBudgets(ctx context.Context, scope account.Scope) ([]budget.Budget, error)
	Sections
	insight.FindingLister
}

// Line is one account or product: its spend in the month and the month before.
type Line struct {
	Key      string       `json:"key"`
	Label    string       `json:"label"`
	Spend    money.Micros `json:"spend"`
	Previous money.Micros `json:"previous"`
	Change   money.Micros `json:"change"`
}

// Currency is the report of one currency.
type Currency struct {
	Currency      string       `json:"currency"`
	Spend         money.Micros `json:"spend"`
	Previous      money.Micros `json:"previous"`
	Change        money.Micros `json:"change"`
	ChangePercent *float64     `json:"changePercent"`
	ByAccount     []Line       `json:"byAccount"`
	ByProduct     []Line       `json:"byProduct"`
	Daily         []cost.Point `json:"daily"`
}

// BudgetLine is a monthly budget's amount and spend in the report's month.
type BudgetLine struct {
	Name     string       `json:"name"`
	Currency string       `json:"currency"`
	Amount   money.Micros `json:"amount"`
	Spent    money.Micros `json:"spent"`
	Percent  float64      `json:"percent"`
}

// Data is everything a report shows.
type Data struct {
	Month       string           `json:"month"` // YYYY-MM
	Start       string           `json:"start"` // the month's days (up to yesterday for the current month)
	End         string           `json:"end"`
	PrevStart   string           `json:"-"`
	PrevEnd     string           `json:"-"`
	Demo        bool             `json:"demo"`
	GeneratedAt time.Time        `json:"generatedAt"`
	Currencies  []Currency       `json:"currencies"`
	Forecast    cost.Forecast    `json:"forecast"`
	Budgets     []BudgetLine     `json:"budgets"`
	Savings     []insight.Saving `json:"savings"`
	SavingTotal []insight.Total  `json:"savingTotals"`

	// The anomalies overlapping the month (all of them counted and added up per currency,
	// the largest listed) and the open findings as they stood when the report was made.
	AnomalyCount   int            `json:"anomalyCount"`
	AnomalyTotals  []AnomalyTotal `json:"anomalyTotals"`
	Anomalies      []AnomalyLine  `json:"anomalies"`
	FindingTotals  []FindingTotal `json:"findingTotals"`
	FindingsByRule []FindingTotal `json:"findingsByRule"`
	Findings       []FindingLine  `json:"findings"`
}

// maxLines is how many accounts and products a report lists per currency.
const maxLines = 15

// ParseMonth reads YYYY-MM and returns the month's first and last billed day as seen at now:
// a month not yet begun (or not yet billed) is invalid.
func ParseMonth(month string, now time.Time) (start, end time.Time, err error) {
	m, err := time.ParseInLocation("2006-01", month, billing.Shanghai)
	if err != nil {
		return start, end, errs.InvalidField("month", errs.ReasonMonth, "%q is not a month (YYYY-MM)", errs.Clip(month, 20))
	}
	y := cost.Yesterday(now)
	end = m.AddDate(0, 1, -1)
	if end.After(y) {
		end = y
	}
	if end.Before(m) {
		return start, end, errs.InvalidField("month", errs.ReasonNotBilled, "%s has no billed day yet", month)
	}
	return m, end, nil
}

// LastMonth is the month before now's (the monthly job's month).
func LastMonth(now time.Time) string {
	n := now.In(billing.Shanghai)
	return time.Date(n.Year(), n.Month(), 1, 0, 0, 0, 0, billing.Shanghai).AddDate(0, -1, 0).Format("2006-01")
}

// Gather reads the figures of month in scope as seen at now.
func Gather(ctx context.Context, st Store, scope account.Scope, month string, now time.Time) (Data, error) {
	start, end, err := ParseMonth(month, now)
	if err != nil {
		return Data{}, err
	}
	svc := cost.Service{Store: st}
	prevStart := start.AddDate(0, -1, 0)
	d := Data{Month: month, Start: cost.FormatDay(start), End: cost.FormatDay(end), PrevStart: cost.FormatDay(prevStart),
		PrevEnd: cost.FormatDay(start.AddDate(0, 0, -1)), GeneratedAt: now.UTC()}
	byCur := map[string]*Currency{}
	cur := func(c string) *Currency {
		x := byCur[c]
		if x == nil {
			x = &Currency{Currency: c}
			byCur[c] = x
		}
		return x
	}
	// Month totals and lines: the explorer's monthly answer grouped by account and by product.
	for _, dim := range []string{cost.DimAccount, cost.DimProduct} {
		lines := map[string]map[string]*Line{}
		for i, r := range [][2]string{{d.Start, d.End}, {d.PrevStart, d.PrevEnd}} {
			q := cost.Query{Start: r[0], End: r[1], Granularity: cost.Month, GroupBy: []cost.Dim{{Kind: dim}}, Metric: cost.Billed, Top: cost.MaxTop}
			e, err := svc.Explore(ctx, scope, q)
			if err != nil {
				return d, err
			}
			d.Demo = d.Demo || e.Demo
			for _, s := range e.Series {
				c := cur(s.Currency)
				if dim == cost.DimAccount {
					if i == 0 {
						c.Spend = s.Total
					} else {
						c.Previous = s.Total
					}
				}
				if lines[s.Currency] == nil {
					lines[s.Currency] = map[string]*Line{}
				}
				for _, g := range s.Groups {
					k := g.Key[dim]
					if g.Other {
						k = cost.OthersLabel
					}
					l := lines[s.Currency][k]
					if l == nil {
						l = &Line{Key: k, Label: g.Label}
						lines[s.Currency][k] = l
					}
					if l.Label == "" {
						l.Label = g.Label
					}
					if i == 0 {
						l.Spend = g.Total
					} else {
						l.Previous = g.Total
					}
				}
			}
		}
		for c, ls := range lines {
			var out []Line
			for _, l := range ls {
				l.Change = l.Spend - l.Previous
				if l.Label == "" {
					l.Label = l.Key
				}
				out = append(out, *l)
			}
			slices.SortFunc(out, func(a, b Line) int {
				if c := cmp.Compare(b.Spend, a.Spend); c != 0 {
					return c
				}
				return strings.Compare(a.Key, b.Key)
			})
			if len(out) > maxLines {
				out = out[:maxLines]
			}
			if dim == cost.DimAccount {
				cur(c).ByAccount = out
			} else {
				cur(c).ByProduct = out
			}
		}
	}
	// Daily spend of the month.
	q := cost.Query{Start: d.Start, End: d.End, Granularity: cost.Day, Metric: cost.Billed, Top: 1}
	e, err := svc.Explore(ctx, scope, q)
	if err != nil {
		return d, err
	}
	for _, s := range e.Series {
		c := cur(s.Currency)
		if len(s.Groups) > 0 {
			c.Daily = s.Groups[0].Points
		}
	}
	for _, c := range byCur {
		c.Change = c.Spend - c.Previous
		if c.Previous != 0 {
			p := float64(int64(float64(c.Change)/float64(c.Previous)*10000+sign(c.Change)*0.5)) / 100
			c.ChangePercent = &p
		}
		d.Currencies = append(d.Currencies, *c)
	}
	slices.SortFunc(d.Currencies, func(a, b Currency) int { return strings.Compare(a.Currency, b.Currency) })

	if d.Forecast, err = svc.Forecast(ctx, scope, now); err != nil {
		return d, err
	}
	if err := d.gatherBudgets(ctx, st, scope, start, end); err != nil {
		return d, err
	}
	// The findings section lists the idle rules' findings; this one keeps the break-evens of the
	// resources no larger finding covers already (insight.Collect), as the optimize answer does,
	// so no resource's saving is promised twice.
	all, _, err := insight.Collect(ctx, []insight.Source{insight.Findings{Store: st}, insight.Subscriptions{Cost: svc}}, scope, now, insight.Options{})
	if err != nil {
		return d, err
	}
	var savings []insight.Saving
	for _, s := range all {
		if s.Kind == "subscription" {
			savings = append(savings, s)
		}
	}
	d.Savings = insight.Rank(savings, 10)
	d.SavingTotal = insight.Totals(d.Savings)

	accs, err := st.ListAccounts(ctx, scope)
	if err != nil {
		return d, err
	}
	names := make(map[int64]string, len(accs))
	for _, a := range accs {
		names[a.ID] = a.Name
	}
	if err := d.gatherAnomalies(ctx, st, scope, names); err != nil {
		return d, err
	}
	if err := d.gatherFindings(ctx, st, scope, names, now); err != nil {
		return d, err
	}
	return d, nil
}

func sign(m money.Micros) float64 {
	if m < 0 {
		return -1
	}
	return 1
}

// gatherBudgets reads the monthly budgets' amount and spend in the month (the same sums the
// budgets API shows for that period).
func (d *Data) gatherBudgets(ctx context.Context, st Store, scope account.Scope, start, end time.Time) error {
	bs, err := st.ListBudgets(ctx, scope)
	if err != nil {
		return err
	}
	d.Budgets = []BudgetLine{}
	for i := range bs {
		b := &bs[i]
		if b.Period != budget.Month {
			continue
		}
		daily, err := budget.Daily(ctx, st, b, start, end)
		if err != nil {
			return err
		}
		var spent money.Micros
		for _, v := range daily {
			spent += v
		}
		amount := b.AmountFor(start)
		l := BudgetLine{Name: b.Name, Currency: b.Currency, Amount: amount, Spent: spent}
		if amount > 0 {
			l.Percent = float64(int64(float64(spent)/float64(amount)*1000+0.5)) / 10
		}
		d.Budgets = append(d.Budgets, l)
	}
	return nil
}

// Summary is the report's gist in one or two sentences per currency, for the list and for
// the alert that announces it.
func (d Data) Summary(zh bool) string {
	var b strings.Builder
	for _, c := range d.Currencies {
		if b.Len() > 0 {
			b.WriteString(" ")
		}
		p := ""
		if c.ChangePercent != nil {
			p = fmt.Sprintf(" (%+.2f%%)", *c.ChangePercent)
		}
		if zh {
			fmt.Fprintf(&b, "%s 花费 %s %s，较上月 %s%s。", d.Month, c.Currency, c.Spend, signed(c.Change), p)
		} else {
			fmt.Fprintf(&b, "%s spend %s %s, %s%s on the month before.", d.Month, c.Currency, c.Spend, signed(c.Change), p)
		}
		if len(c.ByProduct) > 0 {
			if zh {
				fmt.Fprintf(&b, "最大产品：%s %s。", c.ByProduct[0].Label, c.ByProduct[0].Spend)
			} else {
				fmt.Fprintf(&b, " Largest product: %s %s.", c.ByProduct[0].Label, c.ByProduct[0].Spend)
			}
		}
	}
	if b.Len() == 0 {
		if zh {
			b.WriteString(d.Month + " 没有费用。")
		} else {
			b.WriteString("No spend in " + d.Month + ".")
		}
	}
	if d.AnomalyCount > 0 {
		top := d.Anomalies[0]
		if zh {
			fmt.Fprintf(&b, "%d 项费用异常，最大影响 %s %s。", d.AnomalyCount, signed(top.Impact), top.Currency)
		} else {
			fmt.Fprintf(&b, " %s, the largest %s %s.", anomalies(d.AnomalyCount), signed(top.Impact), top.Currency)
		}
	}
	if len(d.FindingTotals) > 0 {
		var parts []string
		for _, t := range d.FindingTotals {
			parts = append(parts, t.Currency+" "+t.MonthlySavings.String())
		}
		if zh {
			fmt.Fprintf(&b, "待处理的节省建议每月可省 %s。", strings.Join(parts, " + "))
		} else {
			fmt.Fprintf(&b, " Open savings findings: %s a month.", strings.Join(parts, " + "))
		}
	}
	return b.String()
}

func signed(m money.Micros) string {
	if m > 0 {
		return "+" + m.String()
	}
	return m.String()
}
