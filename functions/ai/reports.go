package ai

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/cloudlens/cloudlens/shared/analyst"
	"github.com/cloudlens/cloudlens/shared/auth"
	"github.com/cloudlens/cloudlens/shared/errs"
	"github.com/cloudlens/cloudlens/shared/httpx"
	"github.com/cloudlens/cloudlens/shared/objstore"
	"github.com/cloudlens/cloudlens/shared/store"
)

// linkTTL is how long a download link works.
const linkTTL = 15 * time.Minute

type reportJSON struct {
	ID          int64     `json:"id"`
	Month       string    `json:"month"`
	AllAccounts bool      `json:"allAccounts"`
	AccountIDs  []int64   `json:"accountIds"`
	Status      string    `json:"status"`
	Summary     string    `json:"summary"`
	CreatedBy   int64     `json:"createdBy"`
	CreatedAt   time.Time `json:"createdAt"`
}

func toReport(r store.Report) reportJSON {
	ids := r.AccountIDs
	if ids == nil {
		ids = []int64{}
	}
	return reportJSON{ID: r.ID, Month: r.Month, AllAccounts: r.AllAccounts, AccountIDs: ids, Status: r.Status,
		Summary: r.Summary, CreatedBy: r.CreatedBy, CreatedAt: r.CreatedAt}
}

func (a *api) listReports(w http.ResponseWriter, r *http.Request) error {
	p, err := httpx.Require(r, auth.RoleViewer)
	if err != nil {
		return err
	}
	rs, err := a.d.Store.ListReports(r.Context(), p.Scope(), 100)
	if err != nil {
		return err
	}
	out := make([]reportJSON, 0, len(rs))
	for _, x := range rs {
		out = append(out, toReport(x))
	}
	return httpx.OK(w, httpx.Items(out))
}

type reportInput struct {
	Month string `json:"month"`
}

// Reports made on demand per user per hour: each reads months of costs.
const reportsPerHour = 10

func (a *api) createReport(w http.ResponseWriter, r *http.Request) error {
	p, err := httpx.Require(r, auth.RoleViewer)
	if err != nil {
		return err
	}
	var in reportInput
	if err := httpx.Decode(r, &in); err != nil {
		return err
	}
	if strings.TrimSpace(in.Month) == "" {
		return errs.Required("month")
	}
	objects, err := analyst.Objects(a.d)
	if err != nil {
		return err
	}
	ok, retry, err := a.d.Cache.Allow(r.Context(), "ai:reports:user:"+strconv.FormatInt(p.UserID, 10), reportsPerHour, time.Hour)
	if err != nil {
		return err
	}
	if !ok {
		return &httpx.RetryAfterError{Seconds: int64(retry.Seconds()) + 1, Err: errs.E(errs.KindRateLimited, "at most %d reports an hour", reportsPerHour)}
	}
	rep, err := analyst.GenerateReport(r.Context(), a.d, objects, p.Scope(), in.Month, p.UserID)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusCreated, toReport(rep))
	return nil
}

func (a *api) downloadReport(w http.ResponseWriter, r *http.Request) error {
	p, err := httpx.Require(r, auth.RoleViewer)
	if err != nil {
		return err
	}
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	ext := ".html"
	switch r.URL.Query().Get("format") {
	case "", "html":
	case "md", "markdown":
		ext = ".md"
	default:
		return errs.UnknownValue("format", r.URL.Query().Get("format"), "html", "md")
	}
	rep, err := a.d.Store.GetReport(r.Context(), p.Scope(), id)
	if err != nil {
		return err
	}
	objects, err := analyst.Objects(a.d)
	if err != nil {
		return err
	}
	u, err := objects.SignURL(rep.ObjectKey+ext, linkTTL)
	if err != nil {
		return err
	}
	return httpx.OK(w, map[string]any{"url": u, "expiresAt": a.d.Now().Add(linkTTL).UTC()})
}

// reportFile serves the local reports folder to signed links (objstore.Folder): the link is
// the credential, as an OSS presigned URL is.
func (a *api) reportFile(w http.ResponseWriter, r *http.Request) error {
	objects, err := analyst.Objects(a.d)
	if err != nil {
		return err
	}
	f, ok := objects.(*objstore.Folder)
	if !ok {
		return errs.NotFound("reports are downloaded from the object store")
	}
	q := r.URL.Query()
	key := q.Get("key")
	if err := f.Verify(key, q.Get("expires"), q.Get("signature")); err != nil {
		return err
	}
	b, err := f.Get(r.Context(), key)
	if err != nil {
		return err
	}
	ct := "text/html; charset=utf-8"
	if strings.HasSuffix(key, ".md") {
		// Plain text: every browser shows or saves it; Markdown has no registered type they know.
		ct = "text/plain; charset=utf-8"
		w.Header().Set("Content-Disposition", `attachment; filename="cloudlens-report.md"`)
	}
	w.Header().Set("Content-Type", ct)
	// The report is a page of its own: no script runs in it.
	w.Header().Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; img-src data:")
	_, err = w.Write(b)
	return err
}
