// Command bootstrap is the cloudlens-jobs function on Function Compute's custom runtime.
package main

import (
	"github.com/cloudlens/cloudlens/functions/jobs"
	"github.com/cloudlens/cloudlens/shared/app"
)

func main() { app.Main("cloudlens-jobs", jobs.Function) }
