package sqlstore

import (
	"context"
	"time"

	"github.com/orgdir/orgdir/internal/directory"
)

const tokenCols = `id, tenant_id, user_id, token_hash, description, created_at, expires_at, revoked_at`

// CreateAccessToken needs the token's user to exist in its tenant.
func (t *tx) CreateAccessToken(ctx context.Context, a *directory.AccessToken) error {
	if err := t.userExists(ctx, a.TenantID, a.UserID); err != nil {
		return err
	}
	_, err := t.exec(ctx, `INSERT INTO access_tokens (`+tokenCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		a.ID, a.TenantID, a.UserID, nonNilBytes(a.TokenHash), a.Description, t.d.timeArg(a.CreatedAt),
		t.d.timeArg(a.ExpiresAt), t.d.nullTimeArg(a.RevokedAt))
	if err != nil {
		return t.fail(err, "access token")
	}
	return nil
}

func scanToken(r scanner) (*directory.AccessToken, error) {
	var a directory.AccessToken
	var created, expires, revoked scanTime
	if err := r.Scan(&a.ID, &a.TenantID, &a.UserID, &a.TokenHash, &a.Description, &created, &expires, &revoked); err != nil {
		return nil, err
	}
	a.CreatedAt, a.ExpiresAt, a.RevokedAt = created.Time, expires.Time, revoked.Ptr()
	return &a, nil
}

func (t *tx) GetAccessTokenByHash(ctx context.Context, hash []byte) (*directory.AccessToken, error) {
	a, err := scanToken(t.queryRow(ctx, `SELECT `+tokenCols+` FROM access_tokens WHERE token_hash = ?`, nonNilBytes(hash)))
	if err != nil {
		return nil, t.fail(err, "access token")
	}
	return a, nil
}

func (t *tx) GetAccessToken(ctx context.Context, id string) (*directory.AccessToken, error) {
	a, err := scanToken(t.queryRow(ctx, `SELECT `+tokenCols+` FROM access_tokens WHERE id = ?`, id))
	if err != nil {
		return nil, t.fail(err, "access token")
	}
	return a, nil
}

// ListAccessTokens lists a user's tokens, oldest first.
func (t *tx) ListAccessTokens(ctx context.Context, tenantID, userID string) ([]*directory.AccessToken, error) {
	rows, err := t.query(ctx, `SELECT `+tokenCols+` FROM access_tokens WHERE tenant_id = ? AND user_id = ?
		ORDER BY created_at, id`, tenantID, userID)
	if err != nil {
		return nil, t.fail(err, "access token")
	}
	defer rows.Close()
	var out []*directory.AccessToken
	for rows.Next() {
		a, err := scanToken(rows)
		if err != nil {
			return nil, t.fail(err, "access token")
		}
		out = append(out, a)
	}
	if err := rows.Err(); err != nil {
		return nil, t.fail(err, "access token")
	}
	return out, nil
}

func (t *tx) RevokeAccessToken(ctx context.Context, id string, at time.Time) error {
	return t.execOne(ctx, "access token", `UPDATE access_tokens SET revoked_at = ? WHERE id = ?`, t.d.timeArg(at), id)
}

const sessionCols = `id, token_hash, home_tenant_id, home_user_id, email_identity_id, signed_in_tenants,
	csrf_secret, created_at, expires_at, revoked_at`

// CreateSession stores a session; its home user or e-mail identity must
// exist (KindNotFound otherwise).
func (t *tx) CreateSession(ctx context.Context, s *directory.Session) error {
	tenants, err := toJSON(s.SignedIn)
	if err != nil {
		return err
	}
	if s.HomeUserID != "" {
		if err := t.userExists(ctx, s.HomeTenantID, s.HomeUserID); err != nil {
			return err
		}
	}
	_, err = t.exec(ctx, `INSERT INTO sessions (`+sessionCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		s.ID, nonNilBytes(s.TokenHash), nullIfEmpty(s.HomeTenantID), nullIfEmpty(s.HomeUserID),
		nullIfEmpty(s.EmailIdentityID), tenants, nonNilBytes(s.CSRFSecret), t.d.timeArg(s.CreatedAt),
		t.d.timeArg(s.ExpiresAt), t.d.nullTimeArg(s.RevokedAt))
	if err != nil {
		return t.fail(err, "session")
	}
	return nil
}

func (t *tx) CountActiveSessions(ctx context.Context, now time.Time) (int, error) {
	var n int
	err := t.queryRow(ctx, `SELECT count(*) FROM sessions WHERE revoked_at IS NULL AND expires_at > ?`, t.d.timeArg(now)).Scan(&n)
	if err != nil {
		return 0, t.fail(err, "session")
	}
	return n, nil
}

func scanSession(r scanner) (*directory.Session, error) {
	var s directory.Session
	var homeTenant, homeUser, identity scanNullString
	var tenants string
	var created, expires, revoked scanTime
	err := r.Scan(&s.ID, &s.TokenHash, &homeTenant, &homeUser, &identity, &tenants, &s.CSRFSecret,
		&created, &expires, &revoked)
	if err != nil {
		return nil, err
	}
	s.HomeTenantID, s.HomeUserID, s.EmailIdentityID = homeTenant.S, homeUser.S, identity.S
	s.CreatedAt, s.ExpiresAt, s.RevokedAt = created.Time, expires.Time, revoked.Ptr()
	if s.SignedIn, err = fromJSON[directory.TenantSignIn](tenants); err != nil {
		return nil, err
	}
	return &s, nil
}

