package billingsync

import (
	"testing"

	"github.com/cloudlens/cloudlens/shared/account"
	"github.com/cloudlens/cloudlens/shared/app"
	"github.com/cloudlens/cloudlens/shared/app/apptest"
	"github.com/cloudlens/cloudlens/shared/cost"
	"github.com/cloudlens/cloudlens/shared/money"
	"github.com/cloudlens/cloudlens/shared/savings/savingstest"
	"github.com/cloudlens/cloudlens/shared/store"
)

// An inventory read before the account's first bills (make run does so: both jobs start
// together) gives findings worth ¥0; the bill sync reprices them to the resources' billed cost
// over each finding's basis, the figure the costs API gives for the same range.
func TestBillSyncRepricesIdleFindings(t *testing.T) {
	apptest.Each(t, func(t *testing.T, d *app.Deps) {
		e := newEnv(t, d, envOptions{accounts: 2, resources: 20, now: "2026-03-12 10:00", months: 1})
		ctx := t.Context()
		ids := []int64{e.accs[0].ID, e.accs[1].ID}
		savingstest.Inventory(t, d.Store, e.world, ids, d.Now())
		if res := savingstest.Evaluate(t, d.Store, d.Log, ids, d.Now()); res.Findings == 0 {
			t.Fatalf("no findings to reprice: %+v", res)
		}
		before, err := d.Store.ListFindings(ctx, account.AllAccounts, store.FindingFilter{Status: "open"}, d.Now())
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range before {
			if !f.Estimate && f.MonthlySavings != 0 {
				t.Fatalf("%s %s is worth %s before any bill", f.Rule, f.ResourceID, f.MonthlySavings)
			}
		}

		if err := Job(d)(ctx, fcxEvent()); err != nil {
			t.Fatal(err)
		}
		after, err := d.Store.ListFindings(ctx, account.AllAccounts, store.FindingFilter{Status: "open"}, d.Now())
		if err != nil {
			t.Fatal(err)
		}
		if len(after) != len(before) {
			t.Fatalf("%d findings after the sync, %d before", len(after), len(before))
		}
		priced := 0
		for _, f := range after {
			if f.Estimate {
				continue
			}
			rows, err := d.Store.ResourceSeries(ctx, account.AllAccounts, f.ResourceID, cost.Query{Start: f.Basis.Start, End: f.Basis.End,
				Granularity: cost.Day, Metric: cost.Metric(f.Basis.Metric)})
			if err != nil {
				t.Fatal(err)
			}
			var billed money.Micros
			for _, r := range rows {
				billed += r.Cost
			}
			if f.MonthlySavings != billed {
				t.Errorf("%s %s: worth %s after the sync, billed %s over %s..%s", f.Rule, f.ResourceID, f.MonthlySavings, billed, f.Basis.Start, f.Basis.End)
			}
			if billed > 0 {
				priced++
			}
		}
		if priced == 0 {
			t.Fatal("no finding has a billed figure after the sync")
		}
	})
}
