package accounts

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/cloudlens/cloudlens/shared/account"
	"github.com/cloudlens/cloudlens/shared/aliyun"
	"github.com/cloudlens/cloudlens/shared/auth"
	"github.com/cloudlens/cloudlens/shared/billing"
	"github.com/cloudlens/cloudlens/shared/errs"
	"github.com/cloudlens/cloudlens/shared/httpx"
	"github.com/cloudlens/cloudlens/shared/job"
	"github.com/cloudlens/cloudlens/shared/store"
)

// syncRoutes adds the connection test and the sync routes of an account.
func (a *api) syncRoutes(mux *http.ServeMux) {
	mux.Handle("POST /api/v1/accounts/{id}/test", a.d.AuthedFunc(a.test))
	mux.Handle("POST /api/v1/accounts/{id}/sync", a.d.AuthedFunc(a.syncNow))
	mux.Handle("GET /api/v1/accounts/{id}/syncs", a.d.AuthedFunc(a.syncs))
	mux.Handle("GET /api/v1/accounts/{id}/syncs/{syncId}/rejects", a.d.AuthedFunc(a.rejects))
}

type testJSON struct {
	OK       bool   `json:"ok"`
	Message  string `json:"message"`
	Balance  string `json:"balance,omitempty"`
	Currency string `json:"currency,omitempty"`
	// Cause says why a test failed: the credentials, the network or Alibaba Cloud's refusal;
	// MessageCode and Params word it in the user's language (aliyun.Cause*).
	Cause       string            `json:"cause,omitempty"`
	MessageCode string            `json:"messageCode,omitempty"`
	Params      map[string]string `json:"params,omitempty"`
}

// Causes of a failed connection test.
const (
	causeCredentials = "credentials"
	causeNetwork     = "network"
	causeRefused     = "refused"
)

// testCause sorts a failed call by what the user must fix: the credentials (refused by
// Alibaba as wrong or without permission), the network (name lookup, timeout, no connection),
// or Alibaba Cloud's own refusal; "" for a failure none of these explains.
func testCause(err error) string {
	code, _ := errs.CodeOf(err)
	switch code {
	case aliyun.CauseCredentials:
		return causeCredentials
	case aliyun.CauseDNS, aliyun.CauseTimeout, aliyun.CauseUnreachable:
		return causeNetwork
	case aliyun.CauseRefused, aliyun.CauseThrottled, aliyun.CauseServiceError, aliyun.CauseBadResponse:
		return causeRefused
	}
	if errs.Is(err, errs.KindUnauthorized) || errs.Is(err, errs.KindForbidden) {
		return causeCredentials
	}
	return ""
}

// test calls QueryAccountBalance with the stored credentials. A failure of the credentials,
// the network or Alibaba Cloud is an answer, not an error: 200 with ok=false, its cause and
// a message code the web app words in the user's language; the account is marked failing
// when the credentials are refused. It needs an editor: it spends the account's API quota
// and rewrites its status.
func (a *api) test(w http.ResponseWriter, r *http.Request) error {
	_, acc, err := a.load(r, auth.RoleEditor)
	if err != nil {
		return err
	}
	client, err := a.d.Billing(acc)
	if err != nil {
		return err
	}
	bal, err := client.QueryAccountBalance(r.Context())
	if err != nil {
		cause := testCause(err)
		if cause == "" {
			return err
		}
		code, params := errs.CodeOf(err)
		// The classified message, never the cause's text: for 5xx kinds errs.Message is generic.
		msg := err.Error()
		var e *errs.Error
		if errors.As(err, &e) && e.Message != "" {
			msg = e.Message
		}
		if cause == causeCredentials {
			if serr := a.d.Store.SetAccountStatus(r.Context(), acc.ID, account.StatusFailing, msg, nil); serr != nil {
				return serr
			}
		}
		return httpx.OK(w, testJSON{OK: false, Message: msg, Cause: cause, MessageCode: code, Params: params})
	}
	if acc.Status != account.StatusOK {
		// The credentials work now; the next sync confirms the bills can be read too.
		if err := a.d.Store.SetAccountStatus(r.Context(), acc.ID, account.StatusOK, "", nil); err != nil {
			return err
		}
	}
	cur := bal.Currency
	if cur == "" {
		cur = acc.Site.Currency()
	}
	return httpx.OK(w, testJSON{OK: true, Message: "connected", Balance: bal.AvailableAmount.String(), Currency: cur})
}

