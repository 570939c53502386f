// Package llmtest is a local server speaking the OpenAI chat-completions protocol, streaming
// included, that answers from a script: tests of the AI features run against it instead of a
// real model, and see every request the code under test sent.
package llmtest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	openai "github.com/sashabaranov/go-openai"
)

// Call is a tool call the scripted model makes.
type Call struct {
	Name string
	Args string // JSON text
}

// Step is one scripted answer: text, tool calls, or an HTTP error status.
type Step struct {
	Text   string
	Calls  []Call
	Status int // non-zero: answer with this status and an error body
}

// Responder computes the answer to a request; it sees the whole conversation, so a script can
// answer with figures taken from the tool results the code sent back.
type Responder func(req openai.ChatCompletionRequest) Step

// Server is the scripted model.
type Server struct {
	URL string

	mu       sync.Mutex
	steps    []Responder
	fallback Responder
	requests []openai.ChatCompletionRequest
}

// Start serves a scripted model until the test ends; steps answer requests in order, then
// fallback (nil: a fixed text) answers the rest.
func Start(t testing.TB, fallback Responder, steps ...Responder) *Server {
	s := &Server{steps: steps, fallback: fallback}
	srv := httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(srv.Close)
	s.URL = srv.URL + "/v1"
	return s
}

// Fixed is a Responder that always answers st.
func Fixed(st Step) Responder { return func(openai.ChatCompletionRequest) Step { return st } }

// Requests are the requests received so far.
func (s *Server) Requests() []openai.ChatCompletionRequest {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]openai.ChatCompletionRequest(nil), s.requests...)
}

func (s *Server) next(req openai.ChatCompletionRequest) Step {
	s.mu.Lock()
	s.requests = append(s.requests, req)
	var r Responder
	if len(s.steps) > 0 {
		r, s.steps = s.steps[0], s.steps[1:]
	} else {
		r = s.fallback
	}
	s.mu.Unlock()
	if r == nil {
		return Step{Text: "scripted answer"}
	}
	return r(req)
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost || r.URL.Path != "/v1/chat/completions" {
		http.Error(w, `{"error":{"message":"not found","type":"invalid_request_error"}}`, http.StatusNotFound)
		return
	}
	var req openai.ChatCompletionRequest
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		http.Error(w, `{"error":{"message":"bad json","type":"invalid_request_error"}}`, http.StatusBadRequest)
		return
	}
	st := s.next(req)
	if st.Status != 0 {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(st.Status)
		fmt.Fprintf(w, `{"error":{"message":"scripted failure %d","type":"server_error"}}`, st.Status)
		return
	}
	var calls []openai.ToolCall
	for i, c := range st.Calls {
		calls = append(calls, openai.ToolCall{ID: fmt.Sprintf("call_%d_%d", len(s.Requests()), i), Type: openai.ToolTypeFunction,
			Function: openai.FunctionCall{Name: c.Name, Arguments: c.Args}})
	}
	usage := openai.Usage{PromptTokens: 100, CompletionTokens: 20, TotalTokens: 120}
	finish := openai.FinishReasonStop
	if len(calls) > 0 {
		finish = openai.FinishReasonToolCalls
	}
	if !req.Stream {
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(openai.ChatCompletionResponse{ID: "chatcmpl-test", Object: "chat.completion", Model: req.Model,
			Choices: []openai.ChatCompletionChoice{{Message: openai.ChatCompletionMessage{Role: "assistant", Content: st.Text, ToolCalls: calls}, FinishReason: finish}},
			Usage:   usage})
		return
	}
	w.Header().Set("Content-Type", "text/event-stream")
	flusher, _ := w.(http.Flusher)
	send := func(v any) {
		b, _ := json.Marshal(v)
		fmt.Fprintf(w, "data: %s\n\n", b)
		if flusher != nil {
			flusher.Flush()
		}
	}
	chunk := func(d openai.ChatCompletionStreamChoiceDelta, fr openai.FinishReason) openai.ChatCompletionStreamResponse {
		return openai.ChatCompletionStreamResponse{ID: "chatcmpl-test", Object: "chat.completion.chunk", Model: req.Model,
			Choices: []openai.ChatCompletionStreamChoice{{Delta: d, FinishReason: fr}}}
	}
	// Text in pieces of a few runes, tool calls in two pieces each (id and name with the first
	// half of the arguments, then the rest), as real servers send them.
	runes := []rune(st.Text)
	for i := 0; i < len(runes); i += 7 {
		send(chunk(openai.ChatCompletionStreamChoiceDelta{Role: "assistant", Content: string(runes[i:min(i+7, len(runes))])}, ""))
	}
	for i, c := range calls {
		idx := i
		half := len(c.Function.Arguments) / 2
		send(chunk(openai.ChatCompletionStreamChoiceDelta{ToolCalls: []openai.ToolCall{{Index: &idx, ID: c.ID, Type: c.Type,
			Function: openai.FunctionCall{Name: c.Function.Name, Arguments: c.Function.Arguments[:half]}}}}, ""))
		send(chunk(openai.ChatCompletionStreamChoiceDelta{ToolCalls: []openai.ToolCall{{Index: &idx,
			Function: openai.FunctionCall{Arguments: c.Function.Arguments[half:]}}}}, ""))
	}
	send(chunk(openai.ChatCompletionStreamChoiceDelta{}, finish))
	send(openai.ChatCompletionStreamResponse{ID: "chatcmpl-test", Object: "chat.completion.chunk", Model: req.Model,
		Choices: []openai.ChatCompletionStreamChoice{}, Usage: &usage})
	fmt.Fprint(w, "data: [DONE]\n\n")
	if flusher != nil {
		flusher.Flush()
	}
}
