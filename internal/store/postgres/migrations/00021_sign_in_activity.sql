-- +goose Up
-- Graph's signInActivity of each user: when it last signed in
-- interactively and last used a token, at an hour's granularity (the
-- domain writes a value only once it is an hour old). NULL: never.
ALTER TABLE users ADD COLUMN last_sign_in_at TIMESTAMPTZ;
ALTER TABLE users ADD COLUMN last_non_interactive_sign_in_at TIMESTAMPTZ;
-- $filter=signInActivity/lastSignInDateTime le ... (inactive users).
CREATE INDEX users_last_sign_in ON users (tenant_id, last_sign_in_at);

-- +goose Down
DROP INDEX users_last_sign_in;
ALTER TABLE users DROP COLUMN last_non_interactive_sign_in_at;
ALTER TABLE users DROP COLUMN last_sign_in_at;
