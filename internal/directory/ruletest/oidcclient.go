package ruletest

import (
	"context"
	"testing"
	"time"

	"github.com/orgdir/orgdir/internal/directory"
)

// testOIDCClient pins what the protocol layer asks before anybody signs
// in (which tenant a path names, an app as a client) and after (whether
// a grant or an app-only token still stands, RFC 7009 revocation).
func testOIDCClient(t *testing.T, ns NewStore) {
	ctx := context.Background()

	t.Run("TenantByIDOrDomain", func(t *testing.T) {
		w := newWorld(t, ns)
		for _, ref := range []string{w.contoso.ID, w.contoso.InitialDomain, "CONTOSO.example"} {
			got := must(w.svc.ResolveIssuerTenant(ctx, ref))(t)
			if got.ID != w.contoso.ID || got.DisplayName != w.contoso.DisplayName {
				t.Errorf("%s: %+v", ref, got)
			}
		}
		for _, ref := range []string{directory.NewID(), "nowhere.example", "", "not a domain", "../x"} {
			_, err := w.svc.ResolveIssuerTenant(ctx, ref)
			if e := wantKind(t, err, directory.KindAppSignInRefused); e != nil && e.Code != directory.CodeTenantNotFound {
				t.Errorf("%q: code %s", ref, e.Code)
			}
		}
	})

	// Tokens live 60 minutes unless the tenant's admin says otherwise, as
	// Entra; the change is audited and is the tenant's own.
	t.Run("AccessTokenLifetimeIsTheTenants", func(t *testing.T) {
		w := newWorld(t, ns)
		if got := must(w.svc.ResolveIssuerTenant(ctx, w.contoso.ID))(t); got.AccessTokenLifetime != time.Hour {
			t.Fatalf("a new tenant's tokens live %s, want 1h", got.AccessTokenLifetime)
		}
		must(w.svc.UpdateTenant(w.as(w.contosoAdmin), w.contoso.ID, directory.TenantPatch{AccessTokenMinutes: ptr(15)}))(t)
		if got := must(w.svc.ResolveIssuerTenant(ctx, w.contoso.ID))(t); got.AccessTokenLifetime != 15*time.Minute {
			t.Errorf("after the change, tokens live %s, want 15m", got.AccessTokenLifetime)
		}
		if got := must(w.svc.ResolveIssuerTenant(ctx, w.fabrikam.ID))(t); got.AccessTokenLifetime != time.Hour {
			t.Errorf("Fabrikam's tokens live %s after Contoso's change, want 1h", got.AccessTokenLifetime)
		}
		var found bool
		for _, e := range w.audit(w.contoso.ID) {
			for _, tg := range e.Targets {
				for _, m := range tg.ModifiedProperties {
					found = found || (m.DisplayName == "accessTokenLifetimeInMinutes" && m.OldValue == "60" && m.NewValue == "15")
				}
			}
		}
		if !found {
			t.Error("no audit event records accessTokenLifetimeInMinutes 60 → 15")
		}
		_, err := w.svc.UpdateTenant(w.as(w.fabrikamAdmin), w.contoso.ID, directory.TenantPatch{AccessTokenMinutes: ptr(20)})
		if err == nil {
			t.Error("Fabrikam's admin changed Contoso's token lifetime")
		}
	})

	t.Run("AppClientIsTheTenantsOnly", func(t *testing.T) {
		w := newOAuthWorld(t, ns)
		c := must(w.svc.GetAppClient(ctx, w.contoso.ID, w.app.ID))(t)
		if !c.RedirectURIRegistered(webRedirect) || !c.RedirectURIRegistered(spaRedirect) || c.RedirectURIRegistered(webRedirect+"/") || !c.HasSecrets {
			t.Errorf("client %+v", c)
		}
		for _, id := range []string{directory.NewID(), "nope"} {
			_, err := w.svc.GetAppClient(ctx, w.contoso.ID, id)
			if e := wantKind(t, err, directory.KindAppSignInRefused); e != nil && e.Code != directory.CodeAppNotFound {
				t.Errorf("code %s", e.Code)
			}
		}
		_, err := w.svc.GetAppClient(ctx, w.fabrikam.ID, w.app.ID)
		if e := wantKind(t, err, directory.KindAppSignInRefused); e != nil && e.Code != directory.CodeAppNotFound {
			t.Errorf("another tenant's app: code %s", e.Code)
		}
	})

	t.Run("GrantSignInFollowsTheGrant", func(t *testing.T) {
		w := newOAuthWorld(t, ns)
		issue := w.tokens()
		in := must(w.svc.GrantSignIn(ctx, w.contoso.ID, issue.GrantID))(t)
		if in.UserID != w.adaGuest.ID || in.Subject != issue.SignIn.Subject {
			t.Errorf("sign-in %+v", in)
		}
		_, err := w.svc.GrantSignIn(ctx, w.fabrikam.ID, issue.GrantID)
		wantInvalidGrant(t, err)
		_, err = w.svc.GrantSignIn(ctx, w.contoso.ID, directory.NewID())
		wantInvalidGrant(t, err)
		ok(t, w.svc.RevokeSignInSessions(w.as(w.contosoAdmin), w.contoso.ID, w.adaGuest.ID))
		_, err = w.svc.GrantSignIn(ctx, w.contoso.ID, issue.GrantID)
		wantInvalidGrant(t, err)
	})

	t.Run("RevokeRefreshTokenEndsItsGrantOnly", func(t *testing.T) {
		w := newOAuthWorld(t, ns)
		first, second := w.tokens(), w.tokens()
		// Another client's token is not revoked by this one.
		err := w.svc.RevokeRefreshToken(ctx, w.contoso.ID, directory.ClientAuth{ID: directory.NewID()}, first.RefreshToken)
		wantInvalidGrant(t, err)
		ok(t, w.svc.RevokeRefreshToken(ctx, w.contoso.ID, w.web, first.RefreshToken))
		ok(t, w.svc.RevokeRefreshToken(ctx, w.contoso.ID, w.web, first.RefreshToken)) // again: no error
		ok(t, w.svc.RevokeRefreshToken(ctx, w.contoso.ID, w.web, directory.RefreshTokenPrefix+"unknown"))
		_, err = w.svc.RefreshGrant(ctx, w.contoso.ID, w.web, first.RefreshToken)
		wantInvalidGrant(t, err)
		_, err = w.svc.GrantSignIn(ctx, w.contoso.ID, first.GrantID)
		wantInvalidGrant(t, err)
		must(w.svc.RefreshGrant(ctx, w.contoso.ID, w.web, second.RefreshToken))(t)
	})

	t.Run("AppTokenValidWhileTheAppExists", func(t *testing.T) {
		w := newOAuthWorld(t, ns)
		ok(t, w.svc.AppTokenValid(ctx, w.contoso.ID, w.app.ID))
		if err := w.svc.AppTokenValid(ctx, w.fabrikam.ID, w.app.ID); err == nil {
			t.Error("an app of Contoso is valid in Fabrikam")
		}
	})
}
