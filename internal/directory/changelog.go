package directory

import (
	"context"
	"time"
)

// Change is one entry of the change log: a user, a group or a group's
// membership changed. The store writes it in the transaction of the
// change, so there is no change without its entry and no entry without its
// change. It holds ids only: erasing a person leaves nothing of theirs in
// the log. Change notifications (and, later, delta queries) read it.
type Change struct {
	Pos      ChangePos // set by the store
	TenantID string
	Kind     ChangeKind
	ObjectID string // the user or group; of a member change, the user
	GroupID  string // of a member change, the group
	Type     ChangeType
	Reason   RemovedReason // of a deletion
	At       time.Time
}

// ChangePos is a position in the change log, in commit order. Its parts
// mean something to the store only; compare positions with Less.
type ChangePos struct {
	Tx  int64
	Seq int64
}

// Less reports whether p comes before q.
func (p ChangePos) Less(q ChangePos) bool {
	return p.Tx < q.Tx || (p.Tx == q.Tx && p.Seq < q.Seq)
}

// ChangeKind is what changed.
type ChangeKind string

const (
	ChangeUser   ChangeKind = "user"
	ChangeGroup  ChangeKind = "group"
	ChangeMember ChangeKind = "member" // a user joined or left a group
)

// ChangeType is Graph's changeType.
type ChangeType string

const (
	ChangeCreated ChangeType = "created"
	ChangeUpdated ChangeType = "updated"
	ChangeDeleted ChangeType = "deleted"
)

// RemovedReason is Graph's @removed.reason of a deletion.
type RemovedReason string

const (
	// RemovedChanged: a soft delete or a guest's leave; the user can be
	// restored for the tenant's retention period.
	RemovedChanged RemovedReason = "changed"
	// RemovedDeleted: a permanent delete or the purge; the object is gone.
	RemovedDeleted RemovedReason = "deleted"
)

// ChangeLogTx keeps the change log.
type ChangeLogTx interface {
	// AppendChanges writes the changes at the end of the log.
	AppendChanges(ctx context.Context, changes []*Change) error
	// ListChanges returns up to limit changes of the tenant after pos, in
	// log order. It sees only changes no running transaction can precede,
	// so that a reader that moves past a position never misses a change
	// committed later before it.
	ListChanges(ctx context.Context, tenantID string, after ChangePos, limit int) ([]*Change, error)
	// ChangeLogHead is a position at or before every change a transaction
	// that has not committed yet may still write: where a new reader
	// starts.
	ChangeLogHead(ctx context.Context) (ChangePos, error)
	// DeleteChangesBefore deletes up to limit changes made before before,
	// oldest first, and returns how many.
	DeleteChangesBefore(ctx context.Context, before time.Time, limit int) (int, error)
}

// ChangeLogRetention is how long the change log keeps a change: longer
// than a subscription lives (29 days), so a subscription never misses one
// while the dispatcher runs.
const ChangeLogRetention = 30 * 24 * time.Hour

const changeExpiryBatch = 5000

// ExpireChanges deletes the changes past ChangeLogRetention (the system
// only: the purge job) and returns how many.
func (s *Service) ExpireChanges(ctx context.Context) (int, error) {
	before := s.clock().Add(-ChangeLogRetention)
	total := 0
	for {
		var n int
		err := s.write(ctx, func(o *op) error {
			if !o.c.system() {
				return Errorf(KindForbidden, "only orgdir itself expires the change log")
			}
			var err error
			n, err = o.tx.DeleteChangesBefore(o.ctx, before, changeExpiryBatch)
			return err
		})
		total += n
		if err != nil || n < changeExpiryBatch {
			return total, err
		}
	}
}

// changesOf maps audit events to the changes they record: every directory
// change is audited, so hooking the log to the audit append forgets none.
func changesOf(events []*AuditEvent) []*Change {
	var out []*Change
	add := func(e *AuditEvent, k ChangeKind, obj, group string, t ChangeType, r RemovedReason) {
		out = append(out, &Change{TenantID: e.TenantID, Kind: k, ObjectID: obj, GroupID: group, Type: t, Reason: r, At: e.Time})
	}
	for _, e := range events {
		if e.Result != ResultSuccess || len(e.Targets) == 0 {
			continue
		}
		id := e.Targets[0].ID
		switch e.Activity {
		case ActivityAddUser:
			add(e, ChangeUser, id, "", ChangeCreated, "")
		case ActivityUpdateUser, ActivityDisableAccount, ActivityEnableAccount, ActivityRedeemInvite:
			add(e, ChangeUser, id, "", ChangeUpdated, "")
		case ActivityRestoreUser:
			// Back in /users after a deleted: a receiver that dropped it
			// needs all of it again.
			add(e, ChangeUser, id, "", ChangeCreated, "")
		case ActivityDeleteUser, ActivityLeaveOrganization:
			add(e, ChangeUser, id, "", ChangeDeleted, RemovedChanged)
		case ActivityHardDeleteUser:
			add(e, ChangeUser, id, "", ChangeDeleted, RemovedDeleted)
		case ActivityAddGroup:
			add(e, ChangeGroup, id, "", ChangeCreated, "")
		case ActivityUpdateGroup:
			add(e, ChangeGroup, id, "", ChangeUpdated, "")
		case ActivityDeleteGroup:
			add(e, ChangeGroup, id, "", ChangeDeleted, RemovedDeleted)
		case ActivityAddMemberToGroup, ActivityRemoveMemberFromGroup:
			if len(e.Targets) < 2 {
				continue
			}
			t, r := ChangeCreated, RemovedReason("")
			if e.Activity == ActivityRemoveMemberFromGroup {
				t, r = ChangeDeleted, RemovedDeleted
			}
			add(e, ChangeMember, e.Targets[1].ID, id, t, r)
		}
	}
	return out
}

// appendAudits appends the events and the changes they record, in the
// op's transaction: the one way the domain writes audit records (a test
// holds it to that).
func (o *op) appendAudits(events []*AuditEvent) error {
	if err := o.tx.AppendAudits(o.ctx, events); err != nil {
		return err
	}
	if ch := changesOf(events); len(ch) > 0 {
		o.logged = true
		return o.tx.AppendChanges(o.ctx, ch)
	}
	return nil
}
