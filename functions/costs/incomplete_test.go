package costs

import (
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/cloudlens/cloudlens/shared/app"
	"github.com/cloudlens/cloudlens/shared/app/apptest"
)

// TestIncompleteDaysInEveryAnswer marks a day of one account incomplete, as a sync that failed
// that day does, and expects every answer whose range covers it to say so — and no other.
func TestIncompleteDaysInEveryAnswer(t *testing.T) {
	apptest.Each(t, func(t *testing.T, d *app.Deps) {
		f := setup(t, d)
		acc := f.data.Accounts[0].ID
		reason := "2025-03-10: throttled by Alibaba Cloud past every retry"
		if err := d.Store.MarkDayIncomplete(t.Context(), acc, "2025-03-10", reason, 1, time.Now()); err != nil {
			t.Fatal(err)
		}
		type answer struct {
			Incomplete []struct {
				AccountID int64
				Dates     []string
				Reason    string
			}
		}
		tests := []struct {
			name, path, token string
			want              bool
		}{
			{"overview", "/api/v1/costs/overview", f.admin, true},
			{"forecast", "/api/v1/costs/forecast", f.admin, true},
			{"explore over the day", "/api/v1/costs/explore?start=2025-03-01&end=2025-03-14&groupBy=product", f.admin, true},
			{"explore before the day", "/api/v1/costs/explore?start=2025-03-01&end=2025-03-09", f.admin, false},
			{"drill-down over the day", "/api/v1/costs/resources?start=2025-03-10&end=2025-03-10", f.admin, true},
			{"the viewer of that account", "/api/v1/costs/explore?start=2025-03-01&end=2025-03-14", f.viewer, true},
			{"another account's scope", fmt.Sprintf("/api/v1/costs/explore?start=2025-03-01&end=2025-03-14&accountId=%d", f.data.Accounts[2].ID), f.admin, false},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				res := f.c.Do(http.MethodGet, tt.path, tt.token, nil)
				if res.Status != http.StatusOK {
					t.Fatalf("%d %s", res.Status, res.Body)
				}
				var a answer
				res.JSON(t, &a)
				if a.Incomplete == nil {
					t.Fatalf("no incomplete list in %s", res.Body)
				}
				if !tt.want {
					if len(a.Incomplete) != 0 {
						t.Errorf("incomplete = %+v, want none", a.Incomplete)
					}
					return
				}
				if len(a.Incomplete) != 1 || a.Incomplete[0].AccountID != acc || fmt.Sprint(a.Incomplete[0].Dates) != "[2025-03-10]" || a.Incomplete[0].Reason != reason {
					t.Errorf("incomplete = %+v", a.Incomplete)
				}
			})
		}
		// A later complete fetch of the day clears it from every answer.
		if err := d.Store.MarkDayComplete(t.Context(), acc, "2025-03-10", 5, 2, time.Now()); err != nil {
			t.Fatal(err)
		}
		var a answer
		f.c.Do(http.MethodGet, "/api/v1/costs/overview", f.admin, nil).JSON(t, &a)
		if len(a.Incomplete) != 0 {
			t.Errorf("after the day was completed: %+v", a.Incomplete)
		}
	})
}
