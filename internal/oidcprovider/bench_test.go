package oidcprovider_test

import (
	"context"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"testing"

	"github.com/orgdir/orgdir/internal/store/sqlite"
)

// BenchmarkTokenEndpoint measures the token endpoint over HTTP (the real
// server, SQLite), callers in parallel:
//
//	go test -run XXX -bench TokenEndpoint -benchtime 3s ./internal/oidcprovider/
func BenchmarkTokenEndpoint(b *testing.B) {
	st, err := sqlite.Open(context.Background(), filepath.Join(b.TempDir(), "orgdir.db"))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = st.Close() })
	t := &testing.T{}
	w := newWorld(t, st)
	b.Cleanup(w.srv.Close)
	tokenURL := w.srv.URL + "/" + w.d.Contoso.ID + "/oauth2/v2.0/token"
	form := url.Values{"grant_type": {"client_credentials"}, "client_id": {w.d.App.ID}, "client_secret": {w.secret}}.Encode()
	b.Run("ClientCredentials", func(b *testing.B) {
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				resp, err := w.srv.Client().Post(tokenURL, "application/x-www-form-urlencoded", strings.NewReader(form))
				if err != nil || resp.StatusCode != http.StatusOK {
					b.Fatalf("token: %v %v", err, resp)
				}
				resp.Body.Close()
			}
		})
	})
	b.Run("JWKS", func(b *testing.B) {
		keys := w.srv.URL + "/" + w.d.Contoso.ID + "/discovery/v2.0/keys"
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				resp, err := w.srv.Client().Get(keys)
				if err != nil || resp.StatusCode != http.StatusOK {
					b.Fatalf("keys: %v %v", err, resp)
				}
				resp.Body.Close()
			}
		})
	})
}
