package cost

import (
	"net/url"
	"time"

	"github.com/cloudlens/cloudlens/shared/errs"
	"github.com/cloudlens/cloudlens/shared/text"
)

// View is a saved explorer view: a name and the explorer's query string (the page URL's
// query, which reads like a call of the explore API). Its owner sees it; with Shared set,
// everyone in this CloudLens does, and anyone can open it by its link. Pinned puts it on the
// dashboard: the owner's, or everyone's when it is shared.
type View struct {
	ID         int64
	OwnerID    int64
	OwnerEmail string
	Name       string
	Query      string
	Shared     bool
	Pinned     bool
	CreatedAt  time.Time
	UpdatedAt  time.Time
}

// Bounds of a view as people type it.
const (
	MaxViewName  = 200
	MaxViewQuery = 4000
)

// Check validates the view's name and query: the query must be one the explorer API accepts
// (seen at now), so a saved view always reopens.
func (v View) Check(now time.Time) error {
	if v.Name == "" {
		return errs.Required("name")
	}
	if err := text.Check("name", v.Name, MaxViewName); err != nil {
		return err
	}
	if len(v.Query) > MaxViewQuery {
		return errs.TooLong("query", MaxViewQuery)
	}
	if err := text.Check("query", v.Query, MaxViewQuery); err != nil {
		return err
	}
	vals, err := url.ParseQuery(v.Query)
	if err != nil {
		return errs.InvalidField("query", errs.ReasonFormat, "is not a URL query string")
	}
	if _, err := ParseQuery(vals, now); err != nil {
		// The query's own problem, coded, names the explorer parameter at fault.
		return errs.Prefix("query", err)
	}
	return nil
}

// VisibleTo reports whether user may open the view.
func (v View) VisibleTo(userID int64) bool { return v.Shared || v.OwnerID == userID }

// EditableBy reports whether user (an admin when admin is set) may change or delete the view.
func (v View) EditableBy(userID int64, admin bool) bool { return admin || v.OwnerID == userID }
