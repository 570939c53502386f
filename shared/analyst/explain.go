package analyst

import (
	"fmt"
	"strings"

	"github.com/cloudlens/cloudlens/shared/anomaly"
	"github.com/cloudlens/cloudlens/shared/apijson"
	"github.com/cloudlens/cloudlens/shared/money"
	"github.com/cloudlens/cloudlens/shared/report"
)

// ExplainContributors is how many contributors an anomaly's explanation names.
const ExplainContributors = 5

// AnomalyExplanation is the deterministic part of an anomaly's explanation: the anomaly and
// the contributors that explain it best (report.TopContributors, the same the monthly report
// lists), unchanged from the anomaly API.
type AnomalyExplanation struct {
	Anomaly      report.Anomaly        `json:"anomaly"`
	Contributors []apijson.Contributor `json:"contributors"`
}

// ExplainAnomaly picks what explains r; accountName names its account ("" for none).
func ExplainAnomaly(r anomaly.Record, accountName string, zh bool) AnomalyExplanation {
	return AnomalyExplanation{Anomaly: report.AnomalyOf(r, accountName, zh),
		Contributors: report.TopContributors(r.Contributors, r.Impact, ExplainContributors)}
}

// Template is the explanation in CloudLens's own words, for when no model is configured.
func (e AnomalyExplanation) Template(zh bool) string {
	a := e.Anomaly
	days := a.StartDate
	if a.EndDate != a.StartDate {
		days += map[bool]string{false: " to ", true: " 至 "}[zh] + a.EndDate
	}
	var b strings.Builder
	if zh {
		fmt.Fprintf(&b, "%s（%s）出现%s：实际 %s %s，预期 %s %s，影响 %s %s。", a.Scope, days, kindZh(a.Kind), a.Actual, a.Currency,
			a.Expected, a.Currency, signed(a.Impact), a.Currency)
	} else {
		fmt.Fprintf(&b, "%s in %s, %s: actual %s %s against an expected %s %s, an impact of %s %s.", kindEn(a.Kind), a.Scope, days,
			a.Actual, a.Currency, a.Expected, a.Currency, signed(a.Impact), a.Currency)
	}
	if len(e.Contributors) == 0 {
		if zh {
			b.WriteString("没有哪一个地域、资源、计费项或标签能单独解释这一变化。")
		} else {
			b.WriteString(" No single region, resource, billing item or tag explains the change on its own.")
		}
		return b.String()
	}
	parts := make([]string, len(e.Contributors))
	for i, c := range e.Contributors {
		parts[i] = report.ContributorText(c, a.Currency, zh)
	}
	if zh {
		b.WriteString("主要因素：" + strings.Join(parts, "；") + "。")
	} else {
		b.WriteString(" The largest contributors: " + strings.Join(parts, "; ") + ".")
	}
	return b.String()
}

func signed(m money.Micros) string {
	if m > 0 {
		return "+" + m.String()
	}
	return m.String()
}

// kindWords name an anomaly's kind in English and Chinese.
var kindWords = map[anomaly.Kind][2]string{anomaly.Spike: {"A spike", "突增"}, anomaly.Drop: {"A drop", "骤降"},
	anomaly.LevelShift: {"A level shift", "水平变化"}}

func kindEn(k string) string { return kindWords[anomaly.Kind(k)][0] }

func kindZh(k string) string { return kindWords[anomaly.Kind(k)][1] }
