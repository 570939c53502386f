package fcx_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cloudlens/cloudlens/shared/errs"
	"github.com/cloudlens/cloudlens/shared/fcx"
	"github.com/cloudlens/cloudlens/shared/httpx"
	"github.com/cloudlens/cloudlens/shared/logx"
)

func quietLogger() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

type errorBody struct {
	Error struct {
		Code      string `json:"code"`
		Message   string `json:"message"`
		RequestID string `json:"requestId"`
	} `json:"error"`
}

// do sends one request to h through a real HTTP server and returns status, headers and body.
func do(t *testing.T, srv *httptest.Server, method, path string, hdr map[string]string, body string) (int, http.Header, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, srv.URL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, resp.Header, b
}

func invokeHeaders(id string) map[string]string {
	h := map[string]string{"X-Fc-Control-Path": "/invoke", "Content-Type": "application/octet-stream"}
	if id != "" {
		h["X-Fc-Request-Id"] = id
	}
	return h
}

func TestTimerInvoke(t *testing.T) {
	tests := []struct {
		name        string
		body        string
		jobErr      error
		jobPanic    bool
		noJob       bool
		wantStatus  int
		wantCalled  bool
		wantEvent   fcx.TimerEvent
		wantCode    string
		wantMessage string
	}{
		{
			name:       "timer event runs the job",
			body:       `{"triggerTime":"2018-02-09T05:49:00Z","triggerName":"daily-sync","payload":"full"}`,
			wantStatus: 200, wantCalled: true,
			wantEvent: fcx.TimerEvent{TriggerTime: time.Date(2018, 2, 9, 5, 49, 0, 0, time.UTC), TriggerName: "daily-sync", Payload: "full"},
		},
		{
			name:       "payload configured as JSON reaches the job as text",
			body:       `{"triggerTime":"2024-01-31T16:00:00Z","triggerName":"t","payload":{"accounts":[1,2]}}`,
			wantStatus: 200, wantCalled: true,
			wantEvent: fcx.TimerEvent{TriggerTime: time.Date(2024, 1, 31, 16, 0, 0, 0, time.UTC), TriggerName: "t", Payload: `{"accounts":[1,2]}`},
		},
		{
			name:       "classified job error is a failed invocation with its safe message",
			body:       `{"triggerTime":"2018-02-09T05:49:00Z","triggerName":"daily-sync","payload":""}`,
			jobErr:     errs.Invalid("no accounts configured"),
			wantStatus: 404, wantCalled: true, wantCode: "invalid", wantMessage: "no accounts configured",
			wantEvent: fcx.TimerEvent{TriggerTime: time.Date(2018, 2, 9, 5, 49, 0, 0, time.UTC), TriggerName: "daily-sync"},
		},
		{
			name:       "internal job error keeps its detail out of the body",
			body:       `{"triggerTime":"2018-02-09T05:49:00Z","triggerName":"daily-sync","payload":"x"}`,
			jobErr:     errors.New("dial tcp 10.0.0.5:3306: connection refused"),
			wantStatus: 404, wantCalled: true, wantCode: "internal", wantMessage: "internal error",
			wantEvent: fcx.TimerEvent{TriggerTime: time.Date(2018, 2, 9, 5, 49, 0, 0, time.UTC), TriggerName: "daily-sync", Payload: "x"},
		},
		{
			name:       "job panic is a failed invocation",
			body:       `{"triggerTime":"2018-02-09T05:49:00Z","triggerName":"daily-sync","payload":"x"}`,
			jobPanic:   true,
			wantStatus: 404, wantCalled: true, wantCode: "internal", wantMessage: "internal error",
			wantEvent: fcx.TimerEvent{TriggerTime: time.Date(2018, 2, 9, 5, 49, 0, 0, time.UTC), TriggerName: "daily-sync", Payload: "x"},
		},
		{
			name:       "malformed triggerTime is rejected before the job",
			body:       `{"triggerTime":"yesterday","triggerName":"daily-sync","payload":"x"}`,
			wantStatus: 404, wantCode: "invalid", wantMessage: "invalid timer event",
		},
		{
			name:       "unknown event",
			body:       `{"orderId":42}`,
			wantStatus: 404, wantCode: "invalid", wantMessage: "unrecognised event for this function",
		},
		{
			name:       "body that is not JSON",
			body:       `hello`,
			wantStatus: 404, wantCode: "invalid", wantMessage: "unrecognised event: not a JSON object",
		},
		{
			name:       "timer event sent to a function without a job",
			body:       `{"triggerTime":"2018-02-09T05:49:00Z","triggerName":"daily-sync","payload":"x"}`,
			noJob:      true,
			wantStatus: 404, wantCode: "invalid", wantMessage: "unrecognised event for this function",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var (
				mu     sync.Mutex
				called bool
				got    fcx.TimerEvent
				gotID  string
			)
			o := fcx.Options{Name: "cloudlens-test", Logger: quietLogger()}
			if !tc.noJob {
				o.Job = func(ctx context.Context, ev fcx.TimerEvent) error {
					mu.Lock()
					called, got, gotID = true, ev, logx.RequestID(ctx)
					mu.Unlock()
					if tc.jobPanic {
						panic("boom")
					}
					return tc.jobErr
				}
			}
			srv := httptest.NewServer(fcx.Mux(o))
			defer srv.Close()

			status, hdr, body := do(t, srv, "POST", "/invoke", invokeHeaders("req-timer-1"), tc.body)
			if status != tc.wantStatus {
				t.Fatalf("status = %d, want %d; body %s", status, tc.wantStatus, body)
			}
			if hdr.Get("X-Request-Id") != "req-timer-1" {
				t.Errorf("X-Request-Id = %q, want req-timer-1", hdr.Get("X-Request-Id"))
			}
			mu.Lock()
			defer mu.Unlock()
			if called != tc.wantCalled {
				t.Fatalf("job called = %v, want %v", called, tc.wantCalled)
			}
			if called {
				if !got.TriggerTime.Equal(tc.wantEvent.TriggerTime) || got.TriggerName != tc.wantEvent.TriggerName || got.Payload != tc.wantEvent.Payload {
					t.Errorf("event = %+v, want %+v", got, tc.wantEvent)
				}
				if gotID != "req-timer-1" {
					t.Errorf("RequestID in job ctx = %q, want req-timer-1", gotID)
				}
			}
			if tc.wantStatus == 404 {
				if hdr.Get("X-Fc-Status") != "404" {
					t.Errorf("x-fc-status = %q, want 404", hdr.Get("X-Fc-Status"))
				}
				var eb errorBody
				if err := json.Unmarshal(body, &eb); err != nil {
					t.Fatalf("error body %s: %v", body, err)
				}
				if eb.Error.Code != tc.wantCode || eb.Error.Message != tc.wantMessage || eb.Error.RequestID != "req-timer-1" {
					t.Errorf("error body = %+v, want code %q message %q requestId req-timer-1", eb.Error, tc.wantCode, tc.wantMessage)
				}
			} else if hdr.Get("X-Fc-Status") != "" {
				t.Errorf("x-fc-status = %q on success", hdr.Get("X-Fc-Status"))
			}
		})
	}
}

