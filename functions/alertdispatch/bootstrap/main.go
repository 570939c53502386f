// Command bootstrap is the cloudlens-alertdispatch function on Function Compute's custom runtime.
package main

import (
	"github.com/cloudlens/cloudlens/functions/alertdispatch"
	"github.com/cloudlens/cloudlens/shared/app"
)

func main() { app.Main("cloudlens-alertdispatch", alertdispatch.Function) }
