package httpx

import (
	"bytes"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

type seen struct {
	mu   sync.Mutex
	rows []string
}

func (s *seen) ObserveHTTP(route, method string, status int, _ time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.rows = append(s.rows, method+" "+route+" "+http.StatusText(status))
}

func newPipeline(t *testing.T) (http.Handler, *seen, *bytes.Buffer) {
	t.Helper()
	var log bytes.Buffer
	obs := &seen{}
	mux := http.NewServeMux()
	mux.Handle("GET /users/{id}", Route("GET /users/{id}", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if RequestID(r.Context()) == "" {
			t.Error("no request id in the handler's context")
		}
		w.WriteHeader(http.StatusTeapot)
	})))
	mux.Handle("GET /boom", Route("GET /boom", http.HandlerFunc(func(http.ResponseWriter, *http.Request) { panic("secret internals") })))
	p := &Pipeline{Log: slog.New(slog.NewTextHandler(&log, nil)), Observer: obs}
	return p.Wrap(mux), obs, &log
}

func TestEveryRequestIsNamedByItsRouteAndLoggedWithoutItsPath(t *testing.T) {
	h, obs, log := newPipeline(t)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/users/ada@fabrikam.example?token=s3cret", nil))
	if rec.Code != http.StatusTeapot || rec.Header().Get(RequestIDHeader) == "" {
		t.Fatalf("status %d, request-id %q", rec.Code, rec.Header().Get(RequestIDHeader))
	}
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/nowhere/at/all", nil))
	want := []string{"GET GET /users/{id} I'm a teapot", "GET " + Unrouted + " Not Found"}
	if strings.Join(obs.rows, "|") != strings.Join(want, "|") {
		t.Fatalf("observed %q, want %q", obs.rows, want)
	}
	for _, secret := range []string{"ada@fabrikam.example", "s3cret", "/nowhere"} {
		if strings.Contains(log.String(), secret) {
			t.Fatalf("the access log holds %q:\n%s", secret, log)
		}
	}
	if !strings.Contains(log.String(), `route="GET /users/{id}"`) || !strings.Contains(log.String(), "status=418") ||
		!strings.Contains(log.String(), "request_id="+rec.Header().Get(RequestIDHeader)) {
		t.Fatalf("the access log line lacks route, status or request id:\n%s", log)
	}
}

func TestAPanicCostsOneRequestNotTheProcess(t *testing.T) {
	h, obs, log := newPipeline(t)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/boom", nil))
	if rec.Code != http.StatusInternalServerError || strings.Contains(rec.Body.String(), "secret internals") {
		t.Fatalf("a panic answered %d %q; want a 500 without the panic value", rec.Code, rec.Body.String())
	}
	if !strings.Contains(log.String(), "secret internals") || len(obs.rows) != 1 || !strings.Contains(obs.rows[0], "Internal Server Error") {
		t.Fatalf("the panic is not logged with its cause or not counted as a 500: %q\n%s", obs.rows, log)
	}
}
