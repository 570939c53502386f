// Package costexport is the cloudlens-costexport function: the FOCUS 1.2 export of the line
// items the caller may see, as CSV or Parquet. It is a function of its own so that the
// Parquet writer (about 11 MB of binary) stays out of cloudlens-costs, whose cold starts
// every dashboard waits on, and so that a long export runs under its own timeout instead of
// the API's. The custom domain routes its exact path here, ahead of /api/v1/costs/*.
package costexport

import (
	"encoding/csv"
	"encoding/json"
	"net/http"
	"strconv"
	"time"

	"github.com/parquet-go/parquet-go"

	"github.com/cloudlens/cloudlens/shared/app"
	"github.com/cloudlens/cloudlens/shared/auth"
	"github.com/cloudlens/cloudlens/shared/cost"
	"github.com/cloudlens/cloudlens/shared/errs"
	"github.com/cloudlens/cloudlens/shared/httpx"
)

type api struct{ d *app.Deps }

// New returns the function's HTTP handler.
func New(d *app.Deps) http.Handler {
	a := &api{d: d}
	mux := http.NewServeMux()
	mux.Handle("GET /api/v1/costs/focus", d.AuthedFunc(a.focus))
	mux.Handle("/", httpx.NotFound(d.Log))
	return d.API(mux)
}

func attachment(w http.ResponseWriter, contentType, name string) {
	w.Header().Set("Content-Type", contentType)
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	w.Header().Set("Cache-Control", "no-store")
}

// streamErr reports a failure after the answer has started: the status is already sent, so
// the error can only be logged, which the caller's error handler does for internal errors.
func streamErr(err error) error {
	if err == nil {
		return nil
	}
	return errs.Wrap(errs.KindInternal, err, "export interrupted")
}

// parquetBatch is how many FOCUS rows are buffered before they go to the Parquet writer.
const parquetBatch = 1024

func (a *api) focus(w http.ResponseWriter, r *http.Request) error {
	p, err := httpx.Require(r, auth.RoleViewer)
	if err != nil {
		return err
	}
	q, err := cost.ParseQuery(r.URL.Query(), a.d.Now())
	if err != nil {
		return err
	}
	format := r.URL.Query().Get("format")
	if format == "" {
		format = "csv"
	}
	if format != "csv" && format != "parquet" {
		return errs.UnknownValue("format", format, "csv", "parquet")
	}
	if err := cost.CheckFocusHeader(cost.FocusColumns); err != nil {
		return errs.Wrap(errs.KindInternal, err, "FOCUS export columns")
	}
	name := cost.FocusExportName(q, format)
	ctx := r.Context()
	// Incomplete bill days of the slice: FOCUS has no place for a note in its rows, so the
	// answer counts them in a header, and the Parquet file lists them in its metadata.
	var ids []int64
	for _, v := range r.URL.Query()["accountId"] {
		id, _ := strconv.ParseInt(v, 10, 64) // validated by cost.ParseQuery
		ids = append(ids, id)
	}
	gaps, err := a.d.IncompleteDays(ctx, p.Scope().Narrow(ids), q.Start, q.End)
	if err != nil {
		return err
	}
	days := 0
	for _, g := range gaps {
		days += len(g.Dates)
	}
	w.Header().Set("X-CloudLens-Incomplete-Days", strconv.Itoa(days))
	if format == "csv" {
		attachment(w, "text/csv; charset=utf-8", name)
		cw := csv.NewWriter(w)
		if err := cw.Write(cost.FocusColumns); err != nil {
			return streamErr(err)
		}
		err := cost.EachFocusRecord(ctx, a.d.Store, p.Scope(), q, func(rec cost.FocusRecord) error {
			return cw.Write(rec.Values())
		})
		cw.Flush()
		if err == nil {
			err = cw.Error()
		}
		return streamErr(err)
	}
	attachment(w, "application/vnd.apache.parquet", name)
	gapsJSON, err := json.Marshal(gaps)
	if err != nil {
		return streamErr(err)
	}
	pw := parquet.NewGenericWriter[cost.FocusRecord](w, parquet.KeyValueMetadata("focus_version", cost.FocusVersion),
		parquet.KeyValueMetadata("created_at", a.d.Now().UTC().Format(time.RFC3339)),
		parquet.KeyValueMetadata("cloudlens_incomplete", string(gapsJSON)))
	batch := make([]cost.FocusRecord, 0, parquetBatch)
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		_, err := pw.Write(batch)
		batch = batch[:0]
		return err
	}
	err = cost.EachFocusRecord(ctx, a.d.Store, p.Scope(), q, func(rec cost.FocusRecord) error {
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
