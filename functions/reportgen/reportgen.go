// Package reportgen is the cloudlens-reportgen job: the monthly cost report of every account,
// made once last month's bills are final (Alibaba closes a month at 12:00 on the 3rd), kept in
// the object store and listed under the AI reports. A report of any month and of a person's
// own accounts is made on demand through POST /api/v1/ai/reports.
package reportgen

import (
	"context"
	"fmt"
	"net/http"

	"github.com/cloudlens/cloudlens/shared/account"
	"github.com/cloudlens/cloudlens/shared/analyst"
	"github.com/cloudlens/cloudlens/shared/app"
	"github.com/cloudlens/cloudlens/shared/fcx"
	"github.com/cloudlens/cloudlens/shared/job"
	"github.com/cloudlens/cloudlens/shared/report"
)

// Name is the job's name in the catalog.
const Name = "reportgen"

// Job is the timer entry point.
func Job(d *app.Deps) fcx.Job { return d.TimerJob(Name, Func(d)) }

// New is the signed HTTP trigger ("run now").
func New(d *app.Deps) http.Handler { return d.JobHandler(Name, Func(d)) }

// Func makes last month's report of every account, unless the job already made it: a second
// run (the timer after a "run now") does nothing.
func Func(d *app.Deps) job.Func {
	return func(ctx context.Context, items func(int64)) (string, error) {
		month := report.LastMonth(d.Now())
		existing, err := d.Store.ListReports(ctx, account.AllAccounts, 100)
		if err != nil {
			return "", err
		}
		for _, r := range existing {
			if r.Month == month && r.AllAccounts && r.CreatedBy == 0 && r.Status == "ready" {
				return fmt.Sprintf("the report of %s exists (report %d)", month, r.ID), nil
			}
		}
		objects, err := analyst.Objects(d)
		if err != nil {
			return "", err
		}
		r, err := analyst.GenerateReport(ctx, d, objects, account.AllAccounts, month, 0)
		if err != nil {
			return "", err
		}
		items(1)
		return fmt.Sprintf("report %d of %s made", r.ID, month), nil
	}
}
