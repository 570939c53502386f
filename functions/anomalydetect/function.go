package anomalydetect

import (
	"github.com/cloudlens/cloudlens/shared/app"
	"github.com/cloudlens/cloudlens/shared/fcx"
)

// Function builds cloudlens-anomalydetect: the daily timer job and the signed HTTP trigger that
// runs a queued run. bootstrap/main.go (on Function Compute) and the local runner both call it.
func Function(d *app.Deps) fcx.Options {
	return fcx.Options{Handler: New(d), Job: Job(d)}
}
