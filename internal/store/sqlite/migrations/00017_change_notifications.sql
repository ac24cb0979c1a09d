-- +goose Up
-- The change log: one row per change of a user, a group or a group's
-- membership, written in the transaction of the change. Ids only, never
-- names or addresses, so that erasing a person leaves nothing of theirs
-- here. Readers walk it by position (txid, seq): SQLite has one writer at
-- a time, so seq alone is commit order and txid stays 0.
CREATE TABLE change_log (
    seq          INTEGER PRIMARY KEY AUTOINCREMENT,
    txid         INTEGER NOT NULL DEFAULT 0,
    tenant_id    TEXT NOT NULL,
    kind         TEXT NOT NULL,  -- user, group, member
    object_id    TEXT NOT NULL,  -- the user or group; of a member, the user
    group_id     TEXT NOT NULL DEFAULT '', -- of a member change, the group
    change_type  TEXT NOT NULL,  -- created, updated, deleted
    reason       TEXT NOT NULL DEFAULT '', -- of a deletion: changed (restorable) or deleted (for good)
    changed_at   INTEGER NOT NULL
);
CREATE INDEX change_log_by_tenant ON change_log (tenant_id, txid, seq);
-- The retention: rows older than directory.ChangeLogRetention go.
CREATE INDEX change_log_by_time ON change_log (changed_at);

-- Graph change notification subscriptions. A subscription is also its own
-- delivery queue: cursor_txid/cursor_seq is the last change it has
-- delivered (or skipped as not matching); claims fences a dispatcher whose
-- lease (lease_until) passed to another.
CREATE TABLE subscriptions (
    id                  TEXT PRIMARY KEY,
    tenant_id           TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    owner_user_id       TEXT NOT NULL DEFAULT '',
    owner_app_id        TEXT NOT NULL DEFAULT '',
    resource            TEXT NOT NULL,
    change_types        TEXT NOT NULL,
    notification_url    TEXT NOT NULL,
    lifecycle_url       TEXT NOT NULL DEFAULT '',
    client_state        TEXT NOT NULL DEFAULT '',
    secret              TEXT NOT NULL,
    expires_at          INTEGER NOT NULL,
    created_at          INTEGER NOT NULL,
    cursor_txid         INTEGER NOT NULL DEFAULT 0,
    cursor_seq          INTEGER NOT NULL DEFAULT 0,
    claims              INTEGER NOT NULL DEFAULT 0,
    lease_until         INTEGER NOT NULL DEFAULT 0,
    next_attempt_at     INTEGER NOT NULL DEFAULT 0,
    failures            INTEGER NOT NULL DEFAULT 0,
    failing_since       INTEGER,
    last_error          TEXT NOT NULL DEFAULT '',
    last_delivery_at    INTEGER,
    -- When the reauthorizationRequired lifecycle notification is due
    -- (an hour before expiry); NULL once sent, or without a lifecycle URL.
    remind_at           INTEGER
);
CREATE INDEX subscriptions_by_tenant ON subscriptions (tenant_id, created_at, id);
CREATE INDEX subscriptions_due ON subscriptions (next_attempt_at);

-- +goose Down
DROP TABLE subscriptions;
DROP TABLE change_log;
