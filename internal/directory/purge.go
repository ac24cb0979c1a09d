package directory

import (
	"context"
	"time"
)

// PurgeAppName is the initiator of the retention purge's audit records.
const PurgeAppName = "orgdir retention purge"

// MaxPurgeBatch bounds a purge batch: one transaction's users, all in
// memory at once. Bigger batches purge faster (random ids spread a
// batch's index changes over the same pages, whatever its size), but hold
// the transaction longer: on SQLite, every other write waits for it.
const MaxPurgeBatch = 10000

// PurgeExpired permanently deletes every deleted user whose retention
// ended at or before now (system actor only), in batches of at most batch
// users, and returns how many it purged.
//
// Each batch is one transaction: it claims the next due users
// (ClaimPurgeable, so on a backend with row locks another instance's
// users are skipped, not waited for, and never purged twice) and erases
// them all, with their audit records, in a few statements. A crash or a
// cancelled context between batches leaves every user either untouched or
// entirely gone, and a rerun finishes the work. A user restored, or
// purged by another instance, is never seen; a user whose PurgeAt is
// after now is never touched. The context is checked between batches, so
// a shutdown waits for at most one.
func (s *Service) PurgeExpired(ctx context.Context, now time.Time, batch int) (int, error) {
	if batch < 1 || batch > MaxPurgeBatch {
		return 0, Invalidf("batch", "batch must be between 1 and %d, not %d", MaxPurgeBatch, batch)
	}
	now = now.UTC()
	purged := 0
	for {
		if err := ctx.Err(); err != nil {
			return purged, Internal(err)
		}
		n, err := s.purgeBatch(ctx, now, batch)
		purged += n
		if err != nil || n < batch {
			// A short batch: nothing else is due, or what is due is held by
			// another transaction, which purges it or leaves it for the
			// next pass.
			return purged, err
		}
	}
}

// purgeBatch purges at most batch due users in one transaction and returns
// how many.
func (s *Service) purgeBatch(ctx context.Context, now time.Time, batch int) (int, error) {
	n := 0
	err := s.write(ctx, func(o *op) error {
		n = 0 // a Write run again after a deadlock starts over
		if !o.c.system() {
			return Errorf(KindForbidden, "only orgdir's purge job purges users")
		}
		users, err := o.tx.ClaimPurgeable(o.ctx, now, batch)
		if err != nil || len(users) == 0 {
			return err
		}
		for _, u := range users {
			if !u.Deleted() || u.PurgeAt == nil || u.PurgeAt.After(now) {
				// The store claimed a user that is not due: stop rather
				// than loop on it, and say so.
				return Internal(errNotDue{u.ID})
			}
		}
		o.c = &caller{actor: SystemActor(PurgeAppName)}
		if err := o.eraseAll(users, KeyValue{Key: "reason", Value: "retention period ended"}); err != nil {
			return err
		}
		n = len(users)
		return nil
	})
	if err != nil {
		return 0, err
	}
	return n, nil
}

// eraseAll is erase for many users at once, with set statements: the
// users with everything they hold; their names in every audit record; each
// tenant's e-mail to their addresses unless a live user of the tenant has
// the address; their e-mail identities, passcodes and passcode e-mail when
// no other user is bound to them; then one "Hard delete user" record
// each, naming the user by id only.
func (o *op) eraseAll(users []*User, details ...KeyValue) error {
	ctx, tx := o.ctx, o.tx
	keys := make([]UserKey, len(users))
	ids := make([]string, len(users))
	var mail []MailAddress
	var identities []string
	seen := map[string]bool{}
	events := make([]*AuditEvent, len(users))
	for i, u := range users {
		keys[i] = UserKey{TenantID: u.TenantID, UserID: u.ID}
		ids[i] = u.ID
		if u.Mail != "" {
			mail = append(mail, MailAddress{TenantID: u.TenantID, Address: u.Mail})
		}
		if id := u.HomeEmailIdentityID; id != "" && !seen[id] {
			seen[id] = true
			identities = append(identities, id)
		}
		events[i] = o.event(u.TenantID, ActivityHardDeleteUser, CategoryUserManagement, opDelete, AuditTarget{ID: u.ID, Type: targetUser})
		events[i].AdditionalDetails = details
	}
	if err := tx.EraseUsers(ctx, keys); err != nil {
		return err
	}
	if err := tx.ScrubAuditSubjects(ctx, ids); err != nil {
		return err
	}
	if len(mail) > 0 {
		if err := tx.DeleteUnclaimedMail(ctx, mail); err != nil {
			return err
		}
	}
	if len(identities) > 0 {
		if err := tx.DeleteUnboundEmailIdentities(ctx, identities); err != nil {
			return err
		}
	}
	return o.appendAudits(events)
}

type errNotDue struct{ id string }

func (e errNotDue) Error() string {
	return "directory: ClaimPurgeable returned user " + e.id + ", which is not due for purging"
}
