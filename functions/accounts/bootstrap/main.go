// Command bootstrap is the cloudlens-accounts function on Function Compute's custom runtime.
package main

import (
	"github.com/cloudlens/cloudlens/functions/accounts"
	"github.com/cloudlens/cloudlens/shared/app"
)

func main() { app.Main("cloudlens-accounts", accounts.Function) }
