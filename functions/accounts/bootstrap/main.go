// Command bootstrap is the cloudlens-accounts function on Function Compute's custom runtime.
package main

import (
	"github.com/cloudlens/cloudlens/functions/accounts"
	"github.com/cloudlens/cloudlens/shared/app"
	"github.com/cloudlens/cloudlens/shared/fcx"
)

func main() {
	app.Main("cloudlens-accounts", func(d *app.Deps) fcx.Options {
		return fcx.Options{Handler: accounts.New(d)}
	})
}
