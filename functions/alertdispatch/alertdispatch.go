// Package alertdispatch is the cloudlens-alertdispatch function: it delivers the alert outbox's
// due deliveries (with retries and backoff) until nothing is due, every minute on its timer and
// whenever a job that raised alerts starts it.
package alertdispatch

import (
	"context"
	"fmt"
	"net/http"

	"github.com/cloudlens/cloudlens/shared/app"
	"github.com/cloudlens/cloudlens/shared/fcx"
	"github.com/cloudlens/cloudlens/shared/job"
	"github.com/cloudlens/cloudlens/shared/notify"
)

// Name is the job's name: its runs, its lock and CLOUDLENS_ALERTDISPATCH_URL.
const Name = "alertdispatch"

// Func is the job's work: one notify.Dispatcher run over the outbox. A delivery that fails is
// recorded on the delivery (and retried later), not as a failure of the run; only a failure to
// reach the store or record an outcome fails the run.
func Func(d *app.Deps) job.Func {
	return func(ctx context.Context, items func(n int64)) (string, error) {
		n, err := d.Notifier()
		if err != nil {
			return "", fmt.Errorf("alertdispatch: %w", err)
		}
		disp := notify.Dispatcher{Outbox: d.Store, Sender: n, OpenSecret: d.OpenChannelSecret, Now: d.Now, Log: d.Log}
		rep, err := disp.Run(ctx)
		items(int64(rep.Sent + rep.Retrying + rep.Failed))
		return fmt.Sprintf("%d delivered, %d to be retried, %d failed", rep.Sent, rep.Retrying, rep.Failed), err
	}
}

// New returns the function's signed HTTP trigger, through which "run now" and the jobs that
// raise alerts start a queued run.
func New(d *app.Deps) http.Handler { return d.JobHandler(Name, Func(d)) }

// Job returns the function's timer job.
func Job(d *app.Deps) fcx.Job { return d.TimerJob(Name, Func(d)) }
