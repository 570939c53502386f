// Command bootstrap is the cloudlens-budgets function on Function Compute's custom runtime.
package main

import (
	"github.com/cloudlens/cloudlens/functions/budgets"
	"github.com/cloudlens/cloudlens/shared/app"
	"github.com/cloudlens/cloudlens/shared/fcx"
)

func main() {
	app.Main("cloudlens-budgets", func(d *app.Deps) fcx.Options {
		return fcx.Options{Handler: budgets.New(d)}
	})
}
