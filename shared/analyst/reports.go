package analyst

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"path/filepath"

	"github.com/cloudlens/cloudlens/shared/account"
	"github.com/cloudlens/cloudlens/shared/app"
	"github.com/cloudlens/cloudlens/shared/config"
	"github.com/cloudlens/cloudlens/shared/errs"
	"github.com/cloudlens/cloudlens/shared/objstore"
	"github.com/cloudlens/cloudlens/shared/report"
	"github.com/cloudlens/cloudlens/shared/store"
)

// FilesURL is the route that serves the local reports folder through signed links.
const FilesURL = "/api/v1/ai/report-files"

// Objects is where reports are kept: the configured OSS bucket, else (local mode) a folder
// under the data directory. Nil with an error when neither is possible.
func Objects(d *app.Deps) (objstore.Store, error) {
	c := d.Config
	if c.ReportsBucket != "" {
		return objstore.NewOSS(objstore.OSSOptions{Endpoint: c.ReportsOSSEndpoint, Bucket: c.ReportsBucket,
			AccessKeyID: c.OSSAccessKeyID, AccessKeySecret: c.OSSAccessKeySecret, SecurityToken: c.OSSSecurityToken})
	}
	if c.Mode != config.ModeLocal {
		return nil, errs.E(errs.KindUnavailable, "reports need CLOUDLENS_REPORTS_BUCKET and CLOUDLENS_REPORTS_OSS_ENDPOINT")
	}
	// The links' key is derived from the invocation key, so it survives restarts and is
	// independent of every other key.
	m := hmac.New(sha256.New, d.InvocationKey)
	m.Write([]byte("cloudlens/report-links/v1"))
	return &objstore.Folder{Dir: filepath.Join(c.DataDir, "reports"), BaseURL: FilesURL, Key: m.Sum(nil), Now: d.Now}, nil
}

// GenerateReport builds the report of month for scope, stores its Markdown and HTML and
// records it. createdBy is 0 for the monthly job.
func GenerateReport(ctx context.Context, d *app.Deps, objects objstore.Store, scope account.Scope, month string, createdBy int64) (store.Report, error) {
	data, err := report.Gather(ctx, d.Store, scope, month, d.Now())
	if err != nil {
		return store.Report{}, err
	}
	html, err := data.HTML()
	if err != nil {
		return store.Report{}, err
	}
	var rnd [8]byte
	if _, err := rand.Read(rnd[:]); err != nil {
		return store.Report{}, err
	}
	base := fmt.Sprintf("reports/%s/%s", month, hex.EncodeToString(rnd[:]))
	if err := objects.Put(ctx, base+".md", "text/markdown; charset=utf-8", []byte(data.Markdown())); err != nil {
		return store.Report{}, err
	}
	if err := objects.Put(ctx, base+".html", "text/html; charset=utf-8", []byte(html)); err != nil {
		return store.Report{}, err
	}
	r := store.Report{Month: month, AllAccounts: scope.All, AccountIDs: scope.IDs, Status: "ready", ObjectKey: base,
		Summary: data.Summary(true) + "\n" + data.Summary(false), CreatedBy: createdBy}
	if err := d.Store.CreateReport(ctx, &r); err != nil {
		return store.Report{}, err
	}
	return r, nil
}
