package cost

import (
	"context"

	"github.com/cloudlens/cloudlens/shared/account"
	"github.com/cloudlens/cloudlens/shared/billing"
)

// LineItemStore streams the line items of a slice, for the FOCUS export; shared/store
// implements it.
type LineItemStore interface {
	// EachLineItem calls fn for each line item of the slice q (filters apply, group-by and
	// granularity do not), with its tags, and stops at fn's first error.
	EachLineItem(ctx context.Context, scope account.Scope, q Query, fn func(*billing.LineItem) error) error
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
