package bench

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"runtime"
	"strings"
	"time"

	"github.com/orgdir/orgdir/internal/auth"
	"github.com/orgdir/orgdir/internal/demo"
	"github.com/orgdir/orgdir/internal/directory"
	"github.com/orgdir/orgdir/internal/server"
)

// Names of the rows of RunOIDC, in the order of the report.
const (
	RowClientCredentials = "token: client credentials"
	RowRefresh           = "token: refresh (rotating)"
	RowJWKS              = "JWKS"
)

// benchRedirect is the redirect URI the bench registers; nothing listens
// there: the code is issued through the domain, never followed.
const benchRedirect = "http://localhost:5555/bench-callback"

// RunOIDC measures the OpenID Connect provider over HTTP: the real server
// (every route, the one pipeline) on a loopback port over a new store
// seeded as serve --demo, driven by cfg.Concurrency clients in this
// process. Rows: the client credentials grant, the refresh grant (each
// client keeps its own chain, so every call rotates its refresh token),
// and the JWKS. cfg.Users and cfg.Purge are not used.
func RunOIDC(ctx context.Context, cfg Config) (rep *Report, err error) {
	s, err := startSession(ctx, cfg)
	if err != nil {
		return nil, err
	}
	defer func() { rep, err = s.end(rep, err) }()
	cfg, sc, say := s.cfg, s.sc, s.say

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("bench: listen on loopback: %w", err)
	}
	base := "http://" + ln.Addr().String()
	svc := directory.NewService(sc.store, directory.Options{Clock: cfg.Clock, PublicBaseURL: base, PasswordHasher: auth.NewArgon2Hasher()})
	srv, err := server.New(server.Deps{Service: svc, Clock: cfg.Clock, BaseURL: base})
	if err != nil {
		_ = ln.Close()
		return nil, err
	}
	hs := &http.Server{Handler: srv.Handler(), ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = hs.Serve(ln) }()
	defer func() { _ = hs.Close() }()

	say("bench: seeding the demo tenants into %s", sc.describe)
	o, err := newOIDCWorld(ctx, svc, base)
	if err != nil {
		return nil, err
	}
	// As many idle connections as callers: a client that had to dial
	// again for each request would measure TCP set-up, not the server.
	o.client = &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{
		MaxIdleConns: cfg.Concurrency, MaxIdleConnsPerHost: cfg.Concurrency}}
	rep = &Report{
		Database: sc.describe, Over: "the demo tenant Contoso over HTTP on loopback (" + base + "), clients in the same process",
		Concurrency: cfg.Concurrency, Ops: cfg.Ops, Duration: cfg.Duration,
		GOMAXPROCS: runtime.GOMAXPROCS(0), CPUs: runtime.NumCPU(), LoadAvg: loadAverage(),
	}
	lim := limits{ops: cfg.Ops, duration: cfg.Duration}
	if cfg.Ops > 0 {
		lim.duration = 0
	}
	chains := make(chan string, cfg.Concurrency)
	say("bench: signing %d sessions in to the app for their refresh tokens", cfg.Concurrency)
	for range cfg.Concurrency {
		rt, err := o.firstRefreshToken(ctx)
		if err != nil {
			return nil, err
		}
		chains <- rt
	}
	runs := []struct {
		name string
		op   func(ctx context.Context, i int) error
	}{
		{RowClientCredentials, func(ctx context.Context, _ int) error {
			_, err := o.token(ctx, url.Values{"grant_type": {"client_credentials"}})
			return err
		}},
		{RowRefresh, func(ctx context.Context, _ int) error {
			rt := <-chains
			got, err := o.token(ctx, url.Values{"grant_type": {"refresh_token"}, "refresh_token": {rt}})
			if err != nil {
				chains <- rt
				return err
			}
			chains <- got.RefreshToken
			return nil
		}},
		{RowJWKS, func(ctx context.Context, _ int) error {
			return o.get(ctx, base+"/"+o.d.Contoso.ID+"/discovery/v2.0/keys")
		}},
	}
	for _, run := range runs {
		say("bench: %s", run.name)
		row, err := measure(ctx, run.name, cfg.Concurrency, lim, run.op)
		if err != nil {
			return nil, err
		}
		rep.Rows = append(rep.Rows, row)
	}
	return rep, nil
}

