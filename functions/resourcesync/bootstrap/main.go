// Command bootstrap is the cloudlens-resourcesync function on Function Compute's custom runtime.
package main

import (
	"github.com/cloudlens/cloudlens/functions/resourcesync"
	"github.com/cloudlens/cloudlens/shared/app"
)

func main() { app.Main("cloudlens-resourcesync", resourcesync.Function) }
