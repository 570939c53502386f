package httpx

import (
	"net/http/httptest"
	"testing"
)

// TestPathIDIsCanonical: one resource has one URL; "01", "+1" and friends are not id 1.
func TestPathIDIsCanonical(t *testing.T) {
	tests := []struct {
		in   string
		want int64 // 0 = refused
	}{
		{"1", 1},
		{"42", 42},
		{"9223372036854775807", 9223372036854775807},
		{"01", 0},
		{"+1", 0},
		{"-1", 0},
		{"0", 0},
		{"00", 0},
		{" 1", 0},
		{"1 ", 0},
		{"1e3", 0},
		{"0x10", 0},
		{"１", 0}, // full-width digit
		{"9223372036854775808", 0},
		{"", 0},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			r := httptest.NewRequest("GET", "/things/x", nil)
			r.SetPathValue("id", tt.in)
			got, err := PathID(r, "id")
			if tt.want == 0 {
				if err == nil {
					t.Fatalf("PathID(%q) = %d, want refusal", tt.in, got)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("PathID(%q) = %d, %v; want %d", tt.in, got, err, tt.want)
			}
		})
	}
}
