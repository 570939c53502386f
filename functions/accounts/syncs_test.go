package accounts

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/cloudlens/cloudlens/shared/account"
	"github.com/cloudlens/cloudlens/shared/aliyun"
	"github.com/cloudlens/cloudlens/shared/aliyunsim"
	"github.com/cloudlens/cloudlens/shared/app"
	"github.com/cloudlens/cloudlens/shared/app/apptest"
	"github.com/cloudlens/cloudlens/shared/auth"
	"github.com/cloudlens/cloudlens/shared/billing"
	"github.com/cloudlens/cloudlens/shared/job"
	"github.com/cloudlens/cloudlens/shared/store"
)

// startSim starts a simulator of the world cfg describes and points d's demo accounts at it.
func startSim(t *testing.T, d *app.Deps, cfg aliyunsim.Config) (*aliyunsim.World, *aliyunsim.Server) {
	t.Helper()
	w := aliyunsim.NewWorld(cfg)
	sim := aliyunsim.NewServer(w, aliyunsim.ServerOptions{})
	addr, err := sim.Start()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = sim.Close() })
	d.Sim = aliyun.NewFactory(aliyun.Options{Endpoint: addr, Insecure: true, QPS: 1000}, d.Log)
	return w, sim
}

// addDemoAccount registers simulator account sa as a demo account with secret.
func addDemoAccount(t *testing.T, d *app.Deps, sa aliyunsim.Account, secret string) account.Account {
	t.Helper()
	a := account.Account{Name: "Demo · " + sa.Name, UID: sa.UID, Site: account.Site(sa.Site), AuthType: account.AuthAccessKey,
		AccessKeyID: sa.AccessKeyID, Demo: true, Status: account.StatusNew}
	if err := d.SealSecret(&a, secret); err != nil {
		t.Fatal(err)
	}
	if err := d.Store.CreateAccount(context.Background(), &a); err != nil {
		t.Fatal(err)
	}
	return a
}

// simAccounts starts a simulator and registers its two accounts as demo accounts; the second
// one with a wrong secret.
func simAccounts(t *testing.T, d *app.Deps) (good, bad account.Account) {
	t.Helper()
	w, _ := startSim(t, d, aliyunsim.Config{Seed: 3, Accounts: 2, Resources: 2})
	sas := w.Accounts()
	return addDemoAccount(t, d, sas[0], sas[0].AccessKeySecret), addDemoAccount(t, d, sas[1], "NotTheSecretNotTheSecretNotTheSecret")
}

func TestConnectionTest(t *testing.T) {
	apptest.Each(t, func(t *testing.T, d *app.Deps) {
		good, bad := simAccounts(t, d)
		c := apptest.Serve(t, New(d))
		_, viewerTok := apptest.User(t, d, "viewer@example.com", auth.RoleViewer, good.ID, bad.ID)
		_, editorTok := apptest.User(t, d, "editor@example.com", auth.RoleEditor, good.ID, bad.ID)
		_, otherTok := apptest.User(t, d, "other@example.com", auth.RoleEditor)
		for _, tc := range []struct {
			name     string
			acc      account.Account
			token    string
			status   int
			ok       bool
			accState account.Status
		}{
			// A test calls Alibaba and rewrites the account's status: viewers may not, and the
			// status stays what it was.
			{"viewer", good, viewerTok, 403, false, account.StatusNew},
			{"working credentials", good, editorTok, 200, true, account.StatusOK},
			{"wrong secret", bad, editorTok, 200, false, account.StatusFailing},
			{"ungranted account", good, otherTok, 404, false, account.StatusOK},
		} {
			t.Run(tc.name, func(t *testing.T) {
				r := c.Do("POST", fmt.Sprintf("/api/v1/accounts/%d/test", tc.acc.ID), tc.token, nil)
				if r.Status != tc.status {
					t.Fatalf("status %d: %s", r.Status, r.Body)
				}
				acc, err := d.Store.GetAccount(t.Context(), account.AllAccounts, tc.acc.ID)
				if err != nil || acc.Status != tc.accState {
					t.Fatalf("account status %s, want %s (%v)", acc.Status, tc.accState, err)
				}
				if tc.status != 200 {
					return
				}
				m := r.Map(t)
				if m["ok"] != tc.ok {
					t.Fatalf("answer %s", r.Body)
				}
				if tc.ok && (m["balance"] == "" || m["currency"] != "CNY") {
					t.Fatalf("answer %s", r.Body)
				}
				if !tc.ok && (m["message"] != acc.StatusMessage || acc.StatusMessage == "") {
					t.Fatalf("message %q, stored %q", m["message"], acc.StatusMessage)
				}
			})
		}
	})
}

