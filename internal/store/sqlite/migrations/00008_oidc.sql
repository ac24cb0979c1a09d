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
ALTER TABLE applications ADD COLUMN app_role_assignment_required INTEGER NOT NULL DEFAULT 0;
ALTER TABLE applications ADD COLUMN password_credentials TEXT NOT NULL DEFAULT '[]';

-- Token signing keys, shared by every instance: a key signs from
-- created_at until rotate_at and is listed in the JWKS until retire_at.
-- The private key is PKCS#8 DER, in clear (no server secret yet).
CREATE TABLE signing_keys (
    id           TEXT PRIMARY KEY,
    algorithm    TEXT NOT NULL,
    private_key  BLOB NOT NULL,
    created_at   INTEGER NOT NULL,
    rotate_at    INTEGER NOT NULL,
    retire_at    INTEGER NOT NULL
);

-- +goose Down
DROP TABLE signing_keys;
ALTER TABLE applications DROP COLUMN password_credentials;
ALTER TABLE applications DROP COLUMN app_role_assignment_required;
ALTER TABLE applications DROP COLUMN public_client_redirect_uris;
ALTER TABLE applications DROP COLUMN spa_redirect_uris;
ALTER TABLE applications DROP COLUMN web_logout_url;
ALTER TABLE applications DROP COLUMN web_redirect_uris;
