package sqlstore

import (
	"context"

	"github.com/orgdir/orgdir/internal/directory"
)

// SetPasswordHash sets or replaces the password of a user of tenantID.
func (t *tx) SetPasswordHash(ctx context.Context, tenantID, userID, hash string) error {
	if err := t.userExists(ctx, tenantID, userID); err != nil {
		return err
	}
	if _, err := t.exec(ctx, `DELETE FROM passwords WHERE tenant_id = ? AND user_id = ?`, tenantID, userID); err != nil {
		return t.fail(err, "password")
	}
	if _, err := t.exec(ctx, `INSERT INTO passwords (user_id, tenant_id, hash) VALUES (?, ?, ?)`, userID, tenantID, hash); err != nil {
		return t.fail(err, "password")
	}
	return nil
}

func (t *tx) GetPasswordHash(ctx context.Context, tenantID, userID string) (string, error) {
	var h string
	err := t.queryRow(ctx, `SELECT hash FROM passwords WHERE tenant_id = ? AND user_id = ?`, tenantID, userID).Scan(&h)
	if err != nil {
		return "", t.fail(err, "password")
	}
	return h, nil
}

// userExists is KindNotFound unless tenantID has the user (live or deleted).
func (t *tx) userExists(ctx context.Context, tenantID, userID string) error {
	var one int
	err := t.queryRow(ctx, `SELECT 1 FROM users WHERE tenant_id = ? AND id = ?`, tenantID, userID).Scan(&one)
	if err != nil {
		return t.fail(err, "user")
	}
	return nil
}

const emailIdentityCols = `id, email, created_at`

func (t *tx) CreateEmailIdentity(ctx context.Context, e *directory.EmailIdentity) error {
	_, err := t.exec(ctx, `INSERT INTO email_identities (`+emailIdentityCols+`) VALUES (?, ?, ?)`,
		e.ID, e.Email, t.d.timeArg(e.CreatedAt))
	if err != nil {
		return t.fail(err, "e-mail identity")
	}
	return nil
}

func (t *tx) GetEmailIdentity(ctx context.Context, id string) (*directory.EmailIdentity, error) {
	return t.getEmailIdentity(ctx, `SELECT `+emailIdentityCols+` FROM email_identities WHERE id = ?`, id)
}

func (t *tx) GetEmailIdentityByEmail(ctx context.Context, email string) (*directory.EmailIdentity, error) {
	return t.getEmailIdentity(ctx, `SELECT `+emailIdentityCols+` FROM email_identities WHERE lower(email) = lower(?)`, email)
}

func (t *tx) getEmailIdentity(ctx context.Context, query, arg string) (*directory.EmailIdentity, error) {
	var e directory.EmailIdentity
	var created scanTime
	if err := t.queryRow(ctx, query, arg).Scan(&e.ID, &e.Email, &created); err != nil {
		return nil, t.fail(err, "e-mail identity")
	}
	e.CreatedAt = created.Time
	return &e, nil
}

// DeleteEmailIdentity removes the identity and its sessions. Users bound
// to it keep the id, which then names nothing.
func (t *tx) DeleteEmailIdentity(ctx context.Context, id string) error {
	if _, err := t.exec(ctx, `DELETE FROM sessions WHERE email_identity_id = ?`, id); err != nil {
		return t.fail(err, "session")
	}
	if err := t.execOne(ctx, "e-mail identity", `DELETE FROM email_identities WHERE id = ?`, id); err != nil {
		return err
	}
	t.erased = true
	return nil
}
