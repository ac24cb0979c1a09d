package directory

import (
	"context"
	"time"
)

// Subscription is a Graph change notification subscription: its owner
// (the user or application that made it, in its tenant) is told of the
// changes of one resource at NotificationURL. It is also its own delivery
// queue: Cursor is the last change delivered or passed over.
type Subscription struct {
	ID          string
	TenantID    string
	OwnerUserID string // exactly one of OwnerUserID and OwnerAppID is set
	OwnerAppID  string
	Resource    string // users, groups or groups/{id}/members
	ChangeTypes []ChangeType
	// NotificationURL and LifecycleNotificationURL receive the POSTs.
	NotificationURL          string
	LifecycleNotificationURL string
	ClientState              string
	// Secret signs every notification (Standard Webhooks): "whsec_" and
	// the base64 key. The API shows it once, at creation.
	Secret    string
	ExpiresAt time.Time
	CreatedAt time.Time

	Cursor ChangePos
	// Claims counts delivery claims; the latest is the fencing token of
	// the dispatcher holding the lease.
	Claims int
	// NextAttemptAt is when the next delivery is due, and, while claimed,
	// when the lease ends.
	NextAttemptAt  time.Time
	Failures       int        // failed attempts in a row
	FailingSince   *time.Time // the first of them
	LastError      string
	LastDeliveryAt *time.Time
	// RemindAt is when the reauthorizationRequired lifecycle notification
	// is due; nil once sent, or without a lifecycle URL.
	RemindAt *time.Time
}

// Subscription limits, as Graph's for directory resources.
const (
	// ReauthorizationLead: reauthorizationRequired goes this long before
	// a subscription expires (to its lifecycle URL), time to renew it.
	ReauthorizationLead     = time.Hour
	MaxSubscriptionLifetime = 29 * 24 * time.Hour
	maxClientState          = 128
)

// Activities of subscriptions (orgdir's own: Graph does not audit them).
const (
	ActivityAddSubscription    = "Add subscription"
	ActivityUpdateSubscription = "Update subscription"
	ActivityDeleteSubscription = "Delete subscription"
)

// NewSubscription is what POST /subscriptions asks for.
type NewSubscription struct {
	Resource                 string
	ChangeType               string // comma-separated, as Graph
	NotificationURL          string
	LifecycleNotificationURL string
	ClientState              string
	ExpirationDateTime       time.Time
}

// SubscriptionPatch is what PATCH may change (Graph: the expiration, to
// renew, and the notification URL).
type SubscriptionPatch struct {
	ExpirationDateTime *time.Time
	NotificationURL    *string
}

// WebhookValidator checks that a notification URL answers Graph's
// validation request (the webhook package does it over HTTP).
type WebhookValidator interface {
	ValidateWebhook(ctx context.Context, url string) error
}

// SubscriptionTx keeps subscriptions.
type SubscriptionTx interface {
	CreateSubscription(ctx context.Context, s *Subscription) error
	GetSubscription(ctx context.Context, tenantID, id string) (*Subscription, error)
	// ListSubscriptions lists the tenant's subscriptions, oldest first.
	ListSubscriptions(ctx context.Context, tenantID string) ([]*Subscription, error)
	// UpdateSubscription writes the URLs, the expiration and RemindAt.
	UpdateSubscription(ctx context.Context, s *Subscription) error
	DeleteSubscription(ctx context.Context, tenantID, id string) error
	// ClaimSubscriptions, in a Write, leases up to limit subscriptions of
	// any tenant due at now (NextAttemptAt reached) that have changes
	// after their cursor, a reminder due (RemindAt) or have expired: NextAttemptAt becomes now+lease
	// and Claims one more. On a backend with row locks, rows another
	// claim holds are skipped.
	ClaimSubscriptions(ctx context.Context, now time.Time, limit int, lease time.Duration) ([]*Subscription, error)
	// FinishSubscriptionClaim writes the delivery state of s (Cursor,
	// NextAttemptAt, Failures, FailingSince, LastError, LastDeliveryAt,
	// RemindAt)
	// if its claim number claim still holds the lease: KindConflict if not.
	FinishSubscriptionClaim(ctx context.Context, s *Subscription, claim int) error
}
