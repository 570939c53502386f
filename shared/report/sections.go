package report

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/cloudlens/cloudlens/shared/account"
	"github.com/cloudlens/cloudlens/shared/anomaly"
	"github.com/cloudlens/cloudlens/shared/apijson"
	"github.com/cloudlens/cloudlens/shared/billing"
	"github.com/cloudlens/cloudlens/shared/idle"
	"github.com/cloudlens/cloudlens/shared/money"
	"github.com/cloudlens/cloudlens/shared/store"
)

// Sections is what the anomaly and savings sections read: the same store calls the anomaly
// and resources APIs answer with.
type Sections interface {
	ListAnomalies(ctx context.Context, scope account.Scope, f store.AnomalyFilter) ([]anomaly.Record, error)
	GetAnomaly(ctx context.Context, scope account.Scope, id int64) (anomaly.Record, error)
	ListFindings(ctx context.Context, scope account.Scope, f store.FindingFilter, now time.Time) ([]idle.Record, error)
	FindingTotals(ctx context.Context, scope account.Scope, f store.FindingFilter, now time.Time) ([]store.FindingTotal, error)
}

// Anomaly is an anomaly as the report and the explanation state it: the anomaly API's figures,
// with what its monitor watches and the account's name.
type Anomaly struct {
	ID          int64        `json:"id"`
	Scope       string       `json:"scope"`
	AccountID   int64        `json:"accountId"`
	AccountName string       `json:"accountName"`
	StartDate   string       `json:"startDate"`
	EndDate     string       `json:"endDate"`
	Kind        string       `json:"kind"`
	Expected    money.Micros `json:"expected"`
	Actual      money.Micros `json:"actual"`
	Impact      money.Micros `json:"impact"`
	Currency    string       `json:"currency"`
	Severity    string       `json:"severity"`
	Status      string       `json:"status"`
	Demo        bool         `json:"demo"`
}

// AnomalyOf states r; accountName names its account ("" for none).
func AnomalyOf(r anomaly.Record, accountName string, zh bool) Anomaly {
	return Anomaly{ID: r.ID, Scope: AnomalyScope(r, accountName, zh), AccountID: r.AccountID, AccountName: accountName,
		StartDate: r.StartDate, EndDate: r.EndDate, Kind: string(r.Kind), Expected: r.Expected, Actual: r.Actual, Impact: r.Impact,
		Currency: r.Currency, Severity: string(r.Severity), Status: string(r.Status), Demo: r.Demo}
}

// AnomalyLine is one anomaly of the month as the report lists it, with the contributors that
// explain it best (TopContributors of the anomaly API's detail).
type AnomalyLine struct {
	Anomaly
	Top []apijson.Contributor `json:"topContributors"`
}

// AnomalyTotal counts the month's anomalies of one currency. Their impacts are not added up:
// monitors overlap (one change shows on an account, its product and the organisation), so a
// sum would count it several times.
type AnomalyTotal struct {
	Currency string `json:"currency"`
	Count    int    `json:"count"`
}

// FindingLine is one open idle or savings finding, as the findings API lists it.
type FindingLine struct {
	ID             int64        `json:"id"`
	Rule           string       `json:"rule"`
	RuleTitle      string       `json:"ruleTitle"`
	AccountID      int64        `json:"accountId"`
	AccountName    string       `json:"accountName"`
	ResourceID     string       `json:"resourceId"`
	Name           string       `json:"name"`
	Type           string       `json:"type"`
	Region         string       `json:"region"`
	MonthlySavings money.Micros `json:"monthlySavings"`
	Currency       string       `json:"currency"`
	Estimate       bool         `json:"estimate"`
}

// FindingTotal is the open findings' monthly savings of one currency, or of one rule and
// currency (Rule set), with their count: the findings API's totals and byRule.
type FindingTotal struct {
	Rule           string       `json:"rule,omitempty"`
	RuleTitle      string       `json:"ruleTitle,omitempty"`
	Currency       string       `json:"currency"`
	MonthlySavings money.Micros `json:"monthlySavings"`
	Count          int64        `json:"count"`
}

