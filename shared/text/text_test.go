package text

import (
	"strings"
	"testing"

	"github.com/cloudlens/cloudlens/shared/errs"
)

func TestCheck(t *testing.T) {
	tests := []struct {
		name, in string
		code     string // "" when the text is fine
		reason   string
	}{
		{"plain", "Prod acct", "", ""},
		{"accents and CJK", "Zoë 生产环境", "", ""},
		{"emoji", "team 🚀", "", ""},
		{"NUL", "ann\x00", errs.CodeInvalidField, errs.ReasonControl},
		{"newline", "ann\nINFO", errs.CodeInvalidField, errs.ReasonControl},
		{"tab", "a\tb", errs.CodeInvalidField, errs.ReasonControl},
		{"escape", "\x1b[31mred", errs.CodeInvalidField, errs.ReasonControl},
		{"DEL", "a\x7f", errs.CodeInvalidField, errs.ReasonControl},
		{"C1 control", "a\u0085b", errs.CodeInvalidField, errs.ReasonControl},
		{"right-to-left override", "inv\u202Eexe", errs.CodeInvalidField, errs.ReasonControl},
		{"isolate", "a\u2066b", errs.CodeInvalidField, errs.ReasonControl},
		{"invalid UTF-8", "a\xffb", errs.CodeInvalidField, errs.ReasonUTF8},
		{"at the limit", strings.Repeat("é", 10), "", ""},
		{"over the limit", strings.Repeat("é", 11), errs.CodeTooLong, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := Check("name", tt.in, 10)
			code, params := errs.CodeOf(err)
			if code != tt.code || params["reason"] != tt.reason {
				t.Fatalf("Check(%q) = %v (%s %v), want %q %q", tt.in, err, code, params, tt.code, tt.reason)
			}
			if err != nil && (!errs.Is(err, errs.KindInvalid) || params["field"] != "name" || !strings.HasPrefix(errs.Message(err), "name: ")) {
				t.Fatalf("the problem does not name the field: %v %v", err, params)
			}
		})
	}
}
