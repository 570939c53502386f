package app

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/cloudlens/cloudlens/shared/config"
	"github.com/cloudlens/cloudlens/shared/fcx"
)

// Main is the whole body of a deployed function's main: configuration, dependencies, then
// the Function Compute runtime loop. function is the function package's constructor
// (e.g. costs.Function), the same one the local runner calls.
// It never returns; a missing setting or dependency exits with status 1 naming every problem.
func Main(name string, function func(d *Deps) fcx.Options) {
	cfg, err := config.Load(config.ModeFunction, os.Getenv)
	if err != nil {
		fmt.Fprintf(os.Stderr, "%s: refusing to start: %v\n", name, err)
		os.Exit(1)
	}
	log := config.NewLogger(cfg, name)
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
	defer stop()
	d, err := Build(ctx, cfg, log)
	if err != nil {
		log.Error("refusing to start", "error", err.Error())
		os.Exit(1)
	}
	opts := function(d)
	opts.Name = name
	opts.Logger = log
	opts.Ready = d.Ready
	opts.ShutdownTimeout = cfg.ShutdownGracePeriod
	err = fcx.Serve(ctx, opts)
	d.Close()
	if err != nil {
		log.Error("stopped", "error", err.Error())
		os.Exit(1)
	}
}
