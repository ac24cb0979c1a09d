package oidcprovider_test

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"html"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	gooidc "github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"github.com/orgdir/orgdir/internal/auth"
	"github.com/orgdir/orgdir/internal/demo"
	"github.com/orgdir/orgdir/internal/directory"
	"github.com/orgdir/orgdir/internal/httpapi"
	"github.com/orgdir/orgdir/internal/server"
	"github.com/orgdir/orgdir/internal/store/postgres"
	"github.com/orgdir/orgdir/internal/store/sqlite"
)

// The relying party's addresses: never contacted, the browser stops at
// them and the test reads the code from the address.
const (
	webCallback = "http://localhost:5555/callback"
	spaCallback = "http://localhost:3000/"
	logoutURI   = "http://localhost:5555/signed-out"
)

// eachStore runs fn on SQLite, and on PostgreSQL (a new schema, dropped
// afterwards) when ORGDIR_TEST_POSTGRES is set.
func eachStore(t *testing.T, fn func(t *testing.T, w *world)) {
	t.Run("sqlite", func(t *testing.T) {
		st, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "orgdir.db"))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = st.Close() })
		fn(t, newWorld(t, st))
	})
	dsn := os.Getenv("ORGDIR_TEST_POSTGRES")
	if dsn == "" {
		return
	}
	t.Run("postgres", func(t *testing.T) {
		st, _ := openPostgres(t, dsn)
		fn(t, newWorld(t, st))
	})
}

// openPostgres opens a store in a new schema of dsn, dropped when the
// test ends, and returns the DSN that opens that schema again.
func openPostgres(t *testing.T, dsn string) (directory.Store, string) {
	t.Helper()
	admin, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	schema := "orgdir_oidc_" + hex.EncodeToString(b)
	if _, err := admin.Exec("CREATE SCHEMA " + schema); err != nil {
		t.Fatal(err)
	}
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	st, err := postgres.Open(context.Background(), u.String())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = st.Close()
		_, _ = admin.Exec("DROP SCHEMA " + schema + " CASCADE")
		_ = admin.Close()
	})
	return st, u.String()
}

// world is the real server (every route, the one pipeline) over a real
// store, seeded as serve --demo: Contoso with the Falcon Portal app (a
// web redirect with a secret, and a SPA redirect), Ada of Fabrikam a
// guest in Contoso holding its Falcon.Read role.
type world struct {
	t      *testing.T
	svc    *directory.Service
	clock  *directory.FixedClock
	srv    *httptest.Server
	d      *demo.Demo
	secret string
	ctx    context.Context // go-oidc and x/oauth2 use the test server's client
}

func newWorld(t *testing.T, st directory.Store) *world {
	t.Helper()
	return newWorldWith(t, st, 0)
}

// newWorldWith is newWorld with signing keys rotating every keyRotation.
func newWorldWith(t *testing.T, st directory.Store, keyRotation time.Duration) *world {
	t.Helper()
	clock := directory.NewFixedClock(time.Now().UTC().Truncate(time.Second))
	srv := httptest.NewUnstartedServer(nil)
	base := "http://" + srv.Listener.Addr().String()
	svc := startInstance(t, srv, st, clock, base, keyRotation)
	d, err := demo.Seed(context.Background(), svc, base)
	if err != nil {
		t.Fatal(err)
	}
	w := &world{t: t, svc: svc, clock: clock, srv: srv, d: d}
	admin := w.as(d.ContosoAdmin)
	if _, err := svc.UpdateApplication(admin, d.Contoso.ID, d.App.ID, directory.ApplicationPatch{
		WebRedirectURIs: &[]string{webCallback, logoutURI}, SPARedirectURIs: &[]string{spaCallback}}); err != nil {
		t.Fatal(err)
	}
	if w.secret, _, err = svc.AddApplicationPassword(admin, d.Contoso.ID, d.App.ID, "test", time.Time{}); err != nil {
		t.Fatal(err)
	}
	w.ctx = gooidc.ClientContext(context.Background(), srv.Client())
	return w
}

// startInstance starts the real server of an orgdir instance on srv, over
// st, at the public URL base (which several instances share);
// keyRotation zero is the directory's default.
func startInstance(t *testing.T, srv *httptest.Server, st directory.Store, clock *directory.FixedClock, base string, keyRotation time.Duration) *directory.Service {
	t.Helper()
	hasher := &auth.Argon2Hasher{Params: auth.Argon2Params{Memory: 64, Time: 1, Threads: 1, KeyLen: 16, SaltLen: 8}}
	svc := directory.NewService(st, directory.Options{Clock: clock.Now, PublicBaseURL: base, PasswordHasher: hasher,
		SigningKeyRotation: keyRotation})
	// No API throttling: the clock stands still, so no bucket would ever
	// refill (the throttle's own tests are httpapi's).
	s, err := server.New(server.Deps{Service: svc, Clock: clock.Now, BaseURL: base, APIRateLimit: httpapi.RateLimit{Off: true}})
	if err != nil {
		t.Fatal(err)
	}
	srv.Config.Handler = s.Handler()
	srv.Start()
	t.Cleanup(srv.Close)
	return svc
}

func (w *world) as(u *directory.User) context.Context {
	return directory.WithActor(context.Background(), directory.UserActor(u.TenantID, u.ID))
}

func (w *world) issuer(tenantID string) string { return w.srv.URL + "/" + tenantID + "/v2.0" }

// rp is a relying party: go-oidc's provider (from discovery) and x/oauth2.
type rp struct {
	provider *gooidc.Provider
	verifier *gooidc.IDTokenVerifier
	conf     oauth2.Config
}

