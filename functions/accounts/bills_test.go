package accounts

import (
	"fmt"
	"testing"

	"github.com/cloudlens/cloudlens/shared/aliyunsim"
	"github.com/cloudlens/cloudlens/shared/app"
	"github.com/cloudlens/cloudlens/shared/app/apptest"
	"github.com/cloudlens/cloudlens/shared/auth"
	"github.com/cloudlens/cloudlens/shared/money"
	"github.com/cloudlens/cloudlens/shared/store"
)

// QueryAccountBalance documents strings ("1234.56"); "10,000.00" and plain numbers are
// read too, so testing the connection answers 200 with the balance, never 500.
func TestConnectionTestBalanceFormats(t *testing.T) {
	apptest.Each(t, func(t *testing.T, d *app.Deps) {
		w, sim := startSim(t, d, aliyunsim.Config{Seed: 5, Accounts: 1, Resources: 1})
		sa := w.Accounts()[0]
		a := addDemoAccount(t, d, sa, sa.AccessKeySecret)
		c := apptest.Serve(t, New(d))
		_, tok := apptest.User(t, d, "editor@example.com", auth.RoleEditor, a.ID) // testing a connection needs an editor
		want := money.Micros(w.Balance(sa.UID).AvailableAmount).String()
		for _, tc := range []struct {
			name string
			f    aliyunsim.BalanceFormat
		}{{"strings", aliyunsim.BalanceStrings}, {"thousands separators", aliyunsim.BalanceSeparators}, {"numbers", aliyunsim.BalanceNumbers}} {
			t.Run(tc.name, func(t *testing.T) {
				sim.SetBalanceFormat(sa.UID, tc.f)
				r := c.Do("POST", fmt.Sprintf("/api/v1/accounts/%d/test", a.ID), tok, nil)
				if r.Status != 200 {
					t.Fatalf("status %d: %s", r.Status, r.Body)
				}
				if m := r.Map(t); m["ok"] != true || m["balance"] != want {
					t.Fatalf("answer %s, want balance %s", r.Body, want)
				}
			})
		}
	})
}

// The rejects endpoint shows an item exactly as it arrived: spacing, key order and the
// decimal text of its amounts included.
func TestRejectShownAsArrived(t *testing.T) {
	apptest.Each(t, func(t *testing.T, d *app.Deps) {
		good, _ := simAccounts(t, d)
		c := apptest.Serve(t, New(d))
		_, tok := apptest.User(t, d, "viewer@example.com", auth.RoleViewer, good.ID)
		run := store.SyncRun{AccountID: good.ID, Status: store.SyncSucceeded, Trigger: "timer", Rejected: 1}
		if err := d.Store.CreateSyncRun(t.Context(), &run); err != nil {
			t.Fatal(err)
		}
		raw := `{"Usage": {"value":1}, "PretaxAmount":12.3400005,"ProductCode":"ecs" , "Tag":"key:a value:<b>"}`
		if err := d.Store.AddSyncRejects(t.Context(), []store.SyncReject{{SyncID: run.ID, AccountID: good.ID,
			ChargeDate: "2026-03-02", Reason: "field Usage is a JSON object, which cannot be read as a text", Raw: raw}}); err != nil {
			t.Fatal(err)
		}
		r := c.Do("GET", fmt.Sprintf("/api/v1/accounts/%d/syncs/%d/rejects", good.ID, run.ID), tok, nil)
		var list struct {
			Items []rejectJSON `json:"items"`
		}
		r.JSON(t, &list)
		if r.Status != 200 || len(list.Items) != 1 || list.Items[0].Raw != raw {
			t.Fatalf("rejects: %d %s", r.Status, r.Body)
		}
	})
}
