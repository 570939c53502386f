// Command bootstrap is the cloudlens-resources function on Function Compute's custom runtime.
package main

import (
	"github.com/cloudlens/cloudlens/functions/resources"
	"github.com/cloudlens/cloudlens/shared/app"
)

func main() { app.Main("cloudlens-resources", resources.Function) }