// rp is the Falcon Portal as a confidential web client of Contoso.
func (w *world) rp(clientID, secret, redirect string) *rp {
	w.t.Helper()
	p, err := gooidc.NewProvider(w.ctx, w.issuer(w.d.Contoso.ID))
	if err != nil {
		w.t.Fatalf("discovery: %v", err)
	}
	return &rp{provider: p, verifier: p.Verifier(&gooidc.Config{ClientID: clientID, Now: w.clock.Now}),
		conf: oauth2.Config{ClientID: clientID, ClientSecret: secret, Endpoint: p.Endpoint(), RedirectURL: redirect,
			Scopes: []string{gooidc.ScopeOpenID, "profile", "email", gooidc.ScopeOfflineAccess}}}
}

func (w *world) webRP() *rp { return w.rp(w.d.App.ID, w.secret, webCallback) }

// browser has cookies and stops at the relying party's addresses.
type browser struct {
	w *world
	c *http.Client
}

func (w *world) browser() *browser {
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, Timeout: 10 * time.Second, CheckRedirect: func(req *http.Request, via []*http.Request) error {
		if req.URL.Host != strings.TrimPrefix(w.srv.URL, "http://") {
			return http.ErrUseLastResponse
		}
		return nil
	}}
	return &browser{w: w, c: c}
}

// page is what the browser ended on: a page of orgdir, or a redirect to
// the relying party (Location set).
type page struct {
	status   int
	body     string
	location *url.URL
	path     string
}

func (b *browser) read(resp *http.Response, err error) page {
	b.w.t.Helper()
	if err != nil {
		b.w.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	p := page{status: resp.StatusCode, body: string(body), path: resp.Request.URL.Path}
	if loc := resp.Header.Get("Location"); loc != "" {
		p.location, _ = url.Parse(loc)
	}
	return p
}

func (b *browser) get(u string) page { return b.read(b.c.Get(u)) }

var (
	csrfField = regexp.MustCompile(`name="csrf" value="([^"]*)"`)
	nextField = regexp.MustCompile(`name="next" value="([^"]*)"`)
	userField = regexp.MustCompile(`name="username" [^>]*value="([^"]*)"`)
)

func field(re *regexp.Regexp, body string) string {
	if m := re.FindStringSubmatch(body); m != nil {
		return html.UnescapeString(m[1])
	}
	return ""
}

// signIn fills in the web UI's sign-in page the browser is on.
func (b *browser) signIn(p page, upn, password string) page {
	b.w.t.Helper()
	if p.path != "/signin" {
		b.w.t.Fatalf("expected the sign-in page, got %d at %s\n%s", p.status, p.path, p.body)
	}
	return b.read(b.c.PostForm(b.w.srv.URL+"/signin", url.Values{"csrf": {field(csrfField, p.body)},
		"next": {field(nextField, p.body)}, "username": {upn}, "password": {password}}))
}

// code reads the code of a redirect to the relying party, checking state.
func (w *world) code(p page, state string) string {
	w.t.Helper()
	if p.location == nil {
		w.t.Fatalf("no redirect to the app: %d at %s\n%s", p.status, p.path, p.body)
	}
	q := p.location.Query()
	if q.Get("error") != "" {
		w.t.Fatalf("the app got an error: %s: %s", q.Get("error"), q.Get("error_description"))
	}
	if q.Get("state") != state {
		w.t.Fatalf("state %q, want %q", q.Get("state"), state)
	}
	if q.Get("iss") != w.issuer(w.d.Contoso.ID) {
		w.t.Errorf("iss %q in the response, want the issuer", q.Get("iss"))
	}
	return q.Get("code")
}

// signedIn is a finished code flow: the tokens and the verified ID token.
type signedIn struct {
	tok     *oauth2.Token
	idToken *gooidc.IDToken
	claims  claims
}

// claims are the ID token's claims a test reads.
type claims struct {
	Sub               string   `json:"sub"`
	OID               string   `json:"oid"`
	TID               string   `json:"tid"`
	IDP               string   `json:"idp"`
	Acct              *int     `json:"acct"`
	Roles             []string `json:"roles"`
	Name              string   `json:"name"`
	PreferredUsername string   `json:"preferred_username"`
	Email             string   `json:"email"`
	SID               string   `json:"sid"`
	AuthTime          int64    `json:"auth_time"`
}

// codeFlow runs the whole flow for the relying party in b: authorize
// (signing in on the way when the browser has no session), the code
// exchanged with PKCE, the ID token verified with its nonce.
func (r *rp) codeFlow(w *world, b *browser, upn, password string) *signedIn {
	w.t.Helper()
	verifier, state, nonce := oauth2.GenerateVerifier(), "st-"+directory.NewID(), "n-"+directory.NewID()
	p := b.get(r.conf.AuthCodeURL(state, oauth2.S256ChallengeOption(verifier), gooidc.Nonce(nonce)))
	if p.location == nil {
		p = b.signIn(p, upn, password)
	}
	tok, err := r.conf.Exchange(w.ctx, w.code(p, state), oauth2.VerifierOption(verifier))
	if err != nil {
		w.t.Fatalf("code exchange: %v", err)
	}
	return r.verify(w, tok, nonce)
}

func (r *rp) verify(w *world, tok *oauth2.Token, nonce string) *signedIn {
	w.t.Helper()
	raw, _ := tok.Extra("id_token").(string)
	if raw == "" {
		w.t.Fatal("the token response has no id_token")
	}
	idt, err := r.verifier.Verify(w.ctx, raw)
	if err != nil {
		w.t.Fatalf("ID token: %v", err)
	}
	if nonce != "" && idt.Nonce != nonce {
		w.t.Errorf("nonce %q, want %q", idt.Nonce, nonce)
	}
	s := &signedIn{tok: tok, idToken: idt}
	if err := idt.Claims(&s.claims); err != nil {
		w.t.Fatal(err)
	}
	return s
}
