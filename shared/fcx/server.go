package fcx

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"runtime/debug"
	"strings"
	"time"

	"github.com/cloudlens/cloudlens/shared/errs"
	"github.com/cloudlens/cloudlens/shared/httpx"
	"github.com/cloudlens/cloudlens/shared/logx"
)

// maxEventBytes bounds an event body: FC caps synchronous payloads at 32 MB.
const maxEventBytes = 32 << 20

type server struct {
	o   Options
	log *slog.Logger
}

// ServeHTTP puts the request id (FC's, or a new one when FC sent none) and the function name
// into the context, echoes the id, and routes by FC's contract. HTTP requests reach the
// Handler as they came; its httpx.Edge chain logs and recovers them.
func (s *server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	id := r.Header.Get(headerRequestID)
	if id == "" {
		id = logx.NewRequestID()
	}
	ctx := logx.WithFunction(logx.WithRequestID(r.Context(), id), s.o.Name)
	r = r.WithContext(ctx)
	w.Header().Set(httpx.HeaderRequestID, id)

	switch {
	case r.URL.Path == HealthPath && (r.Method == http.MethodGet || r.Method == http.MethodHead):
		Health(w, r, s.o.Ready)
	case r.URL.Path == pathInitialize && r.Method == http.MethodPost:
		s.initialize(w, r)
	case r.URL.Path == pathPreStop && r.Method == http.MethodGet:
		s.preStop(w, r)
	case r.URL.Path == pathInvoke && r.Method == http.MethodPost &&
		r.Header.Get(headerControlPath) != controlHTTPInvoke:
		s.invoke(w, r)
	case s.o.Handler == nil:
		httpx.WriteError(w, http.StatusNotFound, errs.KindNotFound, "no such route", id)
	default:
		s.o.Handler.ServeHTTP(w, r)
	}
}

func (s *server) initialize(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	if s.o.Initialize != nil {
		start := time.Now()
		if err := s.o.Initialize(ctx); err != nil {
			s.log.ErrorContext(ctx, "initialize failed", "error", err.Error(), "duration_ms", time.Since(start).Milliseconds())
			httpx.WriteError(w, http.StatusInternalServerError, errs.KindInternal, errs.Message(err), logx.RequestID(ctx))
			return
		}
		s.log.InfoContext(ctx, "initialized", "duration_ms", time.Since(start).Milliseconds())
	}
	httpx.WriteJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}

func (s *server) preStop(w http.ResponseWriter, r *http.Request) {
	if s.o.PreStop != nil {
		s.o.PreStop(r.Context())
		s.log.InfoContext(r.Context(), "pre-stop done")
	}
	httpx.WriteJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}

// probe is just enough of an event to tell a timer event from an API Gateway event.
type probe struct {
	TriggerTime json.RawMessage `json:"triggerTime"`
	TriggerName json.RawMessage `json:"triggerName"`
	HTTPMethod  string          `json:"httpMethod"`
	Path        string          `json:"path"`
}

func (s *server) invoke(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxEventBytes))
	if err != nil {
		s.log.ErrorContext(ctx, "read event", "error", err.Error())
		failInvoke(w, ctx, errs.KindInvalid, "event body could not be read")
		return
	}
	var p probe
	if err := json.Unmarshal(body, &p); err != nil {
		s.log.WarnContext(ctx, "unrecognised event", "reason", "not a JSON object", "bytes", len(body))
		failInvoke(w, ctx, errs.KindInvalid, "unrecognised event: not a JSON object")
		return
	}
	switch {
	case (p.TriggerName != nil || p.TriggerTime != nil) && s.o.Job != nil:
		s.runTimer(w, ctx, body)
	case p.HTTPMethod != "" && p.Path != "" && s.o.Handler != nil:
		s.serveAPIGateway(w, ctx, body)
	default:
		s.log.WarnContext(ctx, "unrecognised event", "reason", "neither a timer event for a job nor an API Gateway event for a handler")
		failInvoke(w, ctx, errs.KindInvalid, "unrecognised event for this function")
	}
}

