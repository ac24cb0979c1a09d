package ruletest

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/orgdir/orgdir/internal/directory"
)

// testAppSignIn pins who may sign in to an application of a tenant and
// what the sign-in's claims say (Entra v2.0), including every refusal with
// its AADSTS code.
func testAppSignIn(t *testing.T, ns NewStore) {
	ctx := context.Background()
	session := func(w *world, who context.Context) *directory.Session {
		w.t.Helper()
		secret, _, err := w.svc.StartSession(who)
		ok(w.t, err)
		return must(w.svc.LookupSession(ctx, secret))(w.t)
	}
	refused := func(t *testing.T, err error, code string) {
		t.Helper()
		e := wantKind(t, err, directory.KindAppSignInRefused)
		if e != nil && (e.Code != code || !strings.HasPrefix(e.Message, code+": ")) {
			t.Errorf("refusal %s %q, want %s", e.Code, e.Message, code)
		}
	}

	t.Run("GuestClaims", func(t *testing.T) {
		w := newWorld(t, ns)
		sess := session(w, w.as(w.ada))
		in := must(w.svc.AuthorizeAppSignIn(ctx, sess, w.contoso.ID, w.app.ID))(t)
		switch {
		case in.TenantID != w.contoso.ID || in.UserID != w.adaGuest.ID || in.AppID != w.app.ID:
			t.Errorf("tid %s oid %s aud %s", in.TenantID, in.UserID, in.AppID)
		case !in.Guest || in.IdentityProvider != w.svc.Issuer(w.fabrikam.ID):
			t.Errorf("acct guest %v, idp %q", in.Guest, in.IdentityProvider)
		case !slices.Equal(in.Roles, []string{"Notebook.Read"}):
			t.Errorf("roles %v", in.Roles)
		case in.PreferredUsername != w.adaGuest.UserPrincipalName || in.Name != w.adaGuest.DisplayName || in.Email != w.adaGuest.Mail:
			t.Errorf("names %+v", in)
		case in.SessionID != sess.ID || !in.AuthTime.Equal(sess.CreatedAt):
			t.Errorf("sid %s auth_time %s", in.SessionID, in.AuthTime)
		case in.Subject == "" || in.Subject == in.UserID:
			t.Errorf("sub %q", in.Subject)
		}
		if got := w.svc.Issuer(w.contoso.ID); got != baseURL+"/"+w.contoso.ID+"/v2.0" {
			t.Errorf("issuer %s", got)
		}
		// sub is pairwise: another app sees another sub for the same user.
		other := must(w.svc.CreateApplication(w.as(w.contosoAdmin), w.contoso.ID, "Wiki", nil))(t)
		in2 := must(w.svc.AuthorizeAppSignIn(ctx, sess, w.contoso.ID, other.ID))(t)
		if in2.Subject == in.Subject || in2.UserID != in.UserID || len(in2.Roles) != 0 {
			t.Errorf("second app: sub %s (first %s), roles %v", in2.Subject, in.Subject, in2.Roles)
		}
	})

	t.Run("MemberClaims", func(t *testing.T) {
		w := newWorld(t, ns)
		in := must(w.svc.AuthorizeAppSignIn(ctx, session(w, w.as(w.contosoAdmin)), w.contoso.ID, w.app.ID))(t)
		if in.Guest || in.IdentityProvider != "" || in.UserID != w.contosoAdmin.ID {
			t.Errorf("member sign-in %+v", in)
		}
	})

	t.Run("PasscodeGuestIdpIsMail", func(t *testing.T) {
		w := newWorld(t, ns)
		g, e := w.emailGuest(w.contoso, "grace@mail.example")
		in := must(w.svc.AuthorizeAppSignIn(ctx, session(w, w.asEmail(e)), w.contoso.ID, w.app.ID))(t)
		if in.UserID != g.ID || in.IdentityProvider != "mail" || !in.Guest {
			t.Errorf("passcode guest %+v", in)
		}
	})

	t.Run("Refusals", func(t *testing.T) {
		w := newWorld(t, ns)
		sess := session(w, w.as(w.ada))
		_, err := w.svc.AuthorizeAppSignIn(ctx, sess, directory.NewID(), w.app.ID)
		refused(t, err, directory.CodeTenantNotFound)
		_, err = w.svc.AuthorizeAppSignIn(ctx, sess, w.contoso.ID, directory.NewID())
		refused(t, err, directory.CodeAppNotFound)
		// An app of another tenant is not one of this tenant's.
		fapp := must(w.svc.CreateApplication(w.as(w.fabrikamAdmin), w.fabrikam.ID, "Fabrikam App", nil))(t)
		_, err = w.svc.AuthorizeAppSignIn(ctx, sess, w.contoso.ID, fapp.ID)
		refused(t, err, directory.CodeAppNotFound)
		// Contoso's admin has no account in Fabrikam.
		_, err = w.svc.AuthorizeAppSignIn(ctx, session(w, w.as(w.contosoAdmin)), w.fabrikam.ID, fapp.ID)
		refused(t, err, directory.CodeNoAccount)
		if _, err := w.svc.AuthorizeAppSignIn(ctx, sess, w.contoso.ID, directory.NewID()); err != nil {
			if e := directory.AsError(err); e.Contact == nil || e.Contact.TenantID != w.contoso.ID {
				t.Errorf("refusal names no contact of Contoso: %+v", e.Contact)
			}
		}
	})

	t.Run("AssignmentRequired", func(t *testing.T) {
		w := newWorld(t, ns)
		admin := w.as(w.contosoAdmin)
		wiki := must(w.svc.CreateApplication(admin, w.contoso.ID, "Wiki", nil))(t)
		must(w.svc.UpdateApplication(admin, w.contoso.ID, wiki.ID, directory.ApplicationPatch{AppRoleAssignmentRequired: ptr(true)}))(t)
		sess := session(w, w.as(w.ada))
		_, err := w.svc.AuthorizeAppSignIn(ctx, sess, w.contoso.ID, wiki.ID)
		refused(t, err, directory.CodeNotAssigned)
		// The default role (no value) is an assignment, and no role claim.
		must(w.svc.AssignAppRole(admin, w.contoso.ID, w.adaGuest.ID, wiki.ID, ""))(t)
		in := must(w.svc.AuthorizeAppSignIn(ctx, sess, w.contoso.ID, wiki.ID))(t)
		if len(in.Roles) != 0 {
			t.Errorf("roles %v", in.Roles)
		}
	})

	t.Run("DisabledInTenantOrAtHome", func(t *testing.T) {
		w := newWorld(t, ns)
		sess := session(w, w.as(w.ada))
		w.disable(w.adaGuest)
		_, err := w.svc.AuthorizeAppSignIn(ctx, sess, w.contoso.ID, w.app.ID)
		refused(t, err, directory.CodeDisabled)
		// Disabled at home: the session itself ends.
		w2 := newWorld(t, ns)
		sess2 := session(w2, w2.as(w2.ada))
		w2.disable(w2.ada)
		_, err = w2.svc.AuthorizeAppSignIn(ctx, sess2, w2.contoso.ID, w2.app.ID)
		wantKind(t, err, directory.KindUnauthenticated)
	})

	t.Run("LeftGuestHasNoAccount", func(t *testing.T) {
		w := newWorld(t, ns)
		sess := session(w, w.as(w.ada))
		ok(t, w.svc.Leave(w.as(w.adaGuest), w.contoso.ID))
		_, err := w.svc.AuthorizeAppSignIn(ctx, sess, w.contoso.ID, w.app.ID)
		refused(t, err, directory.CodeNoAccount)
	})

	t.Run("RevokedGuestSignsInAgain", func(t *testing.T) {
		w := newWorld(t, ns)
		sess := session(w, w.as(w.ada))
		w.clock.Advance(time.Second)
		ok(t, w.svc.RevokeSignInSessions(w.as(w.contosoAdmin), w.contoso.ID, w.adaGuest.ID))
		_, err := w.svc.AuthorizeAppSignIn(ctx, sess, w.contoso.ID, w.app.ID)
		wantKind(t, err, directory.KindUnauthenticated)
		// A session begun after the revocation signs in.
		w.clock.Advance(time.Second)
		must(w.svc.AuthorizeAppSignIn(ctx, session(w, w.as(w.ada)), w.contoso.ID, w.app.ID))(t)
	})

	t.Run("EndedSessionIsUnauthenticated", func(t *testing.T) {
		w := newWorld(t, ns)
		sess := session(w, w.as(w.ada))
		ok(t, w.svc.EndSession(w.as(w.ada), sess))
		_, err := w.svc.AuthorizeAppSignIn(ctx, sess, w.contoso.ID, w.app.ID)
		wantKind(t, err, directory.KindUnauthenticated)
		_, err = w.svc.AuthorizeAppSignIn(ctx, nil, w.contoso.ID, w.app.ID)
		wantKind(t, err, directory.KindUnauthenticated)
	})
}