// How much of each section the report lists; totals always cover everything.
const (
	maxAnomalies       = 10
	maxFindings        = 10
	anomalyContributor = 3
	anomalyListLimit   = 1000
)

// TopContributors picks the contributors that explain an anomaly of impact best: in each
// dimension the key that moved most in the anomaly's direction (the first of the dimension,
// which is how detection orders them), leaving out the keys that gather the rest and the
// dimensions with a single key (a product monitor's one product explains nothing); the largest
// changes first, at most n. They are the anomaly API's contributors, unchanged.
func TopContributors(cs []anomaly.Contributor, impact money.Micros, n int) []apijson.Contributor {
	keys := map[string]int{}
	for _, c := range cs {
		keys[c.Dimension]++
	}
	out := []apijson.Contributor{}
	seen := map[string]bool{}
	for _, c := range cs {
		if seen[c.Dimension] || keys[c.Dimension] < 2 || c.Key == anomaly.OtherKey {
			continue
		}
		seen[c.Dimension] = true
		if c.Delta == 0 || (c.Delta > 0) != (impact > 0) {
			continue
		}
		out = append(out, apijson.NewContributor(c))
	}
	dimOrder := func(d string) int { return slices.Index(anomaly.ContributorDims, d) }
	slices.SortStableFunc(out, func(a, b apijson.Contributor) int {
		if c := cmp.Compare(abs(b.Delta), abs(a.Delta)); c != 0 {
			return c
		}
		return cmp.Compare(dimOrder(a.Dimension), dimOrder(b.Dimension))
	})
	if len(out) > n {
		out = out[:n]
	}
	return out
}

func abs(m money.Micros) money.Micros {
	if m < 0 {
		return -m
	}
	return m
}

// AnomalyScope names what an anomaly's monitor watches and in which account.
func AnomalyScope(r anomaly.Record, accountName string, zh bool) string {
	what := r.Monitor.LabelIn(map[bool]string{true: "zh", false: "en"}[zh])
	switch {
	case r.AccountID == 0 && zh:
		return what + " · 全部账号"
	case r.AccountID == 0:
		return what + " · all accounts"
	case accountName != "":
		return what + " · " + accountName
	case zh:
		return fmt.Sprintf("%s · 账号 %d", what, r.AccountID)
	}
	return fmt.Sprintf("%s · account %d", what, r.AccountID)
}

// gatherAnomalies reads the anomalies overlapping the report's days, leaving out those people
// dismissed as not anomalies.
func (d *Data) gatherAnomalies(ctx context.Context, st Sections, scope account.Scope, names map[int64]string) error {
	rs, err := st.ListAnomalies(ctx, scope, store.AnomalyFilter{Start: d.Start, End: d.End, Limit: anomalyListLimit})
	if err != nil {
		return err
	}
	d.Anomalies, d.AnomalyTotals = []AnomalyLine{}, []AnomalyTotal{}
	totals := map[string]*AnomalyTotal{}
	for _, r := range rs {
		if r.Status == anomaly.StatusDismissed {
			continue
		}
		t := totals[r.Currency]
		if t == nil {
			t = &AnomalyTotal{Currency: r.Currency}
			totals[r.Currency] = t
		}
		t.Count++
		d.AnomalyCount++
		d.Demo = d.Demo || r.Demo
		if len(d.Anomalies) == maxAnomalies {
			continue
		}
		full, err := st.GetAnomaly(ctx, scope, r.ID)
		if err != nil {
			return err
		}
		d.Anomalies = append(d.Anomalies, AnomalyLine{Anomaly: AnomalyOf(r, names[r.AccountID], false),
			Top: TopContributors(full.Contributors, full.Impact, anomalyContributor)})
	}
	for _, t := range totals {
		d.AnomalyTotals = append(d.AnomalyTotals, *t)
	}
	slices.SortFunc(d.AnomalyTotals, func(a, b AnomalyTotal) int { return strings.Compare(a.Currency, b.Currency) })
	return nil
}

