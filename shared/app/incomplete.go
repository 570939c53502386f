package app

import (
	"context"

	"github.com/cloudlens/cloudlens/shared/account"
)

// Incomplete names an account whose bills are known to be incomplete on some days of the
// answer's range, with why: a figure that covers them is short, and the answer says so.
type Incomplete struct {
	AccountID int64    `json:"accountId"`
	Dates     []string `json:"dates"`
	Reason    string   `json:"reason"`
}

// IncompleteDays lists the accounts of scope with incomplete bill days between start and end
// (YYYY-MM-DD, inclusive), as every cost answer carries them (`"incomplete"` at its top
// level). It is read on every answer, not cached with it: a later sync that completes a day
// must clear the notice at once, and the table is small and indexed.
func (d *Deps) IncompleteDays(ctx context.Context, scope account.Scope, start, end string) ([]Incomplete, error) {
	gaps, err := d.Store.IncompleteDays(ctx, scope, start, end)
	if err != nil {
		return nil, err
	}
	out := make([]Incomplete, 0, len(gaps))
	for _, g := range gaps {
		out = append(out, Incomplete{AccountID: g.AccountID, Dates: g.Dates, Reason: g.Reason})
	}
	return out, nil
}

// Within keeps of list the accounts in scope and the dates between start and end, so one
// query over a wide range can serve many answers (a list of budgets).
func Within(list []Incomplete, scope account.Scope, start, end string) []Incomplete {
	out := []Incomplete{}
	for _, in := range list {
		if !scope.Contains(in.AccountID) {
			continue
		}
		var dates []string
		for _, d := range in.Dates {
			if d >= start && d <= end {
				dates = append(dates, d)
			}
		}
		if len(dates) > 0 {
			out = append(out, Incomplete{AccountID: in.AccountID, Dates: dates, Reason: in.Reason})
		}
	}
	return out
}
