package server

import (
	"context"
	"net/http"
)

// healthz says the process is alive; it touches nothing else, so a busy
// database never gets a healthy process restarted.
func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	writeText(w, http.StatusOK, "ok\n")
}

// readyz says whether the store answers, so a load balancer sends traffic
// only to instances that can serve it.
func (s *Server) readyz(w http.ResponseWriter, r *http.Request) {
	if s.deps.Store != nil {
		ctx, cancel := context.WithTimeout(r.Context(), readyTimeout)
		defer cancel()
		if err := s.deps.Store.Ping(ctx); err != nil {
			s.deps.Logger.Warn("not ready: store does not answer", "err", err)
			writeText(w, http.StatusServiceUnavailable, "store unavailable\n")
			return
		}
	}
	writeText(w, http.StatusOK, "ready\n")
}

func writeText(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = w.Write([]byte(body))
}
