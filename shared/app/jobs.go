package app

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"time"

	"github.com/cloudlens/cloudlens/shared/errs"
	"github.com/cloudlens/cloudlens/shared/fcx"
	"github.com/cloudlens/cloudlens/shared/httpx"
	"github.com/cloudlens/cloudlens/shared/job"
)

// JobRequest is the body of a signed request that starts a job function: the queued run to
// perform ("run now", or a job chaining the next one).
type JobRequest struct {
	Job   string `json:"job"`
	RunID int64  `json:"runId"`
}

// Jobs runs job functions through one job.Runner: every run is recorded, holds the job's
// short renewed lock, and resumes the work of runs whose process died.
func (d *Deps) Jobs() *job.Runner {
	var finished func(job.Run, time.Duration)
	if m := d.Metrics; m != nil {
		finished = func(r job.Run, took time.Duration) { m.JobRun(r.Job, r.Status, r.Items, took) }
	}
	return &job.Runner{Store: d.Store, Log: d.Log, Now: d.Now, Finished: finished,
		Lock: func(ctx context.Context, name string, ttl time.Duration) (job.Lock, error) {
			l, err := d.Cache.Lock(ctx, name, ttl)
			if err != nil {
				return nil, err
			}
			return l, nil
		}}
}

// TimerJob is the fcx.Job of a timer function whose work is fn.
func (d *Deps) TimerJob(name string, fn job.Func) fcx.Job {
	return func(ctx context.Context, _ fcx.TimerEvent) error {
		_, err := d.Jobs().Execute(ctx, name, job.TriggerTimer, 0, fn)
		return err
	}
}

// JobHandler is the HTTP trigger of a job function: a POST of a JobRequest signed with the
// internal invocation key performs that queued run and answers when it has finished (Function
// Compute invokes it asynchronously, so only FC's record of the invocation waits for it).
func (d *Deps) JobHandler(name string, fn job.Func) http.Handler {
	mux := http.NewServeMux()
	mux.Handle("POST /", d.Handle(func(w http.ResponseWriter, r *http.Request) error {
		body, err := fcx.VerifySigned(r, d.InvocationKey, 4096)
		if err != nil {
			return err
		}
		return d.ServeJobRequest(w, r, body, name, fn)
	}))
	return d.API(mux)
}

// ServeJobRequest performs the run a verified JobRequest body names, for trigger handlers
// that take other signed requests too (billing sync's "sync now" of one account).
func (d *Deps) ServeJobRequest(w http.ResponseWriter, r *http.Request, body []byte, name string, fn job.Func) error {
	var in JobRequest
	if err := json.Unmarshal(body, &in); err != nil || in.Job != name || in.RunID <= 0 {
		return errs.Invalid("the body must be {\"job\":%q,\"runId\":…}", name)
	}
	run, err := d.Jobs().Execute(r.Context(), name, job.TriggerManual, in.RunID, fn)
	if err != nil {
		return err
	}
	return httpx.OK(w, map[string]any{"runId": run.ID, "status": run.Status})
}

// FunctionName is the Function Compute name of the function in functions/<dir>.
func FunctionName(dir string) string { return "cloudlens-" + dir }

// StartJob starts the queued run runID of job name without waiting for it, through d.Invoke:
// a signed asynchronous invocation of the job function's HTTP trigger on FC
// (CLOUDLENS_<NAME>_URL), the same function's handler in process locally. A job that cannot be
// started here is errs.KindUnavailable; its run stays queued and the job's timer does the work.
func (d *Deps) StartJob(ctx context.Context, name string, runID int64) error {
	if d.Invoke == nil {
		return errs.E(errs.KindUnavailable, "%s cannot be started from here: CLOUDLENS_%s_URL is not set", name, strings.ToUpper(name))
	}
	return d.Invoke(ctx, FunctionName(name), JobRequest{Job: name, RunID: runID})
}

// Chain queues a run of job name and starts it; jobs call it to start the next job when
// their work is done (billing sync → budgetcheck → alertdispatch). A failure to start is
// logged, not returned: the next job's timer is the safety net.
func (d *Deps) Chain(ctx context.Context, name string) {
	run, err := d.Jobs().Queue(ctx, name, job.TriggerChain, 0)
	if err == nil {
		err = d.StartJob(ctx, name, run.ID)
	}
	if err != nil {
		d.Log.WarnContext(ctx, "next job not started; its timer will run it", "job", name, "error", err.Error())
	}
}
