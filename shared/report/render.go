package report

import (
	"bytes"
	"fmt"
	"html"
	"strings"

	"github.com/cloudlens/cloudlens/shared/cost"
	"github.com/cloudlens/cloudlens/shared/money"
)

// mdCell makes bill text safe inside a Markdown table cell: names come from bills and must
// not break the table or inject markup.
func mdCell(s string) string {
	r := strings.NewReplacer("|", "\\|", "\n", " ", "\r", " ", "<", "&lt;", ">", "&gt;", "`", "'", "[", "\\[", "]", "\\]")
	return r.Replace(s)
}

func pctText(p *float64) string {
	if p == nil {
		return "—"
	}
	return fmt.Sprintf("%+.2f%%", *p)
}

// Markdown renders the report as Markdown.
func (d Data) Markdown() string {
	var b strings.Builder
	fmt.Fprintf(&b, "# CloudLens cost report %s\n\n", d.Month)
	fmt.Fprintf(&b, "Bills from %s to %s, compared with %s to %s. Generated %s UTC.", d.Start, d.End, d.PrevStart, d.PrevEnd, d.GeneratedAt.Format("2006-01-02 15:04"))
	if d.Demo {
		b.WriteString(" **Includes demo data.**")
	}
	b.WriteString("\n\n")
	b.WriteString(d.Summary(false) + "\n\n")
	for _, c := range d.Currencies {
		fmt.Fprintf(&b, "## Spend in %s\n\n| | %s |\n|---|---:|\n| %s | %s |\n| month before | %s |\n| change | %s (%s) |\n\n",
			c.Currency, c.Currency, d.Month, c.Spend, c.Previous, signed(c.Change), pctText(c.ChangePercent))
		for _, part := range []struct {
			title string
			lines []Line
		}{{"By account", c.ByAccount}, {"By product", c.ByProduct}} {
			fmt.Fprintf(&b, "### %s (%s)\n\n| | %s | month before | change |\n|---|---:|---:|---:|\n", part.title, c.Currency, d.Month)
			for _, l := range part.lines {
				fmt.Fprintf(&b, "| %s | %s | %s | %s |\n", mdCell(l.Label), l.Spend, l.Previous, signed(l.Change))
			}
			b.WriteString("\n")
		}
	}
	if len(d.Forecast.Items) > 0 {
		fmt.Fprintf(&b, "## Forecast (as of %s)\n\n| currency | %s so far | %s forecast | 80%% range |\n|---|---:|---:|---|\n", d.Forecast.AsOf, d.Forecast.Month, d.Forecast.Month)
		for _, f := range d.Forecast.Items {
			fmt.Fprintf(&b, "| %s | %s | %s | %s – %s |\n", f.Currency, f.MonthToDate, f.MonthEnd.Value, f.MonthEnd.Low, f.MonthEnd.High)
		}
		b.WriteString("\n")
	}
	b.WriteString("## Budgets\n\n")
	if len(d.Budgets) == 0 {
		b.WriteString("No monthly budgets.\n\n")
	} else {
		b.WriteString("| budget | amount | spent | % |\n|---|---:|---:|---:|\n")
		for _, l := range d.Budgets {
			fmt.Fprintf(&b, "| %s | %s %s | %s %s | %.1f%% |\n", mdCell(l.Name), l.Currency, l.Amount, l.Currency, l.Spent, l.Percent)
		}
		b.WriteString("\n")
	}
	d.sectionsMarkdown(&b)
	b.WriteString("## Subscription savings\n\n")
	if len(d.Savings) == 0 {
		b.WriteString("No pay-as-you-go resource ran all of the last 30 days.\n")
	} else {
		b.WriteString("Pay-as-you-go resources billed on most of the last 30 days, at an assumed 30% subscription discount (resources with a larger idle finding above are left out):\n\n| resource | product | monthly cost | monthly saving |\n|---|---|---:|---:|\n")
		for _, s := range d.Savings {
			fmt.Fprintf(&b, "| %s | %s | %s %s | %s %s |\n", mdCell(s.ResourceID), mdCell(s.Product), s.Currency, s.MonthlyCost, s.Currency, s.Saving)
		}
	}
	return b.String()
}

// barChart is an inline SVG of this month's and last month's spend per line.
func barChart(lines []Line) string {
	if len(lines) == 0 {
		return ""
	}
	const w, rowH, labelW = 640, 26, 180
	var maxV money.Micros = 1
	for _, l := range lines {
		maxV = max(maxV, l.Spend, l.Previous)
	}
	var b bytes.Buffer
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" role="img">`, w, rowH*len(lines)+10)
	for i, l := range lines {
		y := i*rowH + 5
		cw := int(float64(w-labelW-80) * float64(l.Spend) / float64(maxV))
		pw := int(float64(w-labelW-80) * float64(l.Previous) / float64(maxV))
		fmt.Fprintf(&b, `<text x="0" y="%d" font-size="12">%s</text>`, y+14, esc(clip(l.Label, 28)))
		fmt.Fprintf(&b, `<rect x="%d" y="%d" width="%d" height="9" fill="#2563eb"/>`, labelW, y+2, max(cw, 1))
		fmt.Fprintf(&b, `<rect x="%d" y="%d" width="%d" height="7" fill="#cbd5e1"/>`, labelW, y+12, max(pw, 1))
		fmt.Fprintf(&b, `<text x="%d" y="%d" font-size="11">%s</text>`, labelW+max(cw, 1)+4, y+11, l.Spend)
	}
	b.WriteString(`</svg>`)
	return b.String()
}

