package anomaly

import (
	"github.com/cloudlens/cloudlens/shared/app"
	"github.com/cloudlens/cloudlens/shared/fcx"
)

// Function builds cloudlens-anomaly, the HTTP API of cost anomalies and their monitors.
// bootstrap/main.go (on Function Compute) and the local runner both call it.
func Function(d *app.Deps) fcx.Options { return fcx.Options{Handler: New(d)} }
