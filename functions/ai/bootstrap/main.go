// Command bootstrap is the cloudlens-ai function on Function Compute's custom runtime.
package main

import (
	"github.com/cloudlens/cloudlens/functions/ai"
	"github.com/cloudlens/cloudlens/shared/app"
)

func main() { app.Main("cloudlens-ai", ai.Function) }
