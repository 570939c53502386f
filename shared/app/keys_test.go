package app_test

import (
	"bytes"
	"testing"

	"github.com/cloudlens/cloudlens/shared/app"
	"github.com/cloudlens/cloudlens/shared/app/apptest"
	"github.com/cloudlens/cloudlens/shared/auth"
	"github.com/cloudlens/cloudlens/shared/errs"
	"github.com/cloudlens/cloudlens/shared/store/storetest"
)

// TestInvocationKeyIsNotTheJWTKey: the key that signs internal invocations is derived from the
// JWT secret but is a different key, so an access token forged with it is refused. (The other
// direction, a body signed with the JWT secret refused as an invocation, is
// functions/billingsync's TestSyncNowHandler/signed_with_the_JWT_signing_secret.)
func TestInvocationKeyIsNotTheJWTKey(t *testing.T) {
	const secret = "0123456789abcdef0123456789abcdef"
	k1, err := app.InvocationKey(secret)
	if err != nil {
		t.Fatal(err)
	}
	k2, _ := app.InvocationKey(secret)
	other, _ := app.InvocationKey(secret + "x")
	switch {
	case len(k1) != 32:
		t.Errorf("key is %d bytes, want 32", len(k1))
	case !bytes.Equal(k1, k2):
		t.Error("the same secret derived two different keys; deployed functions would not agree")
	case bytes.Equal(k1, other):
		t.Error("different secrets derived the same key")
	case bytes.Contains(k1, []byte(secret[:16])):
		t.Error("the key carries the secret")
	}
	if _, err := app.InvocationKey(""); err == nil {
		t.Error("derived a key from an empty secret")
	}

	d := apptest.Deps(t, storetest.SQLite(t))
	u, valid := apptest.User(t, d, "user@example.com", auth.RoleAdmin)
	forger, err := auth.NewTokens(string(d.InvocationKey), d.Config.AccessTokenTTL, d.Now)
	if err != nil {
		t.Fatal(err)
	}
	forged, err := forger.Issue(u, auth.NewSessionID())
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name  string
		token string
		ok    bool
	}{
		{"token signed with the JWT key", valid, true},
		{"token signed with the invocation key", forged, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, err := d.Auth.Authenticate(t.Context(), tc.token)
			if tc.ok && (err != nil || p.UserID != u.ID) {
				t.Fatalf("refused a valid token: %v", err)
			}
			if !tc.ok && errs.KindOf(err) != errs.KindUnauthorized {
				t.Fatalf("forged token: principal %+v, error %v; want unauthorized", p, err)
			}
		})
	}
}
