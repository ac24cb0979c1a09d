package auth

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/orgdir/orgdir/internal/directory"
)

func newSessions(t *testing.T) (*Sessions, *memStore, *directory.FixedClock) {
	t.Helper()
	st := newMemStore()
	// The people the tests' sessions belong to.
	st.addUser("tenant-1", "user-1")
	st.addUser("t", "u")
	st.addUser("home", "u")
	st.emails["email-1"] = &directory.EmailIdentity{ID: "email-1", Email: "guest@example.test"}
	clock := directory.NewFixedClock(time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC))
	return &Sessions{Store: st, Clock: clock.Now, TTL: time.Hour}, st, clock
}

func TestSessions(t *testing.T) {
	ctx := context.Background()

	t.Run("StartedSessionIsFoundByItsCookieAndStoresOnlyTheHash", func(t *testing.T) {
		m, st, _ := newSessions(t)
		secret, s, err := m.Start(ctx, "tenant-1", "user-1", "")
		if err != nil {
			t.Fatal(err)
		}
		got, err := m.Lookup(ctx, secret)
		if err != nil {
			t.Fatal(err)
		}
		if got.ID != s.ID || got.HomeUserID != "user-1" || len(got.CSRFSecret) != 32 {
			t.Fatalf("lookup returned %+v, want session %s of user-1 with a CSRF secret", got, s.ID)
		}
		stored := st.sessions[s.ID]
		if bytes.Contains(stored.TokenHash, []byte(secret)) || !bytes.Equal(stored.TokenHash, HashSecret(secret)) {
			t.Fatal("the store must keep the SHA-256 of the cookie, not the cookie")
		}
	})

	t.Run("UnknownCookieIsUnauthenticated", func(t *testing.T) {
		m, _, _ := newSessions(t)
		if _, err := m.Lookup(ctx, "forged"); !directory.IsKind(err, directory.KindUnauthenticated) {
			t.Fatalf("err = %v, want unauthenticated", err)
		}
	})

	t.Run("ExpiresAfterTTL", func(t *testing.T) {
		m, _, clock := newSessions(t)
		secret, _, err := m.Start(ctx, "", "", "email-1")
		if err != nil {
			t.Fatal(err)
		}
		clock.Advance(59 * time.Minute)
		if _, err := m.Lookup(ctx, secret); err != nil {
			t.Fatalf("a session within its TTL must work: %v", err)
		}
		clock.Advance(time.Minute)
		if _, err := m.Lookup(ctx, secret); !directory.IsKind(err, directory.KindUnauthenticated) {
			t.Fatalf("err = %v, want unauthenticated after the TTL", err)
		}
	})

	t.Run("SignOutRevokesAtOnce", func(t *testing.T) {
		m, _, _ := newSessions(t)
		secret, s, _ := m.Start(ctx, "t", "u", "")
		if err := m.End(ctx, s); err != nil {
			t.Fatal(err)
		}
		if _, err := m.Lookup(ctx, secret); !directory.IsKind(err, directory.KindUnauthenticated) {
			t.Fatalf("err = %v, want unauthenticated after sign-out", err)
		}
	})

	t.Run("DisablingOrDeletingThePersonRevokesTheirSessions", func(t *testing.T) {
		for name, change := range map[string]func(*memStore){
			"Disabled":      func(st *memStore) { st.users["t/u"].AccountEnabled = false },
			"SoftDeleted":   func(st *memStore) { now := time.Now(); st.users["t/u"].DeletedAt = &now },
			"Purged":        func(st *memStore) { delete(st.users, "t/u") },
			"EmailErased":   func(st *memStore) { delete(st.emails, "email-1") },
			"OtherUserGone": func(st *memStore) { delete(st.users, "tenant-1/user-1") },
		} {
			t.Run(name, func(t *testing.T) {
				m, st, _ := newSessions(t)
				home, hs, _ := m.Start(ctx, "t", "u", "")
				email, es, _ := m.Start(ctx, "", "", "email-1")
				change(st)
				// Only the sessions of the person who changed end.
				for _, c := range []struct {
					secret string
					s      *directory.Session
					ends   bool
				}{{home, hs, name != "EmailErased" && name != "OtherUserGone"}, {email, es, name == "EmailErased"}} {
					_, err := m.Lookup(ctx, c.secret)
					if !c.ends {
						if err != nil {
							t.Fatalf("an unaffected session failed: %v", err)
						}
						continue
					}
					if !directory.IsKind(err, directory.KindUnauthenticated) || !strings.Contains(err.Error(), "signed out") {
						t.Fatalf("err = %v, want unauthenticated: signed out", err)
					}
					if _, ok := st.sessions[c.s.ID]; ok {
						t.Fatal("the session of a disabled or deleted person must be revoked in the store")
					}
				}
			})
		}
	})

	t.Run("NeedsExactlyOneIdentity", func(t *testing.T) {
		m, st, _ := newSessions(t)
		for _, c := range [][2]string{{"", ""}, {"u", "e"}} {
			if _, _, err := m.Start(ctx, "t", c[0], c[1]); !directory.IsKind(err, directory.KindInvalid) {
				t.Fatalf("Start(%q, %q) err = %v, want invalid", c[0], c[1], err)
			}
		}
		if len(st.sessions) != 0 {
			t.Fatal("a refused Start must store nothing")
		}
	})

	t.Run("TenantsSignedInToArePersisted", func(t *testing.T) {
		m, _, _ := newSessions(t)
		secret, s, _ := m.Start(ctx, "home", "u", "")
		if err := m.AddTenant(ctx, s, "contoso"); err != nil {
			t.Fatal(err)
		}
		got, _ := m.Lookup(ctx, secret)
		if !SignedIn(got, "contoso") || !SignedIn(got, "home") || SignedIn(got, "other") {
			t.Fatalf("signed in to %v (home %s), want home and contoso only", got.SignedInTenantID, got.HomeTenantID)
		}
		if err := m.RemoveTenant(ctx, got, "contoso"); err != nil {
			t.Fatal(err)
		}
		got, _ = m.Lookup(ctx, secret)
		if SignedIn(got, "contoso") {
			t.Fatal("RemoveTenant must forget the tenant")
		}
	})
}

func TestHomeActor(t *testing.T) {
	if a := HomeActor(&directory.Session{HomeTenantID: "t", HomeUserID: "u"}); a.TenantID != "t" || a.UserID != "u" {
		t.Fatalf("member session actor = %+v", a)
	}
	if a := HomeActor(&directory.Session{EmailIdentityID: "e"}); a.EmailIdentityID != "e" || a.UserID != "" {
		t.Fatalf("e-mail session actor = %+v", a)
	}
}