// TestSyncNowRoute covers POST /accounts/{id}/sync. Each case builds its own database,
// account, users and invoker, so any case runs alone (-run 'TestSyncNowRoute/<name>') and in
// any order (-shuffle=on).
func TestSyncNowRoute(t *testing.T) {
	errRefused := errors.New("connection refused")
	cases := []struct {
		name      string
		role      auth.Role
		granted   bool
		noInvoker bool  // a deployment without CLOUDLENS_BILLINGSYNC_URL
		invokeErr error // what the invocation returns
		status    int
		run       string // status of the recorded run; "" = no run queued, nothing invoked
	}{
		{name: "not configured", role: auth.RoleEditor, granted: true, noInvoker: true, status: 503},
		{name: "viewer may not", role: auth.RoleViewer, granted: true, status: 403},
		{name: "ungranted", role: auth.RoleEditor, status: 404},
		{name: "editor queues", role: auth.RoleEditor, granted: true, status: 202, run: store.SyncQueued},
		{name: "start fails", role: auth.RoleEditor, granted: true, invokeErr: errRefused, status: 500, run: store.SyncFailed},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			apptest.Each(t, func(t *testing.T, d *app.Deps) {
				acc := account.Account{Name: "Sync now", UID: "1000000000000001", Site: account.SiteChina, AuthType: account.AuthAccessKey,
					AccessKeyID: "LTAI-sync-now", Status: account.StatusNew}
				if err := d.SealSecret(&acc, "sync-now-secret"); err != nil {
					t.Fatal(err)
				}
				if err := d.Store.CreateAccount(t.Context(), &acc); err != nil {
					t.Fatal(err)
				}
				var grants []int64
				if tc.granted {
					grants = []int64{acc.ID}
				}
				_, tok := apptest.User(t, d, "caller@example.com", tc.role, grants...)
				var mu sync.Mutex
				var invoked []billing.SyncRequest
				if !tc.noInvoker {
					d.Invoke = func(_ context.Context, function string, payload any) error {
						mu.Lock()
						defer mu.Unlock()
						if function != billing.SyncFunction {
							t.Errorf("invoked %q, want %q", function, billing.SyncFunction)
						}
						invoked = append(invoked, payload.(billing.SyncRequest))
						return tc.invokeErr
					}
				}
				c := apptest.Serve(t, New(d))

				r := c.Do("POST", fmt.Sprintf("/api/v1/accounts/%d/sync", acc.ID), tok, nil)
				if r.Status != tc.status {
					t.Fatalf("status %d, want %d: %s", r.Status, tc.status, r.Body)
				}
				runs, err := d.Store.ListSyncRuns(t.Context(), acc.ID, 10)
				if err != nil {
					t.Fatal(err)
				}
				mu.Lock()
				defer mu.Unlock()
				if tc.run == "" {
					if len(invoked) != 0 || len(runs) != 0 {
						t.Fatalf("invoked %v, runs %+v; want neither", invoked, runs)
					}
					return
				}
				if len(runs) != 1 || runs[0].Status != tc.run || runs[0].Trigger != job.TriggerManual {
					t.Fatalf("runs = %+v, want one %s manual run", runs, tc.run)
				}
				want := billing.SyncRequest{AccountID: acc.ID, SyncID: runs[0].ID}
				if len(invoked) != 1 || invoked[0] != want {
					t.Fatalf("invoked %v, want [%v]", invoked, want)
				}
				if tc.status == 202 && int64(r.Map(t)["syncId"].(float64)) != runs[0].ID {
					t.Fatalf("answer %s, run %d", r.Body, runs[0].ID)
				}
			})
		})
	}
}

