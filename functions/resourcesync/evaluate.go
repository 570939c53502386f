package resourcesync

import "github.com/cloudlens/cloudlens/shared/app"

// evaluateIdle is the idle-rule evaluation a run ends with, called with the accounts whose
// inventory the run refreshed. The idle findings area (shared/idle and the resources
// function) provides it, reading those accounts' inventories, metric summaries, prices and
// bills; nil skips the step.
func evaluateIdle(*app.Deps) Evaluator { return nil }
