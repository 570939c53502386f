package aitools

import (
	"context"
	"encoding/json"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/cloudlens/cloudlens/shared/account"
	"github.com/cloudlens/cloudlens/shared/cost"
	"github.com/cloudlens/cloudlens/shared/errs"
	"github.com/cloudlens/cloudlens/shared/money"
)

// The checks every tool's arguments share, written once: the API's rules and wording for
// limits, dates and accounts, so a model reads the same message a person would.

// run adapts a tool body over typed arguments A to Tool.Run: the arguments are decoded
// strictly (unknown fields and wrong types are named) before the body sees them.
func run[A any](body func(ctx context.Context, d Deps, env Env, a A) (any, error)) func(context.Context, Deps, Env, json.RawMessage) (any, error) {
	return func(ctx context.Context, d Deps, env Env, raw json.RawMessage) (any, error) {
		var a A
		if err := decode(raw, &a); err != nil {
			return nil, err
		}
		return body(ctx, d, env, a)
	}
}

// scopeOf narrows the caller's scope to the accounts asked for. An account the caller may
// not see is not found, as in the API, so accounts cannot be probed; it is never a way to
// reach the account.
func scopeOf(env Env, ids []int64) (account.Scope, error) {
	for _, id := range ids {
		if id <= 0 || !env.Scope.Contains(id) {
			return account.Scope{}, errs.NotFound("account %d not found: it is not one of the accounts you may see", id)
		}
	}
	return env.Scope.Narrow(ids), nil
}

// limitArg is n within 1..hi, def when absent (0).
func limitArg(name string, n, def, hi int) (int, error) {
	if n == 0 {
		return def, nil
	}
	if n < 1 || n > hi {
		return 0, errs.Invalid("%s must be between 1 and %d", name, hi)
	}
	return n, nil
}

// dateArg checks an optional day, YYYY-MM-DD.
func dateArg(name, v string) error {
	if v == "" {
		return nil
	}
	if _, err := time.Parse(time.DateOnly, v); err != nil {
		return errs.Invalid("%s %q is not a date (YYYY-MM-DD)", name, errs.Clip(v, 40))
	}
	return nil
}

// rangeArgs checks optional start and end days, end not before start.
func rangeArgs(start, end string) error {
	if err := dateArg("start", start); err != nil {
		return err
	}
	if err := dateArg("end", end); err != nil {
		return err
	}
	if start != "" && end != "" && end < start {
		return errs.Invalid("end %s is before start %s", end, start)
	}
	return nil
}

// textArg is v trimmed, at most max characters.
func textArg(name, v string, max int) (string, error) {
	v = strings.TrimSpace(v)
	if utf8.RuneCountInString(v) > max {
		return "", errs.Invalid("%s is longer than %d characters", name, max)
	}
	return v, nil
}

// oneOf checks that an optional v is one of the allowed values.
func oneOf[S ~string](name, v string, allowed []S) error {
	if v == "" {
		return nil
	}
	names := make([]string, len(allowed))
	for i, a := range allowed {
		if string(a) == v {
			return nil
		}
		names[i] = string(a)
	}
	return errs.Invalid("%s %q is not one of %s", name, errs.Clip(v, 40), strings.Join(names, ", "))
}

// amountArg reads an optional non-negative amount given as a decimal string or a number.
func amountArg(name string, v any) (money.Micros, error) {
	var s string
	switch x := v.(type) {
	case nil:
		return 0, nil
	case string:
		s = strings.TrimSpace(x)
	case float64:
		s = strconv.FormatFloat(x, 'f', -1, 64)
	default:
		return 0, errs.Invalid("%s must be an amount such as \"100\" or \"99.50\"", name)
	}
	if s == "" {
		return 0, nil
	}
	m, err := money.Parse(s)
	if err != nil || m < 0 {
		return 0, errs.Invalid("%s %q is not a non-negative amount", name, errs.Clip(s, 40))
	}
	return m, nil
}

// Trimmed lists: a model needs the largest few and how many more there are, not every row.
const (
	defaultItems = 10
	maxItems     = 20
)

// listArgs are the arguments every list tool takes: the accounts to look at (default all the
// caller may see) and how many items to show.
type listArgs struct {
	AccountIDs []int64 `json:"accountIds"`
	Limit      int     `json:"limit"`
}

// check is the caller's scope narrowed to the accounts asked for, and the limit.
func (a listArgs) check(env Env) (account.Scope, int, error) {
	scope, err := scopeOf(env, a.AccountIDs)
	if err != nil {
		return scope, 0, err
	}
	limit, err := limitArg("limit", a.Limit, defaultItems, maxItems)
	return scope, limit, err
}

// listSchema is the schema of listArgs' properties for a list of what.
func listSchema(what string) string {
	return accountIDsSchema + `,"limit":{"type":"integer","minimum":1,"maximum":20,"description":"How many ` + what +
		` to show (default 10); the result counts them all."}`
}

// more is how many of total are left out of a list of shown items, and a note that says so;
// capped means the read stopped at its bound, so there may be more still.
func more(shown, total int, capped bool) (int, string) {
	rest := total - shown
	switch {
	case rest <= 0 && !capped:
		return 0, ""
	case capped:
		return rest, "at least " + strconv.Itoa(rest) + " more not shown; narrow the question (filters, dates, an account) to see them"
	}
	return rest, strconv.Itoa(rest) + " more not shown; narrow the question (filters, dates, an account) to see them"
}

// labels reads the names of the accounts, products and regions the caller may see.
func labels(ctx context.Context, d Deps, scope account.Scope) (cost.Labels, error) {
	return cost.Service{Store: d.Store}.Labels(ctx, scope, cost.Query{})
}

// name is the display name of v in dimension kind, or v itself when it has none.
func name(l cost.Labels, kind, v string) string {
	if n := l.Label(cost.Dim{Kind: kind}, v); n != "" {
		return n
	}
	return v
}

// accountName is the name of account id.
func accountName(l cost.Labels, id int64) string {
	if id == 0 {
		return "every account"
	}
	return name(l, cost.DimAccount, strconv.FormatInt(id, 10))
}
