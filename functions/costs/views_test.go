package costs

import (
	"fmt"
	"strings"
	"testing"

	"github.com/cloudlens/cloudlens/shared/app"
	"github.com/cloudlens/cloudlens/shared/app/apptest"
	"github.com/cloudlens/cloudlens/shared/auth"
)

type viewAnswer struct {
	ID         int64  `json:"id"`
	Name       string `json:"name"`
	Query      string `json:"query"`
	Shared     bool   `json:"shared"`
	Pinned     bool   `json:"pinned"`
	OwnerEmail string `json:"ownerEmail"`
	Editable   bool   `json:"editable"`
}

// TestSavedViews: a view is its owner's until shared; shared, every user lists and opens it
// (by its link), only the owner or an admin changes it; a query the explorer would refuse is
// refused at save.
func TestSavedViews(t *testing.T) {
	apptest.Each(t, func(t *testing.T, d *app.Deps) {
		f := setup(t, d)
		_, other := apptest.User(t, d, "other@example.com", auth.RoleEditor)
		const query = "start=2025-03-01&end=2025-03-14&granularity=day&groupBy=product&top=10&metric=billed&filter=product%3Ain%3Aecs"

		r := f.c.Do("POST", "/api/v1/costs/views", f.viewer, map[string]any{"name": "ECS this month", "query": query})
		if r.Status != 201 {
			t.Fatalf("create: %d %s", r.Status, r.Body)
		}
		var v viewAnswer
		r.JSON(t, &v)
		if v.ID == 0 || v.Name != "ECS this month" || v.Query != query || v.Shared || !v.Editable || v.OwnerEmail != "viewer@example.com" {
			t.Fatalf("created %+v", v)
		}
		path := fmt.Sprintf("/api/v1/costs/views/%d", v.ID)

		list := func(token string) []viewAnswer {
			t.Helper()
			r := f.c.Do("GET", "/api/v1/costs/views", token, nil)
			if r.Status != 200 {
				t.Fatalf("list: %d %s", r.Status, r.Body)
			}
			var l struct{ Items []viewAnswer }
			r.JSON(t, &l)
			return l.Items
		}
		if got := list(f.viewer); len(got) != 1 || got[0].ID != v.ID {
			t.Fatalf("owner lists %+v", got)
		}
		if got := list(other); len(got) != 0 {
			t.Fatalf("another user lists a private view: %+v", got)
		}
		if r := f.c.Do("GET", path, other, nil); r.Status != 404 {
			t.Fatalf("another user opens a private view: %d", r.Status)
		}

		// Shared: listed and opened by others, still changed only by its owner or an admin.
		if r := f.c.Do("PATCH", path, f.viewer, map[string]any{"shared": true, "pinned": true}); r.Status != 200 {
			t.Fatalf("share: %d %s", r.Status, r.Body)
		}
		if got := list(other); len(got) != 1 || !got[0].Shared || !got[0].Pinned || got[0].Editable {
			t.Fatalf("another user lists %+v", got)
		}
		r = f.c.Do("GET", path, other, nil)
		var opened viewAnswer
		r.JSON(t, &opened)
		if r.Status != 200 || opened.Query != query {
			t.Fatalf("open by link: %d %s", r.Status, r.Body)
		}
		if r := f.c.Do("PATCH", path, other, map[string]any{"name": "mine now"}); r.Status != 403 {
			t.Fatalf("another user renames: %d", r.Status)
		}
		if r := f.c.Do("DELETE", path, other, nil); r.Status != 403 {
			t.Fatalf("another user deletes: %d", r.Status)
		}
		r = f.c.Do("PATCH", path, f.admin, map[string]any{"name": "ECS, March"})
		var renamed viewAnswer
		r.JSON(t, &renamed)
		if r.Status != 200 || renamed.Name != "ECS, March" || renamed.Query != query || !renamed.Shared {
			t.Fatalf("admin renames: %d %s", r.Status, r.Body)
		}

		for _, tc := range []struct {
			name  string
			body  any
			field string
		}{
			{"no name", map[string]any{"name": "", "query": query}, "name"},
			{"control character in name", map[string]any{"name": "a\x00b", "query": query}, "name"},
			{"long name", map[string]any{"name": strings.Repeat("n", 201), "query": query}, "name"},
			{"no query", map[string]any{"name": "x"}, "query"},
			{"unknown dimension", map[string]any{"name": "x", "query": "groupBy=colour"}, "query"},
			{"bad date", map[string]any{"name": "x", "query": "start=yesterday"}, "start"},
			{"long query", map[string]any{"name": "x", "query": strings.Repeat("a", 4001)}, "query"},
			{"unknown field", map[string]any{"name": "x", "query": query, "owner": 1}, "owner"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				r := f.c.Do("POST", "/api/v1/costs/views", f.viewer, tc.body)
				if r.Status != 400 || !strings.Contains(string(r.Body), tc.field) {
					t.Fatalf("%d %s", r.Status, r.Body)
				}
			})
		}

		if r := f.c.Do("DELETE", path, f.viewer, nil); r.Status != 204 {
			t.Fatalf("owner deletes: %d %s", r.Status, r.Body)
		}
		if r := f.c.Do("GET", path, f.viewer, nil); r.Status != 404 {
			t.Fatalf("deleted view: %d", r.Status)
		}
		if r := f.c.Do("GET", "/api/v1/costs/views/abc", f.viewer, nil); r.Status != 400 {
			t.Fatalf("bad id: %d", r.Status)
		}
	})
}
