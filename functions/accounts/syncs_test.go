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
	"github.com/cloudlens/cloudlens/shared/store"
)

// simAccounts starts a simulator and registers its two accounts as demo accounts; the second
// one with a wrong secret.
func simAccounts(t *testing.T, d *app.Deps) (good, bad account.Account) {
	t.Helper()
	w := aliyunsim.NewWorld(aliyunsim.Config{Seed: 3, Accounts: 2, Resources: 2})
	sim := aliyunsim.NewServer(w, aliyunsim.ServerOptions{})
	addr, err := sim.Start()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = sim.Close() })
	d.Sim = aliyun.NewFactory(aliyun.Options{Endpoint: addr, Insecure: true, QPS: 1000}, d.Log)
	var out []account.Account
	for i, sa := range w.Accounts() {
		secret := sa.AccessKeySecret
		if i == 1 {
			secret = "NotTheSecretNotTheSecretNotTheSecret"
		}
		a := account.Account{Name: "Demo · " + sa.Name, UID: sa.UID, Site: account.Site(sa.Site), AuthType: account.AuthAccessKey,
			AccessKeyID: sa.AccessKeyID, Demo: true, Status: account.StatusNew}
		if err := d.SealSecret(&a, secret); err != nil {
			t.Fatal(err)
		}
		if err := d.Store.CreateAccount(context.Background(), &a); err != nil {
			t.Fatal(err)
		}
		out = append(out, a)
	}
	return out[0], out[1]
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

func TestSyncNowAndHistory(t *testing.T) {
	apptest.Each(t, func(t *testing.T, d *app.Deps) {
		good, _ := simAccounts(t, d)
		c := apptest.Serve(t, New(d))
		_, editorTok := apptest.User(t, d, "editor@example.com", auth.RoleEditor, good.ID)
		_, viewerTok := apptest.User(t, d, "viewer@example.com", auth.RoleViewer, good.ID)
		_, otherTok := apptest.User(t, d, "other@example.com", auth.RoleViewer)
		_, otherEditorTok := apptest.User(t, d, "other-editor@example.com", auth.RoleEditor)
		path := fmt.Sprintf("/api/v1/accounts/%d", good.ID)

		if r := c.Do("POST", path+"/sync", editorTok, nil); r.Status != 503 {
			t.Fatalf("sync without StartSync: %d %s", r.Status, r.Body)
		}
		var mu sync.Mutex
		var started [][2]int64
		var fail error
		d.StartSync = func(_ context.Context, accountID, syncID int64) error {
			mu.Lock()
			defer mu.Unlock()
			started = append(started, [2]int64{accountID, syncID})
			return fail
		}
		for _, tc := range []struct {
			name   string
			token  string
			fail   error
			status int
			run    string // status of the recorded run
		}{
			{"viewer may not", viewerTok, nil, 403, ""},
			{"ungranted", otherEditorTok, nil, 404, ""},
			{"editor queues", editorTok, nil, 202, store.SyncQueued},
			{"start fails", editorTok, errors.New("connection refused"), 500, store.SyncFailed},
		} {
			t.Run(tc.name, func(t *testing.T) {
				mu.Lock()
				fail, started = tc.fail, nil
				mu.Unlock()
				r := c.Do("POST", path+"/sync", tc.token, nil)
				if r.Status != tc.status {
					t.Fatalf("status %d: %s", r.Status, r.Body)
				}
				if tc.run == "" {
					if len(started) != 0 {
						t.Fatalf("started %v", started)
					}
					return
				}
				if len(started) != 1 || started[0][0] != good.ID {
					t.Fatalf("started %v", started)
				}
				run, err := d.Store.GetSyncRun(t.Context(), good.ID, started[0][1])
				if err != nil || run.Status != tc.run || run.Trigger != "manual" {
					t.Fatalf("run = %+v, %v", run, err)
				}
				if tc.status == 202 && int64(r.Map(t)["syncId"].(float64)) != run.ID {
					t.Fatalf("answer %s, run %d", r.Body, run.ID)
				}
			})
		}

		// History: newest first, with the run's figures; rejects listed per run.
		fin := time.Now().UTC()
		done := store.SyncRun{AccountID: good.ID, Status: store.SyncSucceeded, Trigger: "timer", WindowStart: "2026-02-01",
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
		if r.Status != 200 || len(list.Items) != 3 {
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
