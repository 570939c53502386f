// Command bootstrap is the cloudlens-auth function on Function Compute's custom runtime.
package main

import (
	"github.com/cloudlens/cloudlens/functions/auth"
	"github.com/cloudlens/cloudlens/shared/app"
)

func main() { app.Main("cloudlens-auth", auth.Function) }