// gatherFindings reads the open idle and savings findings as they stand at now: findings
// describe resources today, not a past month.
func (d *Data) gatherFindings(ctx context.Context, st Sections, scope account.Scope, names map[int64]string, now time.Time) error {
	fs, err := st.ListFindings(ctx, scope, store.FindingFilter{Status: idle.StatusOpen, Limit: maxFindings}, now)
	if err != nil {
		return err
	}
	d.Findings, d.FindingTotals, d.FindingsByRule = []FindingLine{}, []FindingTotal{}, []FindingTotal{}
	for _, f := range fs {
		d.Findings = append(d.Findings, FindingLine{ID: f.ID, Rule: f.Rule, RuleTitle: ruleTitle(f.Rule), AccountID: f.AccountID,
			AccountName: names[f.AccountID], ResourceID: f.ResourceID, Name: f.Name, Type: f.Type, Region: f.Region, MonthlySavings: f.MonthlySavings,
			Currency: f.Currency, Estimate: f.Estimate})
	}
	ts, err := st.FindingTotals(ctx, scope, store.FindingFilter{Status: idle.StatusOpen}, now)
	if err != nil {
		return err
	}
	byCur := map[string]*FindingTotal{}
	for _, t := range ts {
		d.FindingsByRule = append(d.FindingsByRule, FindingTotal{Rule: t.Rule, RuleTitle: ruleTitle(t.Rule), Currency: t.Currency,
			MonthlySavings: t.MonthlySavings, Count: t.Count})
		c := byCur[t.Currency]
		if c == nil {
			c = &FindingTotal{Currency: t.Currency}
			byCur[t.Currency] = c
		}
		c.MonthlySavings += t.MonthlySavings
		c.Count += t.Count
	}
	for _, c := range byCur {
		d.FindingTotals = append(d.FindingTotals, *c)
	}
	// Largest first, as the findings API orders them; currencies are never added together.
	largest := func(a, b FindingTotal) int {
		if c := cmp.Compare(b.MonthlySavings, a.MonthlySavings); c != 0 {
			return c
		}
		return strings.Compare(a.Currency+a.Rule, b.Currency+b.Rule)
	}
	slices.SortFunc(d.FindingTotals, largest)
	slices.SortFunc(d.FindingsByRule, largest)
	return nil
}

func ruleTitle(id string) string {
	if r, ok := idle.Lookup(id); ok {
		return r.Title
	}
	return id
}

// dimNames are the contributor dimensions as the report writes them.
var dimNames = map[string][2]string{
	anomaly.DimRegion: {"region", "地域"}, anomaly.DimResource: {"resource", "资源"}, anomaly.DimBillingItem: {"billing item", "计费项"},
	anomaly.DimTag: {"tag", "标签"}, anomaly.DimResourceGroup: {"resource group", "资源组"},
	anomaly.DimSubscriptionType: {"billing method", "计费方式"}, anomaly.DimAccount: {"account", "账号"}, anomaly.DimProduct: {"product", "产品"},
}

// DimName is a contributor dimension in English or Chinese.
func DimName(dim string, zh bool) string {
	n, ok := dimNames[dim]
	if !ok {
		return dim
	}
	if zh {
		return n[1]
	}
	return n[0]
}

// ContributorText is one contributor in a sentence: "resource web-1 (i-abc) +400.00 CNY (92.0%)".
func ContributorText(c apijson.Contributor, currency string, zh bool) string {
	label := c.Label
	if label == "" {
		label = c.Key
	} else if c.Key != "" && c.Key != label && c.Dimension == anomaly.DimResource {
		label += " (" + c.Key + ")"
	}
	return fmt.Sprintf("%s %s %s %s (%.1f%%)", DimName(c.Dimension, zh), label, signed(c.Delta), currency, c.Share*100)
}

func (l AnomalyLine) days() string {
	if l.StartDate == l.EndDate {
		return l.StartDate
	}
	return l.StartDate + " – " + l.EndDate
}

func (l AnomalyLine) contributors() string {
	parts := make([]string, len(l.Top))
	for i, c := range l.Top {
		parts[i] = ContributorText(c, l.Currency, false)
	}
	if len(parts) == 0 {
		return "—"
	}
	return strings.Join(parts, "; ")
}

