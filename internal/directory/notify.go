package directory

import (
	"context"
	"slices"
	"time"
)

// Notification is one change as a subscription tells it (Graph's
// changeNotification, without the subscription's own fields).
type Notification struct {
	Position   ChangePos // of the change; unique per change, in order
	ChangeType ChangeType
	Resource   string // Users/{id}, Groups/{id} or Groups/{id}/Members/{userId}
	ODataType  string // #Microsoft.Graph.User or #Microsoft.Graph.Group
	ODataID    string // Users/{id} or Groups/{id}
	ID         string
	Reason     RemovedReason // of a deleted: changed (soft) or deleted (for good)
	// Of a group's updated caused by a member change: the member, and
	// whether it left.
	MemberID      string
	MemberRemoved bool
}

// Notify tells what, if anything, a change means to the subscription.
func (s *Subscription) Notify(c *Change) (Notification, bool) {
	_, groupID, err := subscriptionResource(s.Resource)
	if err != nil || c.TenantID != s.TenantID {
		return Notification{}, false
	}
	n := Notification{Position: c.Pos, ChangeType: c.Type, ID: c.ObjectID, Reason: c.Reason}
	switch {
	case s.Resource == "users" && c.Kind == ChangeUser:
		n.Resource, n.ODataType, n.ODataID = "Users/"+c.ObjectID, "#Microsoft.Graph.User", "Users/"+c.ObjectID
	case s.Resource == "groups" && c.Kind == ChangeGroup:
		n.Resource, n.ODataType, n.ODataID = "Groups/"+c.ObjectID, "#Microsoft.Graph.Group", "Groups/"+c.ObjectID
	case s.Resource == "groups" && c.Kind == ChangeMember:
		// As Graph: a membership change is an update of the group.
		n = Notification{Position: c.Pos, ChangeType: ChangeUpdated, ID: c.GroupID, Resource: "Groups/" + c.GroupID,
			ODataType: "#Microsoft.Graph.Group", ODataID: "Groups/" + c.GroupID,
			MemberID: c.ObjectID, MemberRemoved: c.Type == ChangeDeleted}
	case groupID != "" && c.Kind == ChangeMember && c.GroupID == groupID:
		n.Resource, n.ODataType, n.ODataID = "Groups/"+groupID+"/Members/"+c.ObjectID, "#Microsoft.Graph.User", "Users/"+c.ObjectID
	default:
		return Notification{}, false
	}
	if !slices.Contains(s.ChangeTypes, n.ChangeType) {
		return Notification{}, false
	}
	return n, true
}

// Delivery is one claimed batch of one subscription.
type Delivery struct {
	Subscription  *Subscription
	Claim         int            // the lease's fencing token
	Notifications []Notification // in log order
	Through       ChangePos      // the last change read: the cursor once delivered
	// Remind: reauthorizationRequired is due (sent before the batch).
	Remind bool
	// Removed: the subscription expired, or its owner may no longer read
	// its resource, and it is gone; only its subscriptionRemoved lifecycle
	// notification is left to send.
	Removed bool
}

// DeliveryOutcome is how a delivery attempt ended.
type DeliveryOutcome struct {
	Delivered bool
	// Missed: retries gave up; the cursor moves past the batch (the
	// dispatcher sends a missed lifecycle notification).
	Missed  bool
	RetryAt time.Time // when neither
	Error   string
}

// MaxNotificationBatch bounds the changes read per delivery.
const MaxNotificationBatch = 100

// maxPassedPages bounds the pages of unmatched changes one claim reads.
const maxPassedPages = 10

