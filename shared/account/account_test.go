package account

import (
	"slices"
	"testing"
)

func TestScopeNarrow(t *testing.T) {
	tests := []struct {
		name  string
		scope Scope
		ids   []int64
		want  Scope
	}{
		{"admin narrows to the asked accounts", AllAccounts, []int64{3, 1, 3}, Scope{IDs: []int64{3, 1}}},
		{"no ids keeps the scope", Scope{IDs: []int64{1, 2}}, nil, Scope{IDs: []int64{1, 2}}},
		{"ungranted ids are dropped", Scope{IDs: []int64{1, 2}}, []int64{2, 9}, Scope{IDs: []int64{2}}},
		{"only ungranted ids give an empty scope", Scope{IDs: []int64{1}}, []int64{9}, Scope{IDs: []int64{}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tt.scope.Narrow(tt.ids)
			if got.All != tt.want.All || !slices.Equal(got.IDs, tt.want.IDs) {
				t.Fatalf("Narrow = %+v, want %+v", got, tt.want)
			}
		})
	}
}
