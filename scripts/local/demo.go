package main

import (
	"context"
	"fmt"
	"time"

	"github.com/cloudlens/cloudlens/shared/account"
	"github.com/cloudlens/cloudlens/shared/aliyun"
	"github.com/cloudlens/cloudlens/shared/aliyunsim"
	"github.com/cloudlens/cloudlens/shared/app"
)

// demoBackfillMonths is the default backfill of demo mode: enough history for every chart,
// short enough that the first sync at 10 requests/s finishes within a minute or two.
const demoBackfillMonths = 3

// startDemo starts the simulated Alibaba Cloud when demo mode is on, points demo accounts at
// it, and creates one labelled demo account per simulated account when there is no account
// at all. The returned function stops the simulator.
func startDemo(ctx context.Context, d *app.Deps) (stop func(), err error) {
	if !d.Config.Demo {
		return func() {}, nil
	}
	// A few resources are released upstream, so the inventory shows released ones too.
	world := aliyunsim.NewWorld(aliyunsim.Config{Seed: d.Config.DemoSeed, Now: time.Now, ReleasedPct: 3})
	sim := aliyunsim.NewServer(world, aliyunsim.ServerOptions{QPS: 10})
	addr, err := sim.Start()
	if err != nil {
		return nil, fmt.Errorf("demo: %w", err)
	}
	stop = func() { _ = sim.Close() }
	// One demo account's bill of yesterday holds an unreadable item, so the web app shows an
	// incomplete day beside the figures (a labelled demo, like all simulator data).
	gapUID, gapDay := sim.AddDemoGap(time.Now())
	d.Log.Info("demo: one bill day is made incomplete", "account_uid", gapUID, "day", gapDay)
	d.Sim = aliyun.NewFactory(aliyun.Options{Endpoint: addr, Insecure: true, QPS: 10}, d.Log)
	if !d.Config.BackfillMonthsSet {
		d.Config.BackfillMonths = min(d.Config.BackfillMonths, demoBackfillMonths)
	}

	existing, err := d.Store.ListAccounts(ctx, account.AllAccounts)
	if err != nil {
		stop()
		return nil, fmt.Errorf("demo: %w", err)
	}
	if len(existing) > 0 {
		return stop, nil
	}
	for _, sa := range world.Accounts() {
		a := account.Account{Name: "Demo · " + sa.Name, UID: sa.UID, Site: account.Site(sa.Site),
			AuthType: account.AuthAccessKey, AccessKeyID: sa.AccessKeyID, Demo: true, Status: account.StatusNew}
		if err := d.SealSecret(&a, sa.AccessKeySecret); err != nil {
			stop()
			return nil, fmt.Errorf("demo: %w", err)
		}
		if err := d.Store.CreateAccount(ctx, &a); err != nil {
			stop()
			return nil, fmt.Errorf("demo: create account %s: %w", a.Name, err)
		}
	}
	d.Log.Info("created demo accounts backed by the simulator", "accounts", len(world.Accounts()), "backfill_months", d.Config.BackfillMonths)
	return stop, nil
}
