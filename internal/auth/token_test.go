package auth

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/orgdir/orgdir/internal/directory"
	"github.com/orgdir/orgdir/internal/store/sqlite"
)

type tokenFixture struct {
	store  *sqlite.Store
	path   string
	clock  *directory.FixedClock
	tenant *directory.Tenant
	user   *directory.User
}

func newTokenFixture(t *testing.T) *tokenFixture {
	t.Helper()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "orgdir.db")
	st, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	clock := directory.NewFixedClock(time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC))
	ten := &directory.Tenant{ID: directory.NewID(), DisplayName: "Contoso", InitialDomain: "contoso.example",
		CreatedAt: clock.Now(), Settings: directory.DefaultTenantSettings()}
	u := &directory.User{ID: directory.NewID(), TenantID: ten.ID, UserPrincipalName: "ada@contoso.example",
		DisplayName: "Ada", UserType: directory.Member, AccountEnabled: true, CreatedAt: clock.Now()}
	err = st.Write(ctx, func(tx directory.Tx) error {
		if err := tx.CreateTenant(ctx, ten); err != nil {
			return err
		}
		return tx.CreateUser(ctx, u)
	})
	if err != nil {
		t.Fatal(err)
	}
	return &tokenFixture{store: st, path: path, clock: clock, tenant: ten, user: u}
}

func (f *tokenFixture) create(t *testing.T, ttl time.Duration) (string, *directory.AccessToken) {
	t.Helper()
	secret, tok, err := CreateToken(context.Background(), f.store, f.clock.Now, f.tenant.ID, f.user.ID, ttl)
	if err != nil {
		t.Fatal(err)
	}
	return secret, tok
}

func (f *tokenFixture) updateUser(t *testing.T, change func(u *directory.User)) {
	t.Helper()
	ctx := context.Background()
	err := f.store.Write(ctx, func(tx directory.Tx) error {
		u, err := tx.GetUser(ctx, f.tenant.ID, f.user.ID)
		if err != nil {
			return err
		}
		change(u)
		return tx.UpdateUser(ctx, u)
	})
	if err != nil {
		t.Fatal(err)
	}
}

func wantUnauthenticated(t *testing.T, err error, contains string) {
	t.Helper()
	if !directory.IsKind(err, directory.KindUnauthenticated) {
		t.Fatalf("got %v; want KindUnauthenticated", err)
	}
	if !strings.Contains(err.Error(), contains) {
		t.Fatalf("error %q does not say %q", err, contains)
	}
}

func TestTokenActsAsItsUserInItsTenant(t *testing.T) {
	f := newTokenFixture(t)
	secret, tok := f.create(t, time.Hour)
	if !strings.HasPrefix(secret, TokenPrefix) || len(secret) < len(TokenPrefix)+43 {
		t.Fatalf("secret %q: want %s and 32 random bytes in base64url", secret, TokenPrefix)
	}
	if !tok.ExpiresAt.Equal(f.clock.Now().Add(time.Hour)) {
		t.Fatalf("expires %v", tok.ExpiresAt)
	}
	a, err := Authenticate(context.Background(), f.store, f.clock.Now(), secret)
	if err != nil {
		t.Fatal(err)
	}
	if a != directory.UserActor(f.tenant.ID, f.user.ID) {
		t.Fatalf("actor %+v", a)
	}
}

func TestTokenIsStoredOnlyAsItsHash(t *testing.T) {
	f := newTokenFixture(t)
	secret, tok := f.create(t, time.Hour)
	if !bytes.Equal(tok.TokenHash, HashSecret(secret)) {
		t.Fatal("the stored hash is not the SHA-256 of the secret")
	}
	if err := f.store.Close(); err != nil { // flush the WAL into the file
		t.Fatal(err)
	}
	for _, p := range []string{f.path, f.path + "-wal"} {
		b, err := os.ReadFile(p)
		if err != nil && !os.IsNotExist(err) {
			t.Fatal(err)
		}
		if bytes.Contains(b, []byte(strings.TrimPrefix(secret, TokenPrefix))) {
			t.Fatalf("%s holds the token secret", filepath.Base(p))
		}
	}
}

func TestTokenTwoSecretsDiffer(t *testing.T) {
	f := newTokenFixture(t)
	a, _ := f.create(t, time.Hour)
	b, _ := f.create(t, time.Hour)
	if a == b {
		t.Fatal("two tokens share a secret")
	}
}

