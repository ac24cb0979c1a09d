package ruletest

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/orgdir/orgdir/internal/directory"
)

const (
	webRedirect = "https://notebook.contoso.example/signin-oidc"
	spaRedirect = "http://localhost:3000/"
	verifier    = "a-verifier-of-at-least-forty-three-characters-0123456789"
)

func challengeOf(v string) string {
	h := sha256.Sum256([]byte(v))
	return base64.RawURLEncoding.EncodeToString(h[:])
}

// oauthWorld is a world whose Lab Notebook app is a web client with a
// secret and a single-page app redirect, and Ada signed in in a browser.
type oauthWorld struct {
	*world
	secret string
	sess   *directory.Session
	web    directory.ClientAuth
}

func newOAuthWorld(t *testing.T, ns NewStore) *oauthWorld {
	t.Helper()
	w := &oauthWorld{world: newWorld(t, ns)}
	admin := w.as(w.contosoAdmin)
	must(w.svc.UpdateApplication(admin, w.contoso.ID, w.app.ID, directory.ApplicationPatch{
		WebRedirectURIs: &[]string{webRedirect}, SPARedirectURIs: &[]string{spaRedirect}}))(t)
	var err error
	w.secret, _, err = w.svc.AddApplicationPassword(admin, w.contoso.ID, w.app.ID, "web", time.Time{})
	ok(t, err)
	w.signIn()
	w.web = directory.ClientAuth{ID: w.app.ID, Secret: w.secret}
	return w
}

// signIn starts a new browser session of Ada.
func (w *oauthWorld) signIn() {
	w.t.Helper()
	cookie, _, err := w.svc.StartSession(w.as(w.ada))
	ok(w.t, err)
	w.sess = must(w.svc.LookupSession(context.Background(), cookie))(w.t)
}

// code signs Ada in to the app (web redirect, PKCE) and returns the code.
func (w *oauthWorld) code(redirect string) string {
	w.t.Helper()
	code, _, err := w.svc.IssueAuthCode(context.Background(), w.sess, w.contoso.ID, w.app.ID, directory.AuthCodeRequest{
		RedirectURI: redirect, Scopes: []string{"openid", "offline_access"}, Nonce: "n-1",
		CodeChallenge: challengeOf(verifier), CodeChallengeMethod: "S256"})
	ok(w.t, err)
	return code
}

// tokens redeems a fresh web code.
func (w *oauthWorld) tokens() *directory.TokenIssue {
	w.t.Helper()
	return must(w.svc.RedeemAuthCode(context.Background(), w.contoso.ID, w.web, w.code(webRedirect), webRedirect, verifier))(w.t)
}

func wantInvalidGrant(t *testing.T, err error) {
	t.Helper()
	if e := wantKind(t, err, directory.KindUnauthenticated); e != nil && e.Code != directory.CodeInvalidGrant {
		t.Errorf("code %q (%s), want invalid_grant", e.Code, e.Message)
	}
}

