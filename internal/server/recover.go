package server

import (
	"net/http"
	"runtime/debug"
)

// recoverPanics turns a panicking handler into a logged 500, so one bug
// costs one request, not the process. http.ErrAbortHandler is re-raised: it
// is net/http's way to abort a response on purpose.
func (s *Server) recoverPanics(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			v := recover()
			if v == nil {
				return
			}
			if v == http.ErrAbortHandler {
				panic(v)
			}
			s.deps.Logger.Error("handler panicked", "method", r.Method, "path", r.URL.Path,
				"panic", v, "stack", string(debug.Stack()))
			writeText(w, http.StatusInternalServerError, "internal error\n")
		}()
		next.ServeHTTP(w, r)
	})
}
