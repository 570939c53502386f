package costexport

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"testing"
	"time"

	"github.com/parquet-go/parquet-go"

	"github.com/cloudlens/cloudlens/shared/app"
	"github.com/cloudlens/cloudlens/shared/app/apptest"
	"github.com/cloudlens/cloudlens/shared/auth"
	"github.com/cloudlens/cloudlens/shared/billing"
	"github.com/cloudlens/cloudlens/shared/cost"
	"github.com/cloudlens/cloudlens/shared/cost/costtest"
	"github.com/cloudlens/cloudlens/shared/money"
)

// now is the test's "today": bills exist up to 2025-03-14.
var now = time.Date(2025, 3, 15, 10, 0, 0, 0, billing.Shanghai)

type fixture struct {
	c      *apptest.Client
	data   costtest.Data
	admin  string
	viewer string // may see the first account only
}

// setup loads the same bills as the costs function's tests.
func setup(t *testing.T, d *app.Deps) fixture {
	t.Helper()
	d.Now = func() time.Time { return now }
	data := costtest.Load(t, d.Store, costtest.Options{Seed: 7, Accounts: 3, Resources: 10, Now: now, Days: 80, Demo: []bool{false, true, false}})
	f := fixture{c: apptest.Serve(t, New(d)), data: data}
	_, f.admin = apptest.User(t, d, "admin@example.com", auth.RoleAdmin)
	_, f.viewer = apptest.User(t, d, "viewer@example.com", auth.RoleViewer, data.Accounts[0].ID)
	return f
}

func TestFocusExport(t *testing.T) {
	apptest.Each(t, func(t *testing.T, d *app.Deps) {
		f := setup(t, d)
		want := f.data.Sum(costtest.Between("2025-02-01", "2025-03-14"), costtest.Billed)

		t.Run("focus", func(t *testing.T) {
			listWant := f.data.Sum(costtest.Between("2025-02-01", "2025-03-14"), func(li *billing.LineItem) money.Micros { return li.ListCost })
			r := f.c.Do("GET", "/api/v1/costs/focus?start=2025-02-01&end=2025-03-14", f.admin, nil)
			if r.Status != 200 {
				t.Fatalf("focus csv %d %s", r.Status, r.Body)
			}
			recs, err := csv.NewReader(bytes.NewReader(r.Body)).ReadAll()
			if err != nil {
				t.Fatal(err)
			}
			if err := cost.CheckFocusHeader(recs[0]); err != nil {
				t.Fatal(err)
			}
			billed, list := map[string]money.Micros{}, map[string]money.Micros{}
			tagged := 0
			for _, rec := range recs[1:] {
				row := map[string]string{}
				for i, h := range recs[0] {
					row[h] = rec[i]
				}
				if err := cost.CheckFocusRow(row); err != nil {
					t.Fatalf("row %v: %v", rec, err)
				}
				b, _ := money.Parse(row["BilledCost"])
				l, _ := money.Parse(row["ListCost"])
				billed[row["BillingCurrency"]] += b
				list[row["BillingCurrency"]] += l
				if row["Tags"] != "" {
					tagged++
				}
			}
			n := 0
			for i := range f.data.Items {
				if costtest.Between("2025-02-01", "2025-03-14")(&f.data.Items[i]) {
					n++
				}
			}
			if len(recs)-1 != n || tagged == 0 {
				t.Errorf("%d FOCUS rows (%d tagged), want %d", len(recs)-1, tagged, n)
			}
			for c := range want {
				if billed[c] != want[c] || list[c] != listWant[c] {
					t.Errorf("%s: FOCUS billed %s list %s, want %s %s", c, billed[c], list[c], want[c], listWant[c])
				}
			}

			r = f.c.Do("GET", "/api/v1/costs/focus?format=parquet&start=2025-02-01&end=2025-03-14", f.admin, nil)
			if r.Status != 200 {
				t.Fatalf("focus parquet %d %s", r.Status, r.Body)
			}
			prs, err := parquet.Read[cost.FocusRecord](bytes.NewReader(r.Body), int64(len(r.Body)))
			if err != nil {
				t.Fatal(err)
			}
			pb := map[string]money.Micros{}
			for _, pr := range prs {
				if err := cost.CheckFocusRow(pr.Row()); err != nil {
					t.Fatal(err)
				}
				pb[pr.BillingCurrency] += money.Micros(pr.BilledCost)
			}
			if len(prs) != n || fmt.Sprint(pb) != fmt.Sprint(want) {
				t.Errorf("parquet: %d rows %v, want %d %v", len(prs), pb, n, want)
			}

			// The viewer's export holds the granted account's rows only.
			r = f.c.Do("GET", "/api/v1/costs/focus?start=2025-02-01&end=2025-03-14", f.viewer, nil)
			recs, _ = csv.NewReader(bytes.NewReader(r.Body)).ReadAll()
			for _, rec := range recs[1:] {
				if rec[1] != f.data.Accounts[0].UID {
					t.Fatalf("viewer's FOCUS export holds billing account %s", rec[1])
				}
			}
		})

		t.Run("authentication", func(t *testing.T) {
			for _, p := range []string{"focus", "focus?format=parquet"} {
				if r := f.c.Do("GET", "/api/v1/costs/"+p, "", nil); r.Status != 401 {
					t.Errorf("%s without a token: %d", p, r.Status)
				}
			}
		})

		t.Run("not found beside the export", func(t *testing.T) {
			if r := f.c.Do("GET", "/api/v1/costs/overview", f.admin, nil); r.Status != 404 {
				t.Fatalf("overview on the export function: %d %s", r.Status, r.Body)
			}
		})
	})
}
