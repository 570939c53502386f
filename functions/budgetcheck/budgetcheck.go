// Package budgetcheck is the cloudlens-budgetcheck function: it evaluates every budget, keeps
// each one's status, raises an alert for each threshold crossed in the current period (once
// per threshold and period) and resolves those no longer crossed, then starts the alert
// dispatcher. Billing sync starts it after each completed sync; its timer runs it hourly as a
// safety net.
package budgetcheck

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/cloudlens/cloudlens/shared/alert"
	"github.com/cloudlens/cloudlens/shared/app"
	"github.com/cloudlens/cloudlens/shared/budget"
	"github.com/cloudlens/cloudlens/shared/cost"
	"github.com/cloudlens/cloudlens/shared/fcx"
	"github.com/cloudlens/cloudlens/shared/job"
)

// Name is the job's name in job_runs, the jobs API and CLOUDLENS_BUDGETCHECK_URL.
const Name = "budgetcheck"

// Job is the timer entry point.
func Job(d *app.Deps) fcx.Job { return d.TimerJob(Name, Func(d)) }

// New is the HTTP trigger: a signed request runs a queued run ("run now", or after a sync).
func New(d *app.Deps) http.Handler { return d.JobHandler(Name, Func(d)) }

// Func is the job's work. One budget that cannot be evaluated does not stop the others; the
// run fails naming it, so the failure is seen.
func Func(d *app.Deps) job.Func {
	return func(ctx context.Context, items func(int64)) (string, error) {
		bs, err := d.Store.AllBudgets(ctx)
		if err != nil {
			return "", err
		}
		// The rules decide where each alert goes; its deliveries are written with it.
		rules, err := d.Store.ListRules(ctx, alert.KindBudget)
		if err != nil {
			return "", err
		}
		now := d.Now()
		asOf := cost.Yesterday(now)
		var failed []error
		var raised, crossed int
		for i := range bs {
			if ctx.Err() != nil {
				failed = append(failed, ctx.Err())
				break
			}
			r, c, err := Check(ctx, d, &bs[i], rules, now, asOf)
			if err != nil {
				failed = append(failed, fmt.Errorf("budget %d (%s): %w", bs[i].ID, bs[i].Name, err))
			}
			raised += r
			crossed += c
			items(int64(i + 1))
		}
		msg := fmt.Sprintf("%d budgets checked, %d thresholds crossed, %d alerts raised", len(bs), crossed, raised)
		if raised > 0 {
			d.Chain(ctx, "alertdispatch")
		}
		if len(failed) > 0 {
			return msg, fmt.Errorf("%d of %d budgets could not be checked: %w", len(failed), len(bs), errors.Join(failed...))
		}
		return msg, nil
	}
}

// Check evaluates one budget and keeps the outcome with its alerts, routed by rules, in one
// transaction. It returns how many alerts it raised and how many thresholds are crossed.
func Check(ctx context.Context, d *app.Deps, b *budget.Budget, rules []alert.Rule, now, asOf time.Time) (raised, crossed int, err error) {
	st, err := budget.Compute(ctx, d.Store, b, now, asOf)
	if err != nil {
		return 0, 0, err
	}
	var raise []alert.Alert
	var resolve []string
	for _, c := range budget.Crossings(b, st) {
		if c.Crossed {
			crossed++
			a := budget.Alert(b, st, c, d.Config.PublicURL, now)
			a.Deliveries = alert.Route(rules, a, now)
			raise = append(raise, a)
		} else {
			resolve = append(resolve, c.DedupKey)
		}
	}
	out, err := d.Store.SaveBudgetEvaluation(ctx, b.ID, st.Snapshot(now), raise, resolve)
	return len(out), crossed, err
}