// syncNow queues a run and starts it without waiting for it.
func (a *api) syncNow(w http.ResponseWriter, r *http.Request) error {
	p, acc, err := a.load(r, auth.RoleEditor)
	if err != nil {
		return err
	}
	if a.d.Invoke == nil {
		return errs.E(errs.KindUnavailable, "sync now is not configured in this deployment (CLOUDLENS_BILLINGSYNC_URL)")
	}
	run := store.SyncRun{AccountID: acc.ID, Status: store.SyncQueued, Trigger: job.TriggerManual, StartedAt: a.d.Now()}
	if err := a.d.Store.CreateSyncRun(r.Context(), &run); err != nil {
		return err
	}
	req := billing.SyncRequest{AccountID: acc.ID, SyncID: run.ID}
	if err := a.d.Invoke(context.WithoutCancel(r.Context()), billing.SyncFunction, req); err != nil {
		fin := a.d.Now()
		run.Status, run.Error, run.FinishedAt = store.SyncFailed, "could not be started: "+errs.Message(err), &fin
		if uerr := a.d.Store.UpdateSyncRun(context.WithoutCancel(r.Context()), run); uerr != nil {
			a.d.Log.ErrorContext(r.Context(), "record unstarted sync failed", "sync_id", run.ID, "error", uerr.Error())
		}
		return err
	}
	a.d.Audit(r.Context(), p.UserID, "account.sync", "cloud_account", acc.ID, "")
	httpx.WriteJSON(w, http.StatusAccepted, map[string]int64{"syncId": run.ID})
	return nil
}

type syncJSON struct {
	ID          int64      `json:"id"`
	Status      string     `json:"status"`
	Trigger     string     `json:"trigger"`
	WindowStart *string    `json:"windowStart"`
	WindowEnd   *string    `json:"windowEnd"`
	Days        int        `json:"days"`
	DaysDone    int        `json:"daysDone"`
	Pages       int        `json:"pages"`
	Rows        int64      `json:"rows"`
	Deleted     int64      `json:"deleted"`
	Rejected    int64      `json:"rejected"`
	Twins       int64      `json:"twins"`
	Duplicates  int64      `json:"duplicates"`
	Rounded     int64      `json:"rounded"`
	FailedDays  int        `json:"failedDays"`
	StartedAt   time.Time  `json:"startedAt"`
	FinishedAt  *time.Time `json:"finishedAt"`
	Error       string     `json:"error"`
}

func optionalDate(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func (a *api) syncs(w http.ResponseWriter, r *http.Request) error {
	_, acc, err := a.load(r, auth.RoleViewer)
	if err != nil {
		return err
	}
	runs, err := a.d.Store.ListSyncRuns(r.Context(), acc.ID, 100)
	if err != nil {
		return err
	}
	out := make([]syncJSON, 0, len(runs))
	for _, s := range runs {
		out = append(out, syncJSON{ID: s.ID, Status: s.Status, Trigger: s.Trigger, WindowStart: optionalDate(s.WindowStart),
			WindowEnd: optionalDate(s.WindowEnd), Days: s.Days, DaysDone: s.DaysDone, Pages: s.Pages, Rows: s.Rows, Deleted: s.Deleted,
			Rejected: s.Rejected, Twins: s.Twins, Duplicates: s.Duplicates, Rounded: s.Rounded, FailedDays: s.FailedDays,
			StartedAt: s.StartedAt, FinishedAt: s.FinishedAt, Error: s.Error})
	}
	return httpx.OK(w, httpx.Items(out))
}

// rejectJSON is one rejected item. Raw is the item exactly as Alibaba sent it (its JSON
// bytes, as a string), not a re-encoding of what CloudLens read, so it shows the field that
// could not be read the way it arrived.
type rejectJSON struct {
	ID     int64  `json:"id"`
	Date   string `json:"date"`
	Reason string `json:"reason"`
	Raw    string `json:"raw"`
}

func (a *api) rejects(w http.ResponseWriter, r *http.Request) error {
	_, acc, err := a.load(r, auth.RoleViewer)
	if err != nil {
		return err
	}
	syncID, err := httpx.PathID(r, "syncId")
	if err != nil {
		return err
	}
	if _, err := a.d.Store.GetSyncRun(r.Context(), acc.ID, syncID); err != nil {
		return err
	}
	rej, err := a.d.Store.ListSyncRejects(r.Context(), acc.ID, syncID, 1000)
	if err != nil {
		return err
	}
	out := make([]rejectJSON, 0, len(rej))
	for _, x := range rej {
		out = append(out, rejectJSON{ID: x.ID, Date: x.ChargeDate, Reason: x.Reason, Raw: x.Raw})
	}
	return httpx.OK(w, httpx.Items(out))
}
