package sqlstore

import (
	"context"

	"github.com/orgdir/orgdir/internal/directory"
)

const invitationCols = `id, tenant_id, user_id, invited_email, invited_display_name, redirect_url, message_body,
	send_message, invited_user_type, invited_by_user_id, token_hash, status, created_at, expires_at, redeemed_at, superseded_at`

func scanInvitation(r scanner) (*directory.Invitation, error) {
	var inv directory.Invitation
	var created, expires, redeemed, superseded scanTime
	err := r.Scan(&inv.ID, &inv.TenantID, &inv.UserID, &inv.InvitedEmail, &inv.InvitedDisplayName,
		&inv.InviteRedirectURL, &inv.CustomizedMessageBody, &inv.SendInvitationMessage, &inv.InvitedUserType,
		&inv.InvitedByUserID, &inv.TokenHash, &inv.Status, &created, &expires, &redeemed, &superseded)
	if err != nil {
		return nil, err
	}
	inv.CreatedAt, inv.ExpiresAt, inv.RedeemedAt = created.Time, expires.Time, redeemed.Ptr()
	inv.SupersededAt = superseded.Ptr()
	return &inv, nil
}

// CreateInvitation needs the invited user to exist in the same tenant.
func (t *tx) CreateInvitation(ctx context.Context, inv *directory.Invitation) error {
	if err := t.userExists(ctx, inv.TenantID, inv.UserID); err != nil {
		return err
	}
	_, err := t.exec(ctx, `INSERT INTO invitations (`+invitationCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		inv.ID, inv.TenantID, inv.UserID, inv.InvitedEmail, inv.InvitedDisplayName, inv.InviteRedirectURL,
		inv.CustomizedMessageBody, inv.SendInvitationMessage, string(inv.InvitedUserType), inv.InvitedByUserID,
		nonNilBytes(inv.TokenHash), string(inv.Status), t.d.timeArg(inv.CreatedAt), t.d.timeArg(inv.ExpiresAt),
		t.d.nullTimeArg(inv.RedeemedAt), t.d.nullTimeArg(inv.SupersededAt))
	if err != nil {
		return t.fail(err, "invitation")
	}
	return nil
}

func (t *tx) GetInvitation(ctx context.Context, tenantID, id string) (*directory.Invitation, error) {
	return t.getInvitation(ctx, `SELECT `+invitationCols+` FROM invitations WHERE tenant_id = ? AND id = ?`, tenantID, id)
}

func (t *tx) GetInvitationByTokenHash(ctx context.Context, hash []byte) (*directory.Invitation, error) {
	return t.getInvitation(ctx, `SELECT `+invitationCols+` FROM invitations WHERE token_hash = ?`, nonNilBytes(hash))
}

func (t *tx) getInvitation(ctx context.Context, query string, args ...any) (*directory.Invitation, error) {
	inv, err := scanInvitation(t.queryRow(ctx, query, args...))
	if err != nil {
		return nil, t.fail(err, "invitation")
	}
	return inv, nil
}

// UpdateInvitation writes the fields that change after creation: the
// status, the redemption time, the token, its expiry and when a resend
// superseded it.
func (t *tx) UpdateInvitation(ctx context.Context, inv *directory.Invitation) error {
	return t.execOne(ctx, "invitation", `UPDATE invitations SET status = ?, redeemed_at = ?, token_hash = ?,
		expires_at = ?, superseded_at = ?, invited_display_name = ?, redirect_url = ?, message_body = ?, send_message = ?
		WHERE tenant_id = ? AND id = ?`,
		string(inv.Status), t.d.nullTimeArg(inv.RedeemedAt), nonNilBytes(inv.TokenHash), t.d.timeArg(inv.ExpiresAt),
		t.d.nullTimeArg(inv.SupersededAt),
		inv.InvitedDisplayName, inv.InviteRedirectURL, inv.CustomizedMessageBody, inv.SendInvitationMessage,
		inv.TenantID, inv.ID)
}

func (t *tx) ListInvitationsByUser(ctx context.Context, tenantID, userID string) ([]*directory.Invitation, error) {
	rows, err := t.query(ctx, `SELECT `+invitationCols+` FROM invitations
		WHERE tenant_id = ? AND user_id = ? ORDER BY created_at, id`, tenantID, userID)
	if err != nil {
		return nil, t.fail(err, "invitation")
	}
	defer rows.Close()
	var out []*directory.Invitation
	for rows.Next() {
		inv, err := scanInvitation(rows)
		if err != nil {
			return nil, t.fail(err, "invitation")
		}
		out = append(out, inv)
	}
	if err := rows.Err(); err != nil {
		return nil, t.fail(err, "invitation")
	}
	return out, nil
}

// nonNilBytes keeps a NOT NULL blob column from receiving NULL for an empty
// hash.
func nonNilBytes(b []byte) []byte {
	if b == nil {
		return []byte{}
	}
	return b
}
