package main

import (
	"net/http"

	"github.com/cloudlens/cloudlens/functions/accounts"
	"github.com/cloudlens/cloudlens/functions/alertdispatch"
	"github.com/cloudlens/cloudlens/functions/alerts"
	"github.com/cloudlens/cloudlens/functions/auth"
	"github.com/cloudlens/cloudlens/functions/billingsync"
	"github.com/cloudlens/cloudlens/functions/budgets"
	"github.com/cloudlens/cloudlens/functions/costs"
	"github.com/cloudlens/cloudlens/shared/app"
	"github.com/cloudlens/cloudlens/shared/fcx"
	"github.com/cloudlens/cloudlens/shared/job"
)

// entry is how the local runner builds one function in-process: the same constructors the
// function's bootstrap/main.go calls on Function Compute.
type entry struct {
	API func(d *app.Deps) http.Handler
	Job func(d *app.Deps) fcx.Job
	// Work is the job's work for functions run through app.Deps.Jobs: registered in
	// Deps.LocalJobs, so that "run now" and jobs chaining it run it in this process.
	Work func(d *app.Deps) job.Func
}

// registry lists every function by its directory under functions/. A test checks it against
// functions/* and s.yaml.
var registry = map[string]entry{
	"auth":          {API: auth.New},
	"accounts":      {API: accounts.New},
	"alerts":        {API: alerts.New},
	"alertdispatch": {API: alertdispatch.New, Job: alertdispatch.Job, Work: alertdispatch.Func},
	"billingsync":   {API: billingsync.New, Job: billingsync.Job},
	"budgets":       {API: budgets.New},
	"costs":         {API: costs.New},
}

// registerLocalJobs makes app.Deps.StartJob run every job function with its Work in this
// process instead of invoking it on Function Compute.
func registerLocalJobs(d *app.Deps) {
	if d.LocalJobs == nil {
		d.LocalJobs = map[string]job.Func{}
	}
	for dir, e := range registry {
		if e.Work != nil {
			d.LocalJobs[dir] = e.Work(d)
		}
	}
}