func (t *tx) GetSessionByHash(ctx context.Context, hash []byte) (*directory.Session, error) {
	s, err := scanSession(t.queryRow(ctx, `SELECT `+sessionCols+` FROM sessions WHERE token_hash = ?`, nonNilBytes(hash)))
	if err != nil {
		return nil, t.fail(err, "session")
	}
	return s, nil
}

// ListSessions lists the sessions of a home user or of an e-mail identity,
// oldest first.
func (t *tx) ListSessions(ctx context.Context, homeTenantID, homeUserID, emailIdentityID string) ([]*directory.Session, error) {
	var query string
	var args []any
	switch {
	case homeUserID != "" && homeTenantID != "" && emailIdentityID == "":
		query = `SELECT ` + sessionCols + ` FROM sessions WHERE home_tenant_id = ? AND home_user_id = ? ORDER BY created_at, id`
		args = []any{homeTenantID, homeUserID}
	case homeUserID == "" && homeTenantID == "" && emailIdentityID != "":
		query = `SELECT ` + sessionCols + ` FROM sessions WHERE email_identity_id = ? ORDER BY created_at, id`
		args = []any{emailIdentityID}
	default:
		return nil, directory.Invalidf("person", "exactly one of a home user (with its tenant) and an e-mail identity must be given")
	}
	rows, err := t.query(ctx, query, args...)
	if err != nil {
		return nil, t.fail(err, "session")
	}
	defer rows.Close()
	var out []*directory.Session
	for rows.Next() {
		s, err := scanSession(rows)
		if err != nil {
			return nil, t.fail(err, "session")
		}
		out = append(out, s)
	}
	if err := rows.Err(); err != nil {
		return nil, t.fail(err, "session")
	}
	return out, nil
}

// UpdateSession writes what changes during a session: the tenants signed
// in to, the expiry and the revocation.
func (t *tx) UpdateSession(ctx context.Context, s *directory.Session) error {
	tenants, err := toJSON(s.SignedIn)
	if err != nil {
		return err
	}
	return t.execOne(ctx, "session", `UPDATE sessions SET signed_in_tenants = ?, expires_at = ?, revoked_at = ?
		WHERE id = ?`, tenants, t.d.timeArg(s.ExpiresAt), t.d.nullTimeArg(s.RevokedAt), s.ID)
}

func (t *tx) DeleteSession(ctx context.Context, id string) error {
	return t.execOne(ctx, "session", `DELETE FROM sessions WHERE id = ?`, id)
}

const codeCols = `id, email, code_hash, created_at, expires_at, attempts, used_at`

func (t *tx) CreateOneTimeCode(ctx context.Context, c *directory.OneTimeCode) error {
	_, err := t.exec(ctx, `INSERT INTO one_time_codes (`+codeCols+`) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		c.ID, c.Email, nonNilBytes(c.CodeHash), t.d.timeArg(c.CreatedAt), t.d.timeArg(c.ExpiresAt),
		c.Attempts, t.d.nullTimeArg(c.UsedAt))
	if err != nil {
		return t.fail(err, "one-time code")
	}
	return nil
}

// GetLatestOneTimeCode returns the newest code for the address, whatever
// its case.
func (t *tx) GetLatestOneTimeCode(ctx context.Context, email string) (*directory.OneTimeCode, error) {
	var c directory.OneTimeCode
	var created, expires, used scanTime
	err := t.queryRow(ctx, `SELECT `+codeCols+` FROM one_time_codes WHERE lower(email) = lower(?)
		ORDER BY created_at DESC, id DESC LIMIT 1`+t.d.forUpdate(t.write), email).
		Scan(&c.ID, &c.Email, &c.CodeHash, &created, &expires, &c.Attempts, &used)
	if err != nil {
		return nil, t.fail(err, "one-time code")
	}
	c.CreatedAt, c.ExpiresAt, c.UsedAt = created.Time, expires.Time, used.Ptr()
	return &c, nil
}

func (t *tx) UpdateOneTimeCode(ctx context.Context, c *directory.OneTimeCode) error {
	return t.execOne(ctx, "one-time code", `UPDATE one_time_codes SET attempts = ?, used_at = ? WHERE id = ?`,
		c.Attempts, t.d.nullTimeArg(c.UsedAt), c.ID)
}

func (t *tx) CountOneTimeCodesSince(ctx context.Context, email string, since time.Time) (int, error) {
	var n int
	err := t.queryRow(ctx, `SELECT count(*) FROM one_time_codes WHERE lower(email) = lower(?) AND created_at >= ?`,
		email, t.d.timeArg(since)).Scan(&n)
	if err != nil {
		return 0, t.fail(err, "one-time code")
	}
	return n, nil
}

func (t *tx) DeleteOneTimeCodes(ctx context.Context, email string) error {
	if _, err := t.exec(ctx, `DELETE FROM one_time_codes WHERE lower(email) = lower(?)`, email); err != nil {
		return t.fail(err, "one-time code")
	}
	t.erased = true
	return nil
}
