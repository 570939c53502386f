package budgets

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/cloudlens/cloudlens/functions/costs"
	"github.com/cloudlens/cloudlens/shared/app"
	"github.com/cloudlens/cloudlens/shared/app/apptest"
	"github.com/cloudlens/cloudlens/shared/auth"
	"github.com/cloudlens/cloudlens/shared/billing"
	"github.com/cloudlens/cloudlens/shared/cost/costtest"
	"github.com/cloudlens/cloudlens/shared/money"
)

// now is the test's "today": bills exist up to 2025-03-14.
var now = time.Date(2025, 3, 15, 10, 0, 0, 0, billing.Shanghai)

type fixture struct {
	d                     *app.Deps
	c, costs              *apptest.Client
	data                  costtest.Data
	admin, editor, viewer string
	acc0, acc1            int64
	product0              string
}

func setup(t *testing.T, d *app.Deps) fixture {
	t.Helper()
	d.Now = func() time.Time { return now }
	data := costtest.Load(t, d.Store, costtest.Options{Seed: 11, Accounts: 2, Resources: 8, Now: now, Days: 100})
	f := fixture{d: d, c: apptest.Serve(t, New(d)), costs: apptest.Serve(t, costs.New(d)), data: data,
		acc0: data.Accounts[0].ID, acc1: data.Accounts[1].ID}
	_, f.admin = apptest.User(t, d, "admin@example.com", auth.RoleAdmin)
	_, f.editor = apptest.User(t, d, "editor@example.com", auth.RoleEditor, f.acc0)
	_, f.viewer = apptest.User(t, d, "viewer@example.com", auth.RoleViewer, f.acc0)
	for _, li := range data.Items {
		if li.AccountID == f.acc0 {
			f.product0 = li.ServiceCode
			break
		}
	}
	return f
}

type budgetAnswer struct {
	ID         int64    `json:"id"`
	Name       string   `json:"name"`
	Currency   string   `json:"currency"`
	AccountIDs []int64  `json:"accountIds"`
	All        bool     `json:"allAccounts"`
	Filters    []string `json:"filters"`
	Thresholds []struct {
		Percent int    `json:"percent"`
		Basis   string `json:"basis"`
	} `json:"thresholds"`
	Status struct {
		PeriodStart, PeriodEnd, AsOf       string
		Amount, Spent, Forecast, Remaining money.Micros
		PercentSpent, PercentForecast      float64
		BurnDownDate                       *string
	} `json:"status"`
	History []struct {
		Period string
		Spent  money.Micros
	} `json:"history"`
	Series []struct {
		Date       string
		Cumulative money.Micros
	} `json:"series"`
}

