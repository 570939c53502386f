// Command bootstrap is the cloudlens-costs function on Function Compute's custom runtime.
package main

import (
	"github.com/cloudlens/cloudlens/functions/costs"
	"github.com/cloudlens/cloudlens/shared/app"
	"github.com/cloudlens/cloudlens/shared/fcx"
)

func main() {
	app.Main("cloudlens-costs", func(d *app.Deps) fcx.Options {
		return fcx.Options{Handler: costs.New(d)}
	})
}
