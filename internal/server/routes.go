package server

import (
	"net/http"

	"github.com/orgdir/orgdir/internal/httpapi"
	"github.com/orgdir/orgdir/internal/webui"
)

// routes lists every handler of orgdir. Each adapter is mounted by one line
// here, with what it needs from s.deps.
func (s *Server) routes() (http.Handler, error) {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", s.healthz)
	mux.HandleFunc("GET /readyz", s.readyz)

	// JSON API in the shape of Microsoft Graph (internal/httpapi):
	if s.deps.Service != nil {
		mux.Handle("/v1.0/", httpapi.New(s.deps.Service, s.deps.Service.Store(), httpapi.Options{Logger: s.deps.Logger, Clock: s.deps.Clock, BaseURL: s.deps.BaseURL}))
	}

	// Web UI (internal/webui); it owns every other path:
	if s.deps.Service != nil {
		ui, err := webui.New(webui.Options{Service: s.deps.Service, Logger: s.deps.Logger, Clock: s.deps.Clock,
			BaseURL: s.deps.BaseURL, MailDelivered: s.deps.MailDelivered, EchoPasscodes: s.deps.EchoPasscodes,
			TrustedProxies: s.deps.TrustedProxies})
		if err != nil {
			return nil, err
		}
		mux.Handle("/", ui)
	}

	return s.recoverPanics(mux), nil
}
