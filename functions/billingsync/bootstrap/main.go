// Command bootstrap is the cloudlens-billingsync function on Function Compute's custom runtime.
package main

import (
	"github.com/cloudlens/cloudlens/functions/billingsync"
	"github.com/cloudlens/cloudlens/shared/app"
)

func main() { app.Main("cloudlens-billingsync", billingsync.Function) }
