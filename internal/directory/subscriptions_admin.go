package directory

import (
	"context"
)

// SubscriptionState is a subscription as the admin portal shows it: with
// its owner's name and the notifications it has still to deliver.
type SubscriptionState struct {
	*Subscription
	OwnerName string // the user's or application's display name; "" when gone
	// Backlog counts the changes after the cursor that the subscription
	// tells; BacklogMore says there are more changes than were read.
	Backlog     int
	BacklogMore bool
}

// maxBacklogPages bounds the change log pages read per subscription to
// count its backlog: the page stays cheap behind a dead receiver.
const maxBacklogPages = 10

// ListTenantSubscriptions lists every subscription of the tenant,
// whoever made it, oldest first: the Global Administrator's view (a
// subscription feeds an application the tenant's changes, as a consent
// does, and consents are theirs too). Applications may not.
func (s *Service) ListTenantSubscriptions(ctx context.Context, tenantID string) ([]*SubscriptionState, error) {
	return readResult(s, ctx, func(o *op) ([]*SubscriptionState, error) {
		if err := o.mayAdministerSubscriptions(tenantID); err != nil {
			return nil, err
		}
		subs, err := o.tx.ListSubscriptions(o.ctx, tenantID)
		if err != nil {
			return nil, err
		}
		out := make([]*SubscriptionState, 0, len(subs))
		for _, sub := range subs {
			st, err := o.subscriptionState(sub)
			if err != nil {
				return nil, err
			}
			out = append(out, st)
		}
		return out, nil
	})
}

// GetTenantSubscription returns one subscription of the tenant, whoever
// made it (the Global Administrator's view).
func (s *Service) GetTenantSubscription(ctx context.Context, tenantID, id string) (*SubscriptionState, error) {
	return readResult(s, ctx, func(o *op) (*SubscriptionState, error) {
		sub, err := o.tenantSubscription(tenantID, id)
		if err != nil {
			return nil, err
		}
		return o.subscriptionState(sub)
	})
}

// DeleteTenantSubscription ends any subscription of the tenant (a Global
// Administrator), audited as the API's DELETE is. Unlike the owner's own
// delete, the owner did not ask: Options.OnSubscriptionRemoved is told.
func (s *Service) DeleteTenantSubscription(ctx context.Context, tenantID, id string) error {
	var sub *Subscription
	err := s.write(ctx, func(o *op) error {
		var err error
		sub, err = o.tenantSubscription(tenantID, id)
		if err != nil {
			return err
		}
		if err := o.tx.DeleteSubscription(o.ctx, tenantID, sub.ID); err != nil {
			return err
		}
		e := o.event(tenantID, ActivityDeleteSubscription, CategoryApplicationManagement, opDelete, subscriptionTarget(sub))
		e.AdditionalDetails = []KeyValue{{Key: "reason", Value: "deleted by an administrator"}}
		return o.audit(e)
	})
	if err == nil && s.opts.OnSubscriptionRemoved != nil {
		s.opts.OnSubscriptionRemoved(sub)
	}
	return err
}

func (o *op) mayAdministerSubscriptions(tenantID string) error {
	if err := o.c.require(tenantID, permSettings); err != nil {
		return err
	}
	_, err := o.tenant(tenantID)
	return err
}

func (o *op) tenantSubscription(tenantID, id string) (*Subscription, error) {
	if err := o.mayAdministerSubscriptions(tenantID); err != nil {
		return nil, err
	}
	if !ValidID(id) {
		return nil, notFound("subscription")
	}
	sub, err := o.tx.GetSubscription(o.ctx, tenantID, id)
	if IsKind(err, KindNotFound) {
		return nil, notFound("subscription")
	}
	return sub, err
}

// subscriptionState adds the owner's name and counts the backlog as the
// dispatcher would batch it.
func (o *op) subscriptionState(sub *Subscription) (*SubscriptionState, error) {
	st := &SubscriptionState{Subscription: sub}
	if sub.OwnerAppID != "" {
		if a, err := o.tx.GetApplication(o.ctx, sub.TenantID, sub.OwnerAppID); err == nil {
			st.OwnerName = a.DisplayName
		} else if !IsKind(err, KindNotFound) {
			return nil, err
		}
	} else if u, err := o.tx.GetUser(o.ctx, sub.TenantID, sub.OwnerUserID); err == nil {
		st.OwnerName = u.DisplayName
	} else if !IsKind(err, KindNotFound) {
		return nil, err
	}
	pos := sub.Cursor
	for range maxBacklogPages {
		changes, err := o.tx.ListChanges(o.ctx, sub.TenantID, pos, MaxNotificationBatch)
		if err != nil {
			return nil, err
		}
		for _, c := range changes {
			if _, ok := sub.Notify(c); ok {
				st.Backlog++
			}
			pos = c.Pos
		}
		if len(changes) < MaxNotificationBatch {
			return st, nil
		}
	}
	st.BacklogMore = true
	return st, nil
}
