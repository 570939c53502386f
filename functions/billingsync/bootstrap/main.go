// Command bootstrap is the cloudlens-billingsync function on Function Compute's custom runtime.
package main

import (
	"github.com/cloudlens/cloudlens/functions/billingsync"
	"github.com/cloudlens/cloudlens/shared/app"
	"github.com/cloudlens/cloudlens/shared/fcx"
)

func main() {
	app.Main("cloudlens-billingsync", func(d *app.Deps) fcx.Options {
		return fcx.Options{Job: billingsync.Job(d), Handler: billingsync.New(d)}
	})
}
