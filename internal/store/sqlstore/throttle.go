package sqlstore

import (
	"context"
	"errors"
	"time"

	"github.com/orgdir/orgdir/internal/directory"
)

const throttleCols = `key_hash, failures, last_failure_at, wait_until, expires_at`

func scanThrottle(r scanner) (*directory.ThrottleCounter, error) {
	var c directory.ThrottleCounter
	var last, wait, expires scanTime
	if err := r.Scan(&c.Key, &c.Failures, &last, &wait, &expires); err != nil {
		return nil, err
	}
	c.LastFailureAt, c.WaitUntil, c.ExpiresAt = last.Time, wait.Time, expires.Time
	return &c, nil
}

func (t *tx) GetThrottle(ctx context.Context, key string) (*directory.ThrottleCounter, error) {
	c, err := scanThrottle(t.queryRow(ctx, `SELECT `+throttleCols+` FROM sign_in_throttle WHERE key_hash = ?`, key))
	if err != nil {
		return nil, t.fail(err, "throttle counter")
	}
	return c, nil
}

var errLockOutsideWrite = errors.New("sqlstore: LockThrottle outside a Write")

// LockThrottle inserts a zero counter unless one exists, then reads it
// FOR UPDATE: on PostgreSQL a concurrent insert of the same key waits for
// the other transaction and then sees its row, so no failure is lost; on
// SQLite the single writer does the same.
func (t *tx) LockThrottle(ctx context.Context, key string) (*directory.ThrottleCounter, error) {
	if !t.write {
		return nil, directory.Internal(errLockOutsideWrite)
	}
	zero := t.d.timeArg(time.Time{})
	if _, err := t.exec(ctx, `INSERT INTO sign_in_throttle (`+throttleCols+`) VALUES (?, 0, ?, ?, ?)
		ON CONFLICT (key_hash) DO NOTHING`, key, zero, zero, zero); err != nil {
		return nil, t.fail(err, "throttle counter")
	}
	c, err := scanThrottle(t.queryRow(ctx, `SELECT `+throttleCols+` FROM sign_in_throttle WHERE key_hash = ?`+t.d.forUpdate(t.write), key))
	if err != nil {
		return nil, t.fail(err, "throttle counter")
	}
	return c, nil
}

func (t *tx) UpdateThrottle(ctx context.Context, c *directory.ThrottleCounter) error {
	return t.execOne(ctx, "throttle counter", `UPDATE sign_in_throttle SET failures = ?, last_failure_at = ?, wait_until = ?, expires_at = ?
		WHERE key_hash = ?`, c.Failures, t.d.timeArg(c.LastFailureAt), t.d.timeArg(c.WaitUntil), t.d.timeArg(c.ExpiresAt), c.Key)
}

func (t *tx) DeleteThrottle(ctx context.Context, key string) error {
	if _, err := t.exec(ctx, `DELETE FROM sign_in_throttle WHERE key_hash = ?`, key); err != nil {
		return t.fail(err, "throttle counter")
	}
	return nil
}

// DeleteExpiredThrottles takes the oldest expired counters first; with row
// locks it skips those another transaction holds, so a sweep never waits.
func (t *tx) DeleteExpiredThrottles(ctx context.Context, now time.Time, limit int) (int, error) {
	res, err := t.exec(ctx, `DELETE FROM sign_in_throttle WHERE key_hash IN (
		SELECT key_hash FROM sign_in_throttle WHERE expires_at <= ? ORDER BY expires_at LIMIT ?`+t.d.skipLocked(t.write)+`)`,
		t.d.timeArg(now), limit)
	if err != nil {
		return 0, t.fail(err, "throttle counter")
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, directory.Internal(err)
	}
	return int(n), nil
}
