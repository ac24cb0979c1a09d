-- +goose Up
-- The sign-in log of each tenant. A record names the user it is about
-- while that user exists: erasing the user erases its records (the
-- foreign key), and records of no user (a name nobody has) keep only the
-- name typed. Records expire after the retention (the time index).
CREATE TABLE sign_in_events (
    id                 TEXT PRIMARY KEY,
    tenant_id          TEXT NOT NULL,
    time               INTEGER NOT NULL,
    user_id            TEXT,
    user_display_name  TEXT NOT NULL DEFAULT '',
    upn                TEXT NOT NULL DEFAULT '',
    user_type          TEXT NOT NULL DEFAULT '',
    home_tenant_id     TEXT NOT NULL DEFAULT '',
    app_id             TEXT NOT NULL DEFAULT '',
    app_display_name   TEXT NOT NULL DEFAULT '',
    client_addr        TEXT NOT NULL DEFAULT '',
    method             TEXT NOT NULL DEFAULT '',
    interactive        INTEGER NOT NULL,
    error_code         INTEGER NOT NULL DEFAULT 0,
    failure_reason     TEXT NOT NULL DEFAULT '',
    correlation_id     TEXT NOT NULL DEFAULT '',
    FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX sign_in_events_by_time ON sign_in_events (tenant_id, time, id);
CREATE INDEX sign_in_events_by_user ON sign_in_events (tenant_id, user_id, time);
CREATE INDEX sign_in_events_by_age ON sign_in_events (time);

-- +goose Down
DROP TABLE sign_in_events;
