package resourcesync

import "github.com/cloudlens/cloudlens/shared/app"

// evaluateIdle is the idle-rule evaluation a run ends with, called with the accounts whose
// inventory the run refreshed (app.Deps.EvaluateIdle: findings kept, one digest of the new
// ones raised and the alert dispatcher started to deliver it).
func evaluateIdle(d *app.Deps) Evaluator { return d.EvaluateIdle }