// echo is the handler behind the API Gateway tests: it reports what it received.
type echo struct {
	Method  string            `json:"method"`
	Path    string            `json:"path"`
	Query   map[string]string `json:"query"`
	Host    string            `json:"host"`
	Custom  string            `json:"custom"`
	Body    string            `json:"body"`
	BodyB64 string            `json:"bodyB64"`
	ReqID   string            `json:"reqId"`
}

var pngBytes = []byte{0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0x00, 0xff, 0xfe}

func apiHandler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/api/v1/echo", func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		q := map[string]string{}
		for k := range r.URL.Query() {
			q[k] = r.URL.Query().Get(k)
		}
		w.Header().Set("Content-Type", "application/json")
		w.Header().Add("X-Multi", "a")
		w.Header().Add("X-Multi", "b")
		w.WriteHeader(http.StatusCreated)
		_ = json.NewEncoder(w).Encode(echo{
			Method: r.Method, Path: r.URL.Path, Query: q, Host: r.Host, Custom: r.Header.Get("X-Custom"),
			Body: string(b), BodyB64: base64.StdEncoding.EncodeToString(b), ReqID: logx.RequestID(r.Context()),
		})
	})
	mux.HandleFunc("GET /api/v1/logo.png", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "image/png")
		_, _ = w.Write(pngBytes)
	})
	mux.HandleFunc("DELETE /api/v1/nothing", func(w http.ResponseWriter, r *http.Request) {})
	mux.HandleFunc("/api/v1/panic", func(w http.ResponseWriter, r *http.Request) { panic("handler bug") })
	return mux
}