// timerWire is the timer event as FC sends it. Payload is kept raw so that a payload
// configured as a JSON value still reaches the job as its text.
type timerWire struct {
	TriggerTime string          `json:"triggerTime"`
	TriggerName string          `json:"triggerName"`
	Payload     json.RawMessage `json:"payload"`
}

func decodeTimer(body []byte) (TimerEvent, error) {
	var tw timerWire
	if err := json.Unmarshal(body, &tw); err != nil {
		return TimerEvent{}, fmt.Errorf("decode timer event: %w", err)
	}
	ev := TimerEvent{TriggerName: tw.TriggerName}
	if tw.TriggerTime != "" {
		t, err := time.Parse(time.RFC3339, tw.TriggerTime)
		if err != nil {
			return TimerEvent{}, fmt.Errorf("decode timer event: triggerTime %q: %w", tw.TriggerTime, err)
		}
		ev.TriggerTime = t
	}
	if len(tw.Payload) > 0 && string(tw.Payload) != "null" {
		if err := json.Unmarshal(tw.Payload, &ev.Payload); err != nil {
			ev.Payload = string(tw.Payload)
		}
	}
	return ev, nil
}

// runTimer runs the job and answers as FC expects: 200 on success, a failed invocation
// otherwise.
func (s *server) runTimer(w http.ResponseWriter, ctx context.Context, body []byte) {
	ev, err := decodeTimer(body)
	if err != nil {
		s.log.ErrorContext(ctx, "timer event rejected", "error", err.Error())
		failInvoke(w, ctx, errs.KindInvalid, "invalid timer event")
		return
	}
	log := s.log.With("trigger_name", ev.TriggerName, "trigger_time", ev.TriggerTime)
	log.InfoContext(ctx, "job started")
	start := time.Now()
	err = s.runJob(ctx, ev)
	elapsed := time.Since(start).Milliseconds()
	if err != nil {
		// The cause goes to the log under this request id; the body FC records stays safe.
		log.ErrorContext(ctx, "job failed", "error", err.Error(), "duration_ms", elapsed)
		failInvoke(w, ctx, errs.KindOf(err), errs.Message(err))
		return
	}
	log.InfoContext(ctx, "job succeeded", "duration_ms", elapsed)
	httpx.WriteJSON(w, http.StatusOK, map[string]string{"status": "ok", "requestId": logx.RequestID(ctx)})
}

// runJob turns a job's panic into its error: FC must record the invocation as failed (a 404
// answer), which a panic escaping to net/http would not give it.
func (s *server) runJob(ctx context.Context, ev TimerEvent) (err error) {
	defer func() {
		if p := recover(); p != nil {
			s.log.ErrorContext(ctx, "job panicked", "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
			err = fmt.Errorf("fcx: job panicked: %v", p)
		}
	}()
	return s.o.Job(ctx, ev)
}

// failInvoke answers an event invocation so that FC records it as failed: FC's contract is
// 404 plus x-fc-status: 404, whatever went wrong.
func failInvoke(w http.ResponseWriter, ctx context.Context, kind errs.Kind, msg string) {
	w.Header().Set(headerStatus, "404")
	httpx.WriteError(w, http.StatusNotFound, kind, msg, logx.RequestID(ctx))
}

func headerValue(h map[string]string, name string) string {
	for k, v := range h {
		if strings.EqualFold(k, name) {
			return v
		}
	}
	return ""
}

// Health answers /health: liveness ({"status":"ok"}), or with ?ready=1 readiness, which asks
// ready for the dependencies it cannot reach and answers 503 naming them.
func Health(w http.ResponseWriter, r *http.Request, ready func(context.Context) map[string]string) {
	if r.URL.Query().Get("ready") == "" || ready == nil {
		httpx.WriteJSON(w, http.StatusOK, map[string]string{"status": "ok"})
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	if down := ready(ctx); len(down) > 0 {
		httpx.WriteJSON(w, http.StatusServiceUnavailable, map[string]any{"status": "unavailable", "down": down})
		return
	}
	httpx.WriteJSON(w, http.StatusOK, map[string]string{"status": "ready"})
}
