package fcx

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

	"github.com/cloudlens/cloudlens/shared/errs"
)

const (
	// HeaderSignature carries the hex HMAC-SHA256 of an internal invocation's body under a
	// secret the functions share: only a CloudLens function can start internal work, even if
	// the trigger URL leaks.
	HeaderSignature = "X-CloudLens-Internal"
	// headerInvocationType asks Function Compute to queue the request and answer 202 at once.
	headerInvocationType = "X-Fc-Invocation-Type"
)

// Sign is the HeaderSignature value of body under secret.
func Sign(secret, body []byte) string {
	m := hmac.New(sha256.New, secret)
	m.Write(body)
	return hex.EncodeToString(m.Sum(nil))
}

// VerifySigned reads r's body (at most limit bytes) and returns it when HeaderSignature holds
// its signature under secret; anything else is errs.KindUnauthorized.
func VerifySigned(r *http.Request, secret []byte, limit int64) ([]byte, error) {
	body, err := io.ReadAll(io.LimitReader(r.Body, limit))
	if err != nil {
		return nil, errs.Wrap(errs.KindInvalid, err, "cannot read the request")
	}
	if len(secret) == 0 || !hmac.Equal([]byte(r.Header.Get(HeaderSignature)), []byte(Sign(secret, body))) {
		return nil, errs.Unauthorized("this endpoint takes signed internal requests only")
	}
	return body, nil
}

// InvokeAsync posts payload as JSON, signed with secret, to a function's HTTP trigger url and
// asks Function Compute to run it asynchronously: it returns once FC has queued the request.
func InvokeAsync(ctx context.Context, client *http.Client, url string, secret []byte, payload any) error {
	if client == nil {
		client = &http.Client{Timeout: 10 * time.Second}
	}
	body, err := json.Marshal(payload)
	if err != nil {
		return fmt.Errorf("fcx: encode invocation: %w", err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return errs.Wrap(errs.KindInternal, err, "fcx: build invocation")
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set(headerInvocationType, "Async")
	req.Header.Set(HeaderSignature, Sign(secret, body))
	resp, err := client.Do(req)
	if err != nil {
		return errs.Wrap(errs.KindUnavailable, err, "the background worker cannot be reached")
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode/100 != 2 {
		return errs.Wrap(errs.KindUnavailable, fmt.Errorf("HTTP %d", resp.StatusCode), "the background worker refused the request")
	}
	return nil
}