// TestSyncHistory lists an account's runs and a run's rejects.
func TestSyncHistory(t *testing.T) {
	apptest.Each(t, func(t *testing.T, d *app.Deps) {
		good, _ := simAccounts(t, d)
		c := apptest.Serve(t, New(d))
		_, viewerTok := apptest.User(t, d, "viewer@example.com", auth.RoleViewer, good.ID)
		_, otherTok := apptest.User(t, d, "other@example.com", auth.RoleViewer)
		path := fmt.Sprintf("/api/v1/accounts/%d", good.ID)
		queued := store.SyncRun{AccountID: good.ID, Status: store.SyncQueued, Trigger: job.TriggerManual, StartedAt: time.Now().UTC()}
		if err := d.Store.CreateSyncRun(t.Context(), &queued); err != nil {
			t.Fatal(err)
		}

		// History: newest first, with the run's figures; rejects listed per run.
		fin := time.Now().UTC()
		done := store.SyncRun{AccountID: good.ID, Status: store.SyncSucceeded, Trigger: job.TriggerTimer, WindowStart: "2026-02-01",
			WindowEnd: "2026-03-09", Days: 37, Pages: 40, Rows: 1234, Rejected: 1, StartedAt: fin.Add(time.Hour), FinishedAt: &fin}
		if err := d.Store.CreateSyncRun(t.Context(), &done); err != nil {
			t.Fatal(err)
		}
		if err := d.Store.AddSyncRejects(t.Context(), []store.SyncReject{{SyncID: done.ID, AccountID: good.ID,
			ChargeDate: "2026-03-02", Reason: "currency \"C1Y\" is not a three-letter code", Raw: `{"Currency":"C1Y"}`}}); err != nil {
			t.Fatal(err)
		}
		r := c.Do("GET", path+"/syncs", viewerTok, nil)
		var list struct {
			Items []map[string]any `json:"items"`
		}
		r.JSON(t, &list)
		if r.Status != 200 || len(list.Items) != 2 {
			t.Fatalf("syncs: %d %s", r.Status, r.Body)
		}
		top := list.Items[0]
		if int64(top["id"].(float64)) != done.ID || top["status"] != "succeeded" || top["windowStart"] != "2026-02-01" ||
			top["rows"].(float64) != 1234 || top["pages"].(float64) != 40 || top["rejected"].(float64) != 1 || top["finishedAt"] == nil {
			t.Fatalf("newest run: %v", top)
		}
		if list.Items[1]["windowStart"] != nil {
			t.Fatalf("queued run has a window: %v", list.Items[1])
		}
		if r := c.Do("GET", path+"/syncs", otherTok, nil); r.Status != 404 {
			t.Fatalf("ungranted syncs: %d", r.Status)
		}
		r = c.Do("GET", fmt.Sprintf("%s/syncs/%d/rejects", path, done.ID), viewerTok, nil)
		r.JSON(t, &list)
		if r.Status != 200 || len(list.Items) != 1 || list.Items[0]["date"] != "2026-03-02" || list.Items[0]["raw"] != `{"Currency":"C1Y"}` {
			t.Fatalf("rejects: %d %s", r.Status, r.Body)
		}
		if r := c.Do("GET", fmt.Sprintf("%s/syncs/%d/rejects", path, done.ID+100), viewerTok, nil); r.Status != 404 {
			t.Fatalf("rejects of an unknown run: %d", r.Status)
		}
	})
}
