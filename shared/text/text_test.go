package text

import (
	"strings"
	"testing"
)

func TestProblem(t *testing.T) {
	tests := []struct {
		name, in string
		ok       bool
	}{
		{"plain", "Prod acct", true},
		{"accents and CJK", "Zoë 生产环境", true},
		{"emoji", "team 🚀", true},
		{"NUL", "ann\x00", false},
		{"newline", "ann\nINFO forged log line", false},
		{"tab", "a\tb", false},
		{"escape", "\x1b[31mred", false},
		{"DEL", "a\x7f", false},
		{"C1 control", "a\u0085b", false},
		{"right-to-left override", "invoice\u202Etxt.exe", false},
		{"isolate", "a\u2066b", false},
		{"invalid UTF-8", "a\xffb", false},
		{"at the limit", strings.Repeat("é", 10), true},
		{"over the limit", strings.Repeat("é", 11), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := Problem("name", tt.in, 10)
			if (p == "") != tt.ok {
				t.Fatalf("Problem(%q) = %q, want ok=%v", tt.in, p, tt.ok)
			}
			if p != "" && !strings.HasPrefix(p, "name ") {
				t.Fatalf("problem does not name the field: %q", p)
			}
		})
	}
}
