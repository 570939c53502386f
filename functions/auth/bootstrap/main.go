// Command bootstrap is the cloudlens-auth function on Function Compute's custom runtime.
package main

import (
	"github.com/cloudlens/cloudlens/functions/auth"
	"github.com/cloudlens/cloudlens/shared/app"
	"github.com/cloudlens/cloudlens/shared/fcx"
)

func main() {
	app.Main("cloudlens-auth", func(d *app.Deps) fcx.Options {
		return fcx.Options{Handler: auth.New(d), Initialize: auth.Initialize(d)}
	})
}