func TestTokenRefused(t *testing.T) {
	ctx := context.Background()
	t.Run("Unknown", func(t *testing.T) {
		f := newTokenFixture(t)
		_, err := Authenticate(ctx, f.store, f.clock.Now(), TokenPrefix+"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")
		wantUnauthenticated(t, err, "not valid")
	})
	t.Run("NotAnOrgdirToken", func(t *testing.T) {
		f := newTokenFixture(t)
		_, err := Authenticate(ctx, f.store, f.clock.Now(), "eyJhbGciOi.jwt.thing")
		wantUnauthenticated(t, err, "not a valid orgdir token")
	})
	t.Run("ExpiredAtItsExpiry", func(t *testing.T) {
		f := newTokenFixture(t)
		secret, tok := f.create(t, time.Hour)
		if _, err := Authenticate(ctx, f.store, tok.ExpiresAt.Add(-time.Second), secret); err != nil {
			t.Fatalf("a second before expiry: %v", err)
		}
		_, err := Authenticate(ctx, f.store, tok.ExpiresAt, secret)
		wantUnauthenticated(t, err, "expired")
	})
	t.Run("RevokedByID", func(t *testing.T) {
		f := newTokenFixture(t)
		secret, tok := f.create(t, time.Hour)
		if err := RevokeToken(ctx, f.store, f.clock.Now, tok.ID); err != nil {
			t.Fatal(err)
		}
		_, err := Authenticate(ctx, f.store, f.clock.Now(), secret)
		wantUnauthenticated(t, err, "revoked")
	})
	t.Run("RevokedBySecretTwice", func(t *testing.T) {
		f := newTokenFixture(t)
		secret, _ := f.create(t, time.Hour)
		for range 2 {
			if err := RevokeToken(ctx, f.store, f.clock.Now, secret); err != nil {
				t.Fatal(err)
			}
		}
		_, err := Authenticate(ctx, f.store, f.clock.Now(), secret)
		wantUnauthenticated(t, err, "revoked")
	})
	t.Run("UserDisabled", func(t *testing.T) {
		f := newTokenFixture(t)
		secret, _ := f.create(t, time.Hour)
		f.updateUser(t, func(u *directory.User) { u.AccountEnabled = false })
		_, err := Authenticate(ctx, f.store, f.clock.Now(), secret)
		wantUnauthenticated(t, err, "disabled")
	})
	t.Run("UserDeleted", func(t *testing.T) {
		f := newTokenFixture(t)
		secret, _ := f.create(t, time.Hour)
		now := f.clock.Now()
		purge := now.Add(30 * 24 * time.Hour)
		f.updateUser(t, func(u *directory.User) { u.DeletedAt, u.PurgeAt = &now, &purge })
		_, err := Authenticate(ctx, f.store, f.clock.Now(), secret)
		wantUnauthenticated(t, err, "deleted")
	})
	t.Run("UserPurged", func(t *testing.T) {
		f := newTokenFixture(t)
		secret, _ := f.create(t, time.Hour)
		err := f.store.Write(ctx, func(tx directory.Tx) error { return tx.DeleteUser(ctx, f.tenant.ID, f.user.ID) })
		if err != nil {
			t.Fatal(err)
		}
		_, err = Authenticate(ctx, f.store, f.clock.Now(), secret)
		wantUnauthenticated(t, err, "")
	})
}

func TestCreateTokenRefuses(t *testing.T) {
	ctx := context.Background()
	f := newTokenFixture(t)
	for _, ttl := range []time.Duration{0, -time.Hour, MaxTokenTTL + time.Hour} {
		_, _, err := CreateToken(ctx, f.store, f.clock.Now, f.tenant.ID, f.user.ID, ttl)
		var e *directory.Error
		if !errors.As(err, &e) || e.Kind != directory.KindInvalid || e.Field != "expires" {
			t.Errorf("ttl %s: %v; want KindInvalid on expires", ttl, err)
		}
	}
	if _, _, err := CreateToken(ctx, f.store, f.clock.Now, f.tenant.ID, directory.NewID(), time.Hour); !directory.IsKind(err, directory.KindNotFound) {
		t.Errorf("unknown user: %v; want KindNotFound", err)
	}
	f.updateUser(t, func(u *directory.User) { u.AccountEnabled = false })
	if _, _, err := CreateToken(ctx, f.store, f.clock.Now, f.tenant.ID, f.user.ID, time.Hour); !directory.IsKind(err, directory.KindInvalid) || !strings.Contains(err.Error(), "disabled") {
		t.Errorf("disabled user: %v; want KindInvalid saying disabled", err)
	}
	if err := RevokeToken(ctx, f.store, f.clock.Now, "nonsense"); !directory.IsKind(err, directory.KindInvalid) {
		t.Errorf("revoke nonsense: %v; want KindInvalid", err)
	}
	if err := RevokeToken(ctx, f.store, f.clock.Now, directory.NewID()); !directory.IsKind(err, directory.KindNotFound) {
		t.Errorf("revoke unknown id: %v; want KindNotFound", err)
	}
}
