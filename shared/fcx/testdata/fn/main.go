// Command fn is the smallest real CloudLens-shaped function: an HTTP handler behind the
// httpx.Edge chain and a timer job, served by fcx.Serve with a logx logger, as every function
// is. The fcx and coldstart tests build and run it as a real process.
package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"time"

	"github.com/cloudlens/cloudlens/shared/fcx"
	"github.com/cloudlens/cloudlens/shared/httpx"
	"github.com/cloudlens/cloudlens/shared/logx"
)

func main() {
	const name = "cloudlens-testfn"
	logger := logx.New(slog.NewJSONHandler(os.Stderr, nil), name)
	mux := http.NewServeMux()
	mux.HandleFunc("GET /hello", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		fmt.Fprintf(w, "hello %s (request %s)", r.URL.Query().Get("name"), logx.RequestID(r.Context()))
	})
	// /slow lets the graceful-shutdown test catch a request in flight: it logs "slow_started"
	// and answers only after a pause, during which the test sends SIGTERM.
	mux.HandleFunc("GET /slow", func(w http.ResponseWriter, r *http.Request) {
		logger.InfoContext(r.Context(), "slow_started")
		time.Sleep(300 * time.Millisecond)
		fmt.Fprint(w, "slow done")
	})
	job := func(ctx context.Context, ev fcx.TimerEvent) error {
		if ev.Payload == "fail" {
			return errors.New("the payload asked the job to fail")
		}
		logger.InfoContext(ctx, "job_ran", "trigger_name", ev.TriggerName, "payload", ev.Payload)
		return nil
	}
	err := fcx.Serve(context.Background(), fcx.Options{
		Name:    name,
		Handler: httpx.Edge(mux, httpx.EdgeOptions{Log: logger}),
		Job:     job,
		Logger:  logger,
	})
	if err != nil {
		logger.Error("serve", "error", err)
		os.Exit(1)
	}
}
