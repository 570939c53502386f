package auth

import (
	"strings"
	"testing"
)

func TestEmailProblem(t *testing.T) {
	tests := []struct {
		in string
		ok bool
	}{
		{"ann@example.com", true},
		{"  Ann.Lee+costs@Example.COM ", true},
		{"admin@cloudlens.local", true},
		{"o'brien@example.ie", true},
		{"x@sub-domain.example.co.uk", true},
		{"' or '1'='1@x", false},
		{"' or '1'='1@x.com", false},
		{"ann@x", false},
		{"ann", false},
		{"@example.com", false},
		{"ann@", false},
		{"Ann <ann@example.com>", false},
		{`"ann lee"@example.com`, false},
		{"ann@example.com (work)", false},
		{"ann..lee@example.com", false},
		{".ann@example.com", false},
		{"ann@-example.com", false},
		{"ann@example..com", false},
		{"ann\x00@example.com", false},
		{"ann@example.com\n", true}, // trimmed by normalisation, like any surrounding space
		{"ann\n@example.com", false},
		{"a@b@example.com", false},
		{strings.Repeat("a", 65) + "@example.com", false},
		{"a@" + strings.Repeat("b", 250) + ".com", false},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if err := EmailProblem(tt.in); (err == nil) != tt.ok {
				t.Fatalf("EmailProblem(%q) = %v, want ok=%v", tt.in, err, tt.ok)
			}
		})
	}
}

func TestUserInputValidate(t *testing.T) {
	str := func(s string) *string { return &s }
	role := func(r Role) *Role { return &r }
	tests := []struct {
		name string
		in   UserInput
		want string // substring of the problem; "" = valid
	}{
		{"complete", UserInput{Email: str("a@example.com"), Name: str("Ann"), Password: str("0123456789"), Role: role(RoleViewer)}, ""},
		{"nothing changes", UserInput{}, ""},
		{"NUL in name", UserInput{Name: str("Ann\x00")}, "name: must not contain control characters"},
		{"newline in name", UserInput{Name: str("Ann\nadmin")}, "name: must not contain control characters"},
		{"NUL in password", UserInput{Password: str("0123456789\x00")}, "password: must not contain control characters"},
		{"short password", UserInput{Password: str("short")}, "at least 10"},
		{"long password", UserInput{Password: str(strings.Repeat("x", 73))}, "password: longer than 72"},
		{"bad e-mail", UserInput{Email: str("' or '1'='1@x")}, "plain address"},
		{"bad role", UserInput{Role: role("root")}, `role: "root" is not one of admin, editor, viewer`},
		{"long name", UserInput{Name: str(strings.Repeat("n", 101))}, "name: longer than 100"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.in.Validate()
			if tt.want == "" {
				if err != nil {
					t.Fatalf("unexpected: %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("got %v, want %q", err, tt.want)
			}
		})
	}
}
