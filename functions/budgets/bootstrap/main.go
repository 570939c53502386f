// Command bootstrap is the cloudlens-budgets function on Function Compute's custom runtime.
package main

import (
	"github.com/cloudlens/cloudlens/functions/budgets"
	"github.com/cloudlens/cloudlens/shared/app"
)

func main() { app.Main("cloudlens-budgets", budgets.Function) }
