// Command bootstrap is the cloudlens-alerts function on Function Compute's custom runtime.
package main

import (
	"github.com/cloudlens/cloudlens/functions/alerts"
	"github.com/cloudlens/cloudlens/shared/app"
	"github.com/cloudlens/cloudlens/shared/fcx"
)

func main() {
	app.Main("cloudlens-alerts", func(d *app.Deps) fcx.Options {
		return fcx.Options{Handler: alerts.New(d)}
	})
}
