package sqlstore

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/orgdir/orgdir/internal/directory"
)

const subscriptionCols = `id, tenant_id, owner_user_id, owner_app_id, resource, change_types, notification_url,
	lifecycle_url, client_state, secret, expires_at, created_at, cursor_txid, cursor_seq, claims,
	next_attempt_at, failures, failing_since, last_error, last_delivery_at, remind_at`

func (t *tx) CreateSubscription(ctx context.Context, s *directory.Subscription) error {
	_, err := t.exec(ctx, `INSERT INTO subscriptions (`+subscriptionCols+`)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		s.ID, s.TenantID, s.OwnerUserID, s.OwnerAppID, s.Resource, joinChangeTypes(s.ChangeTypes), s.NotificationURL,
		s.LifecycleNotificationURL, s.ClientState, s.Secret, t.d.timeArg(s.ExpiresAt), t.d.timeArg(s.CreatedAt),
		s.Cursor.Tx, s.Cursor.Seq, s.Claims, t.d.timeArg(s.NextAttemptAt), s.Failures, t.d.nullTimeArg(s.FailingSince),
		s.LastError, t.d.nullTimeArg(s.LastDeliveryAt), t.d.nullTimeArg(s.RemindAt))
	if err != nil {
		return t.fail(err, "subscription")
	}
	return nil
}

func joinChangeTypes(ts []directory.ChangeType) string {
	s := make([]string, len(ts))
	for i, c := range ts {
		s[i] = string(c)
	}
	return strings.Join(s, ",")
}

func (t *tx) listSubscriptions(ctx context.Context, query string, args ...any) ([]*directory.Subscription, error) {
	rows, err := t.query(ctx, query, args...)
	if err != nil {
		return nil, t.fail(err, "subscription")
	}
	defer rows.Close()
	var out []*directory.Subscription
	for rows.Next() {
		var s directory.Subscription
		var types string
		var exp, created, next, failing, last, remind scanTime
		if err := rows.Scan(&s.ID, &s.TenantID, &s.OwnerUserID, &s.OwnerAppID, &s.Resource, &types, &s.NotificationURL,
			&s.LifecycleNotificationURL, &s.ClientState, &s.Secret, &exp, &created, &s.Cursor.Tx, &s.Cursor.Seq, &s.Claims,
			&next, &s.Failures, &failing, &s.LastError, &last, &remind); err != nil {
			return nil, t.fail(err, "subscription")
		}
		for _, c := range strings.Split(types, ",") {
			s.ChangeTypes = append(s.ChangeTypes, directory.ChangeType(c))
		}
		s.ExpiresAt, s.CreatedAt, s.NextAttemptAt = exp.Time, created.Time, next.Time
		s.FailingSince, s.LastDeliveryAt, s.RemindAt = failing.Ptr(), last.Ptr(), remind.Ptr()
		out = append(out, &s)
	}
	if err := rows.Err(); err != nil {
		return nil, t.fail(err, "subscription")
	}
	return out, nil
}

func (t *tx) GetSubscription(ctx context.Context, tenantID, id string) (*directory.Subscription, error) {
	out, err := t.listSubscriptions(ctx, `SELECT `+subscriptionCols+` FROM subscriptions WHERE tenant_id = ? AND id = ?`, tenantID, id)
	if err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return nil, notFound("subscription")
	}
	return out[0], nil
}

func (t *tx) ListSubscriptions(ctx context.Context, tenantID string) ([]*directory.Subscription, error) {
	return t.listSubscriptions(ctx, `SELECT `+subscriptionCols+` FROM subscriptions WHERE tenant_id = ? ORDER BY created_at, id`, tenantID)
}

func (t *tx) UpdateSubscription(ctx context.Context, s *directory.Subscription) error {
	return t.execOne(ctx, "subscription", `UPDATE subscriptions SET notification_url = ?, lifecycle_url = ?, expires_at = ?, remind_at = ?
		WHERE tenant_id = ? AND id = ?`, s.NotificationURL, s.LifecycleNotificationURL, t.d.timeArg(s.ExpiresAt), t.d.nullTimeArg(s.RemindAt), s.TenantID, s.ID)
}

func (t *tx) DeleteSubscription(ctx context.Context, tenantID, id string) error {
	return t.execOne(ctx, "subscription", `DELETE FROM subscriptions WHERE tenant_id = ? AND id = ?`, tenantID, id)
}

// ClaimSubscriptions leases due subscriptions in one UPDATE … RETURNING,
// as ClaimMail does; a subscription is due once there is a settled change
// of its tenant past its cursor, its reminder is due, or it has expired.
func (t *tx) ClaimSubscriptions(ctx context.Context, now time.Time, limit int, lease time.Duration) ([]*directory.Subscription, error) {
	if !t.write {
		return nil, directory.Internal(fmt.Errorf("sqlstore: ClaimSubscriptions outside a Write"))
	}
	if limit < 1 || lease <= 0 {
		return nil, directory.Invalidf("limit", "a claim needs a limit and a lease, not %d and %v", limit, lease)
	}
	out, err := t.listSubscriptions(ctx, `UPDATE subscriptions SET claims = claims + 1, next_attempt_at = ?
		WHERE id IN (SELECT s.id FROM subscriptions s WHERE s.next_attempt_at <= ? AND (s.expires_at <= ? OR s.remind_at <= ? OR EXISTS (
				SELECT 1 FROM change_log c WHERE c.tenant_id = s.tenant_id
				AND (c.txid, c.seq) > (s.cursor_txid, s.cursor_seq)`+t.settled()+`))
			ORDER BY s.next_attempt_at, s.id LIMIT ?`+t.d.skipLocked(true)+`)
		RETURNING `+subscriptionCols,
		t.d.timeArg(now.Add(lease)), t.d.timeArg(now), t.d.timeArg(now), t.d.timeArg(now), limit)
	if err != nil {
		return nil, err
	}
	slices.SortFunc(out, func(a, b *directory.Subscription) int { return strings.Compare(a.ID, b.ID) })
	return out, nil
}

func (t *tx) FinishSubscriptionClaim(ctx context.Context, s *directory.Subscription, claim int) error {
	res, err := t.exec(ctx, `UPDATE subscriptions SET cursor_txid = ?, cursor_seq = ?, next_attempt_at = ?, failures = ?,
		failing_since = ?, last_error = ?, last_delivery_at = ?, remind_at = ? WHERE id = ? AND claims = ?`,
		s.Cursor.Tx, s.Cursor.Seq, t.d.timeArg(s.NextAttemptAt), s.Failures, t.d.nullTimeArg(s.FailingSince),
		s.LastError, t.d.nullTimeArg(s.LastDeliveryAt), t.d.nullTimeArg(s.RemindAt), s.ID, claim)
	if err != nil {
		return t.fail(err, "subscription")
	}
	if n, err := res.RowsAffected(); err != nil {
		return directory.Internal(err)
	} else if n != 1 {
		return directory.Errorf(directory.KindConflict, "subscription %s: claim %d no longer holds its lease (or the subscription is gone)", s.ID, claim)
	}
	return nil
}
