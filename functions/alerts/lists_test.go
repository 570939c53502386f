package alerts

import (
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/cloudlens/cloudlens/shared/app"
	"github.com/cloudlens/cloudlens/shared/app/apptest"
)

// TestRuleListsCappedAndDeduplicated: a rule's channelIds and budgetIds are de-duplicated before
// anything is looked up, and capped, so a body of 200,000 ids answers at once instead of
// looking each one up.
func TestRuleListsCappedAndDeduplicated(t *testing.T) {
	apptest.Each(t, func(t *testing.T, d *app.Deps) {
		f := setup(t, d)
		res := f.c.Do(http.MethodPost, "/api/v1/alerts/channels", f.editor, map[string]any{"type": "wecom", "name": "a", "url": "http://127.0.0.1:9/a"})
		var ch channelJSON
		res.JSON(t, &ch)
		if ch.ID == 0 {
			t.Fatalf("channel: %d %s", res.Status, res.Body)
		}
		repeat := func(id int64, n int) []int64 { return slices.Repeat([]int64{id}, n) }
		distinct := func(n int) []int64 {
			out := make([]int64, n)
			for i := range out {
				out[i] = int64(i + 1)
			}
			return out
		}
		tests := []struct {
			name   string
			body   map[string]any
			status int
			field  string
		}{
			{"200,000 repeats of one channel", map[string]any{"name": "r", "kind": "budget", "channelIds": repeat(ch.ID, 200_000)}, 201, ""},
			{"100,000 repeats of a missing budget", map[string]any{"name": "r", "kind": "budget", "channelIds": []int64{ch.ID}, "budgetIds": repeat(98765, 100_000)}, 400, "budgetIds: 98765 does not exist"},
			{"1,001 budgets", map[string]any{"name": "r", "kind": "budget", "channelIds": []int64{ch.ID}, "budgetIds": distinct(1001)}, 400, "budgetIds: at most 1000"},
			{"51 channels", map[string]any{"name": "r", "kind": "budget", "channelIds": distinct(51)}, 400, "channelIds: at most 50"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				start := time.Now()
				res := f.c.Do(http.MethodPost, "/api/v1/alerts/rules", f.editor, tt.body)
				if took := time.Since(start); took > 3*time.Second {
					t.Errorf("took %s", took)
				}
				if tt.status == 400 {
					wantInvalid(t, res, tt.field)
					return
				}
				if res.Status != tt.status {
					t.Fatalf("%d %s, want %d", res.Status, res.Body, tt.status)
				}
				var rl ruleJSON
				res.JSON(t, &rl)
				if !slices.Equal(rl.ChannelIDs, []int64{ch.ID}) {
					t.Errorf("channelIds = %v, want [%d]", rl.ChannelIDs, ch.ID)
				}
			})
		}
	})
}
