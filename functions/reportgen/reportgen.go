// Package reportgen is the cloudlens-reportgen job: the monthly cost report of every account,
// made once last month's bills are final (Alibaba closes a month at 12:00 on the 3rd), kept in
// the object store, listed under the AI reports and announced, with its summary and download
// link, to the channels of the report alert rules. "Run now" makes the report of any month
// (POST /api/v1/jobs/reportgen/run {"month":"YYYY-MM"}). A report of any month and of a
// person's own accounts is made on demand through POST /api/v1/ai/reports.
package reportgen

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/cloudlens/cloudlens/shared/account"
	"github.com/cloudlens/cloudlens/shared/alert"
	"github.com/cloudlens/cloudlens/shared/analyst"
	"github.com/cloudlens/cloudlens/shared/app"
	"github.com/cloudlens/cloudlens/shared/fcx"
	"github.com/cloudlens/cloudlens/shared/job"
	"github.com/cloudlens/cloudlens/shared/report"
	"github.com/cloudlens/cloudlens/shared/store"
)

// Name is the job's name in the catalog.
const Name = "reportgen"

// Job is the timer entry point.
func Job(d *app.Deps) fcx.Job { return d.TimerJob(Name, Func(d)) }

// New is the signed HTTP trigger ("run now").
func New(d *app.Deps) http.Handler { return d.JobHandler(Name, Func(d)) }

// Func makes the report of every account for the run's month (last month without one), unless
// the job already made it: a second run of a month (the timer after a "run now") makes
// nothing and announces nothing twice, though it announces a report whose announcement a
// failed run did not store.
func Func(d *app.Deps) job.Func {
	return func(ctx context.Context, items func(int64)) (string, error) {
		now := d.Now()
		month := job.Params(ctx, "month")
		if month == "" {
			month = report.LastMonth(now)
		}
		if _, _, err := report.ParseMonth(month, now); err != nil {
			return "", err
		}
		rep, found, err := monthly(ctx, d, month)
		if err != nil {
			return "", err
		}
		msg := fmt.Sprintf("the report of %s exists (report %d)", month, rep.ID)
		if !found {
			objects, err := analyst.Objects(d)
			if err != nil {
				return "", err
			}
			if rep, err = analyst.GenerateReport(ctx, d, objects, account.AllAccounts, month, 0); err != nil {
				return "", err
			}
			items(1)
			msg = fmt.Sprintf("report %d of %s made", rep.ID, month)
		}
		sent, err := announce(ctx, d, rep, now)
		if err != nil {
			return msg, err
		}
		if sent > 0 {
			msg += fmt.Sprintf(", summary queued for %d channels", sent)
		}
		return msg, nil
	}
}

// monthly finds the job's report of month (every account, made by the job).
func monthly(ctx context.Context, d *app.Deps, month string) (store.Report, bool, error) {
	existing, err := d.Store.ListReports(ctx, account.AllAccounts, 1000)
	if err != nil {
		return store.Report{}, false, err
	}
	for _, r := range existing {
		if r.Month == month && r.AllAccounts && r.CreatedBy == 0 && r.Status == "ready" {
			return r, true, nil
		}
	}
	return store.Report{}, false, nil
}

// announce raises the report's alert, routed by the report alert rules, and starts the
// dispatcher when it has deliveries; it returns how many. The alert's key makes it once per month.
func announce(ctx context.Context, d *app.Deps, rep store.Report, now time.Time) (int, error) {
	rules, err := d.Store.ListRules(ctx, alert.KindReport)
	if err != nil {
		return 0, err
	}
	a := report.Announcement(rep.ID, rep.Month, rep.Summary, d.Config.PublicURL, now)
	a.Deliveries = alert.Route(rules, a, now)
	raised, err := d.Store.RaiseAlerts(ctx, now, nil, a)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, r := range raised {
		n += len(r.Deliveries)
	}
	if n > 0 {
		d.Chain(ctx, "alertdispatch")
	}
	return n, nil
}
