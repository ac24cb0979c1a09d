package directory

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"slices"
	"strings"
	"time"
)

// subscriptionResource parses a resource: its permission, and the group
// of groups/{id}/members.
func subscriptionResource(r string) (p perm, groupID string, err error) {
	r = strings.Trim(strings.TrimSpace(r), "/")
	switch {
	case strings.EqualFold(r, "users"):
		return permReadUsers, "", nil
	case strings.EqualFold(r, "groups"):
		return permReadGroups, "", nil
	}
	parts := strings.Split(r, "/")
	if len(parts) == 3 && strings.EqualFold(parts[0], "groups") && strings.EqualFold(parts[2], "members") {
		return permReadGroups, parts[1], nil
	}
	return 0, "", Invalidf("resource", "resource %q is not supported; use users, groups or groups/{id}/members", r)
}

func canonicalResource(r string) string {
	r = strings.Trim(strings.TrimSpace(r), "/")
	if _, g, _ := subscriptionResource(r); g != "" {
		return "groups/" + g + "/members"
	}
	return strings.ToLower(r)
}

func validChangeTypes(s string) ([]ChangeType, error) {
	var out []ChangeType
	for _, p := range strings.Split(s, ",") {
		t := ChangeType(strings.TrimSpace(p))
		switch t {
		case ChangeCreated, ChangeUpdated, ChangeDeleted:
			if !slices.Contains(out, t) {
				out = append(out, t)
			}
		default:
			return nil, Invalidf("changeType", "changeType %q is not a comma-separated list of created, updated, deleted", s)
		}
	}
	return out, nil
}

func (o *op) validExpiry(t time.Time) (time.Time, error) {
	t = t.UTC().Truncate(time.Microsecond)
	if !t.After(o.now) {
		return t, Invalidf("expirationDateTime", "expirationDateTime must be in the future")
	}
	if t.Sub(o.now) > MaxSubscriptionLifetime {
		return t, Invalidf("expirationDateTime", "expirationDateTime may be at most 29 days (41760 minutes) from now for directory resources")
	}
	return t, nil
}

// mayOwn checks the caller may subscribe to resource in tenantID: a user
// or an application of the tenant with the read permission of the
// resource; the group of groups/{id}/members must be one it sees.
func (o *op) mayOwn(tenantID, resource string) error {
	if o.c.user == nil && o.c.app == nil {
		return Errorf(KindForbidden, "a subscription belongs to a user or an application of the organization")
	}
	p, groupID, err := subscriptionResource(resource)
	if err != nil {
		return err
	}
	if _, err := o.permittedTenant(tenantID, p); err != nil {
		return err
	}
	if groupID != "" {
		if _, err := o.group(tenantID, groupID); err != nil {
			return err
		}
	}
	return nil
}

func (o *op) owns(s *Subscription) bool {
	switch {
	case o.c.system():
		return true
	case o.c.user != nil:
		return s.OwnerUserID == o.c.user.ID && s.TenantID == o.c.user.TenantID
	case o.c.app != nil:
		return s.OwnerAppID == o.c.app.ID && s.TenantID == o.c.app.TenantID
	}
	return false
}

// subscription loads a subscription the caller owns; another's is
// KindNotFound, as if it did not exist.
func (o *op) subscription(tenantID, id string) (*Subscription, error) {
	if !ValidID(id) || !o.c.inTenant(tenantID) {
		return nil, notFound("subscription")
	}
	s, err := o.tx.GetSubscription(o.ctx, tenantID, id)
	if IsKind(err, KindNotFound) || (err == nil && !o.owns(s)) {
		return nil, notFound("subscription")
	}
	return s, err
}

// remindAt is when reauthorizationRequired is due: ReauthorizationLead
// before expiry, if the subscription has a lifecycle URL and lives longer.
func (s *Subscription) remindAt(now time.Time) *time.Time {
	at := s.ExpiresAt.Add(-ReauthorizationLead)
	if s.LifecycleNotificationURL == "" || !at.After(now) {
		return nil
	}
	return &at
}

func subscriptionTarget(s *Subscription) AuditTarget {
	return AuditTarget{ID: s.ID, Type: targetOther, DisplayName: s.Resource}
}

func newWebhookSecret() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b) // crypto/rand does not fail
	return "whsec_" + base64.StdEncoding.EncodeToString(b)
}

func (s *Service) validateWebhook(ctx context.Context, field, url string) (string, error) {
	url, err := validHTTPURL(field, url)
	if err != nil {
		return "", err
	}
	if s.opts.Webhooks == nil {
		return "", Errorf(KindForbidden, "change notifications are not enabled on this server")
	}
	if err := s.opts.Webhooks.ValidateWebhook(ctx, url); err != nil {
		return "", Invalidf(field, "Subscription validation request failed. %v", err)
	}
	return url, nil
}

