package sqlstore

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/orgdir/orgdir/internal/directory"
)

const outboxCols = `id, tenant_id, to_address, subject, body, created_at, sent_at, state, attempts, next_attempt_at, last_error`

func scanMail(r scanner) (*directory.OutboxMessage, error) {
	var m directory.OutboxMessage
	var created, sent, next scanTime
	if err := r.Scan(&m.ID, &m.TenantID, &m.To, &m.Subject, &m.Body, &created, &sent,
		&m.State, &m.Attempts, &next, &m.LastError); err != nil {
		return nil, err
	}
	m.CreatedAt, m.SentAt, m.NextAttemptAt = created.Time, sent.Ptr(), next.Time
	return &m, nil
}

// EnqueueMail writes m as it is; an empty State is MailPending (MailSent
// when m has a SentAt) and a zero NextAttemptAt its CreatedAt, both set
// on m too.
func (t *tx) EnqueueMail(ctx context.Context, m *directory.OutboxMessage) error {
	if m.State == "" {
		m.State = directory.MailPending
		if m.SentAt != nil {
			m.State = directory.MailSent
		}
	}
	if m.NextAttemptAt.IsZero() {
		m.NextAttemptAt = m.CreatedAt
	}
	_, err := t.exec(ctx, `INSERT INTO outbox (`+outboxCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		m.ID, m.TenantID, m.To, m.Subject, m.Body, t.d.timeArg(m.CreatedAt), t.d.nullTimeArg(m.SentAt),
		string(m.State), m.Attempts, t.d.timeArg(m.NextAttemptAt), m.LastError)
	if err != nil {
		return t.fail(err, "mail")
	}
	return nil
}

// ListOutbox pages through a tenant's messages newest first (by creation
// time, then id); p.AfterID is the last message of the previous page.
// tenantID "" lists the messages of no tenant.
func (t *tx) ListOutbox(ctx context.Context, tenantID string, p directory.Page) ([]*directory.OutboxMessage, error) {
	limit, err := pageLimit(p.Limit)
	if err != nil {
		return nil, err
	}
	if p.AfterID == "" {
		return t.listMail(ctx, `SELECT `+outboxCols+` FROM outbox WHERE tenant_id = ?
			ORDER BY created_at DESC, id DESC LIMIT ?`, tenantID, limit)
	}
	// The keyset is the (created_at, id) of the previous page's last
	// message, looked up in the same tenant: an id of another tenant, or
	// one that is gone, matches nothing and yields an empty page.
	return t.listMail(ctx, `SELECT `+outboxCols+` FROM outbox WHERE tenant_id = ?
		AND (created_at, id) < (SELECT created_at, id FROM outbox WHERE tenant_id = ? AND id = ?)
		ORDER BY created_at DESC, id DESC LIMIT ?`, tenantID, tenantID, p.AfterID, limit)
}

// unsent is the condition of the partial indexes outbox_unsent and
// outbox_due: the messages still to deliver.
const unsent = `state IN ('pending', 'sending')`

// ListUnsentMail returns the oldest unsent messages of every tenant.
func (t *tx) ListUnsentMail(ctx context.Context, limit int) ([]*directory.OutboxMessage, error) {
	if limit < 1 {
		return nil, directory.Invalidf("limit", "limit must be at least 1, not %d", limit)
	}
	return t.listMail(ctx, `SELECT `+outboxCols+` FROM outbox WHERE `+unsent+` ORDER BY created_at, id LIMIT ?`, limit)
}

func (t *tx) MailBacklog(ctx context.Context) (int, *time.Time, error) {
	var n int
	var oldest scanTime
	// The partial index outbox_unsent holds exactly these rows.
	err := t.queryRow(ctx, `SELECT count(*), min(created_at) FROM outbox WHERE `+unsent).Scan(&n, &oldest)
	if err != nil {
		return 0, nil, t.fail(err, "mail")
	}
	return n, oldest.Ptr(), nil
}

func (t *tx) listMail(ctx context.Context, query string, args ...any) ([]*directory.OutboxMessage, error) {
	rows, err := t.query(ctx, query, args...)
	if err != nil {
		return nil, t.fail(err, "mail")
	}
	defer rows.Close()
	var out []*directory.OutboxMessage
	for rows.Next() {
		m, err := scanMail(rows)
		if err != nil {
			return nil, t.fail(err, "mail")
		}
		out = append(out, m)
	}
	if err := rows.Err(); err != nil {
		return nil, t.fail(err, "mail")
	}
	return out, nil
}

// ListMailTo returns a tenant's messages to address, whatever its case,
// oldest first.
// They are few, and sorted here: an ORDER BY would tempt the planner to
// walk the tenant's whole outbox by time instead of seeking the address.
func (t *tx) ListMailTo(ctx context.Context, tenantID, address string) ([]*directory.OutboxMessage, error) {
	out, err := t.listMail(ctx, `SELECT `+outboxCols+` FROM outbox WHERE tenant_id = ? AND lower(to_address) = lower(?)`,
		tenantID, address)
	if err != nil {
		return nil, err
	}
	slices.SortFunc(out, func(a, b *directory.OutboxMessage) int {
		if c := a.CreatedAt.Compare(b.CreatedAt); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
	return out, nil
}

// DeleteMailTo erases a tenant's messages to address, whatever its case.
// Deleting none is not an error: erasure is idempotent.
func (t *tx) DeleteMailTo(ctx context.Context, tenantID, address string) error {
	if _, err := t.exec(ctx, `DELETE FROM outbox WHERE tenant_id = ? AND lower(to_address) = lower(?)`, tenantID, address); err != nil {
		return t.fail(err, "mail")
	}
	t.erased = true
	return nil
}