func (l FindingLine) what() string {
	if l.Name != "" && l.Name != l.ResourceID {
		return l.Name + " (" + l.ResourceID + ")"
	}
	return l.ResourceID
}

func (l FindingLine) account() string {
	if l.AccountName != "" {
		return l.AccountName
	}
	return fmt.Sprintf("account %d", l.AccountID)
}

func (l FindingLine) savings() string {
	s := l.Currency + " " + l.MonthlySavings.String()
	if l.Estimate {
		s += " (estimate)"
	}
	return s
}

func (d Data) anomaliesIntro() string {
	if d.AnomalyCount == 0 {
		return fmt.Sprintf("No cost anomalies between %s and %s.", d.Start, d.End)
	}
	s := fmt.Sprintf("%s between %s and %s. Monitors overlap: one change can show on an account, on its product "+
		"and across the organisation, so impacts are not added up.", anomalies(d.AnomalyCount), d.Start, d.End)
	if d.AnomalyCount > len(d.Anomalies) {
		s += fmt.Sprintf(" The %d largest are listed.", len(d.Anomalies))
	}
	return s
}

func (d Data) findingsIntro() string {
	if len(d.FindingTotals) == 0 {
		return fmt.Sprintf("No open idle-resource or savings findings on %s.", d.GeneratedAt.In(billing.Shanghai).Format(time.DateOnly))
	}
	var parts []string
	for _, t := range d.FindingTotals {
		parts = append(parts, fmt.Sprintf("%s %s a month in %d findings", t.Currency, t.MonthlySavings, t.Count))
	}
	return fmt.Sprintf("Open findings on %s: %s. Savings of releases and deletions are the resource's own billed cost over the "+
		"30 days before evaluation; resizes and billing switches are estimates from list prices.",
		d.GeneratedAt.In(billing.Shanghai).Format(time.DateOnly), strings.Join(parts, "; "))
}

// sectionsMarkdown writes the anomaly and findings sections.
func (d Data) sectionsMarkdown(b *strings.Builder) {
	b.WriteString("## Anomalies\n\n" + d.anomaliesIntro() + "\n\n")
	if len(d.Anomalies) > 0 {
		b.WriteString("| dates | scope | kind | expected | actual | impact | top contributors |\n|---|---|---|---:|---:|---:|---|\n")
		for _, l := range d.Anomalies {
			fmt.Fprintf(b, "| %s | %s | %s | %s %s | %s %s | %s %s | %s |\n", l.days(), mdCell(l.Scope), kindText(l.Kind), l.Currency, l.Expected,
				l.Currency, l.Actual, l.Currency, signed(l.Impact), mdCell(l.contributors()))
		}
		b.WriteString("\n")
	}
	b.WriteString("## Idle resources and savings findings\n\n" + d.findingsIntro() + "\n\n")
	if len(d.FindingsByRule) > 0 {
		b.WriteString("### By rule\n\n| rule | findings | monthly savings |\n|---|---:|---:|\n")
		for _, t := range d.FindingsByRule {
			fmt.Fprintf(b, "| %s | %d | %s %s |\n", mdCell(t.RuleTitle), t.Count, t.Currency, t.MonthlySavings)
		}
		b.WriteString("\n### Largest findings\n\n| resource | rule | account | region | monthly savings |\n|---|---|---|---|---:|\n")
		for _, l := range d.Findings {
			fmt.Fprintf(b, "| %s | %s | %s | %s | %s |\n", mdCell(l.what()), mdCell(l.RuleTitle), mdCell(l.account()), mdCell(l.Region), l.savings())
		}
		b.WriteString("\n")
	}
}

