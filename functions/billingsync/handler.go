package billingsync

import (
	"encoding/json"
	"net/http"

	"github.com/cloudlens/cloudlens/shared/app"
	"github.com/cloudlens/cloudlens/shared/billing"
	"github.com/cloudlens/cloudlens/shared/errs"
	"github.com/cloudlens/cloudlens/shared/fcx"
	"github.com/cloudlens/cloudlens/shared/httpx"
)

// New returns the handler of the function's HTTP trigger: POST {accountId,syncId} signed
// with fcx.HeaderSignature under the invocation key runs that queued run and answers when it
// has finished (FC invokes it asynchronously, so nobody waits on the answer but FC's own
// record of the invocation).
func New(d *app.Deps) http.Handler {
	mux := http.NewServeMux()
	mux.Handle("POST /", d.Handle(func(w http.ResponseWriter, r *http.Request) error {
		body, err := fcx.VerifySigned(r, d.InvocationKey, 4096)
		if err != nil {
			return err
		}
		var in billing.SyncRequest
		if err := json.Unmarshal(body, &in); err != nil || in.AccountID <= 0 || in.SyncID <= 0 {
			return errs.Invalid("the body must be {\"accountId\":…,\"syncId\":…}")
		}
		if err := Run(r.Context(), d, in.AccountID, in.SyncID); err != nil {
			return err
		}
		return httpx.OK(w, map[string]any{"syncId": in.SyncID, "status": "succeeded"})
	}))
	return d.API(mux)
}
