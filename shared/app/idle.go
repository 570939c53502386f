package app

import (
	"context"

	"github.com/cloudlens/cloudlens/shared/savings"
)

// EvaluateIdle runs the idle rules for accountIDs over their stored inventory, metric summaries
// and bills, keeps the findings, and starts the alert dispatcher when a digest of new findings
// was raised. resourcesync calls it after reading an inventory; billingsync after new bills,
// because a finding is worth its resource's billed cost: bills that arrive after the inventory
// (an account's first sync, corrections) change what the findings are worth.
func (d *Deps) EvaluateIdle(ctx context.Context, accountIDs []int64) error {
	r := savings.Runner{Store: d.Store, Log: d.Log, Now: d.Now, PublicURL: d.Config.PublicURL}
	res, err := r.Run(ctx, accountIDs)
	d.Log.InfoContext(ctx, "idle rules evaluated", "accounts", res.Accounts, "resources", res.Resources,
		"findings", res.Findings, "new", res.New, "took_ms", res.Took.Milliseconds())
	if len(res.Raised) > 0 {
		d.Chain(ctx, "alertdispatch")
	}
	return err
}
