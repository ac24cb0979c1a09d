-- +goose Up
-- A resend marks the older invitations of the guest superseded, so their
-- links say so instead of "expired".
ALTER TABLE invitations ADD COLUMN superseded_at TIMESTAMPTZ;
-- Before this column, a resend cut the older links' expiry to the moment
-- of the resend, which is when the newer invitation was made: those are
-- the superseded ones.
UPDATE invitations SET superseded_at = expires_at
WHERE redeemed_at IS NULL AND status = 'PendingAcceptance' AND EXISTS (
    SELECT 1 FROM invitations n
    WHERE n.tenant_id = invitations.tenant_id AND n.user_id = invitations.user_id
      AND n.id <> invitations.id AND n.created_at = invitations.expires_at);

-- At most one live user per person and tenant: two redemptions of two
-- invitations of one person at the same moment cannot both bind. This
-- fails on a database where a person already has two live users in one
-- tenant; docs/operations.md says how to find and resolve them.
CREATE UNIQUE INDEX users_live_home_user ON users (tenant_id, home_user_id)
    WHERE deleted_at IS NULL AND home_user_id <> '';
CREATE UNIQUE INDEX users_live_home_email ON users (tenant_id, home_email_identity_id)
    WHERE deleted_at IS NULL AND home_email_identity_id <> '';

-- +goose Down
DROP INDEX users_live_home_email;
DROP INDEX users_live_home_user;
ALTER TABLE invitations DROP COLUMN superseded_at;
