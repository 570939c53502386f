package app

import "context"

// Ready reports the dependencies this process cannot reach now, by name, with the error; an
// empty map means ready. It is /health?ready=1 on every function and in the local runner.
func (d *Deps) Ready(ctx context.Context) map[string]string {
	down := map[string]string{}
	if err := d.Store.Ping(ctx); err != nil {
		down["mysql"] = "not answering"
		d.Log.WarnContext(ctx, "readiness: database not answering", "error", err.Error())
	}
	if err := d.Cache.Ping(ctx); err != nil {
		down["redis"] = "not answering"
		d.Log.WarnContext(ctx, "readiness: redis not answering", "error", err.Error())
	}
	return down
}
