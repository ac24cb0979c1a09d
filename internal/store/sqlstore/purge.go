package sqlstore

import (
	"context"
	"time"

	"github.com/orgdir/orgdir/internal/directory"
)

// setChunk bounds the keys one set statement names, well under the bound
// parameters SQLite (32,766) and PostgreSQL (65,535) take.
const setChunk = 1000

// ClaimPurgeable skips rows other transactions hold locked, so that purge
// jobs on several instances take disjoint batches; the rows it returns stay
// locked until the Write ends.
func (t *tx) ClaimPurgeable(ctx context.Context, now time.Time, limit int) ([]*directory.User, error) {
	if limit < 1 {
		return nil, directory.Invalidf("limit", "limit must be at least 1, not %d", limit)
	}
	return t.listUsers(ctx, `SELECT `+userCols+` FROM users
		WHERE deleted_at IS NOT NULL AND purge_at <= ?
		ORDER BY purge_at, id LIMIT ?`+t.d.skipLocked(t.write), t.d.timeArg(now), limit)
}

// EraseUsers deletes the users with one statement per chunk of keys; the
// rows that name them go by their ON DELETE CASCADE foreign keys
// (memberships, app role and directory role assignments, invitations,
// passwords, access tokens, sessions, OAuth grants and through them their
// codes and refresh tokens, sign-in records). Both backends enforce them
// on every connection (SQLite's store opens each with foreign_keys on),
// and the conformance suite checks each table. Deleting the children by
// name as well, as DeleteUser does, would cost the purge a statement per
// table and an index probe per user in each for rows the cascade removes
// anyway. Every key must name a user: a short count fails the Write.
func (t *tx) EraseUsers(ctx context.Context, keys []directory.UserKey) error {
	keys = uniqueKeys(keys)
	for b := 0; b < len(keys); b += setChunk {
		chunk := keys[b:min(b+setChunk, len(keys))]
		args := make([]any, 0, 2*len(chunk))
		for _, k := range chunk {
			args = append(args, k.TenantID, k.UserID)
		}
		res, err := t.exec(ctx, `DELETE FROM users WHERE (tenant_id, id) IN (VALUES `+valueRows(len(chunk), "(?, ?)")+`)`, args...)
		if err != nil {
			return t.fail(err, "user")
		}
		n, err := res.RowsAffected()
		if err != nil {
			return directory.Internal(err)
		}
		if int(n) != len(chunk) {
			return directory.Errorf(directory.KindNotFound, "user not found: %d of %d users to erase do not exist", len(chunk)-int(n), len(chunk))
		}
	}
	t.erased = true
	return nil
}

func uniqueKeys(keys []directory.UserKey) []directory.UserKey {
	seen := make(map[directory.UserKey]bool, len(keys))
	out := make([]directory.UserKey, 0, len(keys))
	for _, k := range keys {
		if !seen[k] {
			seen[k] = true
			out = append(out, k)
		}
	}
	return out
}

// DeleteUnclaimedMail deletes, in one statement per chunk, the messages
// whose (tenant, address) is listed and whose address no live user of the
// tenant has; the outbox_by_address index finds them.
func (t *tx) DeleteUnclaimedMail(ctx context.Context, to []directory.MailAddress) error {
	seen := map[directory.MailAddress]bool{}
	var list []directory.MailAddress
	for _, m := range to {
		if m.TenantID == "" || m.Address == "" {
			return directory.Invalidf("to", "every address needs a tenant and an address")
		}
		// Exact duplicates only: lower() in SQL, not Go's, decides the case.
		if !seen[m] {
			seen[m] = true
			list = append(list, m)
		}
	}
	for b := 0; b < len(list); b += setChunk {
		chunk := list[b:min(b+setChunk, len(list))]
		args := make([]any, 0, 2*len(chunk))
		for _, m := range chunk {
			args = append(args, m.TenantID, m.Address)
		}
		// The list drives: each (tenant, address) seeks outbox_by_address,
		// and only then is the live users' mail index asked.
		if _, err := t.exec(ctx, `WITH v (tenant_id, address) AS (VALUES `+valueRows(len(chunk), "(CAST(? AS TEXT), CAST(? AS TEXT))")+`)
			DELETE FROM outbox WHERE id IN (SELECT o.id FROM v JOIN outbox o
				ON o.tenant_id = v.tenant_id AND lower(o.to_address) = lower(v.address)
				WHERE NOT EXISTS (SELECT 1 FROM users u WHERE u.tenant_id = v.tenant_id
					AND lower(u.mail) = lower(v.address) AND u.deleted_at IS NULL AND u.mail <> ''))`, args...); err != nil {
			return t.fail(err, "mail")
		}
	}
	t.erased = true
	return nil
}

