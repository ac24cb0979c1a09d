package server

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

type pingFunc func(ctx context.Context) error

func (f pingFunc) Ping(ctx context.Context) error { return f(ctx) }

func newTestServer(t *testing.T, store Pinger) *Server {
	t.Helper()
	s, err := New(Deps{Store: store})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return s
}

// get asks h for path and returns the status and body.
func get(t *testing.T, h http.Handler, path string) (int, string) {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
	return rec.Code, rec.Body.String()
}

func TestHealthzAnswersEvenWhenTheStoreIsDown(t *testing.T) {
	s := newTestServer(t, pingFunc(func(context.Context) error { return errors.New("down") }))
	if code, body := get(t, s.Handler(), "/healthz"); code != http.StatusOK || body != "ok\n" {
		t.Errorf("GET /healthz = %d %q, want 200 ok", code, body)
	}
}

func TestReadyzFollowsTheStorePing(t *testing.T) {
	var down bool
	s := newTestServer(t, pingFunc(func(context.Context) error {
		if down {
			return errors.New("connection refused")
		}
		return nil
	}))
	if code, _ := get(t, s.Handler(), "/readyz"); code != http.StatusOK {
		t.Errorf("GET /readyz with the store up = %d, want 200", code)
	}
	down = true
	if code, body := get(t, s.Handler(), "/readyz"); code != http.StatusServiceUnavailable || !strings.Contains(body, "store") {
		t.Errorf("GET /readyz with the store down = %d %q, want 503 naming the store", code, body)
	}
}

func TestReadyzGivesUpOnAHangingStore(t *testing.T) {
	s := newTestServer(t, pingFunc(func(ctx context.Context) error {
		<-ctx.Done()
		return ctx.Err()
	}))
	start := time.Now()
	code, _ := get(t, s.Handler(), "/readyz")
	if code != http.StatusServiceUnavailable {
		t.Errorf("GET /readyz with a hanging store = %d, want 503", code)
	}
	if took := time.Since(start); took > readyTimeout+time.Second {
		t.Errorf("readyz took %v, want at most about %v", took, readyTimeout)
	}
}

func TestHealthzRefusesOtherMethods(t *testing.T) {
	s := newTestServer(t, nil)
	rec := httptest.NewRecorder()
	s.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/healthz", nil))
	if rec.Code != http.StatusMethodNotAllowed {
		t.Errorf("POST /healthz = %d, want 405", rec.Code)
	}
}

func TestServeStopsWhenTheContextEnds(t *testing.T) {
	s := newTestServer(t, nil)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() { errc <- s.Serve(ctx, ln) }()

	resp, err := http.Get("http://" + ln.Addr().String() + "/healthz")
	if err != nil {
		t.Fatalf("GET /healthz over the network: %v", err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET /healthz = %d, want 200", resp.StatusCode)
	}

	cancel()
	select {
	case err := <-errc:
		if err != nil {
			t.Errorf("Serve after shutdown = %v, want nil", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Serve did not return after its context ended")
	}
	if _, err := http.Get("http://" + ln.Addr().String() + "/healthz"); err == nil {
		t.Error("the server still answers after shutdown")
	}
}
