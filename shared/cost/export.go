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
	// EachAmortizedShare calls fn for each amortised share of an upfront charge that falls in
	// the slice q, as a line item of its day with the share as effective cost, and the billing
	// day of the charge it comes from.
	EachAmortizedShare(ctx context.Context, scope account.Scope, q Query, fn func(li *billing.LineItem, sourceDate string) error) error
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
//
// The bill's items come first, as billed (an amortised purchase with EffectiveCost 0, as FOCUS
// has it for a purchase that covers later charges), then one row per amortised share in the
// slice: ChargeCategory Usage, ChargeFrequency Recurring, no billed or list cost, the share as
// EffectiveCost. So the export's EffectiveCost adds up to the cost API's metric effective, and
// its BilledCost to the metric billed.
func EachFocusRecord(ctx context.Context, s LineItemStore, scope account.Scope, q Query, fn func(FocusRecord) error) error {
	err := s.EachLineItem(ctx, scope, q, func(li *billing.LineItem) error {
		rec, err := ToFocus(li)
		if err != nil {
			return err
		}
		return fn(rec)
	})
	if err != nil {
		return err
	}
	return s.EachAmortizedShare(ctx, scope, q, func(li *billing.LineItem, source string) error {
		rec, err := ToFocus(li)
		if err != nil {
			return err
		}
		rec.ChargeCategory, rec.ChargeFrequency = billing.ChargeUsage, billing.FrequencyRecurring
		rec.ChargeDescription += " (amortised: purchase of " + source + ")"
		rec.PricingQuantity, rec.PricingUnit = "", ""
		return fn(rec)
	})
}
