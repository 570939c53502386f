package aitools

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/cloudlens/cloudlens/shared/account"
)

// Arguments are checked before anything is read: these calls never reach the store (a nil
// one), and each answers an error that names what is wrong.
func TestArgumentsAreCheckedBeforeAnyRead(t *testing.T) {
	r := New(Deps{})
	env := Env{Scope: account.Scope{IDs: []int64{1}}, Now: time.Date(2025, 3, 15, 10, 0, 0, 0, time.UTC)}
	for _, c := range []struct{ tool, args, want string }{
		{"list_anomalies", `{"accountIds":[2]}`, "account 2 not found"},
		{"list_anomalies", `{"accountIds":[0]}`, "account 0 not found"},
		{"list_anomalies", `{"limit":21}`, "limit must be between 1 and 20"},
		{"list_anomalies", `{"limit":-1}`, "limit must be between 1 and 20"},
		{"list_anomalies", `{"limit":"5"}`, "argument limit must be a number"},
		{"list_anomalies", `{"end":"2025/03/01"}`, `end "2025/03/01" is not a date (YYYY-MM-DD)`},
		{"list_anomalies", `{"minImpact":"lots"}`, `minImpact "lots" is not a non-negative amount`},
		{"list_anomalies", `{"minImpact":true}`, `minImpact must be an amount`},
		{"list_anomalies", `{"status":"open","extra":1}`, `unknown argument "extra"`},
		{"anomaly_detail", `{"id":-4}`, "id is required"},
		{"idle_findings", `{"type":"vm"}`, `type: "vm" is not one of ecs, disk`},
		{"idle_findings", `{"accountIds":"1"}`, "argument accountIds must be a list"},
		{"find_resources", `{"q":"` + strings.Repeat("x", 201) + `"}`, "q is longer than 200 characters"},
		{"find_resources", `{"tag":"` + strings.Repeat("k", 129) + `=v"}`, "tag must be key or key=value"},
		{"find_resources", `{"type":"ecs"} {}`, "arguments must be a JSON object"},
		{"find_resources", `[1]`, "arguments must be a JSON object"},
	} {
		res := r.Call(context.Background(), env, c.tool, c.args)
		var e struct{ Error string }
		if err := json.Unmarshal([]byte(res.Text), &e); err != nil || !res.Error || !strings.Contains(e.Error, c.want) {
			t.Errorf("%s %s: %s, want an error saying %q", c.tool, c.args, res.Text, c.want)
		}
	}
}

func TestMoreCountsWhatIsLeftOut(t *testing.T) {
	for _, c := range []struct {
		shown, total int
		capped       bool
		more         int
		note         string
	}{
		{3, 3, false, 0, ""},
		{10, 14, false, 4, "4 more not shown"},
		{20, 1000, true, 980, "at least 980 more not shown"},
	} {
		n, note := more(c.shown, c.total, c.capped)
		if n != c.more || !strings.HasPrefix(note, c.note) || (c.note == "") != (note == "") {
			t.Errorf("more(%d, %d, %v) = %d %q", c.shown, c.total, c.capped, n, note)
		}
	}
}
