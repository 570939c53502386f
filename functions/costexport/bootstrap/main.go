// Command bootstrap is the cloudlens-costexport function on Function Compute's custom runtime.
package main

import (
	"github.com/cloudlens/cloudlens/functions/costexport"
	"github.com/cloudlens/cloudlens/shared/app"
	"github.com/cloudlens/cloudlens/shared/fcx"
)

func main() {
	app.Main("cloudlens-costexport", func(d *app.Deps) fcx.Options {
		return fcx.Options{Handler: costexport.New(d)}
	})
}