type gwResponse struct {
	IsBase64Encoded bool              `json:"isBase64Encoded"`
	StatusCode      int               `json:"statusCode"`
	Headers         map[string]string `json:"headers"`
	Body            string            `json:"body"`
}

func TestAPIGatewayEvent(t *testing.T) {
	binaryIn := []byte{0x00, 0x01, 0xfe, 0xff, 'o', 'k'}
	tests := []struct {
		name        string
		event       map[string]any
		wantStatus  int
		wantHeaders map[string]string
		wantB64     bool
		check       func(t *testing.T, body []byte)
	}{
		{
			name: "JSON body, query, headers and host round trip",
			event: map[string]any{
				"path": "/api/v1/echo", "httpMethod": "POST",
				"headers":         map[string]string{"Host": "api.example.com", "X-Custom": "yes", "Content-Type": "application/json"},
				"queryParameters": map[string]string{"month": "2024-05", "q": "a b&c"},
				"pathParameters":  map[string]string{"id": "7"},
				"body":            `{"amount":12.5}`, "isBase64Encoded": false,
			},
			wantStatus:  201,
			wantHeaders: map[string]string{"Content-Type": "application/json", "X-Multi": "a, b", "X-Request-Id": "req-gw-1"},
			check: func(t *testing.T, body []byte) {
				var e echo
				if err := json.Unmarshal(body, &e); err != nil {
					t.Fatalf("echo body %s: %v", body, err)
				}
				want := echo{Method: "POST", Path: "/api/v1/echo", Host: "api.example.com", Custom: "yes", Body: `{"amount":12.5}`, ReqID: "req-gw-1"}
				if e.Method != want.Method || e.Path != want.Path || e.Host != want.Host || e.Custom != want.Custom || e.Body != want.Body || e.ReqID != want.ReqID {
					t.Errorf("handler saw %+v, want %+v", e, want)
				}
				if len(e.Query) != 2 || e.Query["month"] != "2024-05" || e.Query["q"] != "a b&c" {
					t.Errorf("query = %v", e.Query)
				}
			},
		},
		{
			name: "base64 request body is decoded for the handler",
			event: map[string]any{
				"path": "/api/v1/echo", "httpMethod": "PUT",
				"headers": map[string]string{"host": "api.example.com"},
				"body":    base64.StdEncoding.EncodeToString(binaryIn), "isBase64Encoded": true,
			},
			wantStatus:  201,
			wantHeaders: map[string]string{"X-Multi": "a, b"},
			check: func(t *testing.T, body []byte) {
				var e echo
				if err := json.Unmarshal(body, &e); err != nil {
					t.Fatalf("echo body %s: %v", body, err)
				}
				if e.BodyB64 != base64.StdEncoding.EncodeToString(binaryIn) || e.Method != "PUT" || e.Host != "api.example.com" {
					t.Errorf("handler saw method %q host %q body %q", e.Method, e.Host, e.BodyB64)
				}
			},
		},
		{
			name:        "binary response body is base64",
			event:       map[string]any{"path": "/api/v1/logo.png", "httpMethod": "GET", "headers": map[string]string{}},
			wantStatus:  200,
			wantHeaders: map[string]string{"Content-Type": "image/png"},
			wantB64:     true,
			check: func(t *testing.T, body []byte) {
				if string(body) != string(pngBytes) {
					t.Errorf("body = %x, want %x", body, pngBytes)
				}
			},
		},
		{
			name:       "handler that writes nothing answers 200",
			event:      map[string]any{"path": "/api/v1/nothing", "httpMethod": "DELETE"},
			wantStatus: 200,
			check: func(t *testing.T, body []byte) {
				if len(body) != 0 {
					t.Errorf("body = %q, want empty", body)
				}
			},
		},
		{
			name:        "handler panic becomes a 500 response",
			event:       map[string]any{"path": "/api/v1/panic", "httpMethod": "GET"},
			wantStatus:  500,
			wantHeaders: map[string]string{"Content-Type": "application/json; charset=utf-8"},
			check: func(t *testing.T, body []byte) {
				var eb errorBody
				if err := json.Unmarshal(body, &eb); err != nil {
					t.Fatalf("body %s: %v", body, err)
				}
				if eb.Error.Code != "internal" || eb.Error.Message != "internal error" || eb.Error.RequestID != "req-gw-1" {
					t.Errorf("error = %+v", eb.Error)
				}
			},
		},
		{
			name:       "unknown route is the handler's 404, inside a successful invocation",
			event:      map[string]any{"path": "/api/v1/missing", "httpMethod": "GET"},
			wantStatus: 404,
		},
	}
	var logs lockedBuffer
	log := logx.New(slog.NewJSONHandler(&logs, nil), "")
	srv := httptest.NewServer(fcx.Mux(fcx.Options{Name: "cloudlens-test", Handler: httpx.Edge(apiHandler(), httpx.EdgeOptions{Log: log}), Logger: log}))
	defer srv.Close()
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			in, err := json.Marshal(tc.event)
			if err != nil {
				t.Fatal(err)
			}
			status, hdr, raw := do(t, srv, "POST", "/invoke", invokeHeaders("req-gw-1"), string(in))
			if status != 200 || hdr.Get("X-Fc-Status") != "" {
				t.Fatalf("invocation status = %d, x-fc-status %q; body %s", status, hdr.Get("X-Fc-Status"), raw)
			}
			var gw gwResponse
			if err := json.Unmarshal(raw, &gw); err != nil {
				t.Fatalf("response %s: %v", raw, err)
			}
			if gw.StatusCode != tc.wantStatus {
				t.Errorf("statusCode = %d, want %d; body %s", gw.StatusCode, tc.wantStatus, gw.Body)
			}
			if gw.IsBase64Encoded != tc.wantB64 {
				t.Errorf("isBase64Encoded = %v, want %v", gw.IsBase64Encoded, tc.wantB64)
			}
			for k, v := range tc.wantHeaders {
				if gw.Headers[k] != v {
					t.Errorf("header %s = %q, want %q (all: %v)", k, gw.Headers[k], v, gw.Headers)
				}
			}
			body := []byte(gw.Body)
			if gw.IsBase64Encoded {
				if body, err = base64.StdEncoding.DecodeString(gw.Body); err != nil {
					t.Fatalf("body not base64: %v", err)
				}
			}
			if tc.check != nil {
				tc.check(t, body)
			}
			// One access line, from the Handler's chain, under the event's method and path.
			var access []map[string]any
			for _, l := range logs.take() {
				if l["msg"] == "request" {
					access = append(access, l)
				}
			}
			path := tc.event["path"]
			if len(access) != 1 || access[0]["path"] != path || access[0]["status"] != float64(tc.wantStatus) ||
				access[0]["request_id"] != "req-gw-1" || access[0]["function"] != "cloudlens-test" {
				t.Errorf("access lines = %v, want one for %v with status %d", access, path, tc.wantStatus)
			}
		})
	}
}

