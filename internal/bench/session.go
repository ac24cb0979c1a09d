package bench

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"time"

	"github.com/orgdir/orgdir/internal/store/sqlite"
)

// session is what every kind of run begins with: its checked Config, a
// scratch store of its own, and the watch of its heap; end closes it.
type session struct {
	cfg     Config
	sc      *scratch
	started time.Time
	heap    *heapWatch
}

func startSession(ctx context.Context, cfg Config) (*session, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, fmt.Errorf("bench: %w", err)
	}
	s := &session{cfg: cfg, started: time.Now(), heap: watchHeap()}
	if s.sc, err = openScratch(ctx, cfg.Database, sqlite.Options{Synchronous: cfg.SQLiteSynchronous}); err != nil {
		s.heap.Stop()
		return nil, err
	}
	return s, nil
}

// say prints one progress line, when the run has somewhere to print it.
func (s *session) say(format string, args ...any) {
	if s.cfg.Progress != nil {
		fmt.Fprintf(s.cfg.Progress, format+"\n", args...)
	}
}

// end puts the run's peaks and total time in rep and removes the scratch
// store; a run that left a file or a schema behind says so, not its
// figures. Runs defer it over their named results.
func (s *session) end(rep *Report, err error) (*Report, error) {
	peak := s.heap.Stop()
	if rep != nil {
		rep.PeakHeapBytes, rep.PeakRSSBytes, rep.Total = peak, peakRSS(), time.Since(s.started)
	}
	if rerr := s.sc.remove(); rerr != nil {
		return nil, errors.Join(err, rerr)
	}
	return rep, err
}

// report is the run's report before its rows: the database, the load
// asked for, the machine.
func (s *session) report() *Report {
	c := s.cfg
	return &Report{
		Database: s.sc.describe, Users: c.Users, Guests: c.Users / guestShare,
		Concurrency: c.Concurrency, Ops: c.Ops, Duration: c.Duration,
		GOMAXPROCS: runtime.GOMAXPROCS(0), CPUs: runtime.NumCPU(), LoadAvg: loadAverage(),
	}
}

// seedTenant seeds the tenant of a directory run into the scratch store
// (then, on PostgreSQL, ANALYZEs unless asked not to), timing it in rep.
func (s *session) seedTenant(ctx context.Context, now time.Time, rep *Report) (*world, error) {
	s.say("bench: seeding %d users into %s", s.cfg.Users, s.sc.describe)
	t0 := time.Now()
	w, err := seed(ctx, s.sc.store, now, s.cfg.Users)
	if err != nil {
		return nil, err
	}
	rep.SeedElapsed = time.Since(t0)
	if s.sc.analyze != nil && !s.cfg.SkipAnalyze {
		s.say("bench: ANALYZE")
		if err := s.sc.analyze(ctx); err != nil {
			return nil, err
		}
		rep.Analyzed = true
	}
	return w, nil
}
