package analyst

import (
	"time"

	"github.com/cloudlens/cloudlens/shared/aitools"
	"github.com/cloudlens/cloudlens/shared/app"
	"github.com/cloudlens/cloudlens/shared/llm"
)

// NewLLM is the model client of the configuration (nil when none is configured).
func NewLLM(d *app.Deps) *llm.Client {
	c := d.Config
	return llm.New(llm.Config{BaseURL: c.LLMBaseURL, APIKey: c.LLMAPIKey, Model: c.LLMModel, Timeout: c.LLMTimeout,
		Retries: 2, DailyTokens: int64(c.LLMDailyTokens)}, d.Store, d.Log, func() time.Time { return d.Now() })
}

// NewTools is the tool registry over the process's store.
func NewTools(d *app.Deps) *aitools.Registry {
	return aitools.New(aitools.Deps{Store: d.Store, Log: d.Log})
}

// New is the agent of the process: its model (if any) and every tool.
func New(d *app.Deps) *Agent {
	return &Agent{LLM: NewLLM(d), Tools: NewTools(d), MaxRounds: DefaultRounds}
}
