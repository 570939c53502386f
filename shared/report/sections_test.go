package report

import (
	"strings"
	"testing"
	"time"

	"github.com/cloudlens/cloudlens/shared/anomaly"
	"github.com/cloudlens/cloudlens/shared/apijson"
	"github.com/cloudlens/cloudlens/shared/money"
)

func TestTopContributors(t *testing.T) {
	c := func(dim, key string, delta money.Micros) anomaly.Contributor {
		return anomaly.Contributor{Dimension: dim, Key: key, Label: key, Delta: delta}
	}
	tests := []struct {
		name   string
		in     []anomaly.Contributor
		impact money.Micros
		n      int
		want   []string
	}{
		{"the first of each dimension, largest first", []anomaly.Contributor{
			c("region", "cn-hangzhou", 300), c("region", "cn-beijing", 100),
			c("resource", "i-1", 350), c("resource", anomaly.OtherKey, 50),
			c("billingItem", "cpu", 200), c("billingItem", "disk", 200),
		}, 400, 5, []string{"resource/i-1", "region/cn-hangzhou", "billingItem/cpu"}},
		{"a dimension with one key explains nothing", []anomaly.Contributor{
			c("product", "ecs", 400), c("region", "a", 250), c("region", "b", 150),
		}, 400, 5, []string{"region/a"}},
		{"against the anomaly's direction: the dimension is left out; the gathered rest is passed over", []anomaly.Contributor{
			c("region", "a", -50), c("region", "b", 450), c("tag", anomaly.OtherKey, 300), c("tag", "env:prod", 100),
		}, 400, 5, []string{"tag/env:prod"}},
		{"drops rank by size too", []anomaly.Contributor{
			c("region", "a", -100), c("region", "b", -20), c("resource", "i-9", -300), c("resource", "i-8", -10),
		}, -320, 1, []string{"resource/i-9"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := []string{}
			for _, x := range TopContributors(tt.in, tt.impact, tt.n) {
				got = append(got, x.Dimension+"/"+x.Key)
			}
			if strings.Join(got, ",") != strings.Join(tt.want, ",") {
				t.Fatalf("got %v, want %v", got, tt.want)
			}
		})
	}
}

// Bill text in the new sections cannot break the Markdown table or inject HTML.
func TestSectionsEscapeBillText(t *testing.T) {
	evil := "<script>x</script>|[link](http://e)"
	d := Data{Month: "2025-02", Start: "2025-02-01", End: "2025-02-28", GeneratedAt: time.Date(2025, 3, 3, 5, 0, 0, 0, time.UTC),
		AnomalyCount: 1, AnomalyTotals: []AnomalyTotal{{Currency: "CNY", Count: 1}},
		Anomalies: []AnomalyLine{{Anomaly: Anomaly{ID: 7, StartDate: "2025-02-03", EndDate: "2025-02-03", Kind: "spike", Scope: evil, Impact: 5_000_000, Currency: "CNY"},
			Top: []apijson.Contributor{{Dimension: "resource", Key: "i-1", Label: evil, Delta: 5_000_000, Share: 1}}}},
		FindingTotals:  []FindingTotal{{Currency: "CNY", MonthlySavings: 9_000_000, Count: 1}},
		FindingsByRule: []FindingTotal{{Rule: "ecs_idle", RuleTitle: "Idle ECS", Currency: "CNY", MonthlySavings: 9_000_000, Count: 1}},
		Findings:       []FindingLine{{ID: 3, Rule: "ecs_idle", RuleTitle: "Idle ECS", ResourceID: "i-1", Name: evil, MonthlySavings: 9_000_000, Currency: "CNY"}},
	}
	html, err := d.HTML()
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(html, "<script>") || !strings.Contains(html, "&lt;script&gt;") {
		t.Error("bill text reached the HTML unescaped")
	}
	md := d.Markdown()
	if strings.Contains(md, "<script>") {
		t.Error("bill text reached the Markdown as markup")
	}
	for _, line := range strings.Split(md, "\n") {
		// The anomaly row has seven cells, the finding row five, whatever the names hold.
		cells := strings.Count(line, "|") - strings.Count(line, `\|`)
		if strings.HasPrefix(line, "| 2025-02-03") && cells != 8 || strings.HasPrefix(line, "| &lt;script") && cells != 6 {
			t.Errorf("Markdown row broken by bill text (%d separators): %s", cells, line)
		}
	}
	for _, s := range []string{"1 cost anomaly between 2025-02-01 and 2025-02-28.", "| Idle ECS | 1 | CNY 9.00 |",
		"CNY 9.00 a month in 1 findings"} {
		if !strings.Contains(md, s) {
			t.Errorf("Markdown lacks %q:\n%s", s, md)
		}
	}
}
