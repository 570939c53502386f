// Package job runs scheduled jobs so that none is done twice at once and none is lost when its
// process dies: each run holds a short lock it renews while it works and records a heartbeat;
// a run whose heartbeat stopped (the instance was killed or frozen for good) is marked
// abandoned by the next run, which does the work again. Jobs are idempotent, so redoing the
// work of an abandoned run is safe.
package job

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/cloudlens/cloudlens/shared/errs"
	"github.com/cloudlens/cloudlens/shared/logx"
)

// Statuses of a run.
const (
	Queued    = "queued"
	Running   = "running"
	Succeeded = "succeeded"
	Failed    = "failed"
	Skipped   = "skipped"
	Abandoned = "abandoned"
)

// Triggers of a run.
const (
	TriggerTimer  = "timer"
	TriggerManual = "manual"
	TriggerChain  = "chain"
)

// Run is one run of a job.
type Run struct {
	ID          int64
	Job         string
	Trigger     string
	Status      string
	Message     string
	Items       int64
	RequestedBy int64 // 0 when no person asked for it
	// Params is the JSON object of parameters "run now" gave (see Entry.Params), "" for none;
	// the job reads them with Params(ctx).
	Params      string
	CreatedAt   time.Time
	StartedAt   *time.Time
	HeartbeatAt *time.Time
	FinishedAt  *time.Time
}

// Store keeps the runs.
type Store interface {
	CreateJobRun(ctx context.Context, r *Run) error
	GetJobRun(ctx context.Context, id int64) (Run, error)
	UpdateJobRun(ctx context.Context, r Run) error
	// AbandonJobRuns marks the job's queued or running runs other than except whose
	// heartbeat (or creation, for runs that never started) is before stale as abandoned.
	AbandonJobRuns(ctx context.Context, job string, stale time.Time, except int64, msg string) (int64, error)
}

// Lock is a held lock.
type Lock interface {
	Extend(ctx context.Context, ttl time.Duration) error
	Unlock(ctx context.Context) error
}

// Locker takes named locks; a lock held by someone else is errs.KindConflict.
type Locker func(ctx context.Context, name string, ttl time.Duration) (Lock, error)

// Timing of locks and heartbeats: a lock lives LockTTL unless renewed every Beat, so a killed
// holder blocks the next run for at most LockTTL, and a run whose heartbeat is older than
// StaleAfter is known to be gone.
const (
	Beat       = 10 * time.Second
	LockTTL    = 30 * time.Second
	StaleAfter = 3 * LockTTL
)

// Runner runs jobs.
type Runner struct {
	Store Store
	Lock  Locker
	Log   *slog.Logger
	Now   func() time.Time
	// Beat overrides the heartbeat interval (tests); zero means Beat.
	Beat time.Duration
	// Finished, when set, is told of every run that ends, with its time from start to end
	// (zero for runs that never started): the metrics hook.
	Finished func(r Run, took time.Duration)
}

// Func is a job's work. It reports progress through items (how many things are done so far)
// and returns a sentence about the outcome for the run's record.
type Func func(ctx context.Context, items func(n int64)) (message string, err error)

// Queue records a run that a person (or another job) asked for, to be started by Execute
// with its id: "run now" answers with the id before the work begins.
func (rn *Runner) Queue(ctx context.Context, job, trigger string, requestedBy int64) (Run, error) {
	return rn.QueueWith(ctx, job, trigger, requestedBy, "")
}

// QueueWith is Queue of a run with parameters (a JSON object from ParseParams).
func (rn *Runner) QueueWith(ctx context.Context, job, trigger string, requestedBy int64, params string) (Run, error) {
	r := Run{Job: job, Trigger: trigger, Status: Queued, RequestedBy: requestedBy, Params: params, CreatedAt: rn.Now()}
	err := rn.Store.CreateJobRun(ctx, &r)
	return r, err
}