// lockedBuffer collects JSON log lines written by the server's goroutines.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

// take returns the lines written so far, decoded, and forgets them.
func (l *lockedBuffer) take() []map[string]any {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []map[string]any
	for _, line := range strings.Split(strings.TrimSpace(l.b.String()), "\n") {
		var m map[string]any
		if json.Unmarshal([]byte(line), &m) == nil {
			out = append(out, m)
		}
	}
	l.b.Reset()
	return out
}

func TestAPIGatewayEventWithoutHandler(t *testing.T) {
	srv := httptest.NewServer(fcx.Mux(fcx.Options{Name: "cloudlens-job", Job: func(context.Context, fcx.TimerEvent) error { return nil }, Logger: quietLogger()}))
	defer srv.Close()
	status, hdr, _ := do(t, srv, "POST", "/invoke", invokeHeaders(""), `{"path":"/x","httpMethod":"GET"}`)
	if status != 404 || hdr.Get("X-Fc-Status") != "404" {
		t.Fatalf("status = %d, x-fc-status %q, want 404/404", status, hdr.Get("X-Fc-Status"))
	}
}

func TestPassThroughAndLifecycle(t *testing.T) {
	var (
		mu          sync.Mutex
		initCalls   int
		preStops    int
		initErr     error
		handlerHits []string
	)
	handler := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		handlerHits = append(handlerHits, r.Method+" "+r.URL.RequestURI())
		mu.Unlock()
		if r.URL.Path == "/boom" {
			panic("handler bug")
		}
		w.Header().Set("Content-Type", "text/plain")
		_, _ = io.WriteString(w, "handled "+r.Method+" "+r.URL.RequestURI()+" id="+logx.RequestID(r.Context()))
	})
	o := fcx.Options{
		Name: "cloudlens-test", Handler: handler, Logger: quietLogger(),
		Initialize: func(ctx context.Context) error {
			mu.Lock()
			defer mu.Unlock()
			initCalls++
			return initErr
		},
		PreStop: func(ctx context.Context) {
			mu.Lock()
			preStops++
			mu.Unlock()
		},
	}
	o.Handler = httpx.Edge(handler, httpx.EdgeOptions{Log: quietLogger()})
	srv := httptest.NewServer(fcx.Mux(o))
	defer srv.Close()

	tests := []struct {
		name       string
		method     string
		path       string
		hdr        map[string]string
		setInitErr error
		wantStatus int
		wantBody   string
		wantInit   int
		wantStops  int
	}{
		{name: "health", method: "GET", path: "/health", wantStatus: 200, wantBody: `{"status":"ok"}` + "\n"},
		{name: "initialize", method: "POST", path: "/initialize", wantStatus: 200, wantBody: `{"status":"ok"}` + "\n", wantInit: 1},
		{name: "initialize failure", method: "POST", path: "/initialize", setInitErr: errors.New("no database"), wantStatus: 500,
			wantBody: `{"error":{"code":"internal","message":"internal error","requestId":"rid-1"}}` + "\n", wantInit: 2},
		{name: "pre-stop", method: "GET", path: "/pre-stop", wantStatus: 200, wantBody: `{"status":"ok"}` + "\n", wantInit: 2, wantStops: 1},
		{name: "plain HTTP route with query", method: "GET", path: "/api/v1/costs?month=2024-05", wantStatus: 200,
			wantBody: "handled GET /api/v1/costs?month=2024-05 id=rid-1", wantInit: 2, wantStops: 1},
		{name: "HTTP trigger POST /invoke reaches the handler", method: "POST", path: "/invoke", hdr: map[string]string{"X-Fc-Control-Path": "/http-invoke"},
			wantStatus: 200, wantBody: "handled POST /invoke id=rid-1", wantInit: 2, wantStops: 1},
		{name: "unclean path passes as-is", method: "GET", path: "//a/../b", wantStatus: 200,
			wantBody: "handled GET //a/../b id=rid-1", wantInit: 2, wantStops: 1},
		{name: "handler panic is a 500", method: "GET", path: "/boom", wantStatus: 500,
			wantBody: `{"error":{"code":"internal","message":"internal error","requestId":"rid-1"}}` + "\n", wantInit: 2, wantStops: 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			mu.Lock()
			initErr = tc.setInitErr
			mu.Unlock()
			hdr := map[string]string{"X-Fc-Request-Id": "rid-1"}
			for k, v := range tc.hdr {
				hdr[k] = v
			}
			status, rh, body := do(t, srv, tc.method, tc.path, hdr, "")
			if status != tc.wantStatus || string(body) != tc.wantBody {
				t.Errorf("got %d %q, want %d %q", status, body, tc.wantStatus, tc.wantBody)
			}
			if rh.Get("X-Request-Id") != "rid-1" {
				t.Errorf("X-Request-Id = %q", rh.Get("X-Request-Id"))
			}
			mu.Lock()
			defer mu.Unlock()
			if initCalls != tc.wantInit || preStops != tc.wantStops {
				t.Errorf("initialize calls %d pre-stops %d, want %d %d", initCalls, preStops, tc.wantInit, tc.wantStops)
			}
		})
	}
	mu.Lock()
	defer mu.Unlock()
	want := []string{"GET /api/v1/costs?month=2024-05", "POST /invoke", "GET //a/../b", "GET /boom"}
	if strings.Join(handlerHits, "|") != strings.Join(want, "|") {
		t.Errorf("handler saw %q, want %q", handlerHits, want)
	}
}

