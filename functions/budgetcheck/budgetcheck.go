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
	"sync"
	"time"

	"github.com/cloudlens/cloudlens/shared/account"
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
		// Budgets over the same accounts and filters read the same daily costs: one run asks
		// the store once for each, and evaluates a few budgets at a time.
		costs := &memoCosts{next: d.Store, rows: map[string]*memoEntry{}}
		var (
			mu              sync.Mutex
			failed          []error
			raised, crossed int
			done            int64
		)
		work := make(chan int)
		var wg sync.WaitGroup
		for range checkWorkers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := range work {
					r, c, err := check(ctx, d, costs, &bs[i], rules, now, asOf)
					mu.Lock()
					if err != nil {
						failed = append(failed, fmt.Errorf("budget %d (%s): %w", bs[i].ID, bs[i].Name, err))
					}
					raised += r
					crossed += c
					done++
					items(done)
					mu.Unlock()
				}
			}()
		}
		for i := range bs {
			if ctx.Err() != nil {
				mu.Lock()
				failed = append(failed, ctx.Err())
				mu.Unlock()
				break
			}
			work <- i
		}
		close(work)
		wg.Wait()
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

// checkWorkers is how many budgets one run evaluates at once: enough to overlap the store's
// round trips, few enough to leave the pool to the API.
const checkWorkers = 4

// check evaluates one budget and keeps the outcome with its alerts, routed by rules, in one
// transaction. It returns how many alerts it raised and how many thresholds are crossed.
func check(ctx context.Context, d *app.Deps, costs budget.Costs, b *budget.Budget, rules []alert.Rule, now, asOf time.Time) (raised, crossed int, err error) {
	st, err := budget.Compute(ctx, costs, b, now, asOf)
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

// memoCosts answers each distinct cost query of one run once, however many budgets ask it;
// concurrent askers of the same query wait for the first.
type memoCosts struct {
	next budget.Costs
	mu   sync.Mutex
	rows map[string]*memoEntry
}

type memoEntry struct {
	once sync.Once
	rows []cost.Row
	err  error
}

func (m *memoCosts) CostRows(ctx context.Context, scope account.Scope, q cost.Query) ([]cost.Row, error) {
	key := fmt.Sprint(scope.All, scope.IDs) + "|" + q.Key()
	m.mu.Lock()
	e := m.rows[key]
	if e == nil {
		e = &memoEntry{}
		m.rows[key] = e
	}
	m.mu.Unlock()
	e.once.Do(func() { e.rows, e.err = m.next.CostRows(ctx, scope, q) })
	return e.rows, e.err
}