// testOAuthFlows pins the authorization code (PKCE) and refresh flows:
// exact redirect URIs, single-use codes, rotation with reuse detection,
// and that every event that ends a user's credentials ends their grants.
func testOAuthFlows(t *testing.T, ns NewStore) {
	ctx := context.Background()

	t.Run("CodeThenRefreshRotates", func(t *testing.T) {
		w := newOAuthWorld(t, ns)
		first := w.tokens()
		in := first.SignIn
		if in.UserID != w.adaGuest.ID || !slices.Equal(in.Roles, []string{"Notebook.Read"}) || first.Nonce != "n-1" ||
			in.SessionID != w.sess.ID || !strings.HasPrefix(first.RefreshToken, directory.RefreshTokenPrefix) {
			t.Fatalf("first issue %+v, sign-in %+v", first, in)
		}
		second := must(w.svc.RefreshGrant(ctx, w.contoso.ID, w.web, first.RefreshToken))(t)
		third := must(w.svc.RefreshGrant(ctx, w.contoso.ID, w.web, second.RefreshToken))(t)
		if second.RefreshToken == first.RefreshToken || third.RefreshToken == second.RefreshToken || third.GrantID != first.GrantID {
			t.Error("refresh tokens do not rotate")
		}
	})

	t.Run("ReuseEndsTheWholeGrant", func(t *testing.T) {
		w := newOAuthWorld(t, ns)
		first := w.tokens()
		second := must(w.svc.RefreshGrant(ctx, w.contoso.ID, w.web, first.RefreshToken))(t)
		_, err := w.svc.RefreshGrant(ctx, w.contoso.ID, w.web, first.RefreshToken)
		wantInvalidGrant(t, err)
		_, err = w.svc.RefreshGrant(ctx, w.contoso.ID, w.web, second.RefreshToken)
		wantInvalidGrant(t, err)
		// Another grant of the same user is untouched.
		must(w.svc.RefreshGrant(ctx, w.contoso.ID, w.web, w.tokens().RefreshToken))(t)
	})

	t.Run("EndedGrantsAreDeletedByThePurgePassOnly", func(t *testing.T) {
		w := newOAuthWorld(t, ns)
		exists := func(id string) bool {
			t.Helper()
			var err error
			ok(t, w.store.Read(ctx, func(tx directory.Tx) error { _, err = tx.GetOAuthGrant(ctx, id); return nil }))
			if err != nil && !directory.IsKind(err, directory.KindNotFound) {
				t.Fatal(err)
			}
			return err == nil
		}
		reused := w.tokens()
		must(w.svc.RefreshGrant(ctx, w.contoso.ID, w.web, reused.RefreshToken))(t)
		_, err := w.svc.RefreshGrant(ctx, w.contoso.ID, w.web, reused.RefreshToken)
		wantInvalidGrant(t, err) // reuse: the grant is revoked
		live := w.tokens()
		wantKind(t, errOnly(w.svc.ExpireOAuthGrants(w.as(w.contosoAdmin))), directory.KindForbidden)
		if !exists(reused.GrantID) {
			t.Fatal("an administrator's refused call deleted a grant")
		}
		if n := must(w.svc.ExpireOAuthGrants(w.sys))(t); n != 1 || exists(reused.GrantID) || !exists(live.GrantID) {
			t.Fatalf("deleted %d; revoked grant there %v, live grant there %v", n, exists(reused.GrantID), exists(live.GrantID))
		}
		must(w.svc.RefreshGrant(ctx, w.contoso.ID, w.web, live.RefreshToken))(t)
		// A second before its end the grant stays; at its end it goes,
		// and its refresh token is refused as before.
		w.clock.Advance(directory.RefreshTokenTTL - time.Second)
		if n := must(w.svc.ExpireOAuthGrants(w.sys))(t); n != 0 || !exists(live.GrantID) {
			t.Fatalf("a second early: deleted %d", n)
		}
		w.clock.Advance(time.Second)
		if n := must(w.svc.ExpireOAuthGrants(w.sys))(t); n != 1 || exists(live.GrantID) {
			t.Fatalf("at its end: deleted %d", n)
		}
		_, err = w.svc.RefreshGrant(ctx, w.contoso.ID, w.web, live.RefreshToken)
		wantInvalidGrant(t, err)
	})

	t.Run("CodeIsSingleUse", func(t *testing.T) {
		w := newOAuthWorld(t, ns)
		code := w.code(webRedirect)
		first := must(w.svc.RedeemAuthCode(ctx, w.contoso.ID, w.web, code, webRedirect, verifier))(t)
		_, err := w.svc.RedeemAuthCode(ctx, w.contoso.ID, w.web, code, webRedirect, verifier)
		wantInvalidGrant(t, err)
		_, err = w.svc.RefreshGrant(ctx, w.contoso.ID, w.web, first.RefreshToken)
		wantInvalidGrant(t, err)
	})

	t.Run("RedemptionChecksEverything", func(t *testing.T) {
		w := newOAuthWorld(t, ns)
		code := w.code(webRedirect)
		other := must(w.svc.CreateApplication(w.as(w.contosoAdmin), w.contoso.ID, "Other", nil))(t)
		otherSecret, _, err := w.svc.AddApplicationPassword(w.as(w.contosoAdmin), w.contoso.ID, other.ID, "", time.Time{})
		ok(t, err)
		for name, try := range map[string]func() error{
			"WrongVerifier": func() error {
				return errOnly(w.svc.RedeemAuthCode(ctx, w.contoso.ID, w.web, code, webRedirect, verifier+"x"))
			},
			"NoVerifier": func() error { return errOnly(w.svc.RedeemAuthCode(ctx, w.contoso.ID, w.web, code, webRedirect, "")) },
			"OtherRedirect": func() error {
				return errOnly(w.svc.RedeemAuthCode(ctx, w.contoso.ID, w.web, code, spaRedirect, verifier))
			},
			"OtherClient": func() error {
				return errOnly(w.svc.RedeemAuthCode(ctx, w.contoso.ID, directory.ClientAuth{ID: other.ID, Secret: otherSecret}, code, webRedirect, verifier))
			},
			"OtherTenant": func() error {
				return errOnly(w.svc.RedeemAuthCode(ctx, w.fabrikam.ID, w.web, code, webRedirect, verifier))
			},
			"UnknownCode": func() error {
				return errOnly(w.svc.RedeemAuthCode(ctx, w.contoso.ID, w.web, "odc_nope", webRedirect, verifier))
			},
		} {
			t.Run(name, func(t *testing.T) { wantInvalidGrant(t, try()) })
		}
		// A wrong secret, or none for a web (confidential) client.
		for _, c := range []directory.ClientAuth{{ID: w.app.ID, Secret: w.secret + "x"}, {ID: w.app.ID}} {
			_, err := w.svc.RedeemAuthCode(ctx, w.contoso.ID, c, code, webRedirect, verifier)
			if e := wantKind(t, err, directory.KindUnauthenticated); e != nil && e.Code != directory.CodeInvalidClient {
				t.Errorf("code %q, want invalid_client", e.Code)
			}
		}
		// None of these used the code up.
		must(w.svc.RedeemAuthCode(ctx, w.contoso.ID, w.web, code, webRedirect, verifier))(t)
		// An expired code.
		late := w.code(webRedirect)
		w.clock.Advance(directory.AuthCodeTTL)
		_, err = w.svc.RedeemAuthCode(ctx, w.contoso.ID, w.web, late, webRedirect, verifier)
		wantInvalidGrant(t, err)
	})

	t.Run("AuthorizationRequestRules", func(t *testing.T) {
		w := newOAuthWorld(t, ns)
		for _, c := range []struct {
			req   directory.AuthCodeRequest
			field string
		}{
			{directory.AuthCodeRequest{RedirectURI: webRedirect + "x"}, "redirect_uri"},
			{directory.AuthCodeRequest{RedirectURI: "https://notebook.contoso.example/SIGNIN-OIDC"}, "redirect_uri"},
			{directory.AuthCodeRequest{RedirectURI: spaRedirect}, "code_challenge"}, // PKCE required for a SPA
			{directory.AuthCodeRequest{RedirectURI: webRedirect, CodeChallenge: challengeOf(verifier), CodeChallengeMethod: "plain"}, "code_challenge_method"},
			{directory.AuthCodeRequest{RedirectURI: webRedirect, CodeChallenge: "short", CodeChallengeMethod: "S256"}, "code_challenge"},
		} {
			_, _, err := w.svc.IssueAuthCode(ctx, w.sess, w.contoso.ID, w.app.ID, c.req)
			if e := wantKind(t, err, directory.KindInvalid); e != nil && e.Field != c.field {
				t.Errorf("%+v: field %q (%s), want %s", c.req, e.Field, e.Message, c.field)
			}
		}
		// A refused sign-in issues no code.
		w.disable(w.adaGuest)
		_, _, err := w.svc.IssueAuthCode(ctx, w.sess, w.contoso.ID, w.app.ID, directory.AuthCodeRequest{RedirectURI: webRedirect})
		wantKind(t, err, directory.KindAppSignInRefused)
	})

	t.Run("PublicClientRedeemsWithPKCEOnly", func(t *testing.T) {
		w := newOAuthWorld(t, ns)
		spa := directory.ClientAuth{ID: w.app.ID}
		first := must(w.svc.RedeemAuthCode(ctx, w.contoso.ID, spa, w.code(spaRedirect), spaRedirect, verifier))(t)
		must(w.svc.RefreshGrant(ctx, w.contoso.ID, spa, first.RefreshToken))(t)
		// A SPA's refresh tokens live 24 hours.
		w.clock.Advance(directory.SPARefreshTokenTTL)
		w.signIn()
		second := must(w.svc.RedeemAuthCode(ctx, w.contoso.ID, spa, w.code(spaRedirect), spaRedirect, verifier))(t)
		w.clock.Advance(directory.SPARefreshTokenTTL)
		_, err := w.svc.RefreshGrant(ctx, w.contoso.ID, spa, second.RefreshToken)
		wantInvalidGrant(t, err)
		// A web grant needs its secret.
		w.signIn()
		_, err = w.svc.RefreshGrant(ctx, w.contoso.ID, spa, w.tokens().RefreshToken)
		wantKind(t, err, directory.KindUnauthenticated)
	})

	t.Run("ClientCredentials", func(t *testing.T) {
		w := newOAuthWorld(t, ns)
		tok := must(w.svc.ClientCredentials(ctx, w.contoso.ID, w.web))(t)
		if tok.AppID != w.app.ID || tok.TenantID != w.contoso.ID || len(tok.APIRoles) != 0 {
			t.Errorf("app token %+v", tok)
		}
		for _, c := range []struct {
			tenant string
			auth   directory.ClientAuth
		}{{w.contoso.ID, directory.ClientAuth{ID: w.app.ID}}, {w.contoso.ID, directory.ClientAuth{ID: w.app.ID, Secret: w.secret + "x"}},
			{w.fabrikam.ID, w.web}, {w.contoso.ID, directory.ClientAuth{ID: directory.NewID(), Secret: w.secret}}} {
			_, err := w.svc.ClientCredentials(ctx, c.tenant, c.auth)
			if e := wantKind(t, err, directory.KindUnauthenticated); e != nil && e.Code != directory.CodeInvalidClient {
				t.Errorf("code %q", e.Code)
			}
		}
	})

	t.Run("RolesChangeInTheNextRefresh", func(t *testing.T) {
		w := newOAuthWorld(t, ns)
		first := w.tokens()
		must(w.svc.AssignAppRole(w.as(w.contosoAdmin), w.contoso.ID, w.adaGuest.ID, w.app.ID, w.app.AppRoles[1].ID))(t)
		next := must(w.svc.RefreshGrant(ctx, w.contoso.ID, w.web, first.RefreshToken))(t)
		if !slices.Equal(next.SignIn.Roles, []string{"Notebook.Read", "Notebook.Write"}) {
			t.Errorf("roles %v", next.SignIn.Roles)
		}
	})

	// Every event that ends a user's credentials ends their grants, and a
	// restore does not bring them back.
	t.Run("RevocationEndsGrants", func(t *testing.T) {
		admin := func(w *oauthWorld) context.Context { return w.as(w.contosoAdmin) }
		for name, end := range map[string]func(w *oauthWorld){
			"Leave":           func(w *oauthWorld) { ok(t, w.svc.Leave(w.as(w.adaGuest), w.contoso.ID)) },
			"Delete":          func(w *oauthWorld) { ok(t, w.svc.DeleteUser(admin(w), w.contoso.ID, w.adaGuest.ID)) },
			"DisableInTenant": func(w *oauthWorld) { w.disable(w.adaGuest) },
			"DisableAtHome":   func(w *oauthWorld) { w.disable(w.ada) },
			"RevokeSignInSessions": func(w *oauthWorld) {
				ok(t, w.svc.RevokeSignInSessions(admin(w), w.contoso.ID, w.adaGuest.ID))
			},
			"LeaveThenRestore": func(w *oauthWorld) {
				ok(t, w.svc.Leave(w.as(w.adaGuest), w.contoso.ID))
				must(w.svc.RestoreUser(admin(w), w.contoso.ID, w.adaGuest.ID, ""))(t)
			},
			"PermanentDelete": func(w *oauthWorld) {
				ok(t, w.svc.DeleteUser(admin(w), w.contoso.ID, w.adaGuest.ID))
				ok(t, w.svc.PermanentlyDeleteUser(admin(w), w.contoso.ID, w.adaGuest.ID))
			},
			"AssignmentRequiredAndRemoved": func(w *oauthWorld) {
				must(w.svc.UpdateApplication(admin(w), w.contoso.ID, w.app.ID, directory.ApplicationPatch{AppRoleAssignmentRequired: ptr(true)}))(t)
				ok(t, w.svc.RemoveAppRoleAssignment(admin(w), w.contoso.ID, w.adaGuest.ID, w.grant.ID))
			},
		} {
			t.Run(name, func(t *testing.T) {
				w := newOAuthWorld(t, ns)
				tok := w.tokens()
				w.clock.Advance(time.Second)
				end(w)
				w.clock.Advance(time.Second)
				_, err := w.svc.RefreshGrant(ctx, w.contoso.ID, w.web, tok.RefreshToken)
				wantInvalidGrant(t, err)
			})
		}
	})
}
