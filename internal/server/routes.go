package server

import (
	"net/http"

	"github.com/orgdir/orgdir/internal/directory"
	"github.com/orgdir/orgdir/internal/httpapi"
	"github.com/orgdir/orgdir/internal/httpx"
	"github.com/orgdir/orgdir/internal/oidcprovider"
	"github.com/orgdir/orgdir/internal/webui"
)

// routes lists every handler of orgdir. Each adapter is mounted by one line
// here, with what it needs from s.deps.
func (s *Server) routes() (http.Handler, error) {
	mux := http.NewServeMux()
	mux.Handle("GET /healthz", httpx.Route("GET /healthz", http.HandlerFunc(s.healthz)))
	mux.Handle("GET /readyz", httpx.Route("GET /readyz", http.HandlerFunc(s.readyz)))

	// The OpenID Connect provider of every tenant (internal/oidcprovider),
	// under /{tenant}/…, and the web UI (internal/webui), which owns every
	// other path. The provider's patterns start with a wildcard, which the
	// mux cannot mix with /v1.0/, so they have a mux of their own, asked
	// first.
	if s.deps.Service != nil {
		op, err := oidcprovider.New(oidcprovider.Options{Service: s.deps.Service, Logger: s.deps.Logger, Clock: s.deps.Clock,
			BaseURL: s.deps.BaseURL})
		if err != nil {
			return nil, err
		}
		// JSON API in the shape of Microsoft Graph (internal/httpapi),
		// which takes the provider's access tokens for orgdir's API too.
		s.api = httpapi.New(s.deps.Service, httpapi.Options{Logger: s.deps.Logger, Clock: s.deps.Clock,
			BaseURL: s.deps.BaseURL, Tokens: op, RateLimit: s.deps.APIRateLimit})
		mux.Handle("/v1.0/", s.api)
		protocol := http.NewServeMux()
		for _, rt := range op.Routes() {
			protocol.Handle(rt.Pattern, httpx.Route(rt.Pattern, rt.Handler))
		}
		ui, err := webui.New(webui.Options{Service: s.deps.Service, Logger: s.deps.Logger, Clock: s.deps.Clock,
			BaseURL: s.deps.BaseURL, MailDelivered: s.deps.MailDelivered, EchoPasscodes: s.deps.EchoPasscodes,
			TrustedProxies: s.deps.TrustedProxies})
		if err != nil {
			return nil, err
		}
		mux.Handle("/", firstMatch(protocol, ui))
	}
	// The one pipeline of every route: request id, panic recovery, access
	// log and metrics (internal/httpx).
	p := &httpx.Pipeline{Log: s.deps.Logger, Observer: s.deps.Metrics, Now: s.deps.Clock}
	return p.Wrap(s.withClientAddr(mux)), nil
}

// withClientAddr gives every request's context its client address (as the
// trusted proxies tell it), which the sign-in log records.
func (s *Server) withClientAddr(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := directory.WithClientAddr(r.Context(), s.deps.TrustedProxies.Of(r))
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// firstMatch serves a request with first when one of its patterns matches
// it, else with rest.
func firstMatch(first *http.ServeMux, rest http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, pattern := first.Handler(r); pattern != "" {
			first.ServeHTTP(w, r)
			return
		}
		rest.ServeHTTP(w, r)
	})
}