// sectionsHTML writes the anomaly and findings sections, with a chart of each.
func (d Data) sectionsHTML(w func(format string, a ...any)) {
	w("<h2>Anomalies</h2>\n<p>%s</p>\n", esc(d.anomaliesIntro()))
	if len(d.Anomalies) > 0 {
		var bs []bar
		for _, l := range d.Anomalies {
			color := "#dc2626"
			if l.Impact < 0 {
				color = "#16a34a"
			}
			bs = append(bs, bar{Label: l.StartDate + " " + l.Scope, Value: abs(l.Impact), Text: l.Currency + " " + signed(l.Impact), Color: color})
		}
		w("%s\n", bars(bs))
		w(`<table><tr><th>dates</th><th>scope</th><th>kind</th><th class="n">expected</th><th class="n">actual</th><th class="n">impact</th><th>top contributors</th></tr>`)
		for _, l := range d.Anomalies {
			w(`<tr data-anomaly="%d"><td>%s</td><td>%s</td><td>%s</td><td class="n">%s %s</td><td class="n">%s %s</td><td class="n">%s %s</td><td>%s</td></tr>`,
				l.ID, esc(l.days()), esc(l.Scope), esc(kindText(l.Kind)), esc(l.Currency), l.Expected, esc(l.Currency), l.Actual, esc(l.Currency), signed(l.Impact),
				esc(l.contributors()))
		}
		w("</table>\n")
	}
	w("<h2>Idle resources and savings findings</h2>\n<p>%s</p>\n", esc(d.findingsIntro()))
	if len(d.FindingsByRule) > 0 {
		var bs []bar
		for _, t := range d.FindingsByRule {
			bs = append(bs, bar{Label: t.RuleTitle, Value: t.MonthlySavings, Text: t.Currency + " " + t.MonthlySavings.String(), Color: "#0d9488"})
		}
		w("<h3>By rule</h3>%s\n", bars(bs))
		w(`<table><tr><th>rule</th><th class="n">findings</th><th class="n">monthly savings</th></tr>`)
		for _, t := range d.FindingsByRule {
			w(`<tr><td>%s</td><td class="n">%d</td><td class="n">%s %s</td></tr>`, esc(t.RuleTitle), t.Count, esc(t.Currency), t.MonthlySavings)
		}
		w("</table>\n<h3>Largest findings</h3>")
		w(`<table><tr><th>resource</th><th>rule</th><th>account</th><th>region</th><th class="n">monthly savings</th></tr>`)
		for _, l := range d.Findings {
			w(`<tr data-finding="%d"><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td class="n">%s</td></tr>`, l.ID, esc(l.what()), esc(l.RuleTitle),
				esc(l.account()), esc(l.Region), esc(l.savings()))
		}
		w("</table>\n")
	}
}

// bar is one bar of a horizontal bar chart.
type bar struct {
	Label string
	Value money.Micros
	Text  string
	Color string
}

// bars is an inline SVG of horizontal bars, scaled to the largest.
func bars(bs []bar) string {
	if len(bs) == 0 {
		return ""
	}
	const w, rowH, labelW = 640, 20, 240
	var maxV money.Micros = 1
	for _, b := range bs {
		maxV = max(maxV, b.Value)
	}
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" role="img">`, w, rowH*len(bs)+6)
	for i, x := range bs {
		y := i*rowH + 3
		bw := max(int(float64(w-labelW-110)*float64(x.Value)/float64(maxV)), 1)
		fmt.Fprintf(&b, `<text x="0" y="%d" font-size="12">%s</text>`, y+12, esc(clip(x.Label, 36)))
		fmt.Fprintf(&b, `<rect x="%d" y="%d" width="%d" height="12" fill="%s"/>`, labelW, y+2, bw, x.Color)
		fmt.Fprintf(&b, `<text x="%d" y="%d" font-size="11">%s</text>`, labelW+bw+4, y+12, esc(x.Text))
	}
	b.WriteString(`</svg>`)
	return b.String()
}

// anomalies is "1 cost anomaly" or "n cost anomalies".
func anomalies(n int) string {
	if n == 1 {
		return "1 cost anomaly"
	}
	return fmt.Sprintf("%d cost anomalies", n)
}

// kindText is an anomaly kind as the report writes it ("level shift").
func kindText(k string) string { return strings.ReplaceAll(k, "_", " ") }
