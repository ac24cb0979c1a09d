package oidcprovider

import (
	"context"
	"errors"
	"html/template"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/orgdir/orgdir/internal/directory"
	"github.com/orgdir/orgdir/internal/websession"
)

// DefaultAccessTokenTTL is how long access and ID tokens live, as Entra's
// default.
const DefaultAccessTokenTTL = 60 * time.Minute

// maxFormBytes bounds a posted protocol form.
const maxFormBytes = 64 << 10

// Options are what the provider needs.
type Options struct {
	Service *directory.Service
	Logger  *slog.Logger
	Clock   directory.Clock
	// BaseURL is the public URL (e.g. https://id.example.com); the
	// issuer of a tenant is BaseURL/{tenant-id}/v2.0 (Service.Issuer).
	BaseURL string
	// SecureCookies forces the Secure cookies of https (as the web UI).
	SecureCookies bool
	// AccessTokenTTL is the lifetime of access and ID tokens; zero is
	// DefaultAccessTokenTTL. It must stay within the directory's
	// TokenMaxLifetime, which keeps retired keys in the JWKS that long.
	AccessTokenTTL time.Duration
}

// Provider serves the protocol endpoints.
type Provider struct {
	svc      *directory.Service
	log      *slog.Logger
	now      directory.Clock
	baseURL  string
	ttl      time.Duration
	sessions *websession.Manager
	pages    *template.Template
	parsed   sync.Map // signing key id → *rsa.PrivateKey
	verify   sync.Map // signing key id → verifyKey, for keys seen in the JWKS
	signing  atomic.Pointer[signingKey]
}

// New returns the provider; its pages are parsed here, so a broken
// template fails the start.
func New(o Options) (*Provider, error) {
	if o.Service == nil {
		return nil, errors.New("oidcprovider: a Service is required")
	}
	p := &Provider{svc: o.Service, log: o.Logger, now: o.Clock, baseURL: strings.TrimRight(o.BaseURL, "/"), ttl: o.AccessTokenTTL}
	if p.log == nil {
		p.log = slog.New(slog.DiscardHandler)
	}
	if p.now == nil {
		p.now = o.Service.Now
	}
	if p.ttl <= 0 {
		p.ttl = DefaultAccessTokenTTL
	}
	secure := o.SecureCookies || strings.HasPrefix(o.BaseURL, "https://")
	p.sessions = &websession.Manager{Service: o.Service, Cookies: websession.Cookies{Secure: secure}}
	pages, err := template.ParseFS(templateFS, "templates/*.html")
	if err != nil {
		return nil, err
	}
	p.pages = pages
	return p, nil
}

// Route is one endpoint: a method pattern and its handler.
type Route struct {
	Pattern string
	Handler http.Handler
}

// Routes lists every endpoint of the provider; the server mounts each
// through the one pipeline (httpx.Route).
func (p *Provider) Routes() []Route {
	return []Route{
		{"GET /{tenant}/v2.0/.well-known/openid-configuration", cors(p.api(p.discovery))},
		{"OPTIONS /{tenant}/v2.0/.well-known/openid-configuration", http.HandlerFunc(preflight)},
		{"GET /{tenant}/discovery/v2.0/keys", cors(p.api(p.keys))},
		{"OPTIONS /{tenant}/discovery/v2.0/keys", http.HandlerFunc(preflight)},
		{"GET /{tenant}/oauth2/v2.0/authorize", p.browser(p.authorize)},
		{"POST /{tenant}/oauth2/v2.0/authorize", p.browser(p.authorize)},
		{"POST /{tenant}/oauth2/v2.0/token", cors(p.api(p.token))},
		{"OPTIONS /{tenant}/oauth2/v2.0/token", http.HandlerFunc(preflight)},
		{"GET /{tenant}/oidc/userinfo", cors(p.api(p.userinfo))},
		{"POST /{tenant}/oidc/userinfo", cors(p.api(p.userinfo))},
		{"OPTIONS /{tenant}/oidc/userinfo", http.HandlerFunc(preflight)},
		{"POST /{tenant}/oauth2/v2.0/revoke", cors(p.api(p.revoke))},
		{"OPTIONS /{tenant}/oauth2/v2.0/revoke", http.HandlerFunc(preflight)},
		{"POST /{tenant}/oauth2/v2.0/introspect", p.api(p.introspect)},
		{"GET /{tenant}/oauth2/v2.0/logout", p.browser(p.logout)},
		{"POST /{tenant}/oauth2/v2.0/logout", p.browser(p.logout)},
	}
}

// cors lets single-page apps call an endpoint from their own origin.
// Any origin may: these endpoints take no cookie (the browser sends none
// with a wildcard origin), so a page of another site can only spend a
// code, token or secret it already holds.
func cors(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Origin") != "" {
			w.Header().Set("Access-Control-Allow-Origin", "*")
		}
		h.ServeHTTP(w, r)
	})
}

// preflight answers a CORS preflight of a cors endpoint.
func preflight(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Access-Control-Allow-Origin", "*")
	w.Header().Set("Access-Control-Allow-Methods", "GET, POST")
	w.Header().Set("Access-Control-Allow-Headers", "Authorization, Content-Type")
	w.Header().Set("Access-Control-Max-Age", "86400")
	w.WriteHeader(http.StatusNoContent)
}

// handlerFunc serves one endpoint of tenant t; an error is written by the
// endpoint's adapter (api: OAuth JSON; browser: a page or a redirect).
type handlerFunc func(w http.ResponseWriter, r *http.Request, t *directory.IssuerTenant) error

// tenantOf resolves {tenant}: the tenant id or one of its domains.
func (p *Provider) tenantOf(r *http.Request) (*directory.IssuerTenant, error) {
	return p.svc.ResolveIssuerTenant(r.Context(), r.PathValue("tenant"))
}

func (p *Provider) parseForm(w http.ResponseWriter, r *http.Request) error {
	if r.Method == http.MethodPost {
		r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
	}
	if err := r.ParseForm(); err != nil {
		return &protoError{Err: errInvalidRequest("the request could not be read")}
	}
	return nil
}

// api adapts an endpoint that answers JSON.
func (p *Provider) api(h handlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-store")
		w.Header().Set("Pragma", "no-cache")
		err := p.parseForm(w, r)
		var t *directory.IssuerTenant
		if err == nil {
			t, err = p.tenantOf(r)
		}
		if err == nil {
			err = h(w, r, t)
		}
		if err != nil {
			p.writeJSONError(w, r, err)
		}
	})
}

// browser adapts an endpoint a browser opens: an error the client may not
// be told through a redirect is a page.
func (p *Provider) browser(h handlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-store")
		w.Header().Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; form-action *; frame-ancestors 'none'")
		w.Header().Set("X-Frame-Options", "DENY")
		w.Header().Set("Referrer-Policy", "no-referrer")
		err := p.parseForm(w, r)
		var t *directory.IssuerTenant
		if err == nil {
			t, err = p.tenantOf(r)
		}
		if err == nil {
			err = h(w, r, t)
		}
		if err != nil {
			p.writePage(w, r, err)
		}
	})
}

func (p *Provider) internal(ctx context.Context, err error) {
	p.log.ErrorContext(ctx, "oidc provider failed", "err", err)
}
