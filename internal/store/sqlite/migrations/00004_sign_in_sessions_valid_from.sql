-- +goose Up
-- Graph's signInSessionsValidFromDateTime: sessions and tokens issued at or
-- before it are dead for good. NULL while never moved.
ALTER TABLE users ADD COLUMN sessions_valid_from INTEGER;
-- Guest sign-ins of a session now carry their time ([{"tenantId","at"}]);
-- sign-ins of the old form (bare ids) are dropped: those people sign in to
-- the organization again.
UPDATE sessions SET signed_in_tenants = '[]';

-- +goose Down
ALTER TABLE users DROP COLUMN sessions_valid_from;
UPDATE sessions SET signed_in_tenants = '[]';
