package resources

import (
	"encoding/csv"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"github.com/cloudlens/cloudlens/shared/auth"
	"github.com/cloudlens/cloudlens/shared/errs"
	"github.com/cloudlens/cloudlens/shared/httpx"
	"github.com/cloudlens/cloudlens/shared/idle"
	"github.com/cloudlens/cloudlens/shared/money"
	"github.com/cloudlens/cloudlens/shared/store"
)

type dismissalJSON struct {
	Reason string     `json:"reason"`
	Until  *time.Time `json:"until"`
	By     int64      `json:"by"`
	At     time.Time  `json:"at"`
}

type pricesJSON struct {
	Current         string       `json:"current"`
	Proposed        string       `json:"proposed"`
	CurrentMonthly  money.Micros `json:"currentMonthly"`
	ProposedMonthly money.Micros `json:"proposedMonthly"`
	BreakEvenDays   int          `json:"breakEvenDays,omitempty"`
}

type findingJSON struct {
	ID             int64              `json:"id"`
	Rule           string             `json:"rule"`
	Action         string             `json:"action"`
	ResourceID     string             `json:"resourceId"`
	AccountID      int64              `json:"accountId"`
	InventoryID    int64              `json:"inventoryId"`
	Type           string             `json:"type"`
	Region         string             `json:"region"`
	Name           string             `json:"name"`
	Reason         string             `json:"reason"`
	ReasonZh       string             `json:"reasonZh"`
	MonthlySavings money.Micros       `json:"monthlySavings"`
	Currency       string             `json:"currency"`
	Estimate       bool               `json:"estimate"`
	Prices         *pricesJSON        `json:"prices"`
	Basis          idle.Basis         `json:"basis"`
	Figures        map[string]float64 `json:"figures"`
	Status         string             `json:"status"`
	DetectedAt     time.Time          `json:"detectedAt"`
	EvaluatedAt    time.Time          `json:"evaluatedAt"`
	Dismissal      *dismissalJSON     `json:"dismissal"`
}

func toFinding(f idle.Record, now time.Time) findingJSON {
	out := findingJSON{ID: f.ID, Rule: f.Rule, Action: string(f.Action), ResourceID: f.ResourceID, AccountID: f.AccountID,
		InventoryID: f.InventoryID, Type: f.Type, Region: f.Region, Name: f.Name, Reason: f.Reason, ReasonZh: f.ReasonZh,
		MonthlySavings: f.MonthlySavings, Currency: f.Currency, Estimate: f.Estimate, Basis: f.Basis, Figures: f.Figures,
		Status: f.Status(now), DetectedAt: f.DetectedAt, EvaluatedAt: f.EvaluatedAt}
	if out.Figures == nil {
		out.Figures = map[string]float64{}
	}
	if p := f.Prices; p != nil {
		out.Prices = &pricesJSON{Current: p.Current, Proposed: p.Proposed, CurrentMonthly: p.CurrentMonthly,
			ProposedMonthly: p.ProposedMonthly, BreakEvenDays: p.BreakEvenDays}
	}
	if d := f.Dismissal; d != nil {
		out.Dismissal = &dismissalJSON{Reason: d.Reason, Until: d.Until, By: d.By, At: d.At}
	}
	return out
}

type totalJSON struct {
	Currency       string       `json:"currency"`
	MonthlySavings money.Micros `json:"monthlySavings"`
	Count          int64        `json:"count"`
}

type ruleTotalJSON struct {
	Rule string `json:"rule"`
	totalJSON
}

type findingsJSON struct {
	Demo       bool            `json:"demo"`
	Items      []findingJSON   `json:"items"`
	Totals     []totalJSON     `json:"totals"`
	ByRule     []ruleTotalJSON `json:"byRule"`
	NextCursor string          `json:"nextCursor"`
}

