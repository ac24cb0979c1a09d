package cli

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"time"

	"github.com/orgdir/orgdir/internal/directory"
	"github.com/orgdir/orgdir/internal/metrics"
)

// serveMetrics starts the Prometheus listener of serve --metrics-addr, on a
// port of its own (as Keycloak's management port) so that it need not be
// exposed where the directory is. It returns nil metrics when addr is
// empty: every recorder then does nothing. withPprof adds Go's profiles
// (serve --pprof), which orgdir bench --http --server-cpuprofile reads.
func (e *env) serveMetrics(ctx context.Context, addr string, withPprof bool, st store, svc *directory.Service, logger *slog.Logger) (*metrics.Metrics, error) {
	if addr == "" {
		return nil, nil
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("--metrics-addr: listen on %s: %w", addr, err)
	}
	m := metrics.New()
	if p, ok := st.(metrics.Pools); ok {
		m.WatchStore(p)
	}
	m.WatchDirectory(svc)
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", m.Handler())
	if withPprof {
		mux.HandleFunc("GET /debug/pprof/", pprof.Index)
		mux.HandleFunc("GET /debug/pprof/profile", pprof.Profile)
		mux.HandleFunc("GET /debug/pprof/trace", pprof.Trace)
		mux.HandleFunc("GET /debug/pprof/symbol", pprof.Symbol)
	}
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			logger.Error("metrics listener stopped", "err", err)
		}
	}()
	go func() {
		<-ctx.Done()
		_ = srv.Close()
	}()
	fmt.Fprintf(e.stdout, "metrics on http://%s/metrics\n", ln.Addr())
	logger.Info("metrics listening", "addr", ln.Addr().String())
	if e.prog.OnMetricsListen != nil {
		e.prog.OnMetricsListen(ln.Addr())
	}
	return m, nil
}
