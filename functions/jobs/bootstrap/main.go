// Command bootstrap is the cloudlens-jobs function on Function Compute's custom runtime.
package main

import (
	"github.com/cloudlens/cloudlens/functions/jobs"
	"github.com/cloudlens/cloudlens/shared/app"
	"github.com/cloudlens/cloudlens/shared/fcx"
)

func main() {
	app.Main("cloudlens-jobs", func(d *app.Deps) fcx.Options {
		return fcx.Options{Handler: jobs.New(d)}
	})
}
