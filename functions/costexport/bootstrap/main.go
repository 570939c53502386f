// Command bootstrap is the cloudlens-costexport function on Function Compute's custom runtime.
package main

import (
	"github.com/cloudlens/cloudlens/functions/costexport"
	"github.com/cloudlens/cloudlens/shared/app"
)

func main() { app.Main("cloudlens-costexport", costexport.Function) }
