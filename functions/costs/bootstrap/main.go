// Command bootstrap is the cloudlens-costs function on Function Compute's custom runtime.
package main

import (
	"github.com/cloudlens/cloudlens/functions/costs"
	"github.com/cloudlens/cloudlens/shared/app"
)

func main() { app.Main("cloudlens-costs", costs.Function) }
