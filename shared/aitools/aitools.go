// Package aitools is the one registry of the read-only tools the AI analyst calls: the chat
// loop, the analysis endpoints and the MCP server all list and call the same tools. Each tool
// runs the code the API runs (shared/cost, shared/budget, the store's anomaly, finding and
// inventory reads) within the caller's account scope, validates its arguments as the API
// validates its input, and answers with a trimmed JSON result a model can read. A bad argument is an error the model can read and correct.
//
// Adding a tool is one small addition: write its Tool value (name, description, JSON schema of
// its arguments, Run) in a file of this package and list it in builtins.
package aitools

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"time"

	"github.com/cloudlens/cloudlens/shared/account"
	"github.com/cloudlens/cloudlens/shared/anomaly"
	"github.com/cloudlens/cloudlens/shared/budget"
	"github.com/cloudlens/cloudlens/shared/cost"
	"github.com/cloudlens/cloudlens/shared/errs"
	"github.com/cloudlens/cloudlens/shared/idle"
	"github.com/cloudlens/cloudlens/shared/logx"
	"github.com/cloudlens/cloudlens/shared/resource"
	"github.com/cloudlens/cloudlens/shared/store"
)

// Store is what the tools read; shared/store implements it. Each method is the one the
// matching API handler calls, so a tool and the API cannot disagree.
type Store interface {
	cost.Store
	ListBudgets(ctx context.Context, scope account.Scope) ([]budget.Budget, error)
	// Anomalies, as GET /api/v1/anomaly and /api/v1/anomaly/{id} read them.
	ListAnomalies(ctx context.Context, scope account.Scope, f store.AnomalyFilter) ([]anomaly.Record, error)
	GetAnomaly(ctx context.Context, scope account.Scope, id int64) (anomaly.Record, error)
	// Idle findings and the inventory, as GET /api/v1/resources/findings and /api/v1/resources read them.
	ListFindings(ctx context.Context, scope account.Scope, f store.FindingFilter, now time.Time) ([]idle.Record, error)
	FindingTotals(ctx context.Context, scope account.Scope, f store.FindingFilter, now time.Time) ([]store.FindingTotal, error)
	ListResources(ctx context.Context, scope account.Scope, f store.ResourceFilter) ([]resource.Resource, int64, error)
	ResourceCosts(ctx context.Context, scope account.Scope, ids []string, start, end string, metric cost.Metric) ([]store.ResourceCost, error)
}

var _ Store = (*store.Store)(nil)

// Deps are the tools' dependencies.
type Deps struct {
	Store Store
	Log   *slog.Logger
}

// Env is who calls and when: every tool is limited to Scope, and "today" is Now.
type Env struct {
	Scope account.Scope
	Now   time.Time
}

// Tool is one tool.
type Tool struct {
	Name        string
	Description string
	// Params is the JSON schema (an object) of the arguments.
	Params json.RawMessage
	// Run answers the decoded call; args is the JSON object the model sent ({} when none).
	Run func(ctx context.Context, d Deps, env Env, args json.RawMessage) (any, error)
}

// builtins are the tools every registry has, in the order they are offered.
func builtins() []Tool {
	return []Tool{
		costOverviewTool,
		queryCostsTool,
		forecastTool,
		topResourcesTool,
		resourceCostTool,
		budgetStatusTool,
		listAnomaliesTool,
		anomalyDetailTool,
		idleFindingsTool,
		findResourcesTool,
	}
}

// Registry holds the tools.
type Registry struct {
	deps  Deps
	tools []Tool
}

// New returns the registry of the built-in tools.
func New(d Deps) *Registry {
	d.Log = logx.OrDiscard(d.Log)
	return &Registry{deps: d, tools: builtins()}
}

// Tools lists the tools.
func (r *Registry) Tools() []Tool { return r.tools }

// Lookup returns the tool named name.
func (r *Registry) Lookup(name string) (Tool, bool) {
	for _, t := range r.tools {
		if t.Name == name {
			return t, true
		}
	}
	return Tool{}, false
}

// MaxResultBytes caps a tool's result: tools trim their lists well below it, and a result that
// still exceeds it is cut with a note, so one call cannot flood the model's context.
const MaxResultBytes = 12_000

// Result is the outcome of one call: the JSON text the model reads, and whether it is an error.
type Result struct {
	Text  string
	Error bool
}

// Call runs tool name with args (JSON text; empty means {}). Problems the model can fix (an
// unknown tool, bad arguments, nothing found) come back as an error result it can read, so
// the conversation goes on; the error return is for failures of CloudLens itself, whose
// detail is logged and never shown.
func (r *Registry) Call(ctx context.Context, env Env, name, args string) Result {
	t, ok := r.Lookup(name)
	if !ok {
		names := make([]string, len(r.tools))
		for i, t := range r.tools {
			names[i] = t.Name
		}
		return errorResult(fmt.Sprintf("unknown tool %q; the tools are %s", errs.Clip(name, 60), strings.Join(names, ", ")))
	}
	raw := json.RawMessage(strings.TrimSpace(args))
	if len(raw) == 0 {
		raw = json.RawMessage("{}")
	}
	if !json.Valid(raw) || raw[0] != '{' {
		return errorResult("arguments must be a JSON object")
	}
	v, err := t.Run(ctx, r.deps, env, raw)
	if err != nil {
		switch errs.KindOf(err) {
		case errs.KindInvalid, errs.KindNotFound, errs.KindForbidden:
			return errorResult(errs.Message(err))
		}
		r.deps.Log.ErrorContext(ctx, "tool failed", "tool", name, "error", err.Error())
		return errorResult("the tool failed inside CloudLens; try again later or answer without it")
	}
	b, err := json.Marshal(v)
	if err != nil {
		r.deps.Log.ErrorContext(ctx, "tool result not encodable", "tool", name, "error", err.Error())
		return errorResult("the tool failed inside CloudLens")
	}
	if len(b) > MaxResultBytes {
		b = append(b[:MaxResultBytes:MaxResultBytes], []byte(`… [cut: the result is longer than the tool may return; narrow the question]`)...)
	}
	return Result{Text: string(b)}
}

func errorResult(msg string) Result {
	b, _ := json.Marshal(map[string]string{"error": msg})
	return Result{Text: string(b), Error: true}
}

// decode reads args into v strictly, naming the bad field the way the API does.
func decode(args json.RawMessage, v any) error {
	dec := json.NewDecoder(bytes.NewReader(args))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var te *json.UnmarshalTypeError
		switch {
		case errors.As(err, &te):
			return errs.Invalid("argument %s must be %s", argName(te.Field), jsonKind(te.Type.Kind().String()))
		case strings.HasPrefix(err.Error(), "json: unknown field "):
			return errs.Invalid("unknown argument %s", strings.TrimPrefix(err.Error(), "json: unknown field "))
		}
		return errs.Invalid("arguments are not valid JSON: %s", errs.Clip(err.Error(), 100))
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return errs.Invalid("arguments must be one JSON object")
	}
	return nil
}

// argName is the argument's JSON name: the decoder's path names the embedded argument
// structs (listArgs.limit), which the model never saw.
func argName(path string) string {
	parts := strings.Split(path, ".")
	out := parts[:0]
	for _, p := range parts {
		if !strings.HasSuffix(p, "Args") {
			out = append(out, p)
		}
	}
	return strings.Join(out, ".")
}

func jsonKind(goKind string) string {
	switch goKind {
	case "string":
		return "a string"
	case "slice", "array":
		return "a list"
	case "int", "int64", "int32", "float64":
		return "a number"
	case "bool":
		return "true or false"
	}
	return "of another type"
}
