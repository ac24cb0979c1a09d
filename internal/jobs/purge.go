package jobs

import (
	"context"
	"log/slog"
	"time"

	"github.com/orgdir/orgdir/internal/directory"
)

// Purger is the part of the directory.Service the purge job needs.
type Purger interface {
	PurgeExpired(ctx context.Context, now time.Time, batch int) (int, error)
	// ExpireSignIns removes the sign-in records past their retention.
	ExpireSignIns(ctx context.Context) (int, error)
	// ExpireBulkJobs removes the bulk operations past their retention.
	ExpireBulkJobs(ctx context.Context) (int, error)
	// ExpireChanges removes the change log's entries past their retention.
	ExpireChanges(ctx context.Context) (int, error)
	// ExpireOAuthGrants removes the OAuth grants that ended.
	ExpireOAuthGrants(ctx context.Context) (int, error)
}

// purgeActor is who the audit log names for automatic purges.
const purgeActor = "orgdir purge job"

// PurgeOnce runs one pass of the retention purge at clock() and returns how
// many deleted users it purged; then it expires old sign-in records, bulk
// operations and change log entries, and deletes ended OAuth grants.
func PurgeOnce(ctx context.Context, p Purger, clock directory.Clock, batch int) (int, error) {
	ctx = directory.WithActor(ctx, directory.SystemActor(purgeActor))
	n, err := p.PurgeExpired(ctx, clock(), batch)
	if err != nil {
		return n, err
	}
	if _, err = p.ExpireSignIns(ctx); err != nil {
		return n, err
	}
	if _, err = p.ExpireBulkJobs(ctx); err != nil {
		return n, err
	}
	if _, err = p.ExpireChanges(ctx); err != nil {
		return n, err
	}
	_, err = p.ExpireOAuthGrants(ctx)
	return n, err
}

// Recorder learns the outcome of each pass (the metrics package).
type Recorder interface {
	PurgeRan(n int, err error, at time.Time)
}

// RunPurge purges at once and then every interval until ctx ends. A failed
// pass is logged and retried at the next tick: an outage of the database
// must not stop the job for good. It returns when ctx is done. rec, when
// not nil, records every pass.
func RunPurge(ctx context.Context, p Purger, clock directory.Clock, interval time.Duration, batch int, logger *slog.Logger, rec Recorder) {
	if interval <= 0 {
		logger.Warn("retention purge disabled", "interval", interval)
		return
	}
	pass := func() {
		n, err := PurgeOnce(ctx, p, clock, batch)
		if rec != nil && ctx.Err() == nil {
			rec.PurgeRan(n, err, clock())
		}
		switch {
		case err != nil && ctx.Err() != nil:
			// Shutting down: the cancelled pass is not an error worth a line.
		case err != nil:
			logger.Error("retention purge failed", "purged", n, "err", err)
		case n > 0:
			logger.Info("retention purge", "purged", n)
		default:
			logger.Debug("retention purge: nothing to purge")
		}
	}
	pass()
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			pass()
		}
	}
}
