package costs

import (
	"encoding/csv"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"

	"github.com/xuri/excelize/v2"

	"github.com/cloudlens/cloudlens/shared/auth"
	"github.com/cloudlens/cloudlens/shared/cost"
	"github.com/cloudlens/cloudlens/shared/errs"
	"github.com/cloudlens/cloudlens/shared/money"
)

// The explorer's CSV and Excel exports: one row per currency, group and period, the same
// figures as the JSON answer (cost.Exploration.Table). They stay in this function
// because they share the explorer's path (/api/v1/costs/explore?format=…), which a
// custom-domain route cannot send elsewhere; the FOCUS export is cloudlens-costexport's.

// exportExplore answers the explorer's CSV or Excel export: headers in the caller's language
// (lang, else Accept-Language), long or wide (layout), a total row per currency, and a note per
// account whose bills miss days of the range.
func (a *api) exportExplore(w http.ResponseWriter, r *http.Request, p auth.Principal, q cost.Query, format string) error {
	lay := cost.Layout(r.URL.Query().Get("layout"))
	switch lay {
	case "":
		lay = cost.LayoutLong
	case cost.LayoutLong, cost.LayoutWide:
	default:
		return errs.UnknownValue("layout", lay, cost.LayoutLong, cost.LayoutWide)
	}
	l := cost.ParseLang(r.URL.Query().Get("lang"), r.Header.Get("Accept-Language"))
	asked, err := requestScope(p, r)
	if err != nil {
		return err
	}
	e, err := a.svc.Explore(r.Context(), p.Scope(), q)
	if err != nil {
		return err
	}
	gaps, err := a.d.IncompleteDays(r.Context(), asked, q.Start, q.End)
	if err != nil {
		return err
	}
	notes := make([]cost.IncompleteNote, len(gaps))
	for i, g := range gaps {
		notes[i] = cost.IncompleteNote{AccountID: g.AccountID, Dates: g.Dates, Reason: g.Reason}
	}
	t := e.Table(l, lay, notes)
	if format == "csv" {
		return writeExploreCSV(w, e, t)
	}
	return writeExploreXLSX(w, e, t, l)
}

func attachment(w http.ResponseWriter, contentType, name string) {
	w.Header().Set("Content-Type", contentType)
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	w.Header().Set("Cache-Control", "no-store")
}

// utf8BOM starts every CSV: without it Excel on Chinese Windows reads the file as GBK and
// garbles product and account names.
const utf8BOM = "\ufeff"

func writeExploreCSV(w http.ResponseWriter, e cost.Exploration, t cost.ExportTable) error {
	attachment(w, "text/csv; charset=utf-8", e.ExportName("csv"))
	if _, err := io.WriteString(w, utf8BOM); err != nil {
		return streamErr(err)
	}
	cw := csv.NewWriter(w)
	// Notes are comment lines above the header ("# …"), which spreadsheet imports show as a
	// first cell and CSV readers skip with a comment character.
	for _, n := range t.Notes {
		if err := cw.Write([]string{"# " + n}); err != nil {
			return streamErr(err)
		}
	}
	if err := cw.Write(t.Header); err != nil {
		return streamErr(err)
	}
	rec := make([]string, 0, len(t.Header))
	for _, row := range t.Rows {
		rec = rec[:0]
		for _, c := range row {
			switch v := c.(type) {
			case money.Micros:
				rec = append(rec, cost.ExportAmount(v))
			case string:
				rec = append(rec, cost.SafeCell(v))
			}
		}
		if err := cw.Write(rec); err != nil {
			return streamErr(err)
		}
	}
	cw.Flush()
	return streamErr(cw.Error())
}

// streamErr reports a failure after the answer has started: the status is already sent, so
// the error can only be logged, which the caller's error handler does for internal errors.
func streamErr(err error) error {
	if err == nil {
		return nil
	}
	return errs.Wrap(errs.KindInternal, err, "export interrupted")
}

func writeExploreXLSX(w http.ResponseWriter, e cost.Exploration, t cost.ExportTable, l cost.Lang) error {
	f := excelize.NewFile()
	defer f.Close()
	sheet, notesSheet := "费用", "说明"
	if l == cost.LangEn {
		sheet, notesSheet = "Costs", "Notes"
	}
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return fmt.Errorf("costs: xlsx: %w", err)
	}
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		return fmt.Errorf("costs: xlsx: %w", err)
	}
	// The cell holds the exact amount; the format shows two decimals and up to four more
	// when there are any, so nothing looks rounded that is not.
	format := "#,##0.00####"
	moneyStyle, err := f.NewStyle(&excelize.Style{CustomNumFmt: &format})
	if err != nil {
		return fmt.Errorf("costs: xlsx: %w", err)
	}
	totalStyle, err := f.NewStyle(&excelize.Style{CustomNumFmt: &format, Font: &excelize.Font{Bold: true}})
	if err != nil {
		return fmt.Errorf("costs: xlsx: %w", err)
	}
	boldStyle, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return fmt.Errorf("costs: xlsx: %w", err)
	}
	cells := make([]any, len(t.Header))
	for i, h := range t.Header {
		cells[i] = excelize.Cell{StyleID: boldStyle, Value: h}
	}
	if err := sw.SetRow("A1", cells); err != nil {
		return fmt.Errorf("costs: xlsx: %w", err)
	}
	for i, row := range t.Rows {
		total := slices.Contains(t.TotalRows, i)
		out := make([]any, len(row))
		for j, c := range row {
			switch v := c.(type) {
			case money.Micros:
				style := moneyStyle
				if total {
					style = totalStyle
				}
				out[j] = excelize.Cell{StyleID: style, Value: float64(v) / 1e6}
			case string:
				if total {
					out[j] = excelize.Cell{StyleID: boldStyle, Value: cost.SafeCell(v)}
				} else {
					out[j] = cost.SafeCell(v)
				}
			}
		}
		cell, err := excelize.CoordinatesToCellName(1, i+2)
		if err != nil {
			return fmt.Errorf("costs: xlsx: %w", err)
		}
		if err := sw.SetRow(cell, out); err != nil {
			return fmt.Errorf("costs: xlsx: %w", err)
		}
	}
	if err := sw.Flush(); err != nil {
		return fmt.Errorf("costs: xlsx: %w", err)
	}
	// Incomplete days go on a sheet of their own beside the figures, so the figures' sheet
	// stays a plain table for pivots and scripts.
	if len(t.Notes) > 0 {
		if _, err := f.NewSheet(notesSheet); err != nil {
			return fmt.Errorf("costs: xlsx: %w", err)
		}
		for i, n := range t.Notes {
			if err := f.SetCellStr(notesSheet, "A"+strconv.Itoa(i+1), n); err != nil {
				return fmt.Errorf("costs: xlsx: %w", err)
			}
		}
	}
	attachment(w, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", e.ExportName("xlsx"))
	return streamErr(f.Write(w))
}
