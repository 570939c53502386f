package job

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/cloudlens/cloudlens/shared/billing"
	"github.com/cloudlens/cloudlens/shared/errs"
)

func TestParseParams(t *testing.T) {
	now := time.Date(2025, 3, 31, 23, 30, 0, 0, billing.Shanghai)
	month := Entry{Name: "reportgen", Params: []Param{{Name: "month", Kind: ParamMonth}}}
	none := Entry{Name: "budgetcheck"}
	tests := []struct {
		e       Entry
		body    string
		want    string
		invalid string // the 400's message code and field, "code field"
	}{
		{month, `{}`, "", ""},
		{month, `{"month":"2025-02"}`, `{"month":"2025-02"}`, ""},
		{month, `{"month":"2025-03"}`, `{"month":"2025-03"}`, ""}, // the current month, up to yesterday
		{month, `{"month":"2025-04"}`, "", "invalid_field month"},
		{month, `{"month":"2025-13"}`, "", "invalid_field month"},
		{month, `{"month":"25-01"}`, "", "invalid_field month"},
		{month, `{"month":202501}`, "", "bad_type month"},
		{month, `{"month":"2025-01","force":"1"}`, "", "unknown_field force"},
		{none, `{"month":"2025-01"}`, "", "unknown_field month"},
		{none, `{}`, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.e.Name+" "+tt.body, func(t *testing.T) {
			var in map[string]json.RawMessage
			if err := json.Unmarshal([]byte(tt.body), &in); err != nil {
				t.Fatal(err)
			}
			got, err := ParseParams(tt.e, in, now)
			if tt.invalid != "" {
				code, params := errs.CodeOf(err)
				if !errs.Is(err, errs.KindInvalid) || code+" "+params["field"] != tt.invalid {
					t.Fatalf("error %v (%s %v), want %q", err, code, params, tt.invalid)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("%q %v, want %q", got, err, tt.want)
			}
			if Params(WithParams(context.Background(), got), "month") != (map[string]string{`{"month":"2025-02"}`: "2025-02", `{"month":"2025-03"}`: "2025-03"})[got] {
				t.Fatalf("the run's month is not read back from %q", got)
			}
		})
	}
}
