package ruletest

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/orgdir/orgdir/internal/directory"
)

// creds is one API token and one browser session of a person, issued now.
type creds struct {
	token  string
	cookie string
}

// issue gives u a token (in its tenant) and, for a member, a session.
func (w *world) issue(u *directory.User) creds {
	w.t.Helper()
	var c creds
	c.token, _ = mustPair(w.svc.CreateAccessToken(w.sys, u.TenantID, u.ID, "test", time.Hour))(w.t)
	if !u.External() {
		c.cookie, _ = mustPair(w.svc.StartSession(w.as(u)))(w.t)
	}
	return c
}

func mustPair[A, B any](a A, b B, err error) func(t *testing.T) (A, B) {
	return func(t *testing.T) (A, B) {
		t.Helper()
		ok(t, err)
		return a, b
	}
}

// tokenWorks reports whether the token still authenticates.
func (w *world) tokenWorks(tok string) bool {
	w.t.Helper()
	_, err := w.svc.AuthenticateAccessToken(context.Background(), tok)
	if err != nil && !directory.IsKind(err, directory.KindUnauthenticated) {
		w.t.Fatalf("authenticate: %v", err)
	}
	return err == nil
}

// sessionWorks reports whether the session cookie still finds its session.
func (w *world) sessionWorks(cookie string) bool {
	w.t.Helper()
	_, err := w.svc.LookupSession(context.Background(), cookie)
	if err != nil && !directory.IsKind(err, directory.KindUnauthenticated) {
		w.t.Fatalf("lookup session: %v", err)
	}
	return err == nil
}

