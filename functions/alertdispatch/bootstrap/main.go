// Command bootstrap is the cloudlens-alertdispatch function on Function Compute's custom runtime.
package main

import (
	"github.com/cloudlens/cloudlens/functions/alertdispatch"
	"github.com/cloudlens/cloudlens/shared/app"
	"github.com/cloudlens/cloudlens/shared/fcx"
)

func main() {
	app.Main("cloudlens-alertdispatch", func(d *app.Deps) fcx.Options {
		return fcx.Options{Job: alertdispatch.Job(d), Handler: alertdispatch.New(d)}
	})
}
