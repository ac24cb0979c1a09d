package httpx

import (
	"context"
	"log/slog"
	"net/http"
	"runtime/debug"
	"time"

	"github.com/google/uuid"
)

// Observer records a finished request (the metrics package implements it).
type Observer interface {
	ObserveHTTP(route, method string, status int, d time.Duration)
}

// Pipeline wraps the whole handler tree.
type Pipeline struct {
	Log      *slog.Logger // access log and panics; nil discards
	Observer Observer     // nil records nothing
	Now      func() time.Time
}

// Unrouted names requests no route claimed (404s of unknown paths), so a
// scan of random paths cannot grow the metrics without bound.
const Unrouted = "unrouted"

// RequestIDHeader carries the request id in every response (Graph's name).
const RequestIDHeader = "request-id"

type stateKey struct{}

// state is what the pipeline learns about one request on the way.
type state struct {
	id       string
	route    string
	pipeline *Pipeline
}

// Wrap returns next inside the pipeline.
func (p *Pipeline) Wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p.serve(w, r, next, "", true)
	})
}

// serve runs next for one request: outer requests (compress true) come
// from the connection; inner ones (parent set) from a $batch, see Inner.
func (p *Pipeline) serve(w http.ResponseWriter, r *http.Request, next http.Handler, parent string, compress bool) {
	log := p.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	now := p.Now
	if now == nil {
		now = time.Now
	}
	start := now()
	st := &state{id: uuid.NewString(), route: Unrouted, pipeline: p}
	rw := &recorder{ResponseWriter: w, status: http.StatusOK}
	var gz *gzipWriter
	if compress {
		rw.Header().Add("Vary", "Accept-Encoding")
		if acceptsGzip(r) {
			gz = newGzipWriter(rw)
		}
	}
	rw.Header().Set(RequestIDHeader, st.id)
	r = r.WithContext(context.WithValue(r.Context(), stateKey{}, st))
	defer func() {
		if v := recover(); v != nil {
			if v == http.ErrAbortHandler {
				panic(v)
			}
			log.Error("handler panicked", "method", r.Method, "route", st.route, "request_id", st.id,
				"panic", v, "stack", string(debug.Stack()))
			if gz != nil {
				gz.abandon() // the 500 below goes out uncompressed
			}
			if !rw.wrote {
				http.Error(rw, "internal error", http.StatusInternalServerError)
			} else {
				rw.status = http.StatusInternalServerError
			}
		} else if gz != nil {
			gz.finish()
		}
		d := now().Sub(start)
		attrs := []any{"method", r.Method, "route", st.route, "status", rw.status,
			"duration_ms", float64(d.Microseconds()) / 1000, "request_id", st.id}
		if parent != "" {
			attrs = append(attrs, "batch_request_id", parent)
		}
		// The path and query are not logged: they may name people
		// (a userPrincipalName) or carry a secret (a redeem token).
		log.Info("request", attrs...)
		if p.Observer != nil {
			p.Observer.ObserveHTTP(st.route, r.Method, rw.status, d)
		}
	}()
	if gz != nil {
		next.ServeHTTP(gz, r)
		return
	}
	next.ServeHTTP(rw, r)
}

// RequestID returns the pipeline's id of the request of ctx, or "".
func RequestID(ctx context.Context) string {
	if st, ok := ctx.Value(stateKey{}).(*state); ok {
		return st.id
	}
	return ""
}

// SetRoute names the route of the request of ctx (its mux pattern).
func SetRoute(ctx context.Context, pattern string) {
	if st, ok := ctx.Value(stateKey{}).(*state); ok && pattern != "" {
		st.route = pattern
	}
}

// Route is h named pattern: register every route through it.
func Route(pattern string, h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		SetRoute(r.Context(), pattern)
		h.ServeHTTP(w, r)
	})
}

// recorder remembers the status written.
type recorder struct {
	http.ResponseWriter
	status int
	wrote  bool
}

func (r *recorder) WriteHeader(code int) {
	if !r.wrote {
		r.status, r.wrote = code, true
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *recorder) Write(b []byte) (int, error) {
	r.wrote = true
	return r.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the connection (flush,
// deadlines).
func (r *recorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }
