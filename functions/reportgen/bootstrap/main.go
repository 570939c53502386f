// Command bootstrap is the cloudlens-reportgen function on Function Compute's custom runtime.
package main

import (
	"github.com/cloudlens/cloudlens/functions/reportgen"
	"github.com/cloudlens/cloudlens/shared/app"
)

func main() { app.Main("cloudlens-reportgen", reportgen.Function) }
