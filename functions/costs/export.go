package costs

import (
	"encoding/csv"
	"fmt"
	"net/http"

	"github.com/xuri/excelize/v2"

	"github.com/cloudlens/cloudlens/shared/cost"
	"github.com/cloudlens/cloudlens/shared/errs"
)

// The explorer's CSV and Excel exports: one row per currency, group and period, the same
// figures as the JSON answer (cost.Exploration.EachExportRow). They stay in this function
// because they share the explorer's path (/api/v1/costs/explore?format=…), which a
// custom-domain route cannot send elsewhere; the FOCUS export is cloudlens-costexport's.

func attachment(w http.ResponseWriter, contentType, name string) {
	w.Header().Set("Content-Type", contentType)
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	w.Header().Set("Cache-Control", "no-store")
}

func writeExploreCSV(w http.ResponseWriter, e cost.Exploration) error {
	attachment(w, "text/csv; charset=utf-8", e.ExportName("csv"))
	cw := csv.NewWriter(w)
	if err := cw.Write(e.ExportHeader()); err != nil {
		return err
	}
	err := e.EachExportRow(func(r cost.ExportRow) error {
		rec := append([]string{r.Currency}, r.Values...)
		return cw.Write(append(rec, r.Label, r.Period, r.Cost.String()))
	})
	cw.Flush()
	if err == nil {
		err = cw.Error()
	}
	return streamErr(err)
}

// streamErr reports a failure after the answer has started: the status is already sent, so
// the error can only be logged, which the caller's error handler does for internal errors.
func streamErr(err error) error {
	if err == nil {
		return nil
	}
	return errs.Wrap(errs.KindInternal, err, "export interrupted")
}

func writeExploreXLSX(w http.ResponseWriter, e cost.Exploration) error {
	f := excelize.NewFile()
	defer f.Close()
	const sheet = "Costs"
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return fmt.Errorf("costs: xlsx: %w", err)
	}
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		return fmt.Errorf("costs: xlsx: %w", err)
	}
	moneyStyle, err := f.NewStyle(&excelize.Style{NumFmt: 2}) // 0.00
	if err != nil {
		return fmt.Errorf("costs: xlsx: %w", err)
	}
	header := e.ExportHeader()
	cells := make([]any, len(header))
	for i, h := range header {
		cells[i] = h
	}
	if err := sw.SetRow("A1", cells); err != nil {
		return fmt.Errorf("costs: xlsx: %w", err)
	}
	n := 1
	err = e.EachExportRow(func(r cost.ExportRow) error {
		n++
		row := []any{r.Currency}
		for _, v := range r.Values {
			row = append(row, v)
		}
		// The value is the exact amount; the cell format shows two decimals.
		amount := excelize.Cell{StyleID: moneyStyle, Value: float64(r.Cost) / 1e6}
		row = append(row, r.Label, r.Period, amount)
		cell, err := excelize.CoordinatesToCellName(1, n)
		if err != nil {
			return err
		}
		return sw.SetRow(cell, row)
	})
	if err == nil {
		err = sw.Flush()
	}
	if err != nil {
		return fmt.Errorf("costs: xlsx: %w", err)
	}
	attachment(w, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", e.ExportName("xlsx"))
	return streamErr(f.Write(w))
}