func testCredentials(t *testing.T, ns NewStore) {
	// Each event ends every credential issued before it, for good: undoing
	// the event (enable, restore) does not bring one back, and new ones
	// issued after work. The clock does not move between issue and event:
	// a revocation in the same instant still wins.
	events := []struct {
		name string
		do   func(w *world, u *directory.User)
		undo func(w *world, u *directory.User)
	}{
		{"PasswordReset", func(w *world, u *directory.User) {
			ok(w.t, w.svc.SetPassword(w.as(w.fabrikamAdmin), u.TenantID, u.ID, "a brand new password"))
		}, nil},
		{"OwnPasswordChange", func(w *world, u *directory.User) {
			ok(w.t, w.svc.SetPassword(w.as(u), u.TenantID, u.ID, "my own new password"))
		}, nil},
		{"Disable", func(w *world, u *directory.User) { w.disable(u) }, func(w *world, u *directory.User) {
			must(w.svc.UpdateUser(w.as(w.fabrikamAdmin), u.TenantID, u.ID, directory.UserPatch{AccountEnabled: ptr(true)}))(w.t)
		}},
		{"SoftDelete", func(w *world, u *directory.User) {
			ok(w.t, w.svc.DeleteUser(w.as(w.fabrikamAdmin), u.TenantID, u.ID))
		}, func(w *world, u *directory.User) {
			must(w.svc.RestoreUser(w.as(w.fabrikamAdmin), u.TenantID, u.ID, ""))(w.t)
		}},
		{"RevokeSignInSessions", func(w *world, u *directory.User) {
			ok(w.t, w.svc.RevokeSignInSessions(w.as(w.fabrikamAdmin), u.TenantID, u.ID))
		}, nil},
		{"RevokeOwnSignInSessions", func(w *world, u *directory.User) {
			ok(w.t, w.svc.RevokeSignInSessions(w.as(u), u.TenantID, u.ID))
		}, nil},
	}
	for _, ev := range events {
		t.Run("MemberCredentialsEndFor/"+ev.name, func(t *testing.T) {
			w := newWorld(t, ns)
			bob := w.member(w.fabrikam, "bob", "Bob")
			bystander := w.member(w.fabrikam, "cleo", "Cleo")
			old, other := w.issue(bob), w.issue(bystander)
			if !w.tokenWorks(old.token) || !w.sessionWorks(old.cookie) {
				t.Fatal("setup: fresh credentials do not work")
			}
			ev.do(w, bob)
			if w.tokenWorks(old.token) || w.sessionWorks(old.cookie) {
				t.Fatalf("after %s the old token or session still works", ev.name)
			}
			if ev.undo != nil {
				ev.undo(w, bob)
				if w.tokenWorks(old.token) || w.sessionWorks(old.cookie) {
					t.Fatalf("undoing %s brought an old credential back", ev.name)
				}
			}
			fresh := w.issue(bob)
			if !w.tokenWorks(fresh.token) || !w.sessionWorks(fresh.cookie) {
				t.Fatalf("credentials issued after %s do not work", ev.name)
			}
			if !w.tokenWorks(other.token) || !w.sessionWorks(other.cookie) {
				t.Fatal("another user's credentials ended too")
			}
		})
	}

	t.Run("GuestLeaveThenRestoreRevivesNothing", func(t *testing.T) {
		w := newWorld(t, ns)
		home := w.issue(w.ada)
		guestToken := w.issue(w.adaGuest).token
		sess := must(w.svc.LookupSession(context.Background(), home.cookie))(t)
		ok(t, w.svc.AddSessionTenant(w.as(w.ada), sess, w.contoso.ID))
		if s := must(w.svc.LookupSession(context.Background(), home.cookie))(t); !s.SignedInTo(w.contoso.ID) {
			t.Fatal("setup: the session is not signed in to Contoso")
		}

		ok(t, w.svc.Leave(w.as(w.adaGuest), w.contoso.ID))
		if w.tokenWorks(guestToken) {
			t.Fatal("the guest token works after leaving")
		}
		must(w.svc.RestoreUser(w.as(w.contosoAdmin), w.contoso.ID, w.adaGuest.ID, ""))(t)
		if w.tokenWorks(guestToken) {
			t.Fatal("a restore brought the guest's old token back")
		}
		s := must(w.svc.LookupSession(context.Background(), home.cookie))(t)
		if s.SignedInTo(w.contoso.ID) {
			t.Fatal("a restore brought the session's old sign-in to Contoso back")
		}
		if !s.SignedInTo(w.fabrikam.ID) {
			t.Fatal("the home session ended with the guest's leave")
		}
		// Signing in anew works at once, and so does a new token.
		ok(t, w.svc.AddSessionTenant(w.as(w.ada), s, w.contoso.ID))
		if s := must(w.svc.LookupSession(context.Background(), home.cookie))(t); !s.SignedInTo(w.contoso.ID) {
			t.Fatal("a new sign-in to Contoso after the restore does not count")
		}
		if !w.tokenWorks(w.issue(w.adaGuest).token) {
			t.Fatal("a token issued after the restore does not work")
		}
	})

	t.Run("GuestSignInEndsWhenDisabledOrRevokedInTenant", func(t *testing.T) {
		w := newWorld(t, ns)
		home := w.issue(w.ada)
		sess := must(w.svc.LookupSession(context.Background(), home.cookie))(t)
		ok(t, w.svc.AddSessionTenant(w.as(w.ada), sess, w.contoso.ID))
		ok(t, w.svc.RevokeSignInSessions(w.as(w.contosoAdmin), w.contoso.ID, w.adaGuest.ID))
		s := must(w.svc.LookupSession(context.Background(), home.cookie))(t)
		if s.SignedInTo(w.contoso.ID) || !s.SignedInTo(w.fabrikam.ID) {
			t.Fatalf("after Contoso revoked the guest: signed in to Contoso %v, at home %v; want false, true",
				s.SignedInTo(w.contoso.ID), s.SignedInTo(w.fabrikam.ID))
		}
		ok(t, w.svc.AddSessionTenant(w.as(w.ada), s, w.contoso.ID))
		w.disable(w.adaGuest)
		if s := must(w.svc.LookupSession(context.Background(), home.cookie))(t); s.SignedInTo(w.contoso.ID) {
			t.Fatal("the session is still signed in to Contoso after the guest was disabled there")
		}
		wantKind(t, w.svc.AddSessionTenant(w.as(w.ada), s, w.contoso.ID), directory.KindAccountDisabled)
	})

	// Every credential of a guest is refused while the home user is
	// disabled, deleted or gone, and a home disable ends them for good.
	t.Run("GuestCredentialsEndWithTheHomeAccount", func(t *testing.T) {
		w := newWorld(t, ns)
		guestToken := w.issue(w.adaGuest).token
		w.disable(w.ada)
		_, err := w.svc.AuthenticateAccessToken(context.Background(), guestToken)
		if e := wantKind(t, err, directory.KindUnauthenticated); !strings.Contains(e.Message, "home account is disabled") {
			t.Fatalf("the refusal does not say why: %q", e.Message)
		}
		wantKind(t, second(w.svc.CreateAccessToken(w.sys, w.contoso.ID, w.adaGuest.ID, "x", time.Hour)), directory.KindInvalid)
		must(w.svc.UpdateUser(w.as(w.fabrikamAdmin), w.fabrikam.ID, w.ada.ID, directory.UserPatch{AccountEnabled: ptr(true)}))(t)
		if w.tokenWorks(guestToken) {
			t.Fatal("enabling the home account brought the guest's old token back")
		}
		fresh := w.issue(w.adaGuest).token
		if !w.tokenWorks(fresh) {
			t.Fatal("a guest token issued after the home account came back does not work")
		}
		ok(t, w.svc.DeleteUser(w.as(w.fabrikamAdmin), w.fabrikam.ID, w.ada.ID))
		if w.tokenWorks(fresh) {
			t.Fatal("the guest token works while the home account is deleted")
		}
		ok(t, w.svc.PermanentlyDeleteUser(w.as(w.fabrikamAdmin), w.fabrikam.ID, w.ada.ID))
		_, err = w.svc.AuthenticateAccessToken(context.Background(), fresh)
		if e := wantKind(t, err, directory.KindUnauthenticated); !strings.Contains(e.Message, "no longer exists") {
			t.Fatalf("the refusal does not say why: %q", e.Message)
		}
	})

	t.Run("PasscodeGuestTokenEndsWithTheEmailIdentity", func(t *testing.T) {
		w := newWorld(t, ns)
		guest, id := w.emailGuest(w.contoso, "grace@example.org")
		tok := w.issue(guest).token
		cookie, _ := mustPair(w.svc.StartSession(w.asEmail(id)))(t)
		if !w.tokenWorks(tok) {
			t.Fatal("setup: the passcode guest's token does not work")
		}
		err := w.store.Write(context.Background(), func(tx directory.Tx) error {
			return tx.DeleteEmailIdentity(context.Background(), id.ID)
		})
		ok(t, err)
		if w.tokenWorks(tok) || w.sessionWorks(cookie) {
			t.Fatal("the passcode guest's token or session works after the e-mail identity is gone")
		}
	})

	t.Run("RevocationIsSeenByAnotherInstanceAtOnce", func(t *testing.T) {
		w := newWorld(t, ns)
		other := directory.NewService(w.store, directory.Options{Clock: w.clock.Now, PublicBaseURL: baseURL, PasswordHasher: plainHasher{}})
		c := w.issue(w.ada)
		if _, err := other.AuthenticateAccessToken(context.Background(), c.token); err != nil {
			t.Fatalf("setup: the other instance refuses a fresh token: %v", err)
		}
		w.clock.Advance(time.Second)
		ok(t, w.svc.RevokeSignInSessions(w.as(w.ada), w.fabrikam.ID, w.ada.ID))
		wantKind(t, errOf(other.AuthenticateAccessToken(context.Background(), c.token)), directory.KindUnauthenticated)
		wantKind(t, errOf(other.LookupSession(context.Background(), c.cookie)), directory.KindUnauthenticated)
	})

	t.Run("RevokeSignInSessionsIsAuthorizedAndAudited", func(t *testing.T) {
		w := newWorld(t, ns)
		bob := w.member(w.fabrikam, "bob", "Bob")
		ua := w.member(w.fabrikam, "uadmin", "User Admin", directory.RoleUserAdministrator)
		wantKind(t, w.svc.RevokeSignInSessions(w.as(bob), w.fabrikam.ID, w.ada.ID), directory.KindForbidden)
		wantKind(t, w.svc.RevokeSignInSessions(w.as(w.contosoAdmin), w.fabrikam.ID, w.ada.ID), directory.KindNotFound)
		wantKind(t, w.svc.RevokeSignInSessions(w.as(ua), w.fabrikam.ID, w.fabrikamAdmin.ID), directory.KindForbidden)
		wantKind(t, w.svc.RevokeSignInSessions(w.as(w.fabrikamAdmin), w.fabrikam.ID, directory.NewID()), directory.KindNotFound)
		before := w.rawUser(w.fabrikam.ID, w.ada.ID)
		if !before.SignInSessionsValidFrom.IsZero() {
			t.Fatal("setup: refused revocations moved SignInSessionsValidFrom")
		}
		w.clock.Advance(time.Minute)
		ok(t, w.svc.RevokeSignInSessions(w.as(ua), w.fabrikam.ID, w.ada.UserPrincipalName))
		after := w.rawUser(w.fabrikam.ID, w.ada.ID)
		if !after.SignInSessionsValidFrom.Equal(w.clock.Now().UTC().Truncate(time.Microsecond)) {
			t.Fatalf("SignInSessionsValidFrom = %v, want now (%v)", after.SignInSessionsValidFrom, w.clock.Now())
		}
		ev := w.audit(w.fabrikam.ID)[0]
		if ev.Activity != directory.ActivityRevokeSignInSessions || ev.Initiator.UserID != ua.ID || len(ev.Targets) != 1 || ev.Targets[0].ID != w.ada.ID {
			t.Fatalf("audit = %+v", ev)
		}
	})

	t.Run("AccessTokensAreIssuedOnlyToWhomMay", func(t *testing.T) {
		w := newWorld(t, ns)
		bob := w.member(w.fabrikam, "bob", "Bob")
		wantKind(t, second(w.svc.CreateAccessToken(w.as(bob), w.fabrikam.ID, w.ada.ID, "", time.Hour)), directory.KindForbidden)
		wantKind(t, second(w.svc.CreateAccessToken(w.as(w.contosoAdmin), w.fabrikam.ID, w.ada.ID, "", time.Hour)), directory.KindNotFound)
		wantKind(t, second(w.svc.CreateAccessToken(w.sys, w.fabrikam.ID, w.ada.ID, "", 0)), directory.KindInvalid)
		mustPair(w.svc.CreateAccessToken(w.as(bob), w.fabrikam.ID, bob.ID, "mine", time.Hour))(t)
		w.clock.Advance(time.Second) // the audit log lists newest first
		secret, tok, err := w.svc.CreateAccessToken(w.as(w.fabrikamAdmin), w.fabrikam.ID, w.ada.ID, "for ada", time.Hour)
		ok(t, err)
		if !w.tokenWorks(secret) || !strings.HasPrefix(secret, directory.TokenPrefix) {
			t.Fatal("an administrator's token for Ada does not work")
		}
		ev := w.audit(w.fabrikam.ID)[0]
		if ev.Activity != directory.ActivityAddAccessToken || ev.Targets[0].ID != w.ada.ID {
			t.Fatalf("audit = %+v", ev)
		}
		wantKind(t, w.svc.RevokeAccessToken(w.as(bob), tok.ID), directory.KindForbidden)
		wantKind(t, w.svc.RevokeAccessToken(w.as(w.contosoAdmin), tok.ID), directory.KindNotFound)
		w.clock.Advance(time.Second)
		ok(t, w.svc.RevokeAccessToken(w.as(w.ada), secret))
		if w.tokenWorks(secret) {
			t.Fatal("a revoked token works")
		}
		if ev := w.audit(w.fabrikam.ID)[0]; ev.Activity != directory.ActivityRevokeAccessToken {
			t.Fatalf("audit = %+v", ev)
		}
	})
}

// second returns the error of a three-valued call.
func second[A, B any](_ A, _ B, err error) error { return err }

// errOf returns the error of a two-valued call.
func errOf[A any](_ A, err error) error { return err }
