-- +goose Up
-- The purge pass deletes the OAuth grants that ended (expired or revoked),
-- with their codes and refresh tokens: one index for each way of ending.
CREATE INDEX oauth_grants_by_expiry ON oauth_grants (expires_at);
CREATE INDEX oauth_grants_by_revocation ON oauth_grants (revoked_at) WHERE revoked_at IS NOT NULL;

-- +goose Down
DROP INDEX oauth_grants_by_revocation;
DROP INDEX oauth_grants_by_expiry;
