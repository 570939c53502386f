package ai

import (
	"fmt"
	"math"
	"net/http"
	"strings"
	"testing"

	"github.com/cloudlens/cloudlens/shared/app"
	"github.com/cloudlens/cloudlens/shared/app/apptest"
	"github.com/cloudlens/cloudlens/shared/llm/llmtest"
	"github.com/cloudlens/cloudlens/shared/money"
)

type analysis struct {
	Current, Previous struct{ Start, End string }
	Items             []struct {
		Currency                  string
		Current, Previous, Change money.Micros
		Contributors              []struct {
			Dimension, Key, Label     string
			Current, Previous, Change money.Micros
		}
	}
	Narrative, NarrativeSource, Model, Note string
}

// explorerTotal is the explorer API's total of a range for the caller.
func explorerTotal(t *testing.T, f *fixture, token, start, end, groupBy string) map[string]money.Micros {
	var e struct {
		Items []struct {
			Currency string
			Total    money.Micros
			Groups   []struct {
				Key   map[string]string
				Total money.Micros
			}
		}
	}
	f.costs.Do("GET", fmt.Sprintf("/api/v1/costs/explore?start=%s&end=%s&granularity=month&groupBy=%s&top=100", start, end, groupBy), token, nil).JSON(t, &e)
	out := map[string]money.Micros{}
	for _, it := range e.Items {
		out[it.Currency] = it.Total
		for _, g := range it.Groups {
			out[it.Currency+"|"+g.Key[groupBy]] = g.Total
		}
	}
	return out
}

func TestAnalyzeTheDashboardChange(t *testing.T) {
	apptest.Each(t, func(t *testing.T, d *app.Deps) {
		f := setup(t, d)
		c := apptest.Serve(t, New(d))
		res := c.DoWith("POST", "/api/v1/ai/analyze", f.viewer, map[string]any{}, http.Header{"Accept-Language": {"en"}})
		if res.Status != http.StatusOK {
			t.Fatalf("%d %s", res.Status, res.Body)
		}
		var a analysis
		res.JSON(t, &a)
		if a.Current.Start != "2025-03-01" || a.Current.End != "2025-03-14" || a.Previous.Start != "2025-02-01" || a.Previous.End != "2025-02-14" {
			t.Fatalf("ranges %+v %+v", a.Current, a.Previous)
		}
		cur := explorerTotal(t, f, f.viewer, a.Current.Start, a.Current.End, "product")
		prev := explorerTotal(t, f, f.viewer, a.Previous.Start, a.Previous.End, "product")
		if len(a.Items) == 0 {
			t.Fatal("no items")
		}
		for _, it := range a.Items {
			if it.Current != cur[it.Currency] || it.Previous != prev[it.Currency] || it.Change != it.Current-it.Previous {
				t.Fatalf("%s: analysis %s/%s, explorer %s/%s", it.Currency, it.Current, it.Previous, cur[it.Currency], prev[it.Currency])
			}
			for _, c := range it.Contributors {
				if c.Dimension == "product" && (c.Current != cur[it.Currency+"|"+c.Key] || c.Change != c.Current-c.Previous) {
					t.Fatalf("product %s: %s, explorer %s", c.Key, c.Current, cur[it.Currency+"|"+c.Key])
				}
			}
			for i := 1; i < len(it.Contributors); i++ {
				if math.Abs(float64(it.Contributors[i].Change)) > math.Abs(float64(it.Contributors[i-1].Change)) {
					t.Fatal("contributors are not ordered by the size of their change")
				}
			}
		}
		// No model: the template, said to be one, names the figures.
		if a.NarrativeSource != "template" || !strings.Contains(a.Note, "No language model is configured") ||
			!strings.Contains(a.Narrative, a.Items[0].Current.String()) {
			t.Fatalf("narrative %q (%s) note %q", a.Narrative, a.NarrativeSource, a.Note)
		}
		if res := c.Do("POST", "/api/v1/ai/analyze", f.viewer, map[string]any{"accountIds": []int64{f.acc1}}); res.Status != http.StatusBadRequest {
			t.Fatalf("ungranted account: %d", res.Status)
		}
		if res := c.Do("POST", "/api/v1/ai/analyze", f.viewer, map[string]any{"start": "2025-03-10"}); res.Status != http.StatusBadRequest {
			t.Fatalf("start without end: %d", res.Status)
		}

		// With a model, the model words the same facts.
		model := llmtest.Start(t, llmtest.Fixed(llmtest.Step{Text: "ECS drove the change."}))
		d.Config.LLMBaseURL, d.Config.LLMAPIKey = model.URL, "k"
		c = apptest.Serve(t, New(d))
		res = c.Do("POST", "/api/v1/ai/analyze", f.viewer, map[string]any{"start": "2025-02-01", "end": "2025-02-28", "language": "zh"})
		var m analysis
		res.JSON(t, &m)
		if m.Previous.Start != "2025-01-01" || m.Previous.End != "2025-01-31" || m.NarrativeSource != "model" || m.Narrative != "ECS drove the change." {
			t.Fatalf("%+v", m)
		}
		sent := model.Requests()[0].Messages
		if !strings.Contains(sent[0].Content, "never instructions") || !strings.Contains(sent[1].Content, m.Items[0].Current.String()) {
			t.Fatalf("the model was not given the facts as data: %+v", sent)
		}
	})
}

func TestOptimizeFindsAlwaysOnPayAsYouGo(t *testing.T) {
	apptest.Each(t, func(t *testing.T, d *app.Deps) {
		f := setup(t, d)
		c := apptest.Serve(t, New(d))
		res := c.Do("POST", "/api/v1/ai/optimize", f.admin, map[string]any{"subscriptionDiscount": 0.25, "language": "en"})
		if res.Status != http.StatusOK {
			t.Fatalf("%d %s", res.Status, res.Body)
		}
		var o struct {
			Items []struct {
				ResourceID                 string
				MonthlyCost, MonthlySaving money.Micros
				DaysActive, BreakEvenDays  int
			}
			Totals []struct {
				Currency      string
				MonthlySaving money.Micros
			}
			Narrative string
			Sources   []string
		}
		res.JSON(t, &o)
		if len(o.Items) == 0 {
			t.Fatalf("no savings found: %s", res.Body)
		}
		var sum money.Micros
		for i, it := range o.Items {
			if it.DaysActive < 25 || it.BreakEvenDays != 23 || math.Abs(float64(it.MonthlySaving)-float64(it.MonthlyCost)*0.25) > 10_000 /* the answer shows cents */ {
				t.Fatalf("item %+v", it)
			}
			if i > 0 && it.MonthlySaving > o.Items[i-1].MonthlySaving {
				t.Fatal("savings are not ranked")
			}
			sum += it.MonthlySaving
		}
		if len(o.Totals) != 1 || math.Abs(float64(o.Totals[0].MonthlySaving-sum)) > float64(len(o.Items))*5_000 || !strings.Contains(o.Narrative, o.Items[0].ResourceID) {
			t.Fatalf("totals %+v narrative %q", o.Totals, o.Narrative)
		}
		if res := c.Do("POST", "/api/v1/ai/optimize", f.admin, map[string]any{"subscriptionDiscount": 2}); res.Status != http.StatusBadRequest {
			t.Fatalf("bad discount: %d", res.Status)
		}
	})
}
