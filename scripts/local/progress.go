package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/cloudlens/cloudlens/shared/account"
	"github.com/cloudlens/cloudlens/shared/app"
	"github.com/cloudlens/cloudlens/shared/store"
)

// printFirstSync tells someone who just ran `make run` how the first bill sync is going:
// every few seconds, per account, the days done of its window, pages and rows, until every
// account's latest run has finished (or ctx ends). Local mode only: a goroutine that outlives
// a request would be frozen on Function Compute, here the process keeps running.
func printFirstSync(ctx context.Context, w io.Writer, d *app.Deps, every time.Duration) {
	seen := map[int64]string{}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		accs, err := d.Store.ListAccounts(ctx, account.AllAccounts)
		if err != nil || len(accs) == 0 {
			continue
		}
		pending := false
		for _, a := range accs {
			runs, err := d.Store.ListSyncRuns(ctx, a.ID, 1)
			if err != nil || len(runs) == 0 {
				pending = true
				continue
			}
			line := syncLine(a, runs[0])
			if runs[0].FinishedAt == nil {
				pending = true
			}
			if seen[a.ID] != line {
				seen[a.ID] = line
				fmt.Fprintln(w, line)
			}
		}
		if !pending {
			fmt.Fprintln(w, "==> first bill sync done: open the address above and sign in")
			return
		}
	}
}

// syncLine is one account's progress as printed.
func syncLine(a account.Account, r store.SyncRun) string {
	pct := 0
	if r.Days > 0 {
		pct = r.DaysDone * 100 / r.Days
	}
	line := fmt.Sprintf("    sync %-28s %-9s %d/%d days (%d%%), %d pages, %d rows", a.Name, r.Status, r.DaysDone, r.Days, pct, r.Pages, r.Rows)
	if r.Error != "" {
		line += ": " + r.Error
	}
	return line
}
