-- +goose Up
-- Applications as OpenID Connect clients: redirect URIs per platform (JSON
-- arrays of strings), web's logout URL, the service principal's
-- appRoleAssignmentRequired, and the client secrets as JSON
-- [{"keyId","displayName","hint","startDateTime","endDateTime","secretHash"}]
-- (SHA-256 only; the secret is shown once).
ALTER TABLE applications ADD COLUMN web_redirect_uris TEXT NOT NULL DEFAULT '[]';
ALTER TABLE applications ADD COLUMN web_logout_url TEXT NOT NULL DEFAULT '';
ALTER TABLE applications ADD COLUMN spa_redirect_uris TEXT NOT NULL DEFAULT '[]';
ALTER TABLE applications ADD COLUMN public_client_redirect_uris TEXT NOT NULL DEFAULT '[]';
ALTER TABLE applications ADD COLUMN app_role_assignment_required BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE applications ADD COLUMN password_credentials TEXT NOT NULL DEFAULT '[]';

-- Token signing keys, shared by every instance: a key signs from
-- created_at until rotate_at and is listed in the JWKS until retire_at.
-- The private key is PKCS#8 DER, in clear (no server secret yet).
CREATE TABLE signing_keys (
    id           TEXT COLLATE "C" PRIMARY KEY,
    algorithm    TEXT NOT NULL,
    private_key  BYTEA NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL,
    rotate_at    TIMESTAMPTZ NOT NULL,
    retire_at    TIMESTAMPTZ NOT NULL
);

-- OAuth grants: one per sign-in of a user to an app (authorization code),
-- ended by revoked_at, by the user's sessions_valid_from, or by expiry.
-- Codes and refresh tokens are kept as SHA-256 only.
CREATE TABLE oauth_grants (
    id             TEXT COLLATE "C" PRIMARY KEY,
    tenant_id      TEXT COLLATE "C" NOT NULL,
    app_id         TEXT COLLATE "C" NOT NULL,
    user_id        TEXT COLLATE "C" NOT NULL,
    session_id     TEXT COLLATE "C" NOT NULL,
    public_client  BOOLEAN NOT NULL,
    scopes         TEXT NOT NULL DEFAULT '[]',
    nonce          TEXT NOT NULL DEFAULT '',
    auth_time      TIMESTAMPTZ NOT NULL,
    created_at     TIMESTAMPTZ NOT NULL,
    expires_at     TIMESTAMPTZ NOT NULL,
    revoked_at     TIMESTAMPTZ,
    FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, app_id) REFERENCES applications (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX oauth_grants_by_user ON oauth_grants (tenant_id, user_id);

CREATE TABLE oauth_codes (
    hash            BYTEA PRIMARY KEY,
    grant_id        TEXT COLLATE "C" NOT NULL REFERENCES oauth_grants (id) ON DELETE CASCADE,
    redirect_uri    TEXT NOT NULL,
    code_challenge  TEXT NOT NULL DEFAULT '',
    created_at      TIMESTAMPTZ NOT NULL,
    expires_at      TIMESTAMPTZ NOT NULL,
    used_at         TIMESTAMPTZ
);
CREATE INDEX oauth_codes_by_grant ON oauth_codes (grant_id);

CREATE TABLE oauth_refresh_tokens (
    hash        BYTEA PRIMARY KEY,
    grant_id    TEXT COLLATE "C" NOT NULL REFERENCES oauth_grants (id) ON DELETE CASCADE,
    created_at  TIMESTAMPTZ NOT NULL,
    used_at     TIMESTAMPTZ
);
CREATE INDEX oauth_refresh_tokens_by_grant ON oauth_refresh_tokens (grant_id);

-- +goose Down
DROP TABLE oauth_refresh_tokens;
DROP TABLE oauth_codes;
DROP TABLE oauth_grants;
DROP TABLE signing_keys;
ALTER TABLE applications DROP COLUMN password_credentials;
ALTER TABLE applications DROP COLUMN app_role_assignment_required;
ALTER TABLE applications DROP COLUMN public_client_redirect_uris;
ALTER TABLE applications DROP COLUMN spa_redirect_uris;
ALTER TABLE applications DROP COLUMN web_logout_url;
ALTER TABLE applications DROP COLUMN web_redirect_uris;
