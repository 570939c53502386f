package main

import (
	"net/http"

	"github.com/cloudlens/cloudlens/functions/accounts"
	"github.com/cloudlens/cloudlens/functions/auth"
	"github.com/cloudlens/cloudlens/functions/billingsync"
	"github.com/cloudlens/cloudlens/functions/budgetcheck"
	"github.com/cloudlens/cloudlens/functions/budgets"
	"github.com/cloudlens/cloudlens/functions/costexport"
	"github.com/cloudlens/cloudlens/functions/costs"
	"github.com/cloudlens/cloudlens/functions/jobs"
	"github.com/cloudlens/cloudlens/shared/app"
	"github.com/cloudlens/cloudlens/shared/fcx"
	sharedjob "github.com/cloudlens/cloudlens/shared/job"
)

// entry is how the local runner builds one function in-process: the same constructors the
// function's bootstrap/main.go calls on Function Compute.
type entry struct {
	API func(d *app.Deps) http.Handler
	Job func(d *app.Deps) fcx.Job
	// Work is a job function's work, run in process when "run now" or another job starts it.
	Work func(d *app.Deps) sharedjob.Func
}

// registry lists every function by its directory under functions/. A test checks it against
// functions/* and s.yaml.
var registry = map[string]entry{
	"auth":        {API: auth.New},
	"accounts":    {API: accounts.New},
	"billingsync": {API: billingsync.New, Job: billingsync.Job},
	"budgets":     {API: budgets.New},
	"budgetcheck": {API: budgetcheck.New, Job: budgetcheck.Job, Work: budgetcheck.Func},
	"jobs":        {API: jobs.New},
	"costs":       {API: costs.New},
	"costexport":  {API: costexport.New},
}