func TestBudgetLifecycleAndSpendEqualsExplorer(t *testing.T) {
	apptest.Each(t, func(t *testing.T, d *app.Deps) {
		f := setup(t, d)
		body := map[string]any{"name": "ECS 生产", "period": "month", "amount": "1000.00", "currency": "CNY",
			"accountIds": []int64{f.acc0}, "filters": []string{"product:in:" + f.product0},
			"thresholds": []map[string]any{{"percent": 80, "basis": "actual"}, {"percent": 100, "basis": "forecast"}}}
		res := f.c.Do(http.MethodPost, "/api/v1/budgets", f.editor, body)
		if res.Status != http.StatusCreated {
			t.Fatalf("create: %d %s", res.Status, res.Body)
		}
		var b budgetAnswer
		res.JSON(t, &b)
		if b.ID == 0 || b.Status.PeriodStart != "2025-03-01" || b.Status.PeriodEnd != "2025-03-31" || b.Status.AsOf != "2025-03-14" {
			t.Fatalf("created = %s", res.Body)
		}

		// spent equals the explorer for the same accounts, filters and dates.
		q := fmt.Sprintf("/api/v1/costs/explore?start=2025-03-01&end=2025-03-14&granularity=month&accountId=%d&filter=product:in:%s", f.acc0, f.product0)
		ex := f.costs.Do(http.MethodGet, q, f.editor, nil)
		var explore struct {
			Items []struct {
				Currency string
				Total    money.Micros
			}
		}
		ex.JSON(t, &explore)
		want := f.data.Sum(func(li *billing.LineItem) bool {
			return li.AccountID == f.acc0 && li.ServiceCode == f.product0 && li.ChargeDate >= "2025-03-01" && li.ChargeDate <= "2025-03-14"
		}, costtest.Billed)["CNY"]
		// The API shows cents; the line items give the exact figure.
		if len(explore.Items) != 1 || explore.Items[0].Total.String() != want.String() || want == 0 {
			t.Fatalf("explore = %s, want one CNY series of %s", ex.Body, want)
		}
		if b.Status.Spent != want {
			t.Errorf("spent = %s, explorer and line items say %s", b.Status.Spent, want)
		}
		if len(b.Series) != 14 || b.Series[13].Cumulative != want {
			t.Errorf("series: %d points, want 14 ending at the spend", len(b.Series))
		}
		if len(b.History) != 12 || b.History[0].Period != "2025-02" {
			t.Errorf("history = %+v, want 12 months from 2025-02", b.History)
		}
		if b.Status.Remaining != b.Status.Amount-b.Status.Spent {
			t.Errorf("remaining %s ≠ amount − spent", b.Status.Remaining)
		}

		// The viewer of the same account sees it, in the list with the kept status.
		list := f.c.Do(http.MethodGet, "/api/v1/budgets", f.viewer, nil)
		var l struct{ Items []budgetAnswer }
		list.JSON(t, &l)
		if len(l.Items) != 1 || l.Items[0].Status.Spent != want {
			t.Fatalf("viewer's list = %s", list.Body)
		}

		// Edit and delete need an editor; the viewer is refused.
		path := fmt.Sprintf("/api/v1/budgets/%d", b.ID)
		if res := f.c.Do(http.MethodPatch, path, f.viewer, map[string]any{"name": "x"}); res.Status != http.StatusForbidden {
			t.Errorf("viewer PATCH: %d", res.Status)
		}
		res = f.c.Do(http.MethodPatch, path, f.editor, map[string]any{"amount": "10", "filters": []string{}})
		if res.Status != http.StatusOK {
			t.Fatalf("PATCH: %d %s", res.Status, res.Body)
		}
		res.JSON(t, &b)
		all := f.data.Sum(func(li *billing.LineItem) bool {
			return li.AccountID == f.acc0 && li.ChargeDate >= "2025-03-01" && li.ChargeDate <= "2025-03-14"
		}, costtest.Billed)["CNY"]
		if b.Name != "ECS 生产" || b.Status.Spent != all || b.Status.PercentSpent <= 100 || b.Status.BurnDownDate == nil {
			t.Errorf("after PATCH: name %q spent %s (want %s) percent %v burn-down %v", b.Name, b.Status.Spent, all, b.Status.PercentSpent, b.Status.BurnDownDate)
		}
		if res := f.c.Do(http.MethodDelete, path, f.editor, nil); res.Status != http.StatusNoContent {
			t.Fatalf("DELETE: %d %s", res.Status, res.Body)
		}
		if res := f.c.Do(http.MethodGet, path, f.editor, nil); res.Status != http.StatusNotFound {
			t.Errorf("GET after delete: %d", res.Status)
		}
	})
}

