// Package clitest starts the whole orgdir program in process, as `orgdir
// serve` on 127.0.0.1:0, for the whole-program tests (e2e, e2e/browser).
// It is imported only by tests.
package clitest

import (
	"bytes"
	"context"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/orgdir/orgdir/internal/cli"
)

// Buffer collects a running server's output; safe for the server's
// goroutines and the test at once.
type Buffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *Buffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *Buffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// Server is a running `orgdir serve`.
type Server struct {
	URL            string // http://127.0.0.1:PORT
	Stdout, Stderr *Buffer

	stopOnce sync.Once
	cancel   context.CancelFunc
	done     chan error
	runErr   error
	t        testing.TB
}

// Serve runs `orgdir serve --addr 127.0.0.1:0 ARGS…` through p and returns
// once it listens. The test's cleanup stops it.
func Serve(t testing.TB, p cli.Program, getenv func(string) string, args ...string) *Server {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	listening := make(chan net.Addr, 1)
	p.OnListen = func(a net.Addr) { listening <- a }
	s := &Server{Stdout: &Buffer{}, Stderr: &Buffer{}, cancel: cancel, done: make(chan error, 1), t: t}
	if getenv == nil {
		getenv = func(string) string { return "" }
	}
	args = append([]string{"serve", "--addr", "127.0.0.1:0"}, args...)
	go func() { s.done <- p.Run(ctx, args, getenv, strings.NewReader(""), s.Stdout, s.Stderr) }()
	t.Cleanup(func() { _ = s.Stop() })

	select {
	case a := <-listening:
		s.URL = "http://" + a.String()
	case err := <-s.done:
		cancel()
		t.Fatalf("orgdir serve ended before listening: %v\nstderr: %s", err, s.Stderr.String())
	case <-time.After(60 * time.Second):
		t.Fatalf("orgdir serve did not listen within 60s\nstderr: %s", s.Stderr.String())
	}
	return s
}

// Stop ends the server's context and returns what Run returned; calling it
// again returns the same.
func (s *Server) Stop() error {
	s.stopOnce.Do(func() {
		s.cancel()
		select {
		case s.runErr = <-s.done:
		case <-time.After(20 * time.Second):
			s.t.Error("orgdir serve did not stop within 20s of its context ending")
		}
	})
	return s.runErr
}
