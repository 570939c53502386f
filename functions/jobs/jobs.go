// Package jobs is the cloudlens-jobs function: every job function with its schedule and last
// run, their runs, and "run now" (admins), which queues a run and starts the job function —
// in process locally, by a signed asynchronous invocation on Function Compute.
package jobs

import (
	"encoding/json"
	"net/http"
	"strconv"
	"time"

	"github.com/cloudlens/cloudlens/shared/app"
	"github.com/cloudlens/cloudlens/shared/auth"
	"github.com/cloudlens/cloudlens/shared/errs"
	"github.com/cloudlens/cloudlens/shared/httpx"
	"github.com/cloudlens/cloudlens/shared/job"
)

// maxRuns caps one page of a job's runs.
const maxRuns = 100

type api struct{ d *app.Deps }

// New returns the function's HTTP handler.
func New(d *app.Deps) http.Handler {
	a := &api{d: d}
	mux := http.NewServeMux()
	mux.Handle("GET /api/v1/jobs", d.AuthedFunc(a.list))
	mux.Handle("POST /api/v1/jobs/{name}/run", d.AuthedFunc(a.run))
	mux.Handle("GET /api/v1/jobs/{name}/runs", d.AuthedFunc(a.runs))
	mux.Handle("/", httpx.NotFound(d.Log))
	return d.API(mux)
}

type runJSON struct {
	ID          int64      `json:"id"`
	Job         string     `json:"job"`
	Trigger     string     `json:"trigger"`
	Status      string     `json:"status"`
	Message     string     `json:"message"`
	Items       int64      `json:"items"`
	RequestedBy *int64     `json:"requestedBy"`
	CreatedAt   time.Time  `json:"createdAt"`
	StartedAt   *time.Time `json:"startedAt"`
	HeartbeatAt *time.Time `json:"heartbeatAt"`
	FinishedAt  *time.Time `json:"finishedAt"`
}

func toRun(r job.Run) runJSON {
	out := runJSON{ID: r.ID, Job: r.Job, Trigger: r.Trigger, Status: r.Status, Message: r.Message, Items: r.Items,
		CreatedAt: r.CreatedAt, StartedAt: r.StartedAt, HeartbeatAt: r.HeartbeatAt, FinishedAt: r.FinishedAt}
	if r.RequestedBy != 0 {
		by := r.RequestedBy
		out.RequestedBy = &by
	}
	return out
}

type jobJSON struct {
	Name        string   `json:"name"`
	Description string   `json:"description"`
	Schedule    string   `json:"schedule"`
	LastRun     *runJSON `json:"lastRun"`
}

func (a *api) list(w http.ResponseWriter, r *http.Request) error {
	if _, err := httpx.Require(r, auth.RoleAdmin); err != nil {
		return err
	}
	out := make([]jobJSON, 0, len(job.Catalog))
	for _, e := range job.Catalog {
		j := jobJSON{Name: e.Name, Description: e.Description, Schedule: e.Schedule}
		last, err := a.d.Store.ListJobRuns(r.Context(), e.Name, 1)
		if err != nil {
			return err
		}
		if len(last) == 1 {
			lr := toRun(last[0])
			j.LastRun = &lr
		}
		out = append(out, j)
	}
	return httpx.OK(w, httpx.Items(out))
}

// entry returns the job {name} of the catalog.
func entry(r *http.Request) (job.Entry, error) {
	name := r.PathValue("name")
	e, ok := job.Lookup(name)
	if !ok {
		return e, errs.NotFound("no job called %q", errs.Clip(name, 40))
	}
	return e, nil
}

func (a *api) run(w http.ResponseWriter, r *http.Request) error {
	p, err := httpx.Require(r, auth.RoleAdmin)
	if err != nil {
		return err
	}
	e, err := entry(r)
	if err != nil {
		return err
	}
	// An optional body gives the job's parameters (job.Entry.Params), e.g. reportgen's month.
	var in map[string]json.RawMessage
	if r.ContentLength != 0 {
		if err := httpx.Decode(r, &in); err != nil {
			return err
		}
	}
	params, err := job.ParseParams(e, in, a.d.Now())
	if err != nil {
		return err
	}
	run, err := a.d.Jobs().QueueWith(r.Context(), e.Name, job.TriggerManual, p.UserID, params)
	if err != nil {
		return err
	}
	if err := a.d.StartJob(r.Context(), e.Name, run.ID); err != nil {
		// The run stays visible as failed to start, rather than queued forever.
		t := a.d.Now()
		run.Status, run.Message, run.FinishedAt = job.Failed, "could not be started: "+errs.Message(err), &t
		if uerr := a.d.Store.UpdateJobRun(r.Context(), run); uerr != nil {
			a.d.Log.WarnContext(r.Context(), "job run not updated", "job", e.Name, "run_id", run.ID, "error", uerr.Error())
		}
		return err
	}
	a.d.Audit(r.Context(), p.UserID, "job.run", "job_run", run.ID, e.Name)
	httpx.WriteJSON(w, http.StatusAccepted, map[string]int64{"runId": run.ID})
	return nil
}

func (a *api) runs(w http.ResponseWriter, r *http.Request) error {
	if _, err := httpx.Require(r, auth.RoleAdmin); err != nil {
		return err
	}
	e, err := entry(r)
	if err != nil {
		return err
	}
	limit := 20
	if v := r.URL.Query().Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > maxRuns {
			return errs.OutOfRange("limit", 1, maxRuns)
		}
		limit = n
	}
	rs, err := a.d.Store.ListJobRuns(r.Context(), e.Name, limit)
	if err != nil {
		return err
	}
	out := make([]runJSON, 0, len(rs))
	for _, x := range rs {
		out = append(out, toRun(x))
	}
	return httpx.OK(w, httpx.Items(out))
}
