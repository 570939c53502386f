package errs

import (
	"maps"
	"testing"
)

func TestFieldErrors(t *testing.T) {
	var none Problems
	none.Add(nil)
	var two Problems
	two.Add(Required("name"))
	two.Add(TooMany("regions", 50))
	tests := []struct {
		name    string
		err     error
		code    string
		params  map[string]string
		message string
	}{
		{"required", Required("name"), CodeRequired, map[string]string{"field": "name"}, "name: is required"},
		{"length: empty", Length("key", 0, 128), CodeRequired, map[string]string{"field": "key"}, "key: is required"},
		{"length: over", Length("key", 129, 128), CodeTooLong, map[string]string{"field": "key", "max": "128"}, "key: longer than 128 characters"},
		{"out of range", OutOfRange("limit", 1, 200), CodeOutOfRange, map[string]string{"field": "limit", "min": "1", "max": "200"}, "limit: must be between 1 and 200"},
		{"unknown value, clipped", UnknownValue("period", "week", "month", "year"), CodeUnknownValue,
			map[string]string{"field": "period", "value": "week", "allowed": "month, year"}, `period: "week" is not one of month, year`},
		{"date order", DateOrder("2025-03-10", "2025-03-01"), CodeDateOrder, map[string]string{"start": "2025-03-10", "end": "2025-03-01"},
			"end 2025-03-01 is before start 2025-03-10"},
		{"two problems: the first is coded, both are told", two.Err(), CodeRequired, map[string]string{"field": "name"},
			"name: is required; regions: at most 50"},
		{"prefix keeps the code", Prefix("query", BadDate("start", "x")), CodeBadDate, map[string]string{"field": "start", "value": "x"},
			`query: start: "x" is not a date (YYYY-MM-DD)`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, params := CodeOf(tt.err)
			if KindOf(tt.err) != KindInvalid || code != tt.code || !maps.Equal(params, tt.params) || Message(tt.err) != tt.message {
				t.Fatalf("%s %s %v %q, want invalid %s %v %q", KindOf(tt.err), code, params, Message(tt.err), tt.code, tt.params, tt.message)
			}
		})
	}
	if none.Err() != nil {
		t.Fatalf("no problems: %v", none.Err())
	}
}
