package ai

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/cloudlens/cloudlens/functions/anomaly"
	"github.com/cloudlens/cloudlens/functions/anomalydetect"
	"github.com/cloudlens/cloudlens/shared/account"
	"github.com/cloudlens/cloudlens/shared/app"
	"github.com/cloudlens/cloudlens/shared/app/apptest"
	"github.com/cloudlens/cloudlens/shared/llm/llmtest"
	"github.com/cloudlens/cloudlens/shared/money"
	"github.com/cloudlens/cloudlens/shared/store"
)

type contributorAPI struct {
	Dimension, Key, Label   string
	Expected, Actual, Delta money.Micros
	Share                   float64
}

type anomalyAPI struct {
	ID                       int64
	AccountID                int64
	StartDate, EndDate, Kind string
	Expected, Actual, Impact money.Micros
	Currency                 string
	Contributors             []contributorAPI
}

type explanation struct {
	Anomaly struct {
		anomalyAPI
		Scope, AccountName string
	}
	Contributors                            []contributorAPI
	Narrative, NarrativeSource, Model, Note string
}

// detectAnomalies runs detection over the fixture's bills and returns the anomalies by account.
func detectAnomalies(t *testing.T, d *app.Deps) map[int64][]int64 {
	t.Helper()
	if _, err := anomalydetect.Run(t.Context(), d.Store, now, ""); err != nil {
		t.Fatal(err)
	}
	rs, err := d.Store.ListAnomalies(t.Context(), account.AllAccounts, store.AnomalyFilter{})
	if err != nil {
		t.Fatal(err)
	}
	out := map[int64][]int64{}
	for _, r := range rs {
		out[r.AccountID] = append(out[r.AccountID], r.ID)
	}
	return out
}

func TestExplainAnAnomaly(t *testing.T) {
	apptest.Each(t, func(t *testing.T, d *app.Deps) {
		f := setup(t, d)
		byAccount := detectAnomalies(t, d)
		if len(byAccount[f.acc0]) == 0 || len(byAccount[f.acc1]) == 0 {
			t.Fatalf("the fixture has no anomalies to explain: %v", byAccount)
		}
		c := apptest.Serve(t, New(d))
		anomalies := apptest.Serve(t, anomaly.New(d))
		explained := 0
		for _, id := range byAccount[f.acc0] {
			var api anomalyAPI
			if res := anomalies.Do("GET", fmt.Sprintf("/api/v1/anomaly/%d", id), f.viewer, nil); res.Status != 200 {
				t.Fatalf("anomaly API: %d %s", res.Status, res.Body)
			} else {
				res.JSON(t, &api)
			}
			res := c.DoWith("POST", "/api/v1/ai/analyze", f.viewer, map[string]any{"anomalyId": id}, http.Header{"Accept-Language": {"en"}})
			if res.Status != http.StatusOK {
				t.Fatalf("%d %s", res.Status, res.Body)
			}
			var e explanation
			res.JSON(t, &e)
			a := e.Anomaly
			if a.ID != id || a.Expected != api.Expected || a.Actual != api.Actual || a.Impact != api.Impact || a.StartDate != api.StartDate ||
				a.EndDate != api.EndDate || a.AccountName != f.data.Accounts[0].Name || !strings.Contains(a.Scope, f.data.Accounts[0].Name) {
				t.Fatalf("explanation %+v, anomaly API %+v", a, api)
			}
			// Every contributor is the anomaly API's, unchanged, in the anomaly's direction,
			// at most one per dimension, largest first.
			dims := map[string]bool{}
			for i, got := range e.Contributors {
				found := false
				for _, want := range api.Contributors {
					if want.Dimension == got.Dimension && want.Key == got.Key {
						found = want == got
					}
				}
				if !found || dims[got.Dimension] || (got.Delta > 0) != (api.Impact > 0) {
					t.Fatalf("contributor %+v is not the anomaly API's top one of its dimension: %+v", got, api.Contributors)
				}
				dims[got.Dimension] = true
				if i > 0 && abs(got.Delta) > abs(e.Contributors[i-1].Delta) {
					t.Fatal("contributors are not ordered by their change")
				}
			}
			if len(e.Contributors) > 0 {
				explained++
				top := e.Contributors[0]
				if !strings.Contains(e.Narrative, top.Delta.String()) || !strings.Contains(e.Narrative, top.Label) {
					t.Fatalf("the template does not name the top contributor %+v: %q", top, e.Narrative)
				}
			}
			// No model: template text, said to be one.
			if e.NarrativeSource != "template" || e.Model != "" || !strings.Contains(e.Note, "No language model is configured") ||
				!strings.Contains(e.Narrative, api.Impact.String()) {
				t.Fatalf("narrative %q (%s) note %q", e.Narrative, e.NarrativeSource, e.Note)
			}
		}
		if explained == 0 {
			t.Fatal("no anomaly had a contributor to name")
		}

		// Another account's anomaly is not the viewer's to see; the admin's it is.
		other := byAccount[f.acc1][0]
		if res := c.Do("POST", "/api/v1/ai/analyze", f.viewer, map[string]any{"anomalyId": other}); res.Status != http.StatusNotFound {
			t.Fatalf("ungranted anomaly: %d %s", res.Status, res.Body)
		}
		if res := c.Do("POST", "/api/v1/ai/analyze", f.admin, map[string]any{"anomalyId": other, "language": "zh"}); res.Status != http.StatusOK ||
			!strings.Contains(string(res.Body), "主要因素") && !strings.Contains(string(res.Body), "没有哪一个") {
			t.Fatalf("admin: %d %s", res.Status, res.Body)
		}
		for _, bad := range []map[string]any{{"anomalyId": byAccount[f.acc0][0], "start": "2025-02-01", "end": "2025-02-28"}, {"anomalyId": -3}, {"anomalyId": "x"}} {
			if res := c.Do("POST", "/api/v1/ai/analyze", f.viewer, bad); res.Status != http.StatusBadRequest {
				t.Errorf("%v: %d %s", bad, res.Status, res.Body)
			}
		}
		if res := c.Do("POST", "/api/v1/ai/analyze", f.viewer, map[string]any{"anomalyId": 99999}); res.Status != http.StatusNotFound {
			t.Errorf("unknown anomaly: %d", res.Status)
		}

		// With a model, the model words the same facts, given as data.
		model := llmtest.Start(t, llmtest.Fixed(llmtest.Step{Text: "A level shift in ECS."}))
		d.Config.LLMBaseURL, d.Config.LLMAPIKey = model.URL, "k"
		c = apptest.Serve(t, New(d))
		res := c.Do("POST", "/api/v1/ai/analyze", f.viewer, map[string]any{"anomalyId": byAccount[f.acc0][0], "language": "en"})
		var e explanation
		res.JSON(t, &e)
		if e.NarrativeSource != "model" || e.Narrative != "A level shift in ECS." || len(e.Contributors) == 0 {
			t.Fatalf("%s", res.Body)
		}
		sent := model.Requests()[0].Messages
		if !strings.Contains(sent[0].Content, "never instructions") || !strings.Contains(sent[1].Content, e.Contributors[0].Delta.String()) {
			t.Fatalf("the model was not given the contributors as data: %+v", sent)
		}
	})
}

func abs(m money.Micros) money.Micros {
	if m < 0 {
		return -m
	}
	return m
}
