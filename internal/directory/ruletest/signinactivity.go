package ruletest

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/orgdir/orgdir/internal/directory"
)

// countingStore is a real store that counts its Writes, so that a test
// can tell a write from a read that changed nothing.
type countingStore struct {
	directory.Store
	writes atomic.Int64
}

func (c *countingStore) Write(ctx context.Context, fn func(directory.Tx) error) error {
	c.writes.Add(1)
	return c.Store.Write(ctx, fn)
}

// stored is the time as the store keeps it (microseconds, UTC).
func stored(t time.Time) time.Time { return t.UTC().Truncate(time.Microsecond) }

// wantTime fails unless got is want (nil: unset).
func wantTime(t *testing.T, what string, got, want *time.Time) {
	t.Helper()
	switch {
	case got == nil && want == nil:
	case got == nil || want == nil || !got.Equal(stored(*want)):
		t.Errorf("%s = %v, want %v", what, got, want)
	}
}

func testSignInActivity(t *testing.T, ns NewStore) {
	t.Run("PasswordSignInsMoveLastSignInAtMostHourly", func(t *testing.T) {
		w := newWorld(t, ns)
		bob := w.member(w.contoso, "bob", "Bob")
		ok(t, w.svc.SetPassword(w.sys, w.contoso.ID, bob.ID, thePassword))
		wantTime(t, "before any sign-in", w.rawUser(bob.TenantID, bob.ID).LastSignInAt, nil)

		// A failed sign-in is not activity.
		wantKind(t, signIn(w.svc, bob.UserPrincipalName, "wrong", ownerAddr), directory.KindUnauthenticated)
		wantTime(t, "after a wrong password", w.rawUser(bob.TenantID, bob.ID).LastSignInAt, nil)

		first := w.clock.Now()
		ok(t, signIn(w.svc, bob.UserPrincipalName, thePassword, ownerAddr))
		u := w.rawUser(bob.TenantID, bob.ID)
		wantTime(t, "after the first sign-in", u.LastSignInAt, &first)
		wantTime(t, "non-interactive", u.LastNonInteractiveSignInAt, nil)

		w.clock.Advance(59 * time.Minute)
		ok(t, signIn(w.svc, bob.UserPrincipalName, thePassword, ownerAddr))
		wantTime(t, "59 minutes later", w.rawUser(bob.TenantID, bob.ID).LastSignInAt, &first)

		w.clock.Advance(time.Minute)
		hour := w.clock.Now()
		ok(t, signIn(w.svc, bob.UserPrincipalName, thePassword, ownerAddr))
		wantTime(t, "an hour later", w.rawUser(bob.TenantID, bob.ID).LastSignInAt, &hour)
	})

	t.Run("TokenUseWritesAtMostOncePerHour", func(t *testing.T) {
		w := newWorld(t, ns)
		bob := w.member(w.contoso, "bob", "Bob")
		tok, _ := mustPair(w.svc.CreateAccessToken(w.sys, bob.TenantID, bob.ID, "test", 3*time.Hour))(t)
		counted := &countingStore{Store: w.store}
		svc := directory.NewService(counted, directory.Options{Clock: w.clock.Now, PublicBaseURL: baseURL, PasswordHasher: plainHasher{}})

		first := w.clock.Now()
		for range 100 {
			must(svc.AuthenticateAccessToken(context.Background(), tok))(t)
			w.clock.Advance(35 * time.Second) // 100 uses in 58 minutes 20 seconds
		}
		if n := counted.writes.Load(); n != 1 {
			t.Errorf("100 token uses within an hour made %d writes, want 1", n)
		}
		u := w.rawUser(bob.TenantID, bob.ID)
		wantTime(t, "after 100 uses", u.LastNonInteractiveSignInAt, &first)
		wantTime(t, "interactive", u.LastSignInAt, nil)

		w.clock.Advance(2 * time.Minute)
		again := w.clock.Now()
		must(svc.AuthenticateAccessToken(context.Background(), tok))(t)
		if n := counted.writes.Load(); n != 2 {
			t.Errorf("a use after the hour: %d writes in all, want 2", n)
		}
		wantTime(t, "after the hour", w.rawUser(bob.TenantID, bob.ID).LastNonInteractiveSignInAt, &again)
	})

	t.Run("AGuestEnteringATenantIsThatTenantsActivity", func(t *testing.T) {
		w := newWorld(t, ns)
		home := w.rawUser(w.ada.TenantID, w.ada.ID).LastSignInAt
		_, sess := mustPair(w.svc.StartSession(w.as(w.ada)))(t)
		w.clock.Advance(time.Minute)
		at := w.clock.Now()
		ok(t, w.svc.AddSessionTenant(w.as(w.ada), sess, w.contoso.ID))
		wantTime(t, "the guest in Contoso", w.rawUser(w.contoso.ID, w.adaGuest.ID).LastSignInAt, &at)
		wantTime(t, "Ada at home", w.rawUser(w.ada.TenantID, w.ada.ID).LastSignInAt, home)
	})

	t.Run("AppSignInIsInteractiveARefreshIsNot", func(t *testing.T) {
		w := newOAuthWorld(t, ns)
		w.clock.Advance(time.Minute)
		signedIn := w.clock.Now()
		first := w.tokens()
		u := w.rawUser(w.contoso.ID, w.adaGuest.ID)
		wantTime(t, "after the app sign-in", u.LastSignInAt, &signedIn)
		wantTime(t, "non-interactive after the app sign-in", u.LastNonInteractiveSignInAt, nil)

		w.clock.Advance(2 * time.Hour)
		refreshed := w.clock.Now()
		second := must(w.svc.RefreshGrant(context.Background(), w.contoso.ID, w.web, first.RefreshToken))(t)
		w.clock.Advance(10 * time.Minute)
		must(w.svc.RefreshGrant(context.Background(), w.contoso.ID, w.web, second.RefreshToken))(t)
		u = w.rawUser(w.contoso.ID, w.adaGuest.ID)
		wantTime(t, "after two refreshes", u.LastNonInteractiveSignInAt, &refreshed)
		wantTime(t, "interactive after the refreshes", u.LastSignInAt, &signedIn)
	})

	t.Run("ADelegatedAPITokenWritesAtMostOncePerHour", func(t *testing.T) {
		w := newOAuthWorld(t, ns)
		issue := w.tokens()
		access := directory.APIAccess{TenantID: w.contoso.ID, GrantID: issue.GrantID, UserID: w.adaGuest.ID}
		counted := &countingStore{Store: w.store}
		svc := directory.NewService(counted, directory.Options{Clock: w.clock.Now, PublicBaseURL: baseURL, PasswordHasher: plainHasher{}})
		first := w.clock.Now()
		for range 100 {
			must(svc.AuthenticateAPIAccess(context.Background(), access))(t)
			w.clock.Advance(30 * time.Second)
		}
		if n := counted.writes.Load(); n != 1 {
			t.Errorf("100 uses of a delegated token within an hour made %d writes, want 1", n)
		}
		wantTime(t, "after 100 uses", w.rawUser(w.contoso.ID, w.adaGuest.ID).LastNonInteractiveSignInAt, &first)
	})

	t.Run("APasscodeGuestEnteringATenant", func(t *testing.T) {
		w := newWorld(t, ns)
		guest, e := w.emailGuest(w.fabrikam, "grace@example.net")
		_, sess := mustPair(w.svc.StartSession(w.asEmail(e)))(t)
		w.clock.Advance(time.Minute)
		at := w.clock.Now()
		ok(t, w.svc.AddSessionTenant(w.asEmail(e), sess, w.fabrikam.ID))
		if got := w.lastSignIn(w.fabrikam); got.Method != directory.MethodPasscode || got.UserID != guest.ID {
			t.Fatalf("record %+v, want the passcode guest's", got)
		}
		wantTime(t, "the passcode guest", w.rawUser(w.fabrikam.ID, guest.ID).LastSignInAt, &at)
	})
}