// lineChart is an inline SVG of the daily spend.
func lineChart(points []cost.Point) string {
	if len(points) < 2 {
		return ""
	}
	const w, h = 640, 160
	var maxV money.Micros = 1
	for _, p := range points {
		maxV = max(maxV, p.Cost)
	}
	var pts []string
	for i, p := range points {
		x := 10 + float64(w-20)*float64(i)/float64(len(points)-1)
		y := float64(h-20) - float64(h-40)*float64(p.Cost)/float64(maxV)
		pts = append(pts, fmt.Sprintf("%.1f,%.1f", x, y))
	}
	return fmt.Sprintf(`<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" role="img">`+
		`<polyline fill="none" stroke="#2563eb" stroke-width="2" points="%s"/>`+
		`<text x="10" y="%d" font-size="11">%s</text><text x="%d" y="%d" font-size="11" text-anchor="end">%s</text>`+
		`<text x="10" y="14" font-size="11">max %s</text></svg>`,
		w, h, strings.Join(pts, " "), h-4, points[0].Period, w-10, h-4, points[len(points)-1].Period, maxV)
}

func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

// esc escapes bill text (names, labels) for HTML.
func esc(s string) string { return html.EscapeString(s) }

// HTML renders the report as a standalone HTML page with inline SVG charts; bill text is
// escaped. It is written without html/template on purpose: the template package's reflection
// keeps every exported method of the binary alive and adds megabytes to each function.
func (d Data) HTML() (string, error) {
	var b strings.Builder
	w := func(format string, a ...any) { fmt.Fprintf(&b, format, a...) }
	w(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>CloudLens cost report %s</title>
<style>body{font-family:system-ui,sans-serif;max-width:760px;margin:2em auto;color:#0f172a}table{border-collapse:collapse;margin:.5em 0 1.5em}
td,th{border-bottom:1px solid #e2e8f0;padding:4px 10px}td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}.demo{color:#b45309}</style></head>
<body><h1>CloudLens cost report %s</h1>
`, esc(d.Month), esc(d.Month))
	w(`<p>Bills from %s to %s, compared with %s to %s.`, d.Start, d.End, d.PrevStart, d.PrevEnd)
	if d.Demo {
		w(` <strong class="demo">Includes demo data.</strong>`)
	}
	w("</p>\n<p>%s</p>\n", esc(d.Summary(false)))
	lines := func(ls []Line) {
		w(`<table><tr><th></th><th class="n">this month</th><th class="n">month before</th><th class="n">change</th></tr>`)
		for _, l := range ls {
			w(`<tr><td>%s</td><td class="n">%s</td><td class="n">%s</td><td class="n">%s</td></tr>`, esc(l.Label), l.Spend, l.Previous, signed(l.Change))
		}
		w("</table>\n")
	}
	for _, c := range d.Currencies {
		w(`<h2>Spend in %s</h2>
<table><tr><td>this month</td><td class="n">%s</td></tr><tr><td>month before</td><td class="n">%s</td></tr>
<tr><td>change</td><td class="n">%s (%s)</td></tr></table>
`, esc(c.Currency), c.Spend, c.Previous, signed(c.Change), pctText(c.ChangePercent))
		w("<h3>Daily spend</h3>%s\n<h3>By account</h3>%s\n", lineChart(c.Daily), barChart(c.ByAccount))
		lines(c.ByAccount)
		w("<h3>By product</h3>%s\n", barChart(c.ByProduct))
		lines(c.ByProduct)
	}
	if len(d.Forecast.Items) > 0 {
		w(`<h2>Forecast (as of %s)</h2><table><tr><th>currency</th><th class="n">%s so far</th><th class="n">forecast</th><th>80%% range</th></tr>`, d.Forecast.AsOf, d.Forecast.Month)
		for _, f := range d.Forecast.Items {
			w(`<tr><td>%s</td><td class="n">%s</td><td class="n">%s</td><td>%s – %s</td></tr>`, esc(f.Currency), f.MonthToDate, f.MonthEnd.Value, f.MonthEnd.Low, f.MonthEnd.High)
		}
		w("</table>\n")
	}
	w("<h2>Budgets</h2>")
	if len(d.Budgets) == 0 {
		w("<p>No monthly budgets.</p>\n")
	} else {
		w(`<table><tr><th>budget</th><th class="n">amount</th><th class="n">spent</th><th class="n">%%</th></tr>`)
		for _, l := range d.Budgets {
			w(`<tr><td>%s</td><td class="n">%s %s</td><td class="n">%s %s</td><td class="n">%.1f%%</td></tr>`, esc(l.Name), esc(l.Currency), l.Amount, esc(l.Currency), l.Spent, l.Percent)
		}
		w("</table>\n")
	}
	d.sectionsHTML(w)
	w("<h2>Subscription savings</h2>")
	if len(d.Savings) == 0 {
		w("<p>No pay-as-you-go resource ran all of the last 30 days.</p>\n")
	} else {
		w(`<table><tr><th>resource</th><th>product</th><th class="n">monthly cost</th><th class="n">monthly saving</th></tr>`)
		for _, x := range d.Savings {
			w(`<tr><td>%s</td><td>%s</td><td class="n">%s %s</td><td class="n">%s %s</td></tr>`, esc(x.ResourceID), esc(x.Product), esc(x.Currency), x.MonthlyCost, esc(x.Currency), x.Saving)
		}
		w("</table>\n<p>At an assumed 30%% subscription discount for pay-as-you-go resources billed on most of the last 30 days (resources with a larger idle finding above are left out).</p>\n")
	}
	w("</body></html>\n")
	return b.String(), nil
}
