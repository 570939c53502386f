// Command bootstrap is the cloudlens-accounts function on Function Compute's custom runtime.
package main

import (
	"github.com/cloudlens/cloudlens/functions/accounts"
	"github.com/cloudlens/cloudlens/functions/billingsync"
	"github.com/cloudlens/cloudlens/shared/app"
	"github.com/cloudlens/cloudlens/shared/fcx"
)

func main() {
	app.Main("cloudlens-accounts", func(d *app.Deps) fcx.Options {
		if d.Config.BillingSyncURL != "" {
			// "Sync now" runs in cloudlens-billingsync, invoked asynchronously over its HTTP trigger.
			d.StartSync = billingsync.Invoker(d.Config.BillingSyncURL, []byte(d.Config.JWTSecret), nil)
		}
		return fcx.Options{Handler: accounts.New(d)}
	})
}
