package server

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/orgdir/orgdir/internal/clientaddr"
	"github.com/orgdir/orgdir/internal/directory"
	"github.com/orgdir/orgdir/internal/httpapi"
	"github.com/orgdir/orgdir/internal/httpx"
)

// Pinger is what readiness asks of the store: can it reach its database.
type Pinger interface {
	Ping(ctx context.Context) error
}

// Deps are what the handlers need. Adapters mounted in routes take theirs
// from here; add a field rather than a global.
type Deps struct {
	Service *directory.Service
	Store   Pinger // readiness; nil means always ready
	Logger  *slog.Logger
	Clock   directory.Clock
	BaseURL string // the public URL, e.g. http://localhost:8080
	// MailDelivered says an SMTP server sends the outbox (the web UI then
	// shows the outbox as a delivery log).
	MailDelivered bool
	// EchoPasscodes, when set, also receives every passcode e-mail (the
	// demo without SMTP prints them, as no page shows them).
	EchoPasscodes io.Writer
	// Metrics records every request; nil records nothing.
	Metrics httpx.Observer
	// TrustedProxies are the reverse proxies whose X-Forwarded-For the web
	// UI believes (orgdir serve --trusted-proxies).
	TrustedProxies clientaddr.Proxies
	// APIRateLimit throttles the JSON API per token and per tenant
	// (orgdir serve --api-rate, --api-burst); zero values get its defaults.
	APIRateLimit httpapi.RateLimit
}

// Timeouts of the http.Server: slow clients may not hold connections open.
const (
	readHeaderTimeout = 10 * time.Second
	readTimeout       = 30 * time.Second
	writeTimeout      = 60 * time.Second
	idleTimeout       = 2 * time.Minute
	shutdownTimeout   = 15 * time.Second
	readyTimeout      = 2 * time.Second
)

// Server serves orgdir over HTTP.
type Server struct {
	deps     Deps
	handler  http.Handler
	api      *httpapi.API
	instance string // this process's id among the instances (heartbeat.go)
}

// New returns a Server whose routes are ready.
func New(deps Deps) (*Server, error) {
	if deps.Logger == nil {
		deps.Logger = slog.New(slog.DiscardHandler)
	}
	if deps.Clock == nil {
		deps.Clock = time.Now
	}
	s := &Server{deps: deps, instance: directory.NewID()}
	h, err := s.routes()
	if err != nil {
		return nil, err
	}
	s.handler = h
	return s, nil
}

// Handler returns the root handler (for tests with httptest).
func (s *Server) Handler() http.Handler { return s.handler }

// Serve answers on ln until ctx ends, then stops accepting and waits up to
// shutdownTimeout for requests in flight.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	srv := &http.Server{
		Handler:           s.handler,
		ReadHeaderTimeout: readHeaderTimeout,
		ReadTimeout:       readTimeout,
		WriteTimeout:      writeTimeout,
		IdleTimeout:       idleTimeout,
		ErrorLog:          slog.NewLogLogger(s.deps.Logger.Handler(), slog.LevelWarn),
		BaseContext:       func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	beating := make(chan struct{})
	go func() { defer close(beating); s.heartbeats(ctx) }()
	defer func() { <-beating }()

	select {
	case err := <-errc:
		return fmt.Errorf("http server: %w", err)
	case <-ctx.Done():
	}
	s.deps.Logger.Info("shutting down", "grace", shutdownTimeout)
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), shutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return fmt.Errorf("http server shutdown: %w", err)
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("http server: %w", err)
	}
	return nil
}
