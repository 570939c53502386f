// Command bootstrap is the cloudlens-alerts function on Function Compute's custom runtime.
package main

import (
	"github.com/cloudlens/cloudlens/functions/alerts"
	"github.com/cloudlens/cloudlens/shared/app"
)

func main() { app.Main("cloudlens-alerts", alerts.Function) }
