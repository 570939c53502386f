package insight

import (
	"context"
	"time"

	"github.com/cloudlens/cloudlens/shared/account"
	"github.com/cloudlens/cloudlens/shared/idle"
)

// FindingLister lists the open idle and savings findings within scope at now, largest
// monthly savings first, at most limit; shared/store implements it.
type FindingLister interface {
	OpenFindings(ctx context.Context, scope account.Scope, now time.Time, limit int) ([]idle.Record, error)
}

// maxFindings is how many of the largest open findings the source reads.
const maxFindings = 500

// Findings is the source of the idle rules' findings (shared/idle), as the resources API lists
// them: each saving is the finding's own figure, billed or estimated as the finding says.
type Findings struct{ Store FindingLister }

// Name implements Source.
func (Findings) Name() string { return "idle" }

// Savings implements Source.
func (f Findings) Savings(ctx context.Context, scope account.Scope, now time.Time, _ Options) ([]Saving, error) {
	recs, err := f.Store.OpenFindings(ctx, scope, now, maxFindings)
	if err != nil {
		return nil, err
	}
	out := make([]Saving, 0, len(recs))
	for _, r := range recs {
		s := Saving{Kind: "idle", Rule: r.Rule, Action: string(r.Action), FindingID: r.ID, Estimate: r.Estimate,
			AccountID: r.AccountID, ResourceID: r.ResourceID, ResourceName: r.Name, Product: r.Type, Region: r.Region,
			Currency: r.Currency, Saving: r.MonthlySavings, Detail: r.Reason, DetailZh: r.ReasonZh}
		switch {
		case r.Prices != nil:
			s.MonthlyCost = r.Prices.CurrentMonthly
			s.BreakEvenDays = r.Prices.BreakEvenDays
		case !r.Estimate:
			// A release or delete saves the resource's whole billed cost over the basis window.
			s.MonthlyCost = r.MonthlySavings
		}
		out = append(out, s)
	}
	return out, nil
}

// Collect runs every source and keeps, of the savings of one resource, the largest: two
// proposals for one resource (release it, or buy it as a subscription) are alternatives, and
// adding them up would promise money that cannot be saved twice. Earlier sources win ties, so
// a finding measured from the resource's own metrics goes before an estimate from its bills
// alone when the sources list the findings first. It returns the names of the sources read.
func Collect(ctx context.Context, sources []Source, scope account.Scope, now time.Time, o Options) ([]Saving, []string, error) {
	type key struct {
		account  int64
		resource string
		currency string
	}
	best := map[key]int{}
	var out []Saving
	names := []string{}
	for _, src := range sources {
		found, err := src.Savings(ctx, scope, now, o)
		if err != nil {
			return nil, nil, err
		}
		names = append(names, src.Name())
		for _, s := range found {
			k := key{s.AccountID, s.ResourceID, s.Currency}
			if i, seen := best[k]; seen {
				if s.Saving > out[i].Saving {
					out[i] = s
				}
				continue
			}
			best[k] = len(out)
			out = append(out, s)
		}
	}
	return out, names, nil
}
