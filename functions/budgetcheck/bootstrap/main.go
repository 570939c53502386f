// Command bootstrap is the cloudlens-budgetcheck function on Function Compute's custom runtime.
package main

import (
	"github.com/cloudlens/cloudlens/functions/budgetcheck"
	"github.com/cloudlens/cloudlens/shared/app"
)

func main() { app.Main("cloudlens-budgetcheck", budgetcheck.Function) }
