// Package ai is the cloudlens-ai function: root-cause analysis of a period's change
// (deterministic contributors first, then the model's narrative or a template without a
// model), optimisation advice, monthly reports and their downloads, and the MCP server that
// lets people's own assistants use CloudLens's tools with an API key.
package ai

import (
	"net/http"

	"github.com/cloudlens/cloudlens/shared/aitools"
	"github.com/cloudlens/cloudlens/shared/analyst"
	"github.com/cloudlens/cloudlens/shared/app"
	"github.com/cloudlens/cloudlens/shared/httpx"
	"github.com/cloudlens/cloudlens/shared/llm"
)

type api struct {
	d     *app.Deps
	llm   *llm.Client
	tools *aitools.Registry
}

// New returns the function's HTTP handler.
func New(d *app.Deps) http.Handler {
	a := &api{d: d, llm: analyst.NewLLM(d), tools: analyst.NewTools(d)}
	mux := http.NewServeMux()
	m := a.mcpHandler()
	mux.Handle("POST /api/v1/mcp", m)
	// GET and DELETE reach the MCP handler too, which answers 405: the server is stateless.
	mux.Handle("/api/v1/mcp", m)
	mux.Handle("POST /api/v1/ai/analyze", d.AuthedFunc(a.analyze))
	mux.Handle("POST /api/v1/ai/optimize", d.AuthedFunc(a.optimize))
	mux.Handle("GET /api/v1/ai/reports", d.AuthedFunc(a.listReports))
	mux.Handle("POST /api/v1/ai/reports", d.AuthedFunc(a.createReport))
	mux.Handle("GET /api/v1/ai/reports/{id}/download", d.AuthedFunc(a.downloadReport))
	// Signed links to the local reports folder carry their own credential.
	mux.Handle("GET /api/v1/ai/report-files", d.Handle(a.reportFile))
	mux.Handle("/", httpx.NotFound(d.Log))
	return d.API(mux)
}