func TestGeneratedRequestID(t *testing.T) {
	srv := httptest.NewServer(fcx.Mux(fcx.Options{Name: "cloudlens-test", Logger: quietLogger()}))
	defer srv.Close()
	seen := map[string]bool{}
	for range 3 {
		status, hdr, _ := do(t, srv, "GET", "/health", nil, "")
		id := hdr.Get("X-Request-Id")
		if status != 200 || len(id) < 16 || seen[id] {
			t.Fatalf("status %d, generated id %q (seen before: %v)", status, id, seen[id])
		}
		seen[id] = true
	}
	// A job-only function has no routes of its own.
	status, _, body := do(t, srv, "GET", "/api/v1/costs", nil, "")
	if status != 404 || !strings.Contains(string(body), `"code":"not_found"`) {
		t.Errorf("no-handler route: %d %s", status, body)
	}
}

func TestAddr(t *testing.T) {
	tests := []struct {
		name string
		env  map[string]string
		want string
	}{
		{"custom listen port wins", map[string]string{"FC_CUSTOM_LISTEN_PORT": "9100", "FC_SERVER_PORT": "9200"}, "0.0.0.0:9100"},
		{"older server port", map[string]string{"FC_SERVER_PORT": "9200"}, "0.0.0.0:9200"},
		{"blank custom port falls through", map[string]string{"FC_CUSTOM_LISTEN_PORT": " ", "FC_SERVER_PORT": "9200"}, "0.0.0.0:9200"},
		{"default", map[string]string{}, "0.0.0.0:9000"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := fcx.Addr(func(k string) string { return tc.env[k] }); got != tc.want {
				t.Errorf("Addr = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestServeNeedsHandlerOrJob(t *testing.T) {
	if err := fcx.Serve(context.Background(), fcx.Options{Name: "empty"}); err == nil {
		t.Fatal("Serve with neither Handler nor Job returned nil")
	}
}
