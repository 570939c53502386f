package resource

import "testing"

func TestSmallerSpec(t *testing.T) {
	tests := []struct{ spec, want string }{
		{"ecs.g7.2xlarge", "ecs.g7.xlarge"},
		{"ecs.g7.xlarge", "ecs.g7.large"},
		{"ecs.g7.large", ""},
		{"ecs.g7.4xlarge", "ecs.g7.3xlarge"},
		{"mysql.n2.medium.1", ""},
		{"bandwidth", ""},
	}
	for _, tt := range tests {
		if got := SmallerSpec(tt.spec); got != tt.want {
			t.Errorf("SmallerSpec(%q) = %q, want %q", tt.spec, got, tt.want)
		}
	}
}