func TestBudgetScopeAndBadInput(t *testing.T) {
	apptest.Each(t, func(t *testing.T, d *app.Deps) {
		f := setup(t, d)
		// An admin's budget without accounts covers every account: the viewer of one may not see it.
		res := f.c.Do(http.MethodPost, "/api/v1/budgets", f.admin, map[string]any{"name": "all", "period": "quarter", "amount": 5000})
		if res.Status != http.StatusCreated {
			t.Fatalf("create: %d %s", res.Status, res.Body)
		}
		var all budgetAnswer
		res.JSON(t, &all)
		if !all.All || len(all.Thresholds) != 4 || all.Currency != "CNY" {
			t.Errorf("defaults: all %v thresholds %v currency %s", all.All, all.Thresholds, all.Currency)
		}
		if res := f.c.Do(http.MethodGet, fmt.Sprintf("/api/v1/budgets/%d", all.ID), f.viewer, nil); res.Status != http.StatusNotFound {
			t.Errorf("viewer GET of an all-accounts budget: %d", res.Status)
		}
		// An editor's budget without accounts covers the editor's accounts.
		res = f.c.Do(http.MethodPost, "/api/v1/budgets", f.editor, map[string]any{"name": "mine", "period": "year", "amount": "1"})
		var mine budgetAnswer
		res.JSON(t, &mine)
		if res.Status != http.StatusCreated || len(mine.AccountIDs) != 1 || mine.AccountIDs[0] != f.acc0 || mine.All {
			t.Errorf("editor's default scope: %d %s", res.Status, res.Body)
		}

		// Repeated account ids are kept once.
		res = f.c.Do(http.MethodPost, "/api/v1/budgets", f.editor, map[string]any{"name": "repeats", "period": "year", "amount": "1",
			"accountIds": []int64{f.acc0, f.acc0, f.acc0}})
		var rep budgetAnswer
		res.JSON(t, &rep)
		if res.Status != http.StatusCreated || len(rep.AccountIDs) != 1 || rep.AccountIDs[0] != f.acc0 {
			t.Errorf("repeated account ids: %d %s", res.Status, res.Body)
		}
		if res := f.c.Do(http.MethodDelete, fmt.Sprintf("/api/v1/budgets/%d", rep.ID), f.editor, nil); res.Status/100 != 2 {
			t.Fatalf("delete: %d %s", res.Status, res.Body)
		}

		tests := []struct {
			name  string
			token string
			body  any
			code  int
			field string
		}{
			{"viewer may not create", f.viewer, map[string]any{"name": "x", "period": "month", "amount": "1"}, 403, ""},
			{"amount zero", f.editor, map[string]any{"name": "x", "period": "month", "amount": "0"}, 400, "amount"},
			{"amount not a decimal", f.editor, map[string]any{"name": "x", "period": "month", "amount": "ten"}, 400, "amount"},
			{"unknown currency", f.editor, map[string]any{"name": "x", "period": "month", "amount": "1", "currency": "EUR"}, 400, "currency"},
			{"unknown period", f.editor, map[string]any{"name": "x", "period": "week", "amount": "1"}, 400, "period"},
			{"unknown dimension", f.editor, map[string]any{"name": "x", "period": "month", "amount": "1", "filters": []string{"colour:in:red"}}, 400, "filters"},
			{"threshold over 1000 %", f.editor, map[string]any{"name": "x", "period": "month", "amount": "1", "thresholds": []map[string]any{{"percent": 1001, "basis": "actual"}}}, 400, "thresholds"},
			{"account not granted", f.editor, map[string]any{"name": "x", "period": "month", "amount": "1", "accountIds": []int64{f.acc1}}, 400, "accountIds"},
			{"no name", f.editor, map[string]any{"period": "month", "amount": "1"}, 400, "name"},
			{"unknown field", f.editor, map[string]any{"name": "x", "period": "month", "amount": "1", "colour": "red"}, 400, "colour"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				res := f.c.Do(http.MethodPost, "/api/v1/budgets", tt.token, tt.body)
				if res.Status != tt.code {
					t.Fatalf("status %d, want %d: %s", res.Status, tt.code, res.Body)
				}
				if tt.field != "" && !strings.Contains(string(res.Body), tt.field) {
					t.Errorf("error does not name %q: %s", tt.field, res.Body)
				}
			})
		}

		// The preview shows a scope's spend without keeping anything.
		res = f.c.Do(http.MethodPost, "/api/v1/budgets/preview", f.viewer, map[string]any{"name": "draft", "period": "month", "amount": "100"})
		var pv budgetAnswer
		res.JSON(t, &pv)
		want := f.data.Sum(func(li *billing.LineItem) bool {
			return li.AccountID == f.acc0 && li.ChargeDate >= "2025-03-01" && li.ChargeDate <= "2025-03-14"
		}, costtest.Billed)["CNY"]
		if res.Status != http.StatusOK || pv.Status.Spent != want || pv.ID != 0 {
			t.Errorf("preview: %d spent %s want %s", res.Status, pv.Status.Spent, want)
		}
		list := f.c.Do(http.MethodGet, "/api/v1/budgets", f.admin, nil)
		var l struct{ Items []budgetAnswer }
		list.JSON(t, &l)
		if len(l.Items) != 2 {
			t.Errorf("admin sees %d budgets, want 2 (the preview kept nothing)", len(l.Items))
		}
	})
}
