package anomaly_test

import (
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/cloudlens/cloudlens/functions/anomaly"
	"github.com/cloudlens/cloudlens/functions/anomalydetect"
	"github.com/cloudlens/cloudlens/shared/app"
	"github.com/cloudlens/cloudlens/shared/app/apptest"
	"github.com/cloudlens/cloudlens/shared/auth"
	"github.com/cloudlens/cloudlens/shared/billing"
	"github.com/cloudlens/cloudlens/shared/cost/costtest"
	"github.com/cloudlens/cloudlens/shared/money"
)

var now = time.Date(2025, 3, 15, 10, 0, 0, 0, billing.Shanghai)

type item struct {
	ID        int64  `json:"id"`
	AccountID int64  `json:"accountId"`
	Dimension string `json:"dimension"`
	StartDate string `json:"startDate"`
	EndDate   string `json:"endDate"`
	Kind      string `json:"kind"`
	Expected  string `json:"expected"`
	Actual    string `json:"actual"`
	Impact    string `json:"impact"`
	Currency  string `json:"currency"`
	Status    string `json:"status"`
	Severity  string `json:"severity"`
	Monitor   struct {
		ID int64 `json:"id"`
	} `json:"monitor"`
	Verdict *string `json:"verdict"`
}

type list struct {
	Demo  bool   `json:"demo"`
	Items []item `json:"items"`
}

type detail struct {
	item
	Series []struct {
		Date     string  `json:"date"`
		Actual   *string `json:"actual"`
		Expected *string `json:"expected"`
		Lower    *string `json:"lower"`
		Upper    *string `json:"upper"`
	} `json:"series"`
	Contributors []struct {
		Dimension string  `json:"dimension"`
		Key       string  `json:"key"`
		Delta     string  `json:"delta"`
		Share     float64 `json:"share"`
	} `json:"contributors"`
}

func abs(s string) money.Micros {
	m, _ := money.Parse(strings.TrimPrefix(s, "-"))
	return m
}

