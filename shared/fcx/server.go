package fcx

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"runtime/debug"
	"strings"
	"time"

	"github.com/cloudlens/cloudlens/shared/errs"
)

// maxEventBytes bounds an event body: FC caps synchronous payloads at 32 MB.
const maxEventBytes = 32 << 20

type server struct {
	o   Options
	log *slog.Logger
}

func (s *server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	id := r.Header.Get(headerRequestID)
	if id == "" {
		id = newRequestID()
	}
	r = r.WithContext(WithRequestID(r.Context(), id))
	w.Header().Set(headerEchoID, id)
	log := s.log.With("request_id", id)

	switch {
	case r.URL.Path == HealthPath && (r.Method == http.MethodGet || r.Method == http.MethodHead):
		writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	case r.URL.Path == pathInitialize && r.Method == http.MethodPost:
		s.initialize(w, r, log)
	case r.URL.Path == pathPreStop && r.Method == http.MethodGet:
		s.preStop(w, r, log)
	case r.URL.Path == pathInvoke && r.Method == http.MethodPost &&
		r.Header.Get(headerControlPath) != controlHTTPInvoke:
		s.invoke(w, r, log)
	default:
		s.passThrough(w, r, log)
	}
}

func (s *server) initialize(w http.ResponseWriter, r *http.Request, log *slog.Logger) {
	if s.o.Initialize != nil {
		start := time.Now()
		if err := s.o.Initialize(r.Context()); err != nil {
			log.Error("initialize failed", "error", err, "duration_ms", time.Since(start).Milliseconds())
			writeError(w, http.StatusInternalServerError, errs.KindInternal, errs.Message(err), RequestID(r.Context()))
			return
		}
		log.Info("initialized", "duration_ms", time.Since(start).Milliseconds())
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}

func (s *server) preStop(w http.ResponseWriter, r *http.Request, log *slog.Logger) {
	if s.o.PreStop != nil {
		s.o.PreStop(r.Context())
		log.Info("pre-stop done")
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}

// probe is just enough of an event to tell a timer event from an API Gateway event.
type probe struct {
	TriggerTime json.RawMessage `json:"triggerTime"`
	TriggerName json.RawMessage `json:"triggerName"`
	HTTPMethod  string          `json:"httpMethod"`
	Path        string          `json:"path"`
}

func (s *server) invoke(w http.ResponseWriter, r *http.Request, log *slog.Logger) {
	id := RequestID(r.Context())
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxEventBytes))
	if err != nil {
		log.Error("read event", "error", err)
		failInvoke(w, errs.KindInvalid, "event body could not be read", id)
		return
	}
	var p probe
	if err := json.Unmarshal(body, &p); err != nil {
		log.Warn("unrecognised event", "reason", "not a JSON object", "bytes", len(body))
		failInvoke(w, errs.KindInvalid, "unrecognised event: not a JSON object", id)
		return
	}
	switch {
	case (p.TriggerName != nil || p.TriggerTime != nil) && s.o.Job != nil:
		s.runTimer(w, r.Context(), body, log)
	case p.HTTPMethod != "" && p.Path != "" && s.o.Handler != nil:
		s.serveAPIGateway(w, r.Context(), body, log)
	default:
		log.Warn("unrecognised event", "reason", "neither a timer event for a job nor an API Gateway event for a handler")
		failInvoke(w, errs.KindInvalid, "unrecognised event for this function", id)
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

func (s *server) runTimer(w http.ResponseWriter, ctx context.Context, body []byte, log *slog.Logger) {
	id := RequestID(ctx)
	ev, err := decodeTimer(body)
	if err != nil {
		log.Error("timer event rejected", "error", err)
		failInvoke(w, errs.KindInvalid, "invalid timer event", id)
		return
	}
	log = log.With("trigger_name", ev.TriggerName, "trigger_time", ev.TriggerTime)
	log.Info("job started")
	start := time.Now()
	err = s.runJob(ctx, ev, log)
	elapsed := time.Since(start).Milliseconds()
	if err != nil {
		// The cause goes to the log under this request id; the body FC records stays safe.
		log.Error("job failed", "error", err, "duration_ms", elapsed)
		failInvoke(w, errs.KindOf(err), errs.Message(err), id)
		return
	}
	log.Info("job succeeded", "duration_ms", elapsed)
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok", "requestId": id})
}

func (s *server) runJob(ctx context.Context, ev TimerEvent, log *slog.Logger) (err error) {
	defer func() {
		if p := recover(); p != nil {
			log.Error("job panicked", "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
			err = fmt.Errorf("fcx: job panicked: %v", p)
		}
	}()
	return s.o.Job(ctx, ev)
}

func (s *server) passThrough(w http.ResponseWriter, r *http.Request, log *slog.Logger) {
	if s.o.Handler == nil {
		writeError(w, http.StatusNotFound, errs.KindNotFound, "no such route", RequestID(r.Context()))
		return
	}
	start := time.Now()
	rec := &statusWriter{ResponseWriter: w}
	panicked := serveRecovered(s.o.Handler, rec, r, log)
	if panicked && !rec.wrote {
		writeError(rec, http.StatusInternalServerError, errs.KindInternal, "internal error", RequestID(r.Context()))
	}
	status := rec.status
	if status == 0 {
		status = http.StatusOK
	}
	level := slog.LevelInfo
	if status >= 500 {
		level = slog.LevelError
	}
	log.Log(r.Context(), level, "request", "method", r.Method, "path", r.URL.Path,
		"status", status, "duration_ms", time.Since(start).Milliseconds())
}

// serveRecovered runs h and turns a panic into a logged failure, so one bad request cannot
// take down an instance that is serving many. http.ErrAbortHandler keeps its meaning.
func serveRecovered(h http.Handler, w http.ResponseWriter, r *http.Request, log *slog.Logger) (panicked bool) {
	defer func() {
		if p := recover(); p != nil {
			if err, ok := p.(error); ok && errors.Is(err, http.ErrAbortHandler) {
				panic(p)
			}
			log.Error("handler panicked", "method", r.Method, "path", r.URL.Path,
				"panic", fmt.Sprint(p), "stack", string(debug.Stack()))
			panicked = true
		}
	}()
	h.ServeHTTP(w, r)
	return false
}

// statusWriter remembers the status a handler wrote. Flush and Unwrap keep streaming
// (server-sent events) and http.ResponseController working through it.
type statusWriter struct {
	http.ResponseWriter
	status int
	wrote  bool
}

func (w *statusWriter) WriteHeader(code int) {
	if !w.wrote {
		w.status, w.wrote = code, true
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if !w.wrote {
		w.status, w.wrote = http.StatusOK, true
	}
	return w.ResponseWriter.Write(b)
}

func (w *statusWriter) Flush() {
	if !w.wrote {
		w.status, w.wrote = http.StatusOK, true
	}
	_ = http.NewResponseController(w.ResponseWriter).Flush()
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// errorBody is the API's error shape (DESIGN §7).
type errorBody struct {
	Error errorDetail `json:"error"`
}

type errorDetail struct {
	Code      string `json:"code"`
	Message   string `json:"message"`
	RequestID string `json:"requestId"`
}

func writeError(w http.ResponseWriter, status int, kind errs.Kind, msg, id string) {
	writeJSON(w, status, errorBody{Error: errorDetail{Code: string(kind), Message: msg, RequestID: id}})
}

// failInvoke answers an event invocation so that FC records it as failed: FC's contract is
// 404 plus x-fc-status: 404, whatever went wrong.
func failInvoke(w http.ResponseWriter, kind errs.Kind, msg, id string) {
	w.Header().Set(headerStatus, "404")
	writeError(w, http.StatusNotFound, kind, msg, id)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		// Only the package's own fixed shapes come here, so this cannot carry user data.
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(append(b, '\n'))
}

func headerValue(h map[string]string, name string) string {
	for k, v := range h {
		if strings.EqualFold(k, name) {
			return v
		}
	}
	return ""
}