// CreateSubscription subscribes the caller to changes of a resource of
// the tenant. The notification URL must answer the validation request
// first (outside any transaction: it may take 10 seconds); the caller's
// permission is checked before and again after.
func (s *Service) CreateSubscription(ctx context.Context, tenantID string, n NewSubscription) (*Subscription, error) {
	types, err := validChangeTypes(n.ChangeType)
	if err != nil {
		return nil, err
	}
	if _, _, err := subscriptionResource(n.Resource); err != nil {
		return nil, err
	}
	state, err := validOptionalLen("clientState", n.ClientState, maxClientState)
	if err != nil {
		return nil, err
	}
	lifecycle := ""
	if n.LifecycleNotificationURL != "" {
		if lifecycle, err = validHTTPURL("lifecycleNotificationUrl", n.LifecycleNotificationURL); err != nil {
			return nil, err
		}
	}
	if _, err := validHTTPURL("notificationUrl", n.NotificationURL); err != nil {
		return nil, err
	}
	if err := s.read(ctx, func(o *op) error {
		if err := o.mayOwn(tenantID, n.Resource); err != nil {
			return err
		}
		_, err := o.validExpiry(n.ExpirationDateTime)
		return err
	}); err != nil {
		return nil, err
	}
	url, err := s.validateWebhook(ctx, "notificationUrl", n.NotificationURL)
	if err != nil {
		return nil, err
	}
	if lifecycle != "" && lifecycle != url {
		if lifecycle, err = s.validateWebhook(ctx, "lifecycleNotificationUrl", lifecycle); err != nil {
			return nil, err
		}
	}
	return writeResult(s, ctx, func(o *op) (*Subscription, error) {
		if err := o.mayOwn(tenantID, n.Resource); err != nil {
			return nil, err
		}
		exp, err := o.validExpiry(n.ExpirationDateTime)
		if err != nil {
			return nil, err
		}
		head, err := o.tx.ChangeLogHead(o.ctx)
		if err != nil {
			return nil, err
		}
		sub := &Subscription{
			ID: s.newID(), TenantID: tenantID, Resource: canonicalResource(n.Resource), ChangeTypes: types,
			NotificationURL: url, LifecycleNotificationURL: lifecycle, ClientState: state,
			Secret: newWebhookSecret(), ExpiresAt: exp, CreatedAt: o.now, Cursor: head, NextAttemptAt: o.now,
		}
		sub.RemindAt = sub.remindAt(o.now)
		if o.c.user != nil {
			sub.OwnerUserID = o.c.user.ID
		} else {
			sub.OwnerAppID = o.c.app.ID
		}
		if err := o.tx.CreateSubscription(o.ctx, sub); err != nil {
			return nil, err
		}
		return sub, o.audit(o.event(tenantID, ActivityAddSubscription, CategoryApplicationManagement, opAdd, subscriptionTarget(sub)))
	})
}

// GetSubscription returns one of the caller's subscriptions.
func (s *Service) GetSubscription(ctx context.Context, tenantID, id string) (*Subscription, error) {
	return readResult(s, ctx, func(o *op) (*Subscription, error) { return o.subscription(tenantID, id) })
}

// ListSubscriptions lists the caller's subscriptions in the tenant (the
// system: all of them).
func (s *Service) ListSubscriptions(ctx context.Context, tenantID string) ([]*Subscription, error) {
	return readResult(s, ctx, func(o *op) ([]*Subscription, error) {
		if !o.c.inTenant(tenantID) {
			return nil, Errorf(KindForbidden, "you do not have permission to do this in this organization")
		}
		all, err := o.tx.ListSubscriptions(o.ctx, tenantID)
		return slices.DeleteFunc(all, func(x *Subscription) bool { return !o.owns(x) }), err
	})
}

// UpdateSubscription renews a subscription or moves its notification URL
// (validated again first).
func (s *Service) UpdateSubscription(ctx context.Context, tenantID, id string, p SubscriptionPatch) (*Subscription, error) {
	var url string
	if p.NotificationURL != nil {
		if _, err := s.GetSubscription(ctx, tenantID, id); err != nil {
			return nil, err
		}
		var err error
		if url, err = s.validateWebhook(ctx, "notificationUrl", *p.NotificationURL); err != nil {
			return nil, err
		}
	}
	return writeResult(s, ctx, func(o *op) (*Subscription, error) {
		sub, err := o.subscription(tenantID, id)
		if err != nil {
			return nil, err
		}
		if err := o.mayOwn(tenantID, sub.Resource); err != nil {
			return nil, err
		}
		var props []ModifiedProperty
		if p.ExpirationDateTime != nil {
			exp, err := o.validExpiry(*p.ExpirationDateTime)
			if err != nil {
				return nil, err
			}
			if m, ok := changed("expirationDateTime", sub.ExpiresAt.Format(time.RFC3339), exp.Format(time.RFC3339)); ok {
				props = append(props, m)
			}
			sub.ExpiresAt = exp
			sub.RemindAt = sub.remindAt(o.now)
		}
		if p.NotificationURL != nil {
			if m, ok := changed("notificationUrl", sub.NotificationURL, url); ok {
				props = append(props, m)
			}
			sub.NotificationURL = url
		}
		if err := o.tx.UpdateSubscription(o.ctx, sub); err != nil {
			return nil, err
		}
		t := subscriptionTarget(sub)
		t.ModifiedProperties = props
		return sub, o.audit(o.event(tenantID, ActivityUpdateSubscription, CategoryApplicationManagement, opUpdate, t))
	})
}

// DeleteSubscription ends one of the caller's subscriptions.
func (s *Service) DeleteSubscription(ctx context.Context, tenantID, id string) error {
	return s.write(ctx, func(o *op) error {
		sub, err := o.subscription(tenantID, id)
		if err != nil {
			return err
		}
		if err := o.tx.DeleteSubscription(o.ctx, tenantID, sub.ID); err != nil {
			return err
		}
		return o.audit(o.event(tenantID, ActivityDeleteSubscription, CategoryApplicationManagement, opDelete, subscriptionTarget(sub)))
	})
}
