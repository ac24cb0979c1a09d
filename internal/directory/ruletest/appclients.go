package ruletest

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/orgdir/orgdir/internal/directory"
)

// testAppClients pins applications as OpenID Connect clients: redirect
// URIs, client secrets and appRoleAssignmentRequired, who may change them,
// and that each change is audited with it.
func testAppClients(t *testing.T, ns NewStore) {
	t.Run("AdminSetsRedirectURIsAudited", func(t *testing.T) {
		w := newWorld(t, ns)
		admin := w.as(w.contosoAdmin)
		web := []string{"https://notebook.contoso.example/signin-oidc", "http://localhost:5000/callback"}
		a := must(w.svc.UpdateApplication(admin, w.contoso.ID, w.app.ID, directory.ApplicationPatch{
			WebRedirectURIs: &web, WebLogoutURL: ptr("https://notebook.contoso.example/signed-out"),
			SPARedirectURIs: ptr([]string{"http://127.0.0.1:3000/"}), PublicClientRedirectURIs: ptr([]string{"http://[::1]/"}),
		}))(t)
		got := must(w.svc.GetApplication(admin, w.contoso.ID, w.app.ID))(t)
		if strings.Join(got.WebRedirectURIs, " ") != strings.Join(web, " ") || got.WebLogoutURL == "" ||
			len(got.SPARedirectURIs) != 1 || len(got.PublicClientRedirectURIs) != 1 {
			t.Errorf("stored app = %+v", got)
		}
		if len(a.RedirectURIs()) != 4 {
			t.Errorf("RedirectURIs() = %v", a.RedirectURIs())
		}
		evs := w.events(w.contoso.ID, directory.ActivityUpdateApplication, w.app.ID)
		if len(evs) != 1 || len(evs[0].Targets[0].ModifiedProperties) != 4 {
			t.Errorf("audit = %+v", evs)
		}
		// The same again changes and audits nothing.
		n := len(w.audit(w.contoso.ID))
		must(w.svc.UpdateApplication(admin, w.contoso.ID, w.app.ID, directory.ApplicationPatch{WebRedirectURIs: &web}))(t)
		if len(w.audit(w.contoso.ID)) != n {
			t.Error("an update that changes nothing was audited")
		}
	})

	t.Run("BadRedirectURIsAreRefusedWholly", func(t *testing.T) {
		w := newWorld(t, ns)
		admin := w.as(w.contosoAdmin)
		for _, bad := range []string{
			"http://notebook.contoso.example/cb", // http off localhost
			"https://notebook.contoso.example/cb#frag",
			"/relative/cb",
			"ftp://files.contoso.example/",
			"https://*.contoso.example/cb",
			"https://user:pw@contoso.example/cb",
			"https://" + strings.Repeat("a", 260) + ".example/",
			"",
		} {
			w.unchanged(func() {
				_, err := w.svc.UpdateApplication(admin, w.contoso.ID, w.app.ID, directory.ApplicationPatch{
					DisplayName:     ptr("Renamed"),
					WebRedirectURIs: ptr([]string{"https://ok.example/cb", bad}),
				})
				if e := wantKind(t, err, directory.KindInvalid); e != nil && e.Field != "web.redirectUris[1]" {
					t.Errorf("%q: field %q, message %q", bad, e.Field, e.Message)
				}
				_, err = w.svc.UpdateApplication(admin, w.contoso.ID, w.app.ID, directory.ApplicationPatch{WebLogoutURL: ptr(bad + "x#y")})
				wantKind(t, err, directory.KindInvalid)
			})
		}
		w.unchanged(func() {
			_, err := w.svc.UpdateApplication(admin, w.contoso.ID, w.app.ID, directory.ApplicationPatch{
				SPARedirectURIs: ptr([]string{"https://spa.example/", "https://spa.example/"})})
			wantKind(t, err, directory.KindInvalid)
		})
	})

	t.Run("AddPasswordShowsTheSecretOnceAndKeepsItsHash", func(t *testing.T) {
		w := newWorld(t, ns)
		admin := w.as(w.contosoAdmin)
		secret, cred, err := w.svc.AddApplicationPassword(admin, w.contoso.ID, w.app.ID, "ci pipeline", time.Time{})
		ok(t, err)
		now := w.clock.Now()
		switch {
		case !strings.HasPrefix(secret, directory.ClientSecretPrefix) || len(secret) < 40:
			t.Errorf("secret %q", secret)
		case cred.Hint != secret[:3]:
			t.Errorf("hint %q, secret starts %q", cred.Hint, secret[:3])
		case !cred.StartDateTime.Equal(now) || !cred.EndDateTime.Equal(now.Add(directory.DefaultSecretLifetime)):
			t.Errorf("start %s end %s, now %s", cred.StartDateTime, cred.EndDateTime, now)
		case cred.DisplayName != "ci pipeline" || !directory.ValidID(cred.KeyID):
			t.Errorf("credential %+v", cred)
		}
		// The store holds the hash, never the secret.
		ok(t, w.store.Read(context.Background(), func(tx directory.Tx) error {
			a, err := tx.GetApplication(context.Background(), w.contoso.ID, w.app.ID)
			if err != nil {
				return err
			}
			if len(a.PasswordCredentials) != 1 || !bytes.Equal(a.PasswordCredentials[0].SecretHash, directory.HashSecret(secret)) {
				t.Errorf("stored credentials %+v", a.PasswordCredentials)
			}
			return nil
		}))
		if strings.Contains(w.snapshot(w.contoso.ID), secret[len(directory.ClientSecretPrefix):]) {
			t.Error("the secret is stored in clear")
		}
		evs := w.events(w.contoso.ID, directory.ActivityUpdateAppSecrets, w.app.ID)
		if len(evs) != 1 || strings.Contains(jsonOf(t, evs[0]), secret) {
			t.Errorf("audit = %+v", evs)
		}
		// The secret authenticates the client, in its tenant only.
		app := must(w.svc.AuthenticateClient(context.Background(), w.contoso.ID, w.app.ID, secret))(t)
		if app.ID != w.app.ID {
			t.Errorf("authenticated %s", app.ID)
		}
		_, err = w.svc.AuthenticateClient(context.Background(), w.fabrikam.ID, w.app.ID, secret)
		wantKind(t, err, directory.KindUnauthenticated)
		_, err = w.svc.AuthenticateClient(context.Background(), w.contoso.ID, w.app.ID, secret+"x")
		wantKind(t, err, directory.KindUnauthenticated)
		// …until it expires.
		w.clock.Advance(directory.DefaultSecretLifetime)
		_, err = w.svc.AuthenticateClient(context.Background(), w.contoso.ID, w.app.ID, secret)
		wantKind(t, err, directory.KindUnauthenticated)
	})

	t.Run("PasswordEndDateIsChecked", func(t *testing.T) {
		w := newWorld(t, ns)
		admin := w.as(w.contosoAdmin)
		now := w.clock.Now()
		w.unchanged(func() {
			for _, end := range []time.Time{now, now.Add(-time.Hour), now.Add(directory.MaxSecretLifetime + time.Hour)} {
				_, _, err := w.svc.AddApplicationPassword(admin, w.contoso.ID, w.app.ID, "x", end)
				if e := wantKind(t, err, directory.KindInvalid); e != nil && e.Field != "passwordCredential.endDateTime" {
					t.Errorf("field %q", e.Field)
				}
			}
		})
		_, cred, err := w.svc.AddApplicationPassword(admin, w.contoso.ID, w.app.ID, "", now.Add(24*time.Hour))
		ok(t, err)
		if !cred.EndDateTime.Equal(now.Add(24 * time.Hour)) {
			t.Errorf("end %s", cred.EndDateTime)
		}
	})

	t.Run("RemovePasswordEndsTheSecret", func(t *testing.T) {
		w := newWorld(t, ns)
		admin := w.as(w.contosoAdmin)
		secret, cred, err := w.svc.AddApplicationPassword(admin, w.contoso.ID, w.app.ID, "old", time.Time{})
		ok(t, err)
		w.unchanged(func() {
			wantKind(t, w.svc.RemoveApplicationPassword(admin, w.contoso.ID, w.app.ID, directory.NewID()), directory.KindNotFound)
		})
		ok(t, w.svc.RemoveApplicationPassword(admin, w.contoso.ID, w.app.ID, cred.KeyID))
		if a := must(w.svc.GetApplication(admin, w.contoso.ID, w.app.ID))(t); len(a.PasswordCredentials) != 0 {
			t.Errorf("credentials left: %+v", a.PasswordCredentials)
		}
		_, err = w.svc.AuthenticateClient(context.Background(), w.contoso.ID, w.app.ID, secret)
		wantKind(t, err, directory.KindUnauthenticated)
		if evs := w.events(w.contoso.ID, directory.ActivityUpdateAppSecrets, w.app.ID); len(evs) != 2 {
			t.Errorf("secrets audited %d times, want 2 (add, remove)", len(evs))
		}
	})

	t.Run("AssignmentRequiredIsTheServicePrincipals", func(t *testing.T) {
		w := newWorld(t, ns)
		admin := w.as(w.contosoAdmin)
		a := must(w.svc.UpdateApplication(admin, w.contoso.ID, w.app.ID, directory.ApplicationPatch{AppRoleAssignmentRequired: ptr(true)}))(t)
		if !a.AppRoleAssignmentRequired {
			t.Error("appRoleAssignmentRequired not set")
		}
		evs := w.events(w.contoso.ID, directory.ActivityUpdateServicePrincipal, w.app.ID)
		if len(evs) != 1 || evs[0].Targets[0].Type != "ServicePrincipal" || len(w.events(w.contoso.ID, directory.ActivityUpdateApplication, w.app.ID)) != 0 {
			t.Errorf("audit = %+v", evs)
		}
	})

	// Who may change an app's client settings is who manages apps: Global
	// and User Administrators of its tenant.
	t.Run("OnlyAppManagersChangeClients", func(t *testing.T) {
		w := newWorld(t, ns)
		plain := w.member(w.contoso, "plain", "Plain Member")
		gi := w.member(w.contoso, "inviter", "Inviter", directory.RoleGuestInviter)
		ua := w.member(w.contoso, "ua", "User Admin", directory.RoleUserAdministrator)
		w.unchanged(func() {
			for _, c := range []struct {
				who  context.Context
				want directory.Kind
			}{{w.as(plain), directory.KindForbidden}, {w.as(gi), directory.KindForbidden},
				{w.as(w.adaGuest), directory.KindForbidden}, {w.as(w.fabrikamAdmin), directory.KindNotFound}} {
				_, err := w.svc.UpdateApplication(c.who, w.contoso.ID, w.app.ID, directory.ApplicationPatch{AppRoleAssignmentRequired: ptr(true)})
				wantKind(t, err, c.want)
				_, _, err = w.svc.AddApplicationPassword(c.who, w.contoso.ID, w.app.ID, "x", time.Time{})
				wantKind(t, err, c.want)
				wantKind(t, w.svc.RemoveApplicationPassword(c.who, w.contoso.ID, w.app.ID, directory.NewID()), c.want)
			}
		})
		must(w.svc.UpdateApplication(w.as(ua), w.contoso.ID, w.app.ID, directory.ApplicationPatch{WebRedirectURIs: ptr([]string{"https://a.example/cb"})}))(t)
		_, cred, err := w.svc.AddApplicationPassword(w.as(ua), w.contoso.ID, w.app.ID, "x", time.Time{})
		ok(t, err)
		ok(t, w.svc.RemoveApplicationPassword(w.as(w.contosoAdmin), w.contoso.ID, w.app.ID, cred.KeyID))
	})
}
