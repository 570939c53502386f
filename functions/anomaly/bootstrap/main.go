// Command bootstrap is the cloudlens-anomaly function on Function Compute's custom runtime.
package main

import (
	"github.com/cloudlens/cloudlens/functions/anomaly"
	"github.com/cloudlens/cloudlens/shared/app"
)

func main() { app.Main("cloudlens-anomaly", anomaly.Function) }
