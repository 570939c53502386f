// Command fn is the smallest real CloudLens-shaped function: an HTTP handler and a timer
// job served by fcx.Serve. The fcx and coldstart tests build and run it as a real process.
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
)

func main() {
	logger := slog.New(slog.NewJSONHandler(os.Stderr, nil))
	mux := http.NewServeMux()
	mux.HandleFunc("GET /hello", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		fmt.Fprintf(w, "hello %s (request %s)", r.URL.Query().Get("name"), fcx.RequestID(r.Context()))
	})
	// /slow lets the graceful-shutdown test catch a request in flight: it logs "slow_started"
	// and answers only after a pause, during which the test sends SIGTERM.
	mux.HandleFunc("GET /slow", func(w http.ResponseWriter, r *http.Request) {
		logger.Info("slow_started", "request_id", fcx.RequestID(r.Context()))
		time.Sleep(300 * time.Millisecond)
		fmt.Fprint(w, "slow done")
	})
	job := func(ctx context.Context, ev fcx.TimerEvent) error {
		if ev.Payload == "fail" {
			return errors.New("the payload asked the job to fail")
		}
		logger.Info("job_ran", "trigger_name", ev.TriggerName, "payload", ev.Payload,
			"request_id", fcx.RequestID(ctx))
		return nil
	}
	err := fcx.Serve(context.Background(), fcx.Options{
		Name:    "cloudlens-testfn",
		Handler: mux,
		Job:     job,
		Logger:  logger,
	})
	if err != nil {
		logger.Error("serve", "error", err)
		os.Exit(1)
	}
}
