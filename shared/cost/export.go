package cost

import (
	"context"

	"github.com/cloudlens/cloudlens/shared/account"
	"github.com/cloudlens/cloudlens/shared/billing"
	"github.com/cloudlens/cloudlens/shared/money"
)

// LineItemStore streams the line items of a slice, for the FOCUS export; shared/store
// implements it.
type LineItemStore interface {
	// EachLineItem calls fn for each line item of the slice q (filters apply, group-by and
	// granularity do not), with its tags, and stops at fn's first error.
	EachLineItem(ctx context.Context, scope account.Scope, q Query, fn func(*billing.LineItem) error) error
}

// ExportRow is one row of the explorer's CSV and Excel exports: one currency, group and
// period, the figures the JSON answer holds.
type ExportRow struct {
	Currency string
	Values   []string // the group's value per group-by dimension; OthersLabel for the remainder
	Label    string
	Period   string
	Cost     money.Micros
}

// ExportHeader is the header of the explorer's exports: currency, the group-by dimensions,
// label, period and the metric.
func (e Exploration) ExportHeader() []string {
	h := []string{"currency"}
	for _, d := range e.Query.GroupBy {
		h = append(h, d.String())
	}
	return append(h, "label", "period", string(e.Query.Metric))
}

// EachExportRow calls fn for each row of the export, in the order of the JSON answer, and
// stops at fn's first error.
func (e Exploration) EachExportRow(fn func(ExportRow) error) error {
	for _, s := range e.Series {
		for _, g := range s.Groups {
			values := make([]string, len(e.Query.GroupBy))
			for i, d := range e.Query.GroupBy {
				if g.Other {
					values[i] = OthersLabel
					continue
				}
				values[i] = g.Key[d.String()]
			}
			for _, p := range g.Points {
				if err := fn(ExportRow{Currency: s.Currency, Values: values, Label: g.Label, Period: p.Period, Cost: p.Cost}); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// ExportName is the file name of the explorer's export with extension ext.
func (e Exploration) ExportName(ext string) string {
	return "cloudlens-costs-" + e.Query.Start + "-" + e.Query.End + "." + ext
}

// FocusExportName is the file name of the FOCUS export of the slice q in format ext.
func FocusExportName(q Query, ext string) string {
	return "cloudlens-focus-" + q.Start + "-" + q.End + "." + ext
}

// EachFocusRecord calls fn with the FOCUS record of each line item of the slice q, in the
// store's order, and stops at the first error.
func EachFocusRecord(ctx context.Context, s LineItemStore, scope account.Scope, q Query, fn func(FocusRecord) error) error {
	return s.EachLineItem(ctx, scope, q, func(li *billing.LineItem) error {
		rec, err := ToFocus(li)
		if err != nil {
			return err
		}
		return fn(rec)
	})
}