// ClaimDeliveries leases up to limit due subscriptions (the system only)
// and returns their next batches. Changes that match nothing move the
// cursor at once; an expired subscription, or one whose owner may no
// longer read its resource, is deleted.
func (s *Service) ClaimDeliveries(ctx context.Context, limit int, lease time.Duration) ([]*Delivery, error) {
	if limit < 1 || limit > MaxPageSize {
		return nil, Invalidf("limit", "limit must be 1 to %d, not %d", MaxPageSize, limit)
	}
	if lease < time.Second {
		return nil, Invalidf("lease", "the lease must be at least a second, not %v", lease)
	}
	return writeResult(s, ctx, func(o *op) ([]*Delivery, error) {
		if !o.c.system() {
			return nil, Errorf(KindForbidden, "notification delivery is orgdir's own")
		}
		subs, err := o.tx.ClaimSubscriptions(o.ctx, o.now, limit, lease)
		if err != nil {
			return nil, err
		}
		var out []*Delivery
		for _, sub := range subs {
			d := &Delivery{Subscription: sub, Claim: sub.Claims, Through: sub.Cursor}
			mayRead, err := o.ownerMayRead(sub)
			if err != nil {
				return nil, err
			}
			if !sub.ExpiresAt.After(o.now) || !mayRead {
				if err := o.tx.DeleteSubscription(o.ctx, sub.TenantID, sub.ID); err != nil {
					return nil, err
				}
				why := "expired"
				if !mayRead {
					why = "the owner may no longer read " + sub.Resource
				}
				e := o.event(sub.TenantID, ActivityDeleteSubscription, CategoryApplicationManagement, opDelete, subscriptionTarget(sub))
				e.AdditionalDetails = []KeyValue{{Key: "reason", Value: why}}
				if err := o.audit(e); err != nil {
					return nil, err
				}
				d.Removed = true
				out = append(out, d)
				continue
			}
			// Pages of changes that match nothing are passed over here, a
			// few at a time, so that a subscription to little catches up.
			for range maxPassedPages {
				changes, err := o.tx.ListChanges(o.ctx, sub.TenantID, d.Through, MaxNotificationBatch)
				if err != nil {
					return nil, err
				}
				for _, c := range changes {
					if len(d.Notifications) == MaxNotificationBatch {
						break
					}
					if n, ok := sub.Notify(c); ok {
						d.Notifications = append(d.Notifications, n)
					}
					d.Through = c.Pos
				}
				if len(d.Notifications) > 0 || len(changes) < MaxNotificationBatch {
					break
				}
			}
			if sub.RemindAt != nil && !sub.RemindAt.After(o.now) {
				// Once: a lost reminder is not sent again.
				d.Remind, sub.RemindAt = true, nil
			}
			if len(d.Notifications) > 0 || d.Remind {
				if d.Remind {
					if err := o.tx.FinishSubscriptionClaim(o.ctx, sub, sub.Claims); err != nil {
						return nil, err
					}
				}
				out = append(out, d)
				continue
			}
			sub.Cursor, sub.NextAttemptAt = d.Through, o.now
			if err := o.tx.FinishSubscriptionClaim(o.ctx, sub, sub.Claims); err != nil {
				return nil, err
			}
		}
		return out, nil
	})
}

// ownerMayRead reports whether the subscription's owner may still read
// its resource: a deleted or disabled user, or an app whose permission
// was taken back, learns nothing more.
func (o *op) ownerMayRead(sub *Subscription) (bool, error) {
	a := UserActor(sub.TenantID, sub.OwnerUserID)
	if sub.OwnerAppID != "" {
		all := make([]string, len(APIPermissions))
		for i, p := range APIPermissions {
			all[i] = p.Value
		}
		a = AppActor(sub.TenantID, sub.OwnerAppID, all)
	}
	c, err := loadCaller(WithActor(o.ctx, a), o.tx, false)
	if IsKind(err, KindUnauthenticated) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	owner := &op{ctx: o.ctx, tx: o.tx, c: c, now: o.now, s: o.s}
	err = owner.mayOwn(sub.TenantID, sub.Resource)
	if IsKind(err, KindForbidden) || IsKind(err, KindNotFound) {
		return false, nil
	}
	return err == nil, err
}

// FinishDelivery records how a delivery ended (the system only). A
// delivery whose lease another dispatcher has since taken is
// KindConflict: that one records its own.
func (s *Service) FinishDelivery(ctx context.Context, d *Delivery, out DeliveryOutcome) error {
	return s.write(ctx, func(o *op) error {
		if !o.c.system() {
			return Errorf(KindForbidden, "notification delivery is orgdir's own")
		}
		sub := *d.Subscription
		switch {
		case out.Delivered || out.Missed:
			now := o.now
			sub.Cursor, sub.NextAttemptAt, sub.Failures, sub.FailingSince = d.Through, o.now, 0, nil
			sub.LastError = ""
			if out.Delivered && len(d.Notifications) > 0 {
				sub.LastDeliveryAt = &now
			} else {
				sub.LastError = cutUTF8("missed: "+out.Error, MaxMailError)
			}
		default:
			if sub.FailingSince == nil {
				now := o.now
				sub.FailingSince = &now
			}
			sub.Failures++
			sub.NextAttemptAt = out.RetryAt
			if sub.NextAttemptAt.Before(o.now) {
				sub.NextAttemptAt = o.now
			}
			sub.LastError = cutUTF8(out.Error, MaxMailError)
		}
		return o.tx.FinishSubscriptionClaim(o.ctx, &sub, d.Claim)
	})
}
