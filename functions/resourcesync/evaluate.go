package resourcesync

import (
	"context"

	"github.com/cloudlens/cloudlens/shared/app"
	"github.com/cloudlens/cloudlens/shared/savings"
)

// evaluateIdle is the idle-rule evaluation a run ends with, called with the accounts whose
// inventory the run refreshed: shared/savings reads those accounts' inventories, metric
// summaries, prices and bills, keeps the findings and raises one idle digest for the new
// ones, which the alert dispatcher is then started to deliver.
func evaluateIdle(d *app.Deps) Evaluator {
	r := savings.Runner{Store: d.Store, Log: d.Log, Now: d.Now, PublicURL: d.Config.PublicURL}
	return func(ctx context.Context, accountIDs []int64) error {
		res, err := r.Run(ctx, accountIDs)
		d.Log.InfoContext(ctx, "idle rules evaluated", "accounts", res.Accounts, "resources", res.Resources,
			"findings", res.Findings, "new", res.New, "took_ms", res.Took.Milliseconds())
		if len(res.Raised) > 0 {
			d.Chain(ctx, "alertdispatch")
		}
		return err
	}
}
