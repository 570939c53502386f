package job

import (
	"context"
	"encoding/json"
	"slices"
	"time"

	"github.com/cloudlens/cloudlens/shared/billing"
	"github.com/cloudlens/cloudlens/shared/errs"
)

// ParamKind is what a job parameter holds, and so how it is checked.
type ParamKind string

// ParamMonth is a calendar month, "YYYY-MM", not after the current one (Asia/Shanghai).
const ParamMonth ParamKind = "month"

// Param is a parameter "run now" may give a job. Every parameter is optional: a run without
// it (a timer, a chain) does the job's default work.
type Param struct {
	Name string
	Kind ParamKind
}

// ParseParams checks the parameters of a "run now" of e against what e declares and returns
// them as the JSON object stored with the run ("" when none are given). The error names the
// bad field.
func ParseParams(e Entry, in map[string]json.RawMessage, now time.Time) (string, error) {
	if len(in) == 0 {
		return "", nil
	}
	names := make([]string, 0, len(in))
	for k := range in {
		names = append(names, k)
	}
	slices.Sort(names)
	out := map[string]string{}
	for _, name := range names {
		i := slices.IndexFunc(e.Params, func(p Param) bool { return p.Name == name })
		if i < 0 {
			// The English message says what the job takes; the code names the field.
			return "", errs.UnknownField(name)
		}
		var v string
		if err := json.Unmarshal(in[name], &v); err != nil {
			return "", errs.BadType(name, "string")
		}
		if err := e.Params[i].check(v, now); err != nil {
			return "", err
		}
		out[name] = v
	}
	b, err := json.Marshal(out)
	return string(b), err
}

func (p Param) check(v string, now time.Time) error {
	switch p.Kind {
	case ParamMonth:
		m, err := time.ParseInLocation("2006-01", v, billing.Shanghai)
		if err != nil {
			return errs.InvalidField(p.Name, errs.ReasonMonth, "%q is not a month (YYYY-MM)", errs.Clip(v, 20))
		}
		n := now.In(billing.Shanghai)
		if m.After(time.Date(n.Year(), n.Month(), 1, 0, 0, 0, 0, billing.Shanghai)) {
			return errs.InvalidField(p.Name, errs.ReasonNotBilled, "%s has not begun", v)
		}
	}
	return nil
}

type paramsKey struct{}

// WithParams is ctx carrying the parameters of the run it does (the run's Params).
func WithParams(ctx context.Context, params string) context.Context {
	return context.WithValue(ctx, paramsKey{}, params)
}

// Params returns the parameter name of the run ctx belongs to, "" when it was not given.
func Params(ctx context.Context, name string) string {
	s, _ := ctx.Value(paramsKey{}).(string)
	if s == "" {
		return ""
	}
	var m map[string]string
	if json.Unmarshal([]byte(s), &m) != nil {
		return ""
	}
	return m[name]
}
