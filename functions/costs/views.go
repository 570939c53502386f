package costs

import (
	"net/http"
	"time"

	"github.com/cloudlens/cloudlens/shared/auth"
	"github.com/cloudlens/cloudlens/shared/cost"
	"github.com/cloudlens/cloudlens/shared/errs"
	"github.com/cloudlens/cloudlens/shared/httpx"
)

// Saved explorer views. Every signed-in user may save views of what they see; a view shows
// its reader's own figures (the query runs in the reader's scope), so sharing one shares a
// question, never figures the reader may not see.

type viewJSON struct {
	ID         int64     `json:"id"`
	Name       string    `json:"name"`
	Query      string    `json:"query"`
	Shared     bool      `json:"shared"`
	Pinned     bool      `json:"pinned"`
	OwnerID    int64     `json:"ownerId"`
	OwnerEmail string    `json:"ownerEmail"`
	Editable   bool      `json:"editable"`
	CreatedAt  time.Time `json:"createdAt"`
	UpdatedAt  time.Time `json:"updatedAt"`
}

func toViewJSON(v cost.View, p auth.Principal) viewJSON {
	return viewJSON{ID: v.ID, Name: v.Name, Query: v.Query, Shared: v.Shared, Pinned: v.Pinned, OwnerID: v.OwnerID,
		OwnerEmail: v.OwnerEmail, Editable: v.EditableBy(p.UserID, p.Role == auth.RoleAdmin), CreatedAt: v.CreatedAt, UpdatedAt: v.UpdatedAt}
}

// viewInput is the body of POST (name and query required) and PATCH (any field).
type viewInput struct {
	Name   *string `json:"name"`
	Query  *string `json:"query"`
	Shared *bool   `json:"shared"`
	Pinned *bool   `json:"pinned"`
}

func (in viewInput) apply(v *cost.View) {
	if in.Name != nil {
		v.Name = *in.Name
	}
	if in.Query != nil {
		v.Query = *in.Query
	}
	if in.Shared != nil {
		v.Shared = *in.Shared
	}
	if in.Pinned != nil {
		v.Pinned = *in.Pinned
	}
}

// viewer is the caller of a views route: a user, not an API key (a key has no dashboard).
func viewer(r *http.Request) (auth.Principal, error) {
	p, err := httpx.Require(r, auth.RoleViewer)
	if err == nil && p.UserID == 0 {
		err = errs.Forbidden("saved views belong to users, not API keys")
	}
	return p, err
}

func (a *api) listViews(w http.ResponseWriter, r *http.Request) error {
	p, err := viewer(r)
	if err != nil {
		return err
	}
	vs, err := a.d.Store.ListViews(r.Context(), p.UserID)
	if err != nil {
		return err
	}
	out := make([]viewJSON, 0, len(vs))
	for _, v := range vs {
		out = append(out, toViewJSON(v, p))
	}
	return httpx.OK(w, httpx.Items(out))
}

func (a *api) createView(w http.ResponseWriter, r *http.Request) error {
	p, err := viewer(r)
	if err != nil {
		return err
	}
	var in viewInput
	if err := httpx.Decode(r, &in); err != nil {
		return err
	}
	if in.Query == nil {
		return errs.Required("query")
	}
	v := cost.View{OwnerID: p.UserID, OwnerEmail: p.Email}
	in.apply(&v)
	if err := v.Check(a.d.Now()); err != nil {
		return err
	}
	if err := a.d.Store.CreateView(r.Context(), &v); err != nil {
		return err
	}
	a.d.Audit(r.Context(), p.UserID, "view.create", "view", v.ID, v.Name)
	httpx.WriteJSON(w, http.StatusCreated, toViewJSON(v, p))
	return nil
}

// loadView reads the view of the path that the caller may see; another user's private view
// is not found, so its existence is not revealed.
func (a *api) loadView(r *http.Request) (auth.Principal, cost.View, error) {
	p, err := viewer(r)
	if err != nil {
		return p, cost.View{}, err
	}
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return p, cost.View{}, err
	}
	v, err := a.d.Store.GetView(r.Context(), id)
	if err != nil {
		return p, v, err
	}
	if !v.VisibleTo(p.UserID) {
		return p, cost.View{}, errs.NotFound("view not found")
	}
	return p, v, nil
}

func (a *api) getView(w http.ResponseWriter, r *http.Request) error {
	p, v, err := a.loadView(r)
	if err != nil {
		return err
	}
	return httpx.OK(w, toViewJSON(v, p))
}

func (a *api) updateView(w http.ResponseWriter, r *http.Request) error {
	p, v, err := a.loadView(r)
	if err != nil {
		return err
	}
	if !v.EditableBy(p.UserID, p.Role == auth.RoleAdmin) {
		return errs.Forbidden("only the owner of a view or an admin may change it")
	}
	var in viewInput
	if err := httpx.Decode(r, &in); err != nil {
		return err
	}
	in.apply(&v)
	if err := v.Check(a.d.Now()); err != nil {
		return err
	}
	if err := a.d.Store.UpdateView(r.Context(), &v); err != nil {
		return err
	}
	a.d.Audit(r.Context(), p.UserID, "view.update", "view", v.ID, v.Name)
	return httpx.OK(w, toViewJSON(v, p))
}

func (a *api) deleteView(w http.ResponseWriter, r *http.Request) error {
	p, v, err := a.loadView(r)
	if err != nil {
		return err
	}
	if !v.EditableBy(p.UserID, p.Role == auth.RoleAdmin) {
		return errs.Forbidden("only the owner of a view or an admin may delete it")
	}
	if err := a.d.Store.DeleteView(r.Context(), v.ID); err != nil {
		return err
	}
	a.d.Audit(r.Context(), p.UserID, "view.delete", "view", v.ID, v.Name)
	w.WriteHeader(http.StatusNoContent)
	return nil
}
