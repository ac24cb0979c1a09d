package oidcprovider_test

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"sync/atomic"
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

// BenchmarkAPIRequest measures GET /v1.0/users/{id} over HTTP (the real
// server, SQLite) with an opaque token and with an app-only JWT of
// orgdir's API (signature, claims, the app and its grants read again),
// callers in parallel. Many tokens, since the API throttles each one:
//
//	go test -run XXX -bench APIRequest -benchtime 3s ./internal/oidcprovider/
func BenchmarkAPIRequest(b *testing.B) {
	st, err := sqlite.Open(context.Background(), filepath.Join(b.TempDir(), "orgdir.db"))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = st.Close() })
	w := newWorld(&testing.T{}, st)
	b.Cleanup(w.srv.Close)
	w.t = &testing.T{}
	w.grant(w.adminToken(), "User.Read.All")
	const n = 512
	var opaque, jwts []string
	for range n {
		opaque = append(opaque, w.adminToken())
		jwts = append(jwts, w.daemonToken())
	}
	path := "/v1.0/users/" + w.d.AdaGuest.ID
	for _, c := range []struct {
		name   string
		tokens []string
	}{{"Opaque", opaque}, {"AppJWT", jwts}} {
		b.Run(c.name, func(b *testing.B) {
			var next atomic.Int64
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					tok := c.tokens[next.Add(1)%n]
					req, _ := http.NewRequest(http.MethodGet, w.srv.URL+path, nil)
					req.Header.Set("Authorization", "Bearer "+tok)
					resp, err := w.srv.Client().Do(req)
					if err != nil || resp.StatusCode != http.StatusOK {
						b.Fatalf("GET: %v %v", err, resp)
					}
					_, _ = io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
				}
			})
		})
	}
}
