package job

import (
	"context"
	"encoding/json"
	"strings"
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
		invalid string // what the 400 must name
	}{
		{month, `{}`, "", ""},
		{month, `{"month":"2025-02"}`, `{"month":"2025-02"}`, ""},
		{month, `{"month":"2025-03"}`, `{"month":"2025-03"}`, ""}, // the current month, up to yesterday
		{month, `{"month":"2025-04"}`, "", "month 2025-04 has not begun"},
		{month, `{"month":"2025-13"}`, "", "month"},
		{month, `{"month":"25-01"}`, "", "month"},
		{month, `{"month":202501}`, "", "month must be a string"},
		{month, `{"month":"2025-01","force":"1"}`, "", "force: reportgen takes only month"},
		{none, `{"month":"2025-01"}`, "", "month: budgetcheck takes no parameters"},
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
				if !errs.Is(err, errs.KindInvalid) || !strings.Contains(errs.Message(err), tt.invalid) {
					t.Fatalf("error %v, want one naming %q", err, tt.invalid)
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
