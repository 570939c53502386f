package app

import (
	"context"

	"github.com/cloudlens/cloudlens/shared/auth"
	"github.com/cloudlens/cloudlens/shared/errs"
)

// SignIn is what a new session hands its user: an access token carrying the session id and the
// session's first refresh token.
type SignIn struct {
	SessionID    string
	AccessToken  string
	RefreshToken string
}

// StartSession begins a session for u in the session store and issues its first tokens. It
// fails with errs.KindUnavailable when the session store cannot record it: a session nothing
// could end is not handed out.
func (d *Deps) StartSession(ctx context.Context, u auth.User) (SignIn, error) {
	s := auth.Session{ID: auth.NewSessionID(), UserID: u.ID, Epoch: u.SessionEpoch}
	refresh := auth.NewRefreshToken()
	if err := d.Cache.StartSession(ctx, s, auth.HashSecret(refresh), d.Config.RefreshTokenTTL); err != nil {
		return SignIn{}, errs.Wrap(errs.KindUnavailable, err, "sign-in is unavailable: the session store cannot be reached")
	}
	access, err := d.Tokens.Issue(u, s.ID)
	if err != nil {
		return SignIn{}, err
	}
	return SignIn{SessionID: s.ID, AccessToken: access, RefreshToken: refresh}, nil
}
