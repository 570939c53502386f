package idle

import (
	"cmp"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/cloudlens/cloudlens/shared/alert"
	"github.com/cloudlens/cloudlens/shared/money"
)

// digestLines is how many findings a digest names; the rest are counted.
const digestLines = 20

// Digest is the one alert a run raises for its new findings worth at least minimum a month
// (in their own currency), largest first; ok is false when there are none. Rules route it by
// its Impact, the largest finding's monthly savings, so a rule's minimum impact is the
// "worth at least" of the idle alerts it sends.
func Digest(fresh []Record, minimum money.Micros, publicURL string, at time.Time) (alert.Alert, bool) {
	var fs []Record
	for _, f := range fresh {
		if f.MonthlySavings >= minimum {
			fs = append(fs, f)
		}
	}
	if len(fs) == 0 {
		return alert.Alert{}, false
	}
	slices.SortStableFunc(fs, func(a, b Record) int { return cmp.Compare(b.MonthlySavings, a.MonthlySavings) })
	totals := map[string]money.Micros{}
	var currencies []string
	for _, f := range fs {
		if _, ok := totals[f.Currency]; !ok {
			currencies = append(currencies, f.Currency)
		}
		totals[f.Currency] += f.MonthlySavings
	}
	slices.Sort(currencies)
	var sum, sumZh []string
	type total struct {
		Currency       string       `json:"currency"`
		MonthlySavings money.Micros `json:"monthlySavings"`
	}
	var tj []total
	for _, c := range currencies {
		sum = append(sum, fmt.Sprintf("%s %s", totals[c], c))
		sumZh = append(sumZh, fmt.Sprintf("%s %s", totals[c], c))
		tj = append(tj, total{c, totals[c]})
	}
	title := fmt.Sprintf("%d new savings findings worth %s a month", len(fs), strings.Join(sum, " + "))
	titleZh := fmt.Sprintf("发现 %d 项新的节省建议，每月可省 %s", len(fs), strings.Join(sumZh, " + "))
	var text, textZh strings.Builder
	type item struct {
		Rule           string       `json:"rule"`
		AccountID      int64        `json:"accountId"`
		ResourceID     string       `json:"resourceId"`
		MonthlySavings money.Micros `json:"monthlySavings"`
		Currency       string       `json:"currency"`
		Estimate       bool         `json:"estimate"`
	}
	var items []item
	for i, f := range fs {
		if i < digestLines {
			est, estZh := "", ""
			if f.Estimate {
				est, estZh = " (estimate)", "（估算）"
			}
			fmt.Fprintf(&text, "- %s %s (%s): %s %s a month%s: %s\n", f.Rule, f.ResourceID, f.Name, f.MonthlySavings, f.Currency, est, f.Reason)
			fmt.Fprintf(&textZh, "- %s %s（%s）：每月 %s %s%s：%s\n", f.Rule, f.ResourceID, f.Name, f.MonthlySavings, f.Currency, estZh, f.ReasonZh)
		}
		if i < 50 {
			items = append(items, item{f.Rule, f.AccountID, f.ResourceID, f.MonthlySavings, f.Currency, f.Estimate})
		}
	}
	if n := len(fs) - digestLines; n > 0 {
		fmt.Fprintf(&text, "… and %d more\n", n)
		fmt.Fprintf(&textZh, "……另有 %d 项\n", n)
	}
	data, _ := json.Marshal(map[string]any{"count": len(fs), "totals": tj, "findings": items})
	url := ""
	if publicURL != "" {
		url = publicURL + "/savings/"
	}
	sev := alert.SeverityInfo
	if fs[0].MonthlySavings >= 1_000_000_000 { // a single finding worth 1,000 a month or more
		sev = alert.SeverityWarning
	}
	return alert.Alert{Kind: alert.KindIdle, Severity: sev, Title: title, TitleZh: titleZh,
		Text: strings.TrimRight(text.String(), "\n"), TextZh: strings.TrimRight(textZh.String(), "\n"), URL: url,
		DedupKey: alert.DedupKey(string(alert.KindIdle), "digest", at.UTC().Format("20060102T150405.000000")),
		Data:     data, Impact: fs[0].MonthlySavings, CreatedAt: at}, true
}
