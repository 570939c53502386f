package costs

import (
	"encoding/csv"
	"fmt"
	"net/http"
	"time"

	"github.com/parquet-go/parquet-go"
	"github.com/xuri/excelize/v2"

	"github.com/cloudlens/cloudlens/shared/billing"
	"github.com/cloudlens/cloudlens/shared/cost"
	"github.com/cloudlens/cloudlens/shared/errs"
)

// exportHeader is the header of the explorer's CSV and Excel exports: one row per currency,
// group and period, the same figures the JSON answer holds.
func exportHeader(res exploreJSON) []string {
	h := []string{"currency"}
	h = append(h, res.GroupBy...)
	return append(h, "label", "period", res.Metric)
}

// exportRows calls fn for each row of the export.
func exportRows(res exploreJSON, fn func(s cost.Series, g cost.Group, p cost.Point) error) error {
	for _, s := range res.Items {
		for _, g := range s.Groups {
			for _, p := range g.Points {
				if err := fn(s, g, p); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

func attachment(w http.ResponseWriter, contentType, name string) {
	w.Header().Set("Content-Type", contentType)
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	w.Header().Set("Cache-Control", "no-store")
}

func exportName(res exploreJSON, ext string) string {
	return "cloudlens-costs-" + res.Start + "-" + res.End + "." + ext
}

func groupValues(res exploreJSON, g cost.Group) []string {
	out := make([]string, len(res.GroupBy))
	for i, d := range res.GroupBy {
		if g.Other {
			out[i] = cost.OthersLabel
			continue
		}
		out[i] = g.Key[d]
	}
	return out
}

func writeExploreCSV(w http.ResponseWriter, res exploreJSON) error {
	attachment(w, "text/csv; charset=utf-8", exportName(res, "csv"))
	cw := csv.NewWriter(w)
	if err := cw.Write(exportHeader(res)); err != nil {
		return err
	}
	err := exportRows(res, func(s cost.Series, g cost.Group, p cost.Point) error {
		rec := append([]string{s.Currency}, groupValues(res, g)...)
		return cw.Write(append(rec, g.Label, p.Period, p.Cost.String()))
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

func writeExploreXLSX(w http.ResponseWriter, res exploreJSON) error {
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
	header := exportHeader(res)
	cells := make([]any, len(header))
	for i, h := range header {
		cells[i] = h
	}
	if err := sw.SetRow("A1", cells); err != nil {
		return fmt.Errorf("costs: xlsx: %w", err)
	}
	n := 1
	err = exportRows(res, func(s cost.Series, g cost.Group, p cost.Point) error {
		n++
		row := []any{s.Currency}
		for _, v := range groupValues(res, g) {
			row = append(row, v)
		}
		// The value is the exact amount; the cell format shows two decimals.
		amount := excelize.Cell{StyleID: moneyStyle, Value: float64(p.Cost) / 1e6}
		row = append(row, g.Label, p.Period, amount)
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
	attachment(w, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", exportName(res, "xlsx"))
	return streamErr(f.Write(w))
}

// parquetBatch is how many FOCUS rows are buffered before they go to the Parquet writer.
const parquetBatch = 1024

func (a *api) focus(w http.ResponseWriter, r *http.Request) error {
	p, q, err := a.caller(r)
	if err != nil {
		return err
	}
	format := r.URL.Query().Get("format")
	if format == "" {
		format = "csv"
	}
	if format != "csv" && format != "parquet" {
		return errs.Invalid("format must be csv or parquet")
	}
	if err := cost.CheckFocusHeader(cost.FocusColumns); err != nil {
		return errs.Wrap(errs.KindInternal, err, "FOCUS export columns")
	}
	name := "cloudlens-focus-" + q.Start + "-" + q.End + "." + format
	ctx := r.Context()
	if format == "csv" {
		attachment(w, "text/csv; charset=utf-8", name)
		cw := csv.NewWriter(w)
		if err := cw.Write(cost.FocusColumns); err != nil {
			return streamErr(err)
		}
		err := a.d.Store.EachLineItem(ctx, p.Scope(), q, func(li *billing.LineItem) error {
			rec, err := cost.ToFocus(li)
			if err != nil {
				return err
			}
			return cw.Write(rec.Values())
		})
		cw.Flush()
		if err == nil {
			err = cw.Error()
		}
		return streamErr(err)
	}
	attachment(w, "application/vnd.apache.parquet", name)
	pw := parquet.NewGenericWriter[cost.FocusRecord](w, parquet.KeyValueMetadata("focus_version", cost.FocusVersion),
		parquet.KeyValueMetadata("created_at", a.d.Now().UTC().Format(time.RFC3339)))
	batch := make([]cost.FocusRecord, 0, parquetBatch)
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		_, err := pw.Write(batch)
		batch = batch[:0]
		return err
	}
	err = a.d.Store.EachLineItem(ctx, p.Scope(), q, func(li *billing.LineItem) error {
		rec, err := cost.ToFocus(li)
		if err != nil {
			return err
		}
		batch = append(batch, rec)
		if len(batch) == parquetBatch {
			return flush()
		}
		return nil
	})
	if err == nil {
		err = flush()
	}
	if err == nil {
		err = pw.Close()
	}
	return streamErr(err)
}
