package resourcesync_test

import (
	"testing"
	"time"

	"github.com/cloudlens/cloudlens/functions/resourcesync"
	"github.com/cloudlens/cloudlens/shared/account"
	"github.com/cloudlens/cloudlens/shared/aliyun"
	"github.com/cloudlens/cloudlens/shared/aliyunsim"
	"github.com/cloudlens/cloudlens/shared/app"
	"github.com/cloudlens/cloudlens/shared/app/apptest"
	"github.com/cloudlens/cloudlens/shared/billing"
	"github.com/cloudlens/cloudlens/shared/job"
	"github.com/cloudlens/cloudlens/shared/resource"
)

// TestJobSyncsDemoAccountsFromTheSimulator runs the job as the jobs runner does for "run
// now": demo accounts (secrets sealed as the accounts API seals them) are read from the
// simulator through Deps.Sim, the job run and each account's sync run are recorded.
func TestJobSyncsDemoAccountsFromTheSimulator(t *testing.T) {
	apptest.Each(t, func(t *testing.T, d *app.Deps) {
		ctx := t.Context()
		now := time.Date(2025, 6, 15, 6, 0, 0, 0, billing.Shanghai)
		w := aliyunsim.NewWorld(aliyunsim.Config{Seed: 41, Accounts: 2, Resources: 40, Now: func() time.Time { return now }})
		srv := aliyunsim.NewServer(w, aliyunsim.ServerOptions{})
		srv.SetAPILimits(nil)
		addr, err := srv.Start()
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { srv.Close() })
		d.Sim = aliyun.NewFactory(aliyun.Options{Endpoint: addr, Insecure: true}, d.Log)
		d.Now = func() time.Time { return now }
		for _, sa := range w.Accounts() {
			a := account.Account{Name: "Demo · " + sa.Name, UID: sa.UID, Site: account.Site(sa.Site), AuthType: account.AuthAccessKey,
				AccessKeyID: sa.AccessKeyID, Demo: true, Status: account.StatusNew}
			if err := d.SealSecret(&a, sa.AccessKeySecret); err != nil {
				t.Fatal(err)
			}
			if err := d.Store.CreateAccount(ctx, &a); err != nil {
				t.Fatal(err)
			}
		}
		q, err := d.Jobs().Queue(ctx, resourcesync.Name, job.TriggerManual, 1)
		if err != nil {
			t.Fatal(err)
		}
		run, err := d.Jobs().Execute(ctx, resourcesync.Name, job.TriggerManual, q.ID, resourcesync.Func(d, job.TriggerManual))
		if err != nil {
			t.Fatal(err)
		}
		if run.Status != job.Succeeded || run.Items != 2 {
			t.Fatalf("job run: %+v", run)
		}
		accts, err := d.Store.ListAccounts(ctx, account.AllAccounts)
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range accts {
			runs, err := d.Store.ResourceSyncRuns(ctx, a.ID, 5)
			if err != nil || len(runs) != 1 || runs[0].Status != resource.SyncSucceeded || runs[0].Trigger != job.TriggerManual {
				t.Fatalf("account %d sync runs: %+v, %v", a.ID, runs, err)
			}
			rs, err := d.Store.AccountResources(ctx, a.ID, false)
			if err != nil || len(rs) == 0 || len(rs) != runs[0].Resources {
				t.Fatalf("account %d: %d resources stored, run says %d (%v)", a.ID, len(rs), runs[0].Resources, err)
			}
		}
	})
}
