package sqlstore

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/orgdir/orgdir/internal/directory"
)

// ClaimMail leases due messages in one UPDATE … RETURNING. On PostgreSQL
// the subselect takes its rows FOR UPDATE SKIP LOCKED, so concurrent
// claims on several instances take different messages instead of waiting;
// SQLite has one writer at a time, so a claim there sees every earlier one.
// sent_at IS NULL skips mail that an instance of the previous version
// sent during a rolling upgrade (it sets sent_at, not state).
func (t *tx) ClaimMail(ctx context.Context, now time.Time, c directory.MailClaim) ([]*directory.OutboxMessage, error) {
	if !t.write {
		return nil, directory.Internal(fmt.Errorf("sqlstore: ClaimMail outside a Write"))
	}
	if c.Limit < 1 || c.MaxAttempts < 1 || c.Lease <= 0 {
		return nil, directory.Invalidf("limit", "a claim needs a limit, a lease and attempts, not %+v", c)
	}
	// A lease that ended after the last attempt: the deliverer died each
	// time (or the message kills it). Give up rather than loop. (unsent
	// repeated lets the planner use the partial index outbox_due.)
	if _, err := t.exec(ctx, `UPDATE outbox SET state = 'failed', last_error = ?
		WHERE `+unsent+` AND next_attempt_at <= ? AND state = 'sending' AND attempts >= ?`,
		fmt.Sprintf("delivery did not finish within its lease, %d times", c.MaxAttempts),
		t.d.timeArg(now), c.MaxAttempts); err != nil {
		return nil, t.fail(err, "mail")
	}
	out, err := t.listMail(ctx, `UPDATE outbox SET state = 'sending', attempts = attempts + 1, next_attempt_at = ?
		WHERE id IN (SELECT id FROM outbox WHERE `+unsent+` AND next_attempt_at <= ? AND sent_at IS NULL
			ORDER BY next_attempt_at, id LIMIT ?`+t.d.skipLocked(true)+`)
		RETURNING `+outboxCols,
		t.d.timeArg(now.Add(c.Lease)), t.d.timeArg(now), c.Limit)
	if err != nil {
		return nil, err
	}
	// RETURNING keeps no order: oldest first, as they were due.
	slices.SortFunc(out, func(a, b *directory.OutboxMessage) int {
		if c := a.CreatedAt.Compare(b.CreatedAt); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
	return out, nil
}

// FinishMailAttempt updates the message only while it is sending under
// that attempt: the attempt number fences off a deliverer whose lease
// ran out and passed to another.
func (t *tx) FinishMailAttempt(ctx context.Context, id string, attempt int, at time.Time, o directory.MailOutcome) error {
	const fence = ` WHERE id = ? AND state = 'sending' AND attempts = ?`
	var res interface{ RowsAffected() (int64, error) }
	var err error
	switch o.State {
	case directory.MailSent:
		res, err = t.exec(ctx, `UPDATE outbox SET state = 'sent', sent_at = ?, next_attempt_at = ?, last_error = ''`+fence,
			t.d.timeArg(at), t.d.timeArg(at), id, attempt)
	case directory.MailPending:
		res, err = t.exec(ctx, `UPDATE outbox SET state = 'pending', next_attempt_at = ?, last_error = ?`+fence,
			t.d.timeArg(o.RetryAt), o.Error, id, attempt)
	case directory.MailFailed:
		res, err = t.exec(ctx, `UPDATE outbox SET state = 'failed', next_attempt_at = ?, last_error = ?`+fence,
			t.d.timeArg(at), o.Error, id, attempt)
	default:
		return directory.Invalidf("state", "an attempt ends sent, pending or failed, not %q", o.State)
	}
	if err != nil {
		return t.fail(err, "mail")
	}
	if n, err := res.RowsAffected(); err != nil {
		return directory.Internal(err)
	} else if n == 1 {
		return nil
	}
	var state string
	var attempts int
	if err := t.queryRow(ctx, `SELECT state, attempts FROM outbox WHERE id = ?`, id).Scan(&state, &attempts); err != nil {
		return t.fail(err, "mail")
	}
	return directory.Errorf(directory.KindConflict,
		"message %s is %s after %d attempts: attempt %d no longer holds its lease", id, state, attempts, attempt)
}
