package oidcprovider_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	gooidc "github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2/clientcredentials"

	"github.com/orgdir/orgdir/internal/store/sqlite"
)

// TestTokensMoveToTheNewKeyAtRotateAt: the signing key the provider keeps
// between tokens is given up at its RotateAt, even a moment after it was
// read, and the new key's tokens verify against the JWKS.
func TestTokensMoveToTheNewKeyAtRotateAt(t *testing.T) {
	st, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "orgdir.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	w := newWorldWith(t, st, time.Hour)
	r := w.webRP()
	cc := clientcredentials.Config{ClientID: w.d.App.ID, ClientSecret: w.secret, TokenURL: r.conf.Endpoint.TokenURL,
		Scopes: []string{w.d.App.ID + "/.default"}}
	token := func() string {
		t.Helper()
		tok, err := cc.Token(w.ctx)
		if err != nil {
			t.Fatalf("client credentials: %v", err)
		}
		v := r.provider.Verifier(&gooidc.Config{ClientID: w.d.App.ID, Now: w.clock.Now})
		if _, err := v.Verify(w.ctx, tok.AccessToken); err != nil {
			t.Fatalf("the access token does not verify against the JWKS: %v", err)
		}
		return kidOf(t, tok.AccessToken)
	}
	first := token()
	set, err := w.svc.SigningKeys(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	w.clock.Advance(set.Signing.RotateAt.Sub(w.clock.Now()) - time.Second)
	if kid := token(); kid != first {
		t.Fatalf("a second before RotateAt a token is signed by %s, want %s", kid, first)
	}
	w.clock.Advance(2 * time.Second)
	if kid := token(); kid == first {
		t.Fatal("a second after RotateAt the token is still signed by the old key")
	}
}