// findingFilter reads the findings list's parameters; the error names the bad one.
func findingFilter(p auth.Principal, v url.Values, maxRows int) (store.FindingFilter, error) {
	var f store.FindingFilter
	f.Status = v.Get("status")
	if f.Status == "" {
		f.Status = idle.StatusOpen
	}
	if !contains(idle.Statuses, f.Status) {
		return f, errs.UnknownValue("status", f.Status, idle.Statuses...)
	}
	if rule := v.Get("rule"); rule != "" {
		if _, ok := idle.Lookup(rule); !ok {
			return f, errs.UnknownValue("rule", rule)
		}
		f.Rule = rule
	}
	if t := v.Get("type"); t != "" {
		if err := idle.ValidType("type", t); err != nil {
			return f, err
		}
		f.Type = t
	}
	acc, err := accountParam(p, v)
	if err != nil {
		return f, err
	}
	if acc != 0 {
		f.AccountIDs = []int64{acc}
	}
	if f.Limit, err = intParam(v, "limit", min(defaultFinding, maxRows), 1, maxRows); err != nil {
		return f, err
	}
	if c := v.Get("cursor"); c != "" {
		s, id, ok := strings.Cut(c, ".")
		savings, err1 := strconv.ParseInt(s, 10, 64)
		n, ok2 := httpx.ParseID(id)
		if !ok || err1 != nil || !ok2 {
			return f, errs.BadCursor("cursor", c)
		}
		f.After = &store.FindingCursor{Savings: money.Micros(savings), ID: n}
	}
	return f, nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func (a *api) findings(w http.ResponseWriter, r *http.Request) error {
	p, err := httpx.Require(r, auth.RoleViewer)
	if err != nil {
		return err
	}
	f, err := findingFilter(p, r.URL.Query(), maxLimit)
	if err != nil {
		return err
	}
	ctx := r.Context()
	scope := p.Scope()
	now := a.d.Now()
	// One more than asked tells whether there is a next page.
	f.Limit++
	fs, err := a.d.Store.ListFindings(ctx, scope, f, now)
	if err != nil {
		return err
	}
	f.Limit--
	out := findingsJSON{Items: make([]findingJSON, 0, len(fs)), Totals: []totalJSON{}, ByRule: []ruleTotalJSON{}}
	if len(fs) > f.Limit {
		fs = fs[:f.Limit]
		last := fs[len(fs)-1]
		out.NextCursor = strconv.FormatInt(int64(last.MonthlySavings), 10) + "." + strconv.FormatInt(last.ID, 10)
	}
	demo, err := a.demoAccounts(ctx, scope)
	if err != nil {
		return err
	}
	for _, x := range fs {
		out.Items = append(out.Items, toFinding(x, now))
	}
	f.After = nil
	tot, err := a.d.Store.FindingTotals(ctx, scope, f, now)
	if err != nil {
		return err
	}
	byCur := map[string]*totalJSON{}
	var order []string
	for _, t := range tot {
		out.ByRule = append(out.ByRule, ruleTotalJSON{Rule: t.Rule, totalJSON: totalJSON{Currency: t.Currency, MonthlySavings: t.MonthlySavings, Count: t.Count}})
		c := byCur[t.Currency]
		if c == nil {
			c = &totalJSON{Currency: t.Currency}
			byCur[t.Currency] = c
			order = append(order, t.Currency)
		}
		c.MonthlySavings += t.MonthlySavings
		c.Count += t.Count
	}
	for _, c := range order {
		out.Totals = append(out.Totals, *byCur[c])
	}
	sortTotals(out.Totals)
	for id, isDemo := range demo {
		if isDemo && (len(f.AccountIDs) == 0 || f.AccountIDs[0] == id) {
			out.Demo = true
		}
	}
	return httpx.OK(w, out)
}

// sortTotals puts the largest total first (currencies are not added together).
func sortTotals(ts []totalJSON) {
	for i := 1; i < len(ts); i++ {
		for j := i; j > 0 && ts[j].MonthlySavings > ts[j-1].MonthlySavings; j-- {
			ts[j], ts[j-1] = ts[j-1], ts[j]
		}
	}
}

// maxExport bounds an export's rows.
const maxExport = 100_000

var exportHeader = []string{"id", "status", "rule", "action", "account_id", "resource_id", "type", "region", "name",
	"monthly_savings", "currency", "estimate", "current_monthly", "proposed_monthly", "basis_start", "basis_end",
	"basis_metric", "reason", "reason_zh", "detected_at"}

// cell neutralises text from bills (names, ids) that a spreadsheet would run as a formula.
func cell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

func exportRow(f idle.Record, now time.Time) []string {
	var cur, prop string
	if f.Prices != nil {
		cur, prop = f.Prices.CurrentMonthly.Exact(), f.Prices.ProposedMonthly.Exact()
	}
	return []string{strconv.FormatInt(f.ID, 10), f.Status(now), f.Rule, string(f.Action), strconv.FormatInt(f.AccountID, 10),
		cell(f.ResourceID), f.Type, cell(f.Region), cell(f.Name), f.MonthlySavings.Exact(), f.Currency,
		strconv.FormatBool(f.Estimate), cur, prop, f.Basis.Start, f.Basis.End, f.Basis.Metric, cell(f.Reason), cell(f.ReasonZh),
		f.DetectedAt.UTC().Format(time.RFC3339)}
}

func (a *api) export(w http.ResponseWriter, r *http.Request) error {
	p, err := httpx.Require(r, auth.RoleViewer)
	if err != nil {
		return err
	}
	v := r.URL.Query()
	format := v.Get("format")
	if format != "csv" && format != "xlsx" {
		return errs.UnknownValue("format", format, "csv", "xlsx")
	}
	f, err := findingFilter(p, v, maxExport)
	if err != nil {
		return err
	}
	if v.Get("limit") == "" {
		f.Limit = maxExport
	}
	now := a.d.Now()
	fs, err := a.d.Store.ListFindings(r.Context(), p.Scope(), f, now)
	if err != nil {
		return err
	}
	name := "cloudlens-savings-" + f.Status + "-" + now.Format("20060102")
	if format == "csv" {
		attachment(w, "text/csv; charset=utf-8", name+".csv")
		cw := csv.NewWriter(w)
		_ = cw.Write(exportHeader)
		for _, x := range fs {
			_ = cw.Write(exportRow(x, now))
		}
		cw.Flush()
		return streamErr(cw.Error())
	}
	return writeXLSX(w, name+".xlsx", fs, now)
}

func attachment(w http.ResponseWriter, contentType, name string) {
	w.Header().Set("Content-Type", contentType)
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	w.Header().Set("Cache-Control", "no-store")
}

// streamErr reports a failure after the answer has started: only the logs can tell.
func streamErr(err error) error {
	if err == nil {
		return nil
	}
	return errs.Wrap(errs.KindInternal, err, "export interrupted")
}

func writeXLSX(w http.ResponseWriter, name string, fs []idle.Record, now time.Time) error {
	x := excelize.NewFile()
	defer x.Close()
	const sheet = "Savings"
	if err := x.SetSheetName("Sheet1", sheet); err != nil {
		return fmt.Errorf("resources: xlsx: %w", err)
	}
	sw, err := x.NewStreamWriter(sheet)
	if err != nil {
		return fmt.Errorf("resources: xlsx: %w", err)
	}
	moneyStyle, err := x.NewStyle(&excelize.Style{NumFmt: 2})
	if err != nil {
		return fmt.Errorf("resources: xlsx: %w", err)
	}
	row := make([]any, len(exportHeader))
	for i, h := range exportHeader {
		row[i] = h
	}
	if err := sw.SetRow("A1", row); err != nil {
		return fmt.Errorf("resources: xlsx: %w", err)
	}
	for i, f := range fs {
		rec := exportRow(f, now)
		row := make([]any, len(rec))
		for j, s := range rec {
			row[j] = s
		}
		// Money cells hold the exact amount as a number, shown with two decimals.
		row[9] = excelize.Cell{StyleID: moneyStyle, Value: float64(f.MonthlySavings) / 1e6}
		if f.Prices != nil {
			row[12] = excelize.Cell{StyleID: moneyStyle, Value: float64(f.Prices.CurrentMonthly) / 1e6}
			row[13] = excelize.Cell{StyleID: moneyStyle, Value: float64(f.Prices.ProposedMonthly) / 1e6}
		}
		at, err := excelize.CoordinatesToCellName(1, i+2)
		if err != nil {
			return fmt.Errorf("resources: xlsx: %w", err)
		}
		if err := sw.SetRow(at, row); err != nil {
			return fmt.Errorf("resources: xlsx: %w", err)
		}
	}
	if err := sw.Flush(); err != nil {
		return fmt.Errorf("resources: xlsx: %w", err)
	}
	attachment(w, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", name)
	return streamErr(x.Write(w))
}

// ---- dismissals ----

type dismissInput struct {
	Reason *string `json:"reason"`
	Until  *string `json:"until"`
}

// dismiss sets a finding aside with a reason: for good, or (until) as a snooze.
func (a *api) dismiss(w http.ResponseWriter, r *http.Request) error {
	p, err := httpx.Require(r, auth.RoleEditor)
	if err != nil {
		return err
	}
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	var in dismissInput
	if err := httpx.Decode(r, &in); err != nil {
		return err
	}
	now := a.d.Now().UTC().Truncate(time.Microsecond)
	d := idle.Dismissal{At: now, By: p.UserID}
	if in.Reason == nil || strings.TrimSpace(*in.Reason) == "" {
		return errs.Required("reason")
	}
	d.Reason = strings.TrimSpace(*in.Reason)
	if utf8.RuneCountInString(d.Reason) > maxReason {
		return errs.TooLong("reason", maxReason)
	}
	if in.Until != nil && *in.Until != "" {
		until, err := parseUntil(*in.Until)
		if err != nil {
			return err
		}
		if !until.After(now) || until.Sub(now) > maxSnooze {
			return errs.InvalidField("until", errs.ReasonWithinYear, "must be in the future and within a year")
		}
		d.Until = &until
	}
	if err := a.d.Store.DismissFinding(r.Context(), p.Scope(), id, &d); err != nil {
		return err
	}
	a.d.Audit(r.Context(), p.UserID, "finding.dismiss", "finding", id, d.Reason)
	f, err := a.d.Store.GetFinding(r.Context(), p.Scope(), id)
	if err != nil {
		return err
	}
	return httpx.OK(w, toFinding(f, a.d.Now()))
}

// parseUntil reads an RFC 3339 time, or a date meaning its start in Asia/Shanghai.
func parseUntil(s string) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t.UTC().Truncate(time.Microsecond), nil
	}
	if t, err := time.ParseInLocation(time.DateOnly, s, shanghai); err == nil {
		return t.UTC(), nil
	}
	return time.Time{}, errs.BadDate("until", s)
}

func (a *api) reopen(w http.ResponseWriter, r *http.Request) error {
	p, err := httpx.Require(r, auth.RoleEditor)
	if err != nil {
		return err
	}
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	if err := a.d.Store.DismissFinding(r.Context(), p.Scope(), id, nil); err != nil {
		return err
	}
	a.d.Audit(r.Context(), p.UserID, "finding.reopen", "finding", id, "")
	f, err := a.d.Store.GetFinding(r.Context(), p.Scope(), id)
	if err != nil {
		return err
	}
	return httpx.OK(w, toFinding(f, a.d.Now()))
}
