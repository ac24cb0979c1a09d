package sqlstore

import (
	"context"
	"time"

	"github.com/orgdir/orgdir/internal/directory"
)

const grantCols = `id, tenant_id, app_id, user_id, session_id, public_client, scopes, nonce, auth_time, created_at, expires_at, revoked_at`

func (t *tx) CreateOAuthGrant(ctx context.Context, g *directory.OAuthGrant) error {
	scopes, err := toJSON(g.Scopes)
	if err != nil {
		return err
	}
	_, err = t.exec(ctx, `INSERT INTO oauth_grants (`+grantCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		g.ID, g.TenantID, g.AppID, g.UserID, g.SessionID, g.PublicClient, scopes, g.Nonce, t.d.timeArg(g.AuthTime),
		t.d.timeArg(g.CreatedAt), t.d.timeArg(g.ExpiresAt), t.d.nullTimeArg(g.RevokedAt))
	if err != nil {
		return t.fail(err, "grant")
	}
	return nil
}

func (t *tx) GetOAuthGrant(ctx context.Context, id string) (*directory.OAuthGrant, error) {
	var g directory.OAuthGrant
	var scopes string
	var auth, created, expires, revoked scanTime
	err := t.queryRow(ctx, `SELECT `+grantCols+` FROM oauth_grants WHERE id = ?`+t.d.forUpdate(t.write), id).Scan(
		&g.ID, &g.TenantID, &g.AppID, &g.UserID, &g.SessionID, &g.PublicClient, &scopes, &g.Nonce, &auth, &created, &expires, &revoked)
	if err != nil {
		return nil, t.fail(err, "grant")
	}
	if g.Scopes, err = fromJSON[string](scopes); err != nil {
		return nil, t.fail(err, "grant")
	}
	g.AuthTime, g.CreatedAt, g.ExpiresAt, g.RevokedAt = auth.Time, created.Time, expires.Time, revoked.Ptr()
	return &g, nil
}

func (t *tx) RevokeOAuthGrant(ctx context.Context, id string, at time.Time) error {
	return t.execOne(ctx, "grant", `UPDATE oauth_grants SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL`, t.d.timeArg(at), id)
}

func (t *tx) CreateOAuthCode(ctx context.Context, c *directory.OAuthCode) error {
	_, err := t.exec(ctx, `INSERT INTO oauth_codes (hash, grant_id, redirect_uri, code_challenge, created_at, expires_at, used_at)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, c.Hash, c.GrantID, c.RedirectURI, c.CodeChallenge,
		t.d.timeArg(c.CreatedAt), t.d.timeArg(c.ExpiresAt), t.d.nullTimeArg(c.UsedAt))
	if err != nil {
		return t.fail(err, "authorization code")
	}
	return nil
}

func (t *tx) GetOAuthCode(ctx context.Context, hash []byte) (*directory.OAuthCode, error) {
	var c directory.OAuthCode
	var created, expires, used scanTime
	err := t.queryRow(ctx, `SELECT hash, grant_id, redirect_uri, code_challenge, created_at, expires_at, used_at
		FROM oauth_codes WHERE hash = ?`, hash).Scan(&c.Hash, &c.GrantID, &c.RedirectURI, &c.CodeChallenge, &created, &expires, &used)
	if err != nil {
		return nil, t.fail(err, "authorization code")
	}
	c.CreatedAt, c.ExpiresAt, c.UsedAt = created.Time, expires.Time, used.Ptr()
	return &c, nil
}

// useOnce marks a row used unless it is already: 0 rows is KindConflict
// when the row exists, KindNotFound when it does not.
func (t *tx) useOnce(ctx context.Context, table, what string, hash []byte, at time.Time) error {
	err := t.execOne(ctx, what, `UPDATE `+table+` SET used_at = ? WHERE hash = ? AND used_at IS NULL`, t.d.timeArg(at), hash)
	if !directory.IsKind(err, directory.KindNotFound) {
		return err
	}
	var n int
	if err := t.queryRow(ctx, `SELECT COUNT(*) FROM `+table+` WHERE hash = ?`, hash).Scan(&n); err != nil {
		return t.fail(err, what)
	}
	if n > 0 {
		return directory.Errorf(directory.KindConflict, "the %s was used already", what)
	}
	return notFound(what)
}

func (t *tx) UseOAuthCode(ctx context.Context, hash []byte, at time.Time) error {
	return t.useOnce(ctx, "oauth_codes", "authorization code", hash, at)
}

func (t *tx) CreateRefreshToken(ctx context.Context, r *directory.RefreshToken) error {
	_, err := t.exec(ctx, `INSERT INTO oauth_refresh_tokens (hash, grant_id, created_at, used_at) VALUES (?, ?, ?, ?)`,
		r.Hash, r.GrantID, t.d.timeArg(r.CreatedAt), t.d.nullTimeArg(r.UsedAt))
	if err != nil {
		return t.fail(err, "refresh token")
	}
	return nil
}

func (t *tx) GetRefreshToken(ctx context.Context, hash []byte) (*directory.RefreshToken, error) {
	var r directory.RefreshToken
	var created, used scanTime
	err := t.queryRow(ctx, `SELECT hash, grant_id, created_at, used_at FROM oauth_refresh_tokens WHERE hash = ?`, hash).Scan(
		&r.Hash, &r.GrantID, &created, &used)
	if err != nil {
		return nil, t.fail(err, "refresh token")
	}
	r.CreatedAt, r.UsedAt = created.Time, used.Ptr()
	return &r, nil
}

func (t *tx) UseRefreshToken(ctx context.Context, hash []byte, at time.Time) error {
	return t.useOnce(ctx, "oauth_refresh_tokens", "refresh token", hash, at)
}

func (t *tx) DeleteEndedOAuthGrants(ctx context.Context, now time.Time, limit int) (int, error) {
	if limit < 1 {
		return 0, directory.Invalidf("limit", "limit must be at least 1, not %d", limit)
	}
	// Two statements, each on its own index: an OR of the two would scan.
	total := 0
	for _, cond := range []string{`expires_at <= ?`, `revoked_at <= ?`} {
		res, err := t.exec(ctx, `DELETE FROM oauth_grants WHERE id IN
			(SELECT id FROM oauth_grants WHERE `+cond+` LIMIT ?)`, t.d.timeArg(now), limit-total)
		if err != nil {
			return total, t.fail(err, "grant")
		}
		n, err := res.RowsAffected()
		if err != nil {
			return total, t.fail(err, "grant")
		}
		if total += int(n); total >= limit {
			break
		}
	}
	return total, nil
}
