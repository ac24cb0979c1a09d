-- +goose Up
-- Failure counters of the sign-in throttle, shared by every instance. The
-- key is a hex SHA-256 of what is counted (an account and a client
-- address, or an address): no name or address is stored in clear.
CREATE TABLE sign_in_throttle (
    key_hash         TEXT PRIMARY KEY,
    failures         INTEGER NOT NULL DEFAULT 0,
    last_failure_at  INTEGER NOT NULL,
    wait_until       INTEGER NOT NULL,
    expires_at       INTEGER NOT NULL
);
-- The sweep of expired counters.
CREATE INDEX sign_in_throttle_by_expiry ON sign_in_throttle (expires_at);

-- +goose Down
DROP TABLE sign_in_throttle;
