package billingsync

import (
	"encoding/json"
	"net/http"

	"github.com/cloudlens/cloudlens/shared/app"
	"github.com/cloudlens/cloudlens/shared/billing"
	"github.com/cloudlens/cloudlens/shared/errs"
	"github.com/cloudlens/cloudlens/shared/fcx"
	"github.com/cloudlens/cloudlens/shared/httpx"
	"github.com/cloudlens/cloudlens/shared/job"
)

// New returns the handler of the function's HTTP trigger: POST {accountId,syncId} signed
// with fcx.HeaderSignature under the invocation key runs that queued run of one account ("sync
// now"), and a signed {job,runId} runs a queued sync of every account (the jobs API's "run
// now"); each answers when it has finished (FC invokes it asynchronously, so nobody waits on
// the answer but FC's own record of the invocation).
func New(d *app.Deps) http.Handler {
	mux := http.NewServeMux()
	mux.Handle("POST /", d.Handle(func(w http.ResponseWriter, r *http.Request) error {
		body, err := fcx.VerifySigned(r, d.InvocationKey, 4096)
		if err != nil {
			return err
		}
		var probe struct {
			Job string `json:"job"`
		}
		if json.Unmarshal(body, &probe) == nil && probe.Job != "" {
			return d.ServeJobRequest(w, r, body, Name, syncAll(d, job.TriggerManual))
		}
		var in billing.SyncRequest
		if err := json.Unmarshal(body, &in); err != nil || in.AccountID <= 0 || in.SyncID <= 0 {
			return errs.Invalid("the body must be {\"accountId\":…,\"syncId\":…}")
		}
		if err := Run(r.Context(), d, in.AccountID, in.SyncID); err != nil {
			return err
		}
		// New bills: budgets are checked against them now, not at the next hourly timer.
		d.Chain(r.Context(), "budgetcheck")
		d.Chain(r.Context(), "anomalydetect")
		reprice(r.Context(), d, in.AccountID)
		return httpx.OK(w, map[string]any{"syncId": in.SyncID, "status": "succeeded"})
	}))
	return d.API(mux)
}
