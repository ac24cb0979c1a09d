-- +goose Up
-- The lifetime of the access and ID tokens a tenant's OpenID Connect
-- provider issues, in minutes (Entra's default: 60).
ALTER TABLE tenants ADD COLUMN access_token_minutes INTEGER NOT NULL DEFAULT 60;

-- +goose Down
ALTER TABLE tenants DROP COLUMN access_token_minutes;