// DeleteUnboundEmailIdentities first locks the users still bound to one
// of ids, in (tenant_id, id) order as ListUsersByHome, then deletes the
// identities none is bound to, with what they hold.
func (t *tx) DeleteUnboundEmailIdentities(ctx context.Context, ids []string) error {
	ids = uniqueStrings(ids)
	if len(ids) == 0 {
		return nil
	}
	if len(ids) > setChunk {
		for b := 0; b < len(ids); b += setChunk {
			if err := t.DeleteUnboundEmailIdentities(ctx, ids[b:min(b+setChunk, len(ids))]); err != nil {
				return err
			}
		}
		return nil
	}
	bound, err := t.queryStrings(ctx, `SELECT home_email_identity_id FROM users
		WHERE home_email_identity_id IN (`+marks(len(ids))+`) AND home_email_identity_id <> ''
		ORDER BY tenant_id, id`+t.d.forUpdate(t.write), anys(ids)...)
	if err != nil {
		return t.fail(err, "user")
	}
	used := map[string]bool{}
	for _, id := range bound {
		used[id] = true
	}
	var unbound []string
	for _, id := range ids {
		if !used[id] {
			unbound = append(unbound, id)
		}
	}
	if len(unbound) == 0 {
		return nil
	}
	emails, err := t.queryStrings(ctx, `SELECT email FROM email_identities WHERE id IN (`+marks(len(unbound))+`)`, anys(unbound)...)
	if err != nil {
		return t.fail(err, "e-mail identity")
	}
	if len(emails) > 0 {
		lowers := valueRows(len(emails), "lower(?)")
		if _, err := t.exec(ctx, `DELETE FROM one_time_codes WHERE lower(email) IN (`+lowers+`)`, anys(emails)...); err != nil {
			return t.fail(err, "one-time code")
		}
		// The passcode e-mail of no tenant went to the identity.
		if _, err := t.exec(ctx, `DELETE FROM outbox WHERE tenant_id = '' AND lower(to_address) IN (`+lowers+`)`, anys(emails)...); err != nil {
			return t.fail(err, "mail")
		}
	}
	if _, err := t.exec(ctx, `DELETE FROM sessions WHERE email_identity_id IN (`+marks(len(unbound))+`)`, anys(unbound)...); err != nil {
		return t.fail(err, "session")
	}
	if _, err := t.exec(ctx, `DELETE FROM email_identities WHERE id IN (`+marks(len(unbound))+`)`, anys(unbound)...); err != nil {
		return t.fail(err, "e-mail identity")
	}
	t.erased = true
	return nil
}

// queryStrings runs a query of one text column.
func (t *tx) queryStrings(ctx context.Context, query string, args ...any) ([]string, error) {
	rows, err := t.query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// marks is n placeholders, comma-separated, for an IN list.
func marks(n int) string { return valueRows(n, "?") }

func anys(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}

func uniqueStrings(ss []string) []string {
	seen := make(map[string]bool, len(ss))
	out := make([]string, 0, len(ss))
	for _, s := range ss {
		if s != "" && !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}