// Execute runs fn as a run of job: the queued run runID when given, a new run otherwise (a
// timer). When another live run holds the job's lock this run is recorded as skipped: the
// other run does the same work. Runs of the job whose heartbeat stopped are marked abandoned.
func (rn *Runner) Execute(ctx context.Context, job, trigger string, runID int64, fn Func) (Run, error) {
	r, err := rn.begin(ctx, job, trigger, runID)
	if err != nil {
		return r, err
	}
	// Every line of the run, the store's included, names the job and the run.
	ctx = logx.WithRunID(logx.WithJob(ctx, job), r.ID)
	ctx = WithParams(ctx, r.Params)
	// Outcomes are recorded even when ctx ends: a run must never stay "running".
	record := context.WithoutCancel(ctx)
	finish := func(status, msg string) error {
		t := rn.Now()
		r.Status, r.Message, r.FinishedAt = status, msg, &t
		err := rn.Store.UpdateJobRun(record, r)
		rn.finished(ctx, r)
		return err
	}

	lock, err := rn.Lock(ctx, "job:"+job, LockTTL)
	if errs.Is(err, errs.KindConflict) {
		return r, finish(Skipped, "another run of this job was in progress; it does the same work")
	}
	if err != nil {
		return r, errors.Join(err, finish(Failed, "the job's lock could not be taken: "+errs.Message(err)))
	}
	defer func() {
		if uerr := lock.Unlock(record); uerr != nil {
			rn.Log.WarnContext(ctx, "job: unlock failed", "error", uerr.Error())
		}
	}()
	// With the lock held no other run is working; those still marked queued or running past
	// their heartbeat belong to a process that is gone.
	n, err := rn.Store.AbandonJobRuns(ctx, job, rn.Now().Add(-StaleAfter), r.ID,
		"the process running it stopped; a later run did its work")
	if err != nil {
		return r, errors.Join(err, finish(Failed, "earlier runs could not be checked"))
	}
	if n > 0 {
		rn.Log.WarnContext(ctx, "job: earlier runs abandoned", "abandoned", n)
	}

	t := rn.Now()
	r.Status, r.StartedAt, r.HeartbeatAt = Running, &t, &t
	if err := rn.Store.UpdateJobRun(record, r); err != nil {
		return r, err
	}
	msg, werr := rn.work(ctx, &r, lock, fn)
	if werr != nil {
		text := errs.Message(werr)
		if msg != "" {
			text = msg + ": " + text
		}
		return r, errors.Join(werr, finish(Failed, text))
	}
	return r, finish(Succeeded, msg)
}

// finished logs the run's outcome as one line with its figures (on Function Compute, the job
// metrics Simple Log Service charts) and tells Finished.
func (rn *Runner) finished(ctx context.Context, r Run) {
	var took time.Duration
	if r.StartedAt != nil && r.FinishedAt != nil {
		took = r.FinishedAt.Sub(*r.StartedAt)
	}
	logx.OrDiscard(rn.Log).InfoContext(ctx, "job run finished", "status", r.Status, "trigger", r.Trigger,
		"items", r.Items, "duration_ms", float64(took.Microseconds())/1000)
	if rn.Finished != nil {
		rn.Finished(r, took)
	}
}

func (rn *Runner) begin(ctx context.Context, job, trigger string, runID int64) (Run, error) {
	if runID == 0 {
		r := Run{Job: job, Trigger: trigger, Status: Queued, CreatedAt: rn.Now()}
		return r, rn.Store.CreateJobRun(ctx, &r)
	}
	r, err := rn.Store.GetJobRun(ctx, runID)
	if err != nil {
		return r, err
	}
	if r.Job != job {
		return r, errs.NotFound("run %d is not a run of %s", runID, job)
	}
	if r.Status != Queued {
		return r, errs.Conflict("run %d is %s, not queued", runID, r.Status)
	}
	return r, nil
}

// work runs fn while a heartbeat renews the lock and records progress; losing the lock
// cancels fn, since someone else may be doing the work by then.
func (rn *Runner) work(ctx context.Context, r *Run, lock Lock, fn Func) (string, error) {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	record := context.WithoutCancel(ctx)
	var mu sync.Mutex // r.Items and r.HeartbeatAt are written by fn's goroutine and the heartbeat
	items := func(n int64) {
		mu.Lock()
		r.Items = n
		mu.Unlock()
	}
	beat := rn.Beat
	if beat <= 0 {
		beat = Beat
	}
	stop := make(chan struct{})
	var beating sync.WaitGroup
	beating.Add(1)
	go func() {
		defer beating.Done()
		tick := time.NewTicker(beat)
		defer tick.Stop()
		for {
			select {
			case <-stop:
				return
			case <-tick.C:
			}
			if err := lock.Extend(ctx, LockTTL); err != nil {
				cancel(fmt.Errorf("lost the job's lock: %w", err))
				return
			}
			mu.Lock()
			hb := rn.Now()
			r.HeartbeatAt = &hb
			snapshot := *r
			mu.Unlock()
			if err := rn.Store.UpdateJobRun(record, snapshot); err != nil {
				rn.Log.WarnContext(ctx, "job: heartbeat not recorded", "error", err.Error())
			}
		}
	}()
	msg, err := fn(ctx, items)
	close(stop)
	beating.Wait()
	if err != nil {
		if cause := context.Cause(ctx); cause != nil && !errors.Is(err, cause) {
			err = fmt.Errorf("%w (%w)", err, cause)
		}
	}
	return msg, err
}
