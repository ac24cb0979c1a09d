package directory

import (
	"context"
	"time"
)

// PurgeAppName is the initiator of the retention purge's audit records.
const PurgeAppName = "orgdir retention purge"

// PurgeExpired permanently deletes every deleted user whose retention
// ended at or before now (system actor only), in rounds of at most batch
// users, and returns how many it purged.
//
// Each user is purged in its own transaction, which picks the next due
// user itself (ListPurgeable in a Write, so on a backend with row locks
// another instance's user is skipped, not waited for), re-reads it and
// erases it with its audit record. A crash or a cancelled context between
// users leaves every user either untouched or entirely gone, and a rerun
// finishes the work. A user restored, or purged by another instance, is
// never seen; a user whose PurgeAt is after now is never touched. The
// context is checked between rounds, so a shutdown waits for at most one
// round.
func (s *Service) PurgeExpired(ctx context.Context, now time.Time, batch int) (int, error) {
	if batch < 1 || batch > MaxPageSize {
		return 0, Invalidf("batch", "batch must be between 1 and %d, not %d", MaxPageSize, batch)
	}
	now = now.UTC()
	purged := 0
	for {
		if err := ctx.Err(); err != nil {
			return purged, Internal(err)
		}
		for range batch {
			done, err := s.purgeNext(ctx, now)
			if err != nil {
				return purged, err
			}
			if !done {
				return purged, nil
			}
			purged++
		}
	}
}

// purgeNext purges the next due user in one transaction; false when no
// user is due.
func (s *Service) purgeNext(ctx context.Context, now time.Time) (bool, error) {
	done := false
	err := s.write(ctx, func(o *op) error {
		if !o.c.system() {
			return Errorf(KindForbidden, "only orgdir's purge job purges users")
		}
		keys, err := o.tx.ListPurgeable(o.ctx, now, 1)
		if err != nil || len(keys) == 0 {
			return err
		}
		u, err := o.tx.GetUser(o.ctx, keys[0].TenantID, keys[0].UserID)
		if err != nil {
			return err
		}
		if !u.Deleted() || u.PurgeAt == nil || u.PurgeAt.After(now) {
			// The store listed a user that is not due: stop rather than
			// loop on it, and say so.
			return Internal(errNotDue{u.ID})
		}
		o.c = &caller{actor: SystemActor(PurgeAppName)}
		if err := o.erase(u, KeyValue{Key: "reason", Value: "retention period ended"}); err != nil {
			return err
		}
		done = true
		return nil
	})
	return done, err
}

type errNotDue struct{ id string }

func (e errNotDue) Error() string {
	return "directory: ListPurgeable returned user " + e.id + ", which is not due for purging"
}
