package jobs

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/orgdir/orgdir/internal/directory"
)

// fakePurger records every call and answers from a script of results.
type fakePurger struct {
	mu      sync.Mutex
	calls   []purgeCall
	results []purgeResult // one per call; the last one repeats
	called  chan struct{}
}

type purgeCall struct {
	now   time.Time
	batch int
	actor directory.Actor
}

type purgeResult struct {
	n   int
	err error
}

func newFakePurger(results ...purgeResult) *fakePurger {
	return &fakePurger{results: results, called: make(chan struct{}, 100)}
}

func (f *fakePurger) PurgeExpired(ctx context.Context, now time.Time, batch int) (int, error) {
	a, _ := directory.ActorFrom(ctx)
	f.mu.Lock()
	f.calls = append(f.calls, purgeCall{now: now, batch: batch, actor: a})
	i := min(len(f.calls)-1, len(f.results)-1)
	r := f.results[i]
	f.mu.Unlock()
	select {
	case f.called <- struct{}{}:
	default: // a full buffer already wakes any waiter; never block the job
	}
	return r.n, r.err
}

// ExpireSignIns is the pass's second step, which these tests do not watch.
func (f *fakePurger) ExpireSignIns(context.Context) (int, error) { return 0, nil }
func (f *fakePurger) ExpireChanges(context.Context) (int, error) { return 0, nil }

// ExpireOAuthGrants is the last step, not watched either.
func (f *fakePurger) ExpireOAuthGrants(context.Context) (int, error) { return 0, nil }

// ExpireBulkJobs is the third step, not watched either.
func (f *fakePurger) ExpireBulkJobs(context.Context) (int, error) { return 0, nil }

func (f *fakePurger) snapshot() []purgeCall {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]purgeCall(nil), f.calls...)
}

// sawTime reports whether some call was made at now.
func (f *fakePurger) sawTime(now time.Time) bool {
	for _, c := range f.snapshot() {
		if c.now.Equal(now) {
			return true
		}
	}
	return false
}

// waitCalls blocks until the purger was called n times, or fails the test.
func (f *fakePurger) waitCalls(t *testing.T, n int) {
	t.Helper()
	for range n {
		select {
		case <-f.called:
		case <-time.After(5 * time.Second):
			t.Fatalf("purger called %d times, want at least %d", len(f.snapshot()), n)
		}
	}
}

// syncBuffer is a bytes.Buffer safe for the logger's goroutine and the test.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func testLogger(w *syncBuffer) *slog.Logger {
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

func TestPurgeOncePassesClockTimeBatchAndSystemActor(t *testing.T) {
	at := time.Date(2026, 3, 1, 12, 0, 0, 0, time.FixedZone("CET", 3600))
	clock := directory.NewFixedClock(at)
	p := newFakePurger(purgeResult{n: 7})

	n, err := PurgeOnce(context.Background(), p, clock.Now, 25)
	if err != nil {
		t.Fatalf("PurgeOnce: %v", err)
	}
	if n != 7 {
		t.Errorf("purged = %d, want the purger's 7", n)
	}
	calls := p.snapshot()
	if len(calls) != 1 {
		t.Fatalf("calls = %d, want 1", len(calls))
	}
	if !calls[0].now.Equal(at) || calls[0].batch != 25 {
		t.Errorf("call = (%v, %d), want (%v, 25)", calls[0].now, calls[0].batch, at)
	}
	if !calls[0].actor.IsSystem() {
		t.Errorf("actor = %+v, want a system actor for the audit log", calls[0].actor)
	}
}

func TestPurgeOnceReturnsTheError(t *testing.T) {
	boom := errors.New("database is gone")
	p := newFakePurger(purgeResult{n: 2, err: boom})
	n, err := PurgeOnce(context.Background(), p, time.Now, 10)
	if !errors.Is(err, boom) || n != 2 {
		t.Fatalf("PurgeOnce = (%d, %v), want (2, %v)", n, err, boom)
	}
}

func TestRunPurgeRunsAtStartBeforeTheFirstTick(t *testing.T) {
	p := newFakePurger(purgeResult{n: 0})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		RunPurge(ctx, p, time.Now, time.Hour, 500, testLogger(&syncBuffer{}), nil)
		close(done)
	}()
	p.waitCalls(t, 1) // an hour-long interval: only the start pass can call
	cancel()
	<-done
	if got := len(p.snapshot()); got != 1 {
		t.Errorf("calls = %d, want exactly the start pass", got)
	}
}

func TestRunPurgeKeepsGoingAfterAnErrorAndLogsIt(t *testing.T) {
	clock := directory.NewFixedClock(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	p := newFakePurger(
		purgeResult{err: errors.New("disk I/O error")},
		purgeResult{n: 3},
	)
	var logs syncBuffer
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		RunPurge(ctx, p, clock.Now, time.Millisecond, 100, testLogger(&logs), nil)
		close(done)
	}()
	p.waitCalls(t, 3)
	cancel()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("RunPurge did not return after its context was cancelled")
	}
	out := logs.String()
	if !strings.Contains(out, "retention purge failed") || !strings.Contains(out, "disk I/O error") {
		t.Errorf("log lacks the failure and its cause:\n%s", out)
	}
	if !strings.Contains(out, "purged=3") {
		t.Errorf("log lacks the count of a later pass:\n%s", out)
	}
}

func TestRunPurgeReadsTheClockOnEveryPass(t *testing.T) {
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	clock := directory.NewFixedClock(start)
	p := newFakePurger(purgeResult{})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		RunPurge(ctx, p, clock.Now, time.Millisecond, 1, testLogger(&syncBuffer{}), nil)
		close(done)
	}()
	p.waitCalls(t, 1)
	later := start.Add(30 * 24 * time.Hour)
	clock.Advance(30 * 24 * time.Hour)
	deadline := time.After(5 * time.Second)
	for !p.sawTime(later) {
		select {
		case <-p.called:
		case <-deadline:
			t.Fatalf("no pass ran at the advanced clock %v", later)
		}
	}
	cancel()
	<-done
}

func TestRunPurgeWithoutIntervalDoesNothing(t *testing.T) {
	p := newFakePurger(purgeResult{})
	var logs syncBuffer
	RunPurge(context.Background(), p, time.Now, 0, 10, testLogger(&logs), nil)
	if got := len(p.snapshot()); got != 0 {
		t.Errorf("calls = %d, want none when the interval is 0", got)
	}
	if !strings.Contains(logs.String(), "disabled") {
		t.Errorf("log does not say the purge is disabled:\n%s", logs.String())
	}
}
