package reportgen

import (
	"strings"
	"testing"
	"time"

	"github.com/cloudlens/cloudlens/shared/account"
	"github.com/cloudlens/cloudlens/shared/analyst"
	"github.com/cloudlens/cloudlens/shared/app"
	"github.com/cloudlens/cloudlens/shared/app/apptest"
	"github.com/cloudlens/cloudlens/shared/billing"
	"github.com/cloudlens/cloudlens/shared/cost/costtest"
	"github.com/cloudlens/cloudlens/shared/objstore"
)

func TestMonthlyReportOnceAMonth(t *testing.T) {
	apptest.Each(t, func(t *testing.T, d *app.Deps) {
		now := time.Date(2025, 3, 3, 13, 0, 0, 0, billing.Shanghai)
		d.Now = func() time.Time { return now }
		costtest.Load(t, d.Store, costtest.Options{Seed: 3, Accounts: 2, Resources: 4, Now: now, Days: 70})
		run := Func(d)
		msg, err := run(t.Context(), func(int64) {})
		if err != nil || !strings.Contains(msg, "of 2025-02 made") {
			t.Fatalf("%q %v", msg, err)
		}
		msg, err = run(t.Context(), func(int64) {})
		if err != nil || !strings.Contains(msg, "exists") {
			t.Fatalf("second run: %q %v", msg, err)
		}
		rs, err := d.Store.ListReports(t.Context(), account.AllAccounts, 10)
		if err != nil || len(rs) != 1 || !rs[0].AllAccounts || rs[0].Month != "2025-02" {
			t.Fatalf("%+v %v", rs, err)
		}
		objects, _ := analyst.Objects(d)
		md, err := objects.(*objstore.Folder).Get(t.Context(), rs[0].ObjectKey+".md")
		if err != nil || !strings.Contains(string(md), "# CloudLens cost report 2025-02") || !strings.Contains(string(md), "## Forecast") {
			t.Fatalf("%.300s %v", md, err)
		}
	})
}
