package main

import (
	"github.com/cloudlens/cloudlens/functions/accounts"
	"github.com/cloudlens/cloudlens/functions/ai"
	"github.com/cloudlens/cloudlens/functions/alertdispatch"
	"github.com/cloudlens/cloudlens/functions/alerts"
	"github.com/cloudlens/cloudlens/functions/anomaly"
	"github.com/cloudlens/cloudlens/functions/anomalydetect"
	"github.com/cloudlens/cloudlens/functions/auth"
	"github.com/cloudlens/cloudlens/functions/billingsync"
	"github.com/cloudlens/cloudlens/functions/budgetcheck"
	"github.com/cloudlens/cloudlens/functions/budgets"
	"github.com/cloudlens/cloudlens/functions/chatbot"
	"github.com/cloudlens/cloudlens/functions/costexport"
	"github.com/cloudlens/cloudlens/functions/costs"
	"github.com/cloudlens/cloudlens/functions/jobs"
	"github.com/cloudlens/cloudlens/functions/reportgen"
	"github.com/cloudlens/cloudlens/functions/resources"
	"github.com/cloudlens/cloudlens/functions/resourcesync"
	"github.com/cloudlens/cloudlens/shared/app"
	"github.com/cloudlens/cloudlens/shared/fcx"
)

// registry lists every function by its directory under functions/, with the constructor its
// bootstrap/main.go hands to app.Main on Function Compute: the runner builds each function
// exactly as it is deployed. A test checks the set against functions/* and s.yaml.
var registry = map[string]func(d *app.Deps) fcx.Options{
	"auth":          auth.Function,
	"accounts":      accounts.Function,
	"billingsync":   billingsync.Function,
	"costs":         costs.Function,
	"budgets":       budgets.Function,
	"budgetcheck":   budgetcheck.Function,
	"jobs":          jobs.Function,
	"alerts":        alerts.Function,
	"alertdispatch": alertdispatch.Function,
	"costexport":    costexport.Function,

	// ---- anomaly: functions of this area go below this line ----
	"anomalydetect": anomalydetect.Function,
	"anomaly":       anomaly.Function,

	// ---- resources: functions of this area go below this line ----
	"resourcesync": resourcesync.Function,
	"resources":    resources.Function,

	// ---- explorer: functions of this area go below this line ----

	// ---- ai: functions of this area go below this line ----
	"chatbot":   chatbot.Function,
	"ai":        ai.Function,
	"reportgen": reportgen.Function,

	// ---- hardening: functions of this area go below this line ----

	// ---- bills: functions of this area go below this line ----
}
