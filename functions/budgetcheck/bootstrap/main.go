// Command bootstrap is the cloudlens-budgetcheck function on Function Compute's custom runtime.
package main

import (
	"github.com/cloudlens/cloudlens/functions/budgetcheck"
	"github.com/cloudlens/cloudlens/shared/app"
	"github.com/cloudlens/cloudlens/shared/fcx"
)

func main() {
	app.Main("cloudlens-budgetcheck", func(d *app.Deps) fcx.Options {
		return fcx.Options{Job: budgetcheck.Job(d), Handler: budgetcheck.New(d)}
	})
}
