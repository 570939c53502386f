package budget

import (
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"github.com/cloudlens/cloudlens/shared/alert"
)

// Alert is the alert a crossed threshold raises, in English and Chinese, linking to the
// budget's page under publicURL (no link when empty).
func Alert(b *Budget, st Status, c Crossing, publicURL string, at time.Time) alert.Alert {
	pct := strconv.Itoa(c.Threshold.Percent)
	var title, titleZh string
	if c.Threshold.Basis == Forecast {
		title = fmt.Sprintf("Budget %q is forecast to reach %s%% of %s %s", b.Name, pct, st.Amount, b.Currency)
		titleZh = fmt.Sprintf("预算「%s」预计将达到 %s%%（%s %s）", b.Name, pct, st.Amount, b.Currency)
	} else {
		title = fmt.Sprintf("Budget %q has reached %s%% of %s %s", b.Name, pct, st.Amount, b.Currency)
		titleZh = fmt.Sprintf("预算「%s」已达到 %s%%（%s %s）", b.Name, pct, st.Amount, b.Currency)
	}
	period := Label(b.Period, st.PeriodStart)
	text := fmt.Sprintf("Period %s (%s to %s), bills up to %s.\nSpent: %s %s (%.1f%%)\nForecast for the period: %s %s (%.1f%%)\nRemaining: %s %s",
		period, dateText(st.PeriodStart), dateText(st.PeriodEnd), dateText(st.AsOf), st.Spent, b.Currency, st.PercentSpent,
		st.Forecast, b.Currency, st.PercentForecast, st.Remaining, b.Currency)
	textZh := fmt.Sprintf("周期 %s（%s 至 %s），账单截至 %s。\n已花费：%s %s（%.1f%%）\n周期预测：%s %s（%.1f%%）\n剩余：%s %s",
		period, dateText(st.PeriodStart), dateText(st.PeriodEnd), dateText(st.AsOf), st.Spent, b.Currency, st.PercentSpent,
		st.Forecast, b.Currency, st.PercentForecast, st.Remaining, b.Currency)
	if !st.BurnDown.IsZero() {
		text += "\nAmount reached on: " + dateText(st.BurnDown)
		textZh += "\n预计用尽日期：" + dateText(st.BurnDown)
	}
	data, _ := json.Marshal(map[string]any{
		"budgetId": b.ID, "budgetName": b.Name, "period": period, "basis": c.Threshold.Basis, "percent": c.Threshold.Percent,
		"amount": st.Amount, "spent": st.Spent, "forecast": st.Forecast, "currency": b.Currency, "asOf": dateText(st.AsOf),
	})
	url := ""
	if publicURL != "" {
		url = publicURL + "/budgets/detail/?id=" + strconv.FormatInt(b.ID, 10)
	}
	return alert.Alert{
		Kind: alert.KindBudget, Severity: c.Severity(), Title: title, TitleZh: titleZh, Text: text, TextZh: textZh,
		URL: url, DedupKey: c.DedupKey, Data: data, BudgetID: b.ID, Impact: max(0, c.Value-st.Amount), CreatedAt: at,
	}
}

func dateText(t time.Time) string { return t.Format(time.DateOnly) }
