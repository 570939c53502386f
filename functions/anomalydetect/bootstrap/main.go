// Command bootstrap is the cloudlens-anomalydetect function on Function Compute's custom runtime.
package main

import (
	"github.com/cloudlens/cloudlens/functions/anomalydetect"
	"github.com/cloudlens/cloudlens/shared/app"
)

func main() { app.Main("cloudlens-anomalydetect", anomalydetect.Function) }
