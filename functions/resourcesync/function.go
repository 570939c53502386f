package resourcesync

import (
	"github.com/cloudlens/cloudlens/shared/app"
	"github.com/cloudlens/cloudlens/shared/fcx"
)

// Function builds cloudlens-resourcesync: the daily timer job and the signed HTTP trigger that
// runs a queued run ("run now"). bootstrap/main.go (on Function Compute) and the local runner
// both call it, so the function is wired the same way wherever it runs.
func Function(d *app.Deps) fcx.Options {
	return fcx.Options{Handler: New(d), Job: Job(d)}
}
