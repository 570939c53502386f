package logx_test

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"strings"
	"testing"

	"github.com/cloudlens/cloudlens/shared/logx"
)

// keys returns the top-level keys of one JSON log line in order, duplicates kept (a map
// would hide a key written twice).
func keys(t *testing.T, line string) map[string][]any {
	t.Helper()
	dec := json.NewDecoder(strings.NewReader(line))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		t.Fatalf("not a JSON object: %s", line)
	}
	out := map[string][]any{}
	for dec.More() {
		k, err := dec.Token()
		if err != nil {
			t.Fatal(err)
		}
		var v any
		if err := dec.Decode(&v); err != nil {
			t.Fatal(err)
		}
		out[k.(string)] = append(out[k.(string)], v)
	}
	return out
}

func TestHandler(t *testing.T) {
	full := logx.WithRunID(logx.WithJob(logx.WithFunction(logx.WithRequestID(context.Background(), "req-1"), "cloudlens-costs"), "nightly"), 42)
	cases := []struct {
		name string
		log  func(l *slog.Logger)
		want map[string]any // key → the only value it may have; nil value: key must be absent
	}{
		{"no context: the default function only",
			func(l *slog.Logger) { l.Info("m") },
			map[string]any{"function": "cloudlens-default", "request_id": nil, "job": nil, "run_id": nil}},
		{"request context",
			func(l *slog.Logger) { l.InfoContext(logx.WithRequestID(context.Background(), "req-1"), "m") },
			map[string]any{"function": "cloudlens-default", "request_id": "req-1", "job": nil}},
		{"every attribute, the context's function over the default",
			func(l *slog.Logger) { l.WarnContext(full, "m") },
			map[string]any{"function": "cloudlens-costs", "request_id": "req-1", "job": "nightly", "run_id": float64(42)}},
		{"a record's own attribute is not doubled",
			func(l *slog.Logger) { l.InfoContext(full, "m", "request_id", "explicit", "function", "f") },
			map[string]any{"function": "f", "request_id": "explicit", "job": "nightly"}},
		{"an attribute bound with With is not doubled",
			func(l *slog.Logger) { l.With("function", "bound", "run_id", 7).InfoContext(full, "m") },
			map[string]any{"function": "bound", "run_id": float64(7), "request_id": "req-1"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var b bytes.Buffer
			tc.log(logx.New(slog.NewJSONHandler(&b, nil), "cloudlens-default"))
			got := keys(t, b.String())
			for k, want := range tc.want {
				vs := got[k]
				switch {
				case want == nil && len(vs) != 0:
					t.Errorf("%s = %v, want absent", k, vs)
				case want != nil && (len(vs) != 1 || vs[0] != want):
					t.Errorf("%s = %v, want exactly [%v]", k, vs, want)
				}
			}
		})
	}
}

func TestOrDiscard(t *testing.T) {
	if !logx.OrDiscard(nil).Handler().Enabled(context.Background(), slog.LevelError) == false {
		t.Error("the discard logger claims to write")
	}
	l := slog.New(slog.NewTextHandler(&bytes.Buffer{}, nil))
	if logx.OrDiscard(l) != l {
		t.Error("OrDiscard replaced a given logger")
	}
}
