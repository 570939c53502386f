// Command bootstrap is the cloudlens-accounts function on Function Compute's custom runtime.
package main

import (
	"context"

	"github.com/cloudlens/cloudlens/functions/accounts"
	"github.com/cloudlens/cloudlens/shared/app"
	"github.com/cloudlens/cloudlens/shared/billing"
	"github.com/cloudlens/cloudlens/shared/fcx"
)

func main() {
	app.Main("cloudlens-accounts", func(d *app.Deps) fcx.Options {
		if d.Config.BillingSyncURL != "" {
			// "Sync now" runs in cloudlens-billingsync, invoked asynchronously over its HTTP trigger.
			d.StartSync = func(ctx context.Context, accountID, syncID int64) error {
				return fcx.InvokeAsync(ctx, nil, d.Config.BillingSyncURL, []byte(d.Config.JWTSecret),
					billing.SyncRequest{AccountID: accountID, SyncID: syncID})
			}
		}
		return fcx.Options{Handler: accounts.New(d)}
	})
}
