package billingsync

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/cloudlens/cloudlens/shared/app"
	"github.com/cloudlens/cloudlens/shared/errs"
	"github.com/cloudlens/cloudlens/shared/httpx"
)

// Headers of the internal "sync now" invocation.
const (
	// HeaderInternal carries the hex HMAC-SHA256 of the body under the JWT secret: only a
	// CloudLens function can start a sync, even if the trigger URL leaks.
	HeaderInternal = "X-CloudLens-Internal"
	// headerInvocationType asks FC to queue the request and answer 202 at once.
	headerInvocationType = "X-Fc-Invocation-Type"
)

// request is the body of a "sync now" invocation.
type request struct {
	AccountID int64 `json:"accountId"`
	SyncID    int64 `json:"syncId"`
}

// Sign is the HeaderInternal value of body under secret.
func Sign(secret, body []byte) string {
	m := hmac.New(sha256.New, secret)
	m.Write(body)
	return hex.EncodeToString(m.Sum(nil))
}

// New returns the handler of the function's HTTP trigger: POST {accountId,syncId} signed
// with HeaderInternal runs that queued run and answers when it has finished (FC invokes it
// asynchronously, so nobody waits on the answer but FC's own record of the invocation).
func New(d *app.Deps) http.Handler {
	mux := http.NewServeMux()
	mux.Handle("POST /", d.Handle(func(w http.ResponseWriter, r *http.Request) error {
		body, err := io.ReadAll(io.LimitReader(r.Body, 4096))
		if err != nil {
			return errs.Wrap(errs.KindInvalid, err, "cannot read the request")
		}
		secret := []byte(d.Config.JWTSecret)
		if len(secret) == 0 || !hmac.Equal([]byte(r.Header.Get(HeaderInternal)), []byte(Sign(secret, body))) {
			return errs.Unauthorized("this endpoint takes signed internal requests only")
		}
		var in request
		if err := json.Unmarshal(body, &in); err != nil || in.AccountID <= 0 || in.SyncID <= 0 {
			return errs.Invalid("the body must be {\"accountId\":…,\"syncId\":…}")
		}
		if err := Run(r.Context(), d, in.AccountID, in.SyncID); err != nil {
			return err
		}
		return httpx.OK(w, map[string]any{"syncId": in.SyncID, "status": "succeeded"})
	}))
	return mux
}

// Invoker returns an app.Deps.StartSync that asks the cloudlens-billingsync function at url
// (its HTTP trigger) to run a queued run, asynchronously, signed with secret.
func Invoker(url string, secret []byte, client *http.Client) func(ctx context.Context, accountID, syncID int64) error {
	if client == nil {
		client = &http.Client{Timeout: 10 * time.Second}
	}
	return func(ctx context.Context, accountID, syncID int64) error {
		body, err := json.Marshal(request{AccountID: accountID, SyncID: syncID})
		if err != nil {
			return err
		}
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
		if err != nil {
			return errs.Wrap(errs.KindInternal, err, "billingsync: build invocation")
		}
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set(headerInvocationType, "Async")
		req.Header.Set(HeaderInternal, Sign(secret, body))
		resp, err := client.Do(req)
		if err != nil {
			return errs.Wrap(errs.KindUnavailable, err, "billingsync: invoke")
		}
		defer resp.Body.Close()
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
		if resp.StatusCode/100 != 2 {
			return errs.Wrap(errs.KindUnavailable, fmt.Errorf("HTTP %d", resp.StatusCode), "billingsync: invoke")
		}
		return nil
	}
}