func TestAnomalyAPI(t *testing.T) {
	apptest.Each(t, func(t *testing.T, d *app.Deps) {
		d.Now = func() time.Time { return now }
		data := costtest.Load(t, d.Store, costtest.Options{Seed: 4, Accounts: 2, Resources: 14, Now: now, Days: 120, Demo: []bool{true, true}})
		if _, err := anomalydetect.Run(t.Context(), d.Store, now, ""); err != nil {
			t.Fatal(err)
		}
		api := apptest.Serve(t, anomaly.New(d))
		_, admin := apptest.User(t, d, "admin@example.com", auth.RoleAdmin)
		first := data.Accounts[0].ID
		_, editor := apptest.User(t, d, "editor@example.com", auth.RoleEditor, first, data.Accounts[1].ID)
		_, viewer := apptest.User(t, d, "viewer@example.com", auth.RoleViewer, first)

		var all list
		res := api.Do(http.MethodGet, "/api/v1/anomaly", admin, nil)
		if res.Status != http.StatusOK {
			t.Fatalf("list: %d %s", res.Status, res.Body)
		}
		res.JSON(t, &all)
		if !all.Demo || len(all.Items) < 3 {
			t.Fatalf("list: demo %v, %d items", all.Demo, len(all.Items))
		}
		for i := 1; i < len(all.Items); i++ {
			if abs(all.Items[i].Impact) > abs(all.Items[i-1].Impact) {
				t.Fatalf("not largest impact first: %s after %s", all.Items[i].Impact, all.Items[i-1].Impact)
			}
		}

		t.Run("filters", func(t *testing.T) {
			for _, c := range []struct {
				query string
				keep  func(item) bool
			}{
				{"?accountId=" + itoa(first), func(x item) bool { return x.AccountID == first }},
				{"?status=open", func(x item) bool { return x.Status == "open" }},
				{"?minImpact=60", func(x item) bool { return abs(x.Impact) >= 60_000_000 }},
				{"?start=2025-03-01&end=2025-03-10", func(x item) bool { return x.EndDate >= "2025-03-01" && x.StartDate <= "2025-03-10" }},
			} {
				var got list
				res := api.Do(http.MethodGet, "/api/v1/anomaly"+c.query, admin, nil)
				res.JSON(t, &got)
				want := 0
				for _, x := range all.Items {
					if c.keep(x) {
						want++
					}
				}
				if res.Status != http.StatusOK || len(got.Items) != want {
					t.Errorf("%s: %d, %d items, want %d", c.query, res.Status, len(got.Items), want)
				}
				for _, x := range got.Items {
					if !c.keep(x) {
						t.Errorf("%s: %+v does not match", c.query, x)
					}
				}
			}
		})

		t.Run("bad input names the field", func(t *testing.T) {
			for _, c := range []struct{ method, path, field string }{
				{http.MethodGet, "/api/v1/anomaly?status=closed", "status"},
				{http.MethodGet, "/api/v1/anomaly?start=2025-13-01", "start"},
				{http.MethodGet, "/api/v1/anomaly?end=yesterday", "end"},
				{http.MethodGet, "/api/v1/anomaly?minImpact=-3", "minImpact"},
				{http.MethodGet, "/api/v1/anomaly?accountId=x", "accountId"},
			} {
				res := api.Do(c.method, c.path, admin, nil)
				if res.Status != http.StatusBadRequest || !strings.Contains(string(res.Body), c.field) {
					t.Errorf("%s: %d %s", c.path, res.Status, res.Body)
				}
			}
			id := itoa(all.Items[0].ID)
			res := api.Do(http.MethodPost, "/api/v1/anomaly/"+id+"/feedback", editor, map[string]any{"verdict": "maybe"})
			if res.Status != http.StatusBadRequest || !strings.Contains(string(res.Body), "verdict") {
				t.Errorf("unknown verdict: %d %s", res.Status, res.Body)
			}
			for _, c := range []struct {
				body  map[string]any
				field string
			}{
				{map[string]any{"dimension": "planet", "value": "x", "accountId": first}, "dimension"},
				{map[string]any{"dimension": "region", "value": "cn-hangzhou", "sensitivity": 11, "accountId": first}, "sensitivity"},
				{map[string]any{"dimension": "region", "value": "cn-hangzhou", "sensitivity": 0, "accountId": first}, "sensitivity"},
				{map[string]any{"dimension": "tag", "value": "prod", "accountId": first}, "key"},
				{map[string]any{"dimension": "region", "value": "cn-hangzhou", "minImpact": "-1", "accountId": first}, "minImpact"},
				{map[string]any{"dimension": "region", "value": "cn-hangzhou"}, "accountId"},
			} {
				res := api.Do(http.MethodPost, "/api/v1/anomaly/monitors", editor, c.body)
				if res.Status != http.StatusBadRequest || !strings.Contains(string(res.Body), c.field) {
					t.Errorf("monitor %v: %d %s", c.body, res.Status, res.Body)
				}
			}
		})

		t.Run("detail", func(t *testing.T) {
			var got detail
			res := api.Do(http.MethodGet, "/api/v1/anomaly/"+itoa(all.Items[0].ID), admin, nil)
			if res.Status != http.StatusOK {
				t.Fatalf("detail: %d %s", res.Status, res.Body)
			}
			res.JSON(t, &got)
			if len(got.Series) == 0 || len(got.Contributors) == 0 || got.Impact != all.Items[0].Impact {
				t.Fatalf("detail: %d points, %d contributors, impact %s", len(got.Series), len(got.Contributors), got.Impact)
			}
			inside := false
			for _, p := range got.Series {
				if p.Date == got.StartDate && p.Actual != nil && p.Upper != nil && p.Lower != nil {
					inside = true
				}
			}
			if !inside {
				t.Errorf("the series does not show the anomaly's first day with its band")
			}
		})

		t.Run("viewers see only their accounts", func(t *testing.T) {
			var got list
			res := api.Do(http.MethodGet, "/api/v1/anomaly", viewer, nil)
			res.JSON(t, &got)
			want := 0
			for _, x := range all.Items {
				if x.AccountID == first {
					want++
				}
			}
			if len(got.Items) != want {
				t.Fatalf("viewer sees %d anomalies, want %d", len(got.Items), want)
			}
			for _, x := range all.Items {
				res := api.Do(http.MethodGet, "/api/v1/anomaly/"+itoa(x.ID), viewer, nil)
				if x.AccountID != first && res.Status != http.StatusNotFound {
					t.Errorf("viewer opened anomaly %d of account %d: %d", x.ID, x.AccountID, res.Status)
				}
			}
			res = api.Do(http.MethodPost, "/api/v1/anomaly/"+itoa(got.Items[0].ID)+"/feedback", viewer, map[string]any{"verdict": "confirmed"})
			if res.Status != http.StatusForbidden {
				t.Errorf("viewer feedback: %d", res.Status)
			}
		})

		t.Run("feedback", func(t *testing.T) {
			var id string
			for _, x := range all.Items {
				if x.AccountID != 0 {
					id = itoa(x.ID)
					break
				}
			}
			var got detail
			res := api.Do(http.MethodPost, "/api/v1/anomaly/"+id+"/feedback", editor, map[string]any{"verdict": "expected", "note": "planned migration"})
			if res.Status != http.StatusOK {
				t.Fatalf("feedback: %d %s", res.Status, res.Body)
			}
			res.JSON(t, &got)
			if got.Status != "dismissed" || got.Verdict == nil || *got.Verdict != "expected" {
				t.Fatalf("after feedback: %+v", got.item)
			}
			// The job keeps the verdict on its next run.
			if _, err := anomalydetect.Run(t.Context(), d.Store, now, ""); err != nil {
				t.Fatal(err)
			}
			api.Do(http.MethodGet, "/api/v1/anomaly/"+id, admin, nil).JSON(t, &got)
			if got.Status != "dismissed" {
				t.Errorf("after a rerun: status %s", got.Status)
			}
		})

		t.Run("monitors", func(t *testing.T) {
			var ms struct {
				Items []struct {
					ID          int64  `json:"id"`
					BuiltIn     bool   `json:"builtIn"`
					Dimension   string `json:"dimension"`
					Sensitivity int    `json:"sensitivity"`
				} `json:"items"`
			}
			api.Do(http.MethodGet, "/api/v1/anomaly/monitors", admin, nil).JSON(t, &ms)
			if len(ms.Items) == 0 || !ms.Items[0].BuiltIn {
				t.Fatalf("monitors: %+v", ms.Items)
			}
			res := api.Do(http.MethodPost, "/api/v1/anomaly/monitors", editor,
				map[string]any{"dimension": "tag", "key": "env", "value": "prod", "accountId": first, "sensitivity": 7, "minImpact": "20", "minImpactPercent": 15})
			if res.Status != http.StatusCreated {
				t.Fatalf("create: %d %s", res.Status, res.Body)
			}
			var m struct {
				ID          int64  `json:"id"`
				Sensitivity int    `json:"sensitivity"`
				MinImpact   string `json:"minImpact"`
			}
			res.JSON(t, &m)
			if m.Sensitivity != 7 || m.MinImpact != "20.00" {
				t.Fatalf("created %+v", m)
			}
			if res := api.Do(http.MethodPost, "/api/v1/anomaly/monitors", editor, map[string]any{"dimension": "tag", "key": "env", "value": "prod", "accountId": first}); res.Status != http.StatusConflict {
				t.Errorf("duplicate monitor: %d", res.Status)
			}
			res = api.Do(http.MethodPatch, "/api/v1/anomaly/monitors/"+itoa(m.ID), editor, map[string]any{"sensitivity": 3})
			res.JSON(t, &m)
			if res.Status != http.StatusOK || m.Sensitivity != 3 {
				t.Fatalf("update: %d %+v", res.Status, m)
			}
			// The job reads the new monitor's series.
			if _, err := anomalydetect.Run(t.Context(), d.Store, now, ""); err != nil {
				t.Fatal(err)
			}
			if res := api.Do(http.MethodDelete, "/api/v1/anomaly/monitors/"+itoa(ms.Items[0].ID), admin, nil); res.Status != http.StatusConflict {
				t.Errorf("delete a built-in monitor: %d", res.Status)
			}
			if res := api.Do(http.MethodDelete, "/api/v1/anomaly/monitors/"+itoa(m.ID), editor, nil); res.Status != http.StatusNoContent {
				t.Errorf("delete: %d %s", res.Status, res.Body)
			}
			if res := api.Do(http.MethodPatch, "/api/v1/anomaly/monitors/"+itoa(m.ID), editor, map[string]any{"sensitivity": 3}); res.Status != http.StatusNotFound {
				t.Errorf("update a deleted monitor: %d", res.Status)
			}
			if res := api.Do(http.MethodPost, "/api/v1/anomaly/monitors", viewer, map[string]any{"dimension": "region", "value": "cn-hangzhou"}); res.Status != http.StatusForbidden {
				t.Errorf("viewer creates a monitor: %d", res.Status)
			}
		})
	})
}

func itoa(v int64) string { return strconv.FormatInt(v, 10) }