// oidcWorld is the seeded server the OIDC rows run against.
type oidcWorld struct {
	svc      *directory.Service
	d        *demo.Demo
	secret   string
	tokenURL string
	client   *http.Client
}

// newOIDCWorld seeds the demo tenants and gives the demo app a web
// redirect URI and a client secret of its own.
func newOIDCWorld(ctx context.Context, svc *directory.Service, base string) (*oidcWorld, error) {
	d, err := demo.Seed(ctx, svc, base)
	if err != nil {
		return nil, fmt.Errorf("bench: seed: %w", err)
	}
	admin := directory.WithActor(ctx, directory.UserActor(d.Contoso.ID, d.ContosoAdmin.ID))
	a, err := svc.GetApplication(admin, d.Contoso.ID, d.App.ID)
	if err != nil {
		return nil, fmt.Errorf("bench: %w", err)
	}
	uris := append(append([]string(nil), a.WebRedirectURIs...), benchRedirect)
	if _, err := svc.UpdateApplication(admin, d.Contoso.ID, d.App.ID, directory.ApplicationPatch{WebRedirectURIs: &uris}); err != nil {
		return nil, fmt.Errorf("bench: redirect URI: %w", err)
	}
	secret, _, err := svc.AddApplicationPassword(admin, d.Contoso.ID, d.App.ID, "orgdir bench", time.Time{})
	if err != nil {
		return nil, fmt.Errorf("bench: client secret: %w", err)
	}
	return &oidcWorld{svc: svc, d: d, secret: secret, tokenURL: base + "/" + d.Contoso.ID + "/oauth2/v2.0/token"}, nil
}

// firstRefreshToken signs Ada (a guest of Contoso, assigned to the app)
// in through the domain, as the authorize endpoint does after her
// password, and redeems the code at the token endpoint.
func (o *oidcWorld) firstRefreshToken(ctx context.Context) (string, error) {
	ada := directory.WithActor(ctx, directory.UserActor(o.d.Fabrikam.ID, o.d.Ada.ID))
	_, sess, err := o.svc.StartSession(ada)
	if err != nil {
		return "", fmt.Errorf("bench: session: %w", err)
	}
	if err := o.svc.AddSessionTenant(ada, sess, o.d.Contoso.ID); err != nil {
		return "", fmt.Errorf("bench: session in Contoso: %w", err)
	}
	code, _, err := o.svc.IssueAuthCode(ada, sess, o.d.Contoso.ID, o.d.App.ID, directory.AuthCodeRequest{
		RedirectURI: benchRedirect, Scopes: []string{"openid", "profile", "offline_access"}})
	if err != nil {
		return "", fmt.Errorf("bench: authorization code: %w", err)
	}
	got, err := o.token(ctx, url.Values{"grant_type": {"authorization_code"}, "code": {code}, "redirect_uri": {benchRedirect}})
	if err != nil {
		return "", err
	}
	if got.RefreshToken == "" {
		return "", errors.New("bench: the code grant gave no refresh token")
	}
	return got.RefreshToken, nil
}

type tokenAnswer struct {
	AccessToken  string `json:"access_token"`
	RefreshToken string `json:"refresh_token"`
}

// token posts form, with the app's client id and secret, to the token
// endpoint; anything but 200 with an access token is an error.
func (o *oidcWorld) token(ctx context.Context, form url.Values) (*tokenAnswer, error) {
	form.Set("client_id", o.d.App.ID)
	form.Set("client_secret", o.secret)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, o.tokenURL, strings.NewReader(form.Encode()))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := o.client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("token endpoint answered %d: %.300s", resp.StatusCode, body)
	}
	var got tokenAnswer
	if err := json.Unmarshal(body, &got); err != nil || got.AccessToken == "" {
		return nil, fmt.Errorf("token endpoint answered 200 without an access token: %.300s", body)
	}
	return &got, nil
}

func (o *oidcWorld) get(ctx context.Context, u string) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return err
	}
	resp, err := o.client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if _, err := io.Copy(io.Discard, resp.Body); err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("%s answered %d", u, resp.StatusCode)
	}
	return nil
}
