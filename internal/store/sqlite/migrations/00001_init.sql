-- +goose Up
-- Times are INTEGER unix microseconds (UTC); booleans are INTEGER 0/1; lists
-- are JSON text. Every tenant-scoped table carries tenant_id, and composite
-- foreign keys (tenant_id, x_id) make a row of one tenant unable to point at
-- an object of another.

CREATE TABLE tenants (
    id              TEXT PRIMARY KEY,
    display_name    TEXT NOT NULL,
    initial_domain  TEXT NOT NULL,
    created_at      INTEGER NOT NULL,
    allow_leave     INTEGER NOT NULL,
    privacy_email   TEXT NOT NULL DEFAULT '',
    privacy_url     TEXT NOT NULL DEFAULT '',
    retention_days  INTEGER NOT NULL
);
CREATE UNIQUE INDEX tenants_domain ON tenants (lower(initial_domain));

CREATE TABLE users (
    id                       TEXT PRIMARY KEY,
    tenant_id                TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    upn                      TEXT NOT NULL,
    mail                     TEXT NOT NULL DEFAULT '',
    display_name             TEXT NOT NULL,
    user_type                TEXT NOT NULL,
    account_enabled          INTEGER NOT NULL,
    created_at               INTEGER NOT NULL,
    creation_type            TEXT NOT NULL DEFAULT '',
    external_user_state      TEXT NOT NULL DEFAULT '',
    external_state_changed_at INTEGER,
    identities               TEXT NOT NULL DEFAULT '[]',
    home_user_id             TEXT NOT NULL DEFAULT '',
    home_email_identity_id   TEXT NOT NULL DEFAULT '',
    deleted_at               INTEGER,
    purge_at                 INTEGER,
    UNIQUE (tenant_id, id)
);
-- Uniqueness among live users, case-insensitive: a deleted user's UPN and
-- mail may be taken again (a restore then clashes).
CREATE UNIQUE INDEX users_live_upn ON users (tenant_id, lower(upn)) WHERE deleted_at IS NULL;
CREATE UNIQUE INDEX users_live_mail ON users (tenant_id, lower(mail)) WHERE deleted_at IS NULL AND mail <> '';
-- Listings: by display name; deleted users by id and by deletion time.
CREATE INDEX users_by_name ON users (tenant_id, lower(display_name), id);
CREATE INDEX users_deleted_by_id ON users (tenant_id, id) WHERE deleted_at IS NOT NULL;
CREATE INDEX users_deleted_by_time ON users (tenant_id, deleted_at, id) WHERE deleted_at IS NOT NULL;
-- The purge scan, across tenants.
CREATE INDEX users_purge ON users (purge_at, id) WHERE deleted_at IS NOT NULL;
-- A person's guest accounts in every tenant.
CREATE INDEX users_home_user ON users (home_user_id) WHERE home_user_id <> '';
CREATE INDEX users_home_email ON users (home_email_identity_id) WHERE home_email_identity_id <> '';

CREATE TABLE passwords (
    user_id    TEXT PRIMARY KEY,
    tenant_id  TEXT NOT NULL,
    hash       TEXT NOT NULL,
    FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id) ON DELETE CASCADE
);

CREATE TABLE email_identities (
    id          TEXT PRIMARY KEY,
    email       TEXT NOT NULL,
    created_at  INTEGER NOT NULL
);
CREATE UNIQUE INDEX email_identities_email ON email_identities (lower(email));

CREATE TABLE invitations (
    id                    TEXT PRIMARY KEY,
    tenant_id             TEXT NOT NULL,
    user_id               TEXT NOT NULL,
    invited_email         TEXT NOT NULL,
    invited_display_name  TEXT NOT NULL DEFAULT '',
    redirect_url          TEXT NOT NULL DEFAULT '',
    message_body          TEXT NOT NULL DEFAULT '',
    send_message          INTEGER NOT NULL,
    invited_user_type     TEXT NOT NULL,
    invited_by_user_id    TEXT NOT NULL DEFAULT '',
    token_hash            BLOB NOT NULL,
    status                TEXT NOT NULL,
    created_at            INTEGER NOT NULL,
    expires_at            INTEGER NOT NULL,
    redeemed_at           INTEGER,
    FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id) ON DELETE CASCADE
);
CREATE UNIQUE INDEX invitations_token ON invitations (token_hash);
CREATE INDEX invitations_by_user ON invitations (tenant_id, user_id, created_at);

CREATE TABLE groups (
    id            TEXT PRIMARY KEY,
    tenant_id     TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    display_name  TEXT NOT NULL,
    description   TEXT NOT NULL DEFAULT '',
    created_at    INTEGER NOT NULL,
    UNIQUE (tenant_id, id)
);
CREATE INDEX groups_by_name ON groups (tenant_id, lower(display_name), id);

CREATE TABLE group_members (
    tenant_id  TEXT NOT NULL,
    group_id   TEXT NOT NULL,
    user_id    TEXT NOT NULL,
    PRIMARY KEY (tenant_id, group_id, user_id),
    FOREIGN KEY (tenant_id, group_id) REFERENCES groups (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX group_members_by_user ON group_members (tenant_id, user_id, group_id);

CREATE TABLE applications (
    id            TEXT PRIMARY KEY,
    tenant_id     TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    display_name  TEXT NOT NULL,
    app_roles     TEXT NOT NULL DEFAULT '[]',
    created_at    INTEGER NOT NULL,
    UNIQUE (tenant_id, id)
);

CREATE TABLE app_role_assignments (
    id            TEXT PRIMARY KEY,
    tenant_id     TEXT NOT NULL,
    principal_id  TEXT NOT NULL,
    resource_id   TEXT NOT NULL,
    app_role_id   TEXT NOT NULL,
    created_at    INTEGER NOT NULL,
    FOREIGN KEY (tenant_id, principal_id) REFERENCES users (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, resource_id) REFERENCES applications (tenant_id, id) ON DELETE CASCADE
);
CREATE UNIQUE INDEX app_role_assignments_unique ON app_role_assignments (tenant_id, principal_id, resource_id, app_role_id);
CREATE INDEX app_role_assignments_by_resource ON app_role_assignments (resource_id);

CREATE TABLE user_roles (
    tenant_id  TEXT NOT NULL,
    user_id    TEXT NOT NULL,
    role       TEXT NOT NULL,
    PRIMARY KEY (tenant_id, user_id, role),
    FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id) ON DELETE CASCADE
);

-- The audit log outlives the objects it names: no foreign keys to them.
-- Initiator and target columns are indexed by object id so that scrubbing a
-- purged user touches only the events that name it.
CREATE TABLE audit_events (
    id                      TEXT PRIMARY KEY,
    tenant_id               TEXT NOT NULL,
    time                    INTEGER NOT NULL,
    activity                TEXT NOT NULL,
    category                TEXT NOT NULL,
    operation_type          TEXT NOT NULL DEFAULT '',
    correlation_id          TEXT NOT NULL DEFAULT '',
    initiator_user_id       TEXT NOT NULL DEFAULT '',
    initiator_display_name  TEXT NOT NULL DEFAULT '',
    initiator_upn           TEXT NOT NULL DEFAULT '',
    initiator_app_name      TEXT NOT NULL DEFAULT '',
    result                  TEXT NOT NULL,
    result_reason           TEXT NOT NULL DEFAULT '',
    additional_details      TEXT NOT NULL DEFAULT '[]'
);
CREATE INDEX audit_events_by_time ON audit_events (tenant_id, time, id);
CREATE INDEX audit_events_by_initiator ON audit_events (initiator_user_id, tenant_id);

CREATE TABLE audit_targets (
    event_id             TEXT NOT NULL REFERENCES audit_events (id) ON DELETE CASCADE,
    position             INTEGER NOT NULL,
    tenant_id            TEXT NOT NULL,
    object_id            TEXT NOT NULL,
    type                 TEXT NOT NULL DEFAULT '',
    display_name         TEXT NOT NULL DEFAULT '',
    upn                  TEXT NOT NULL DEFAULT '',
    modified_properties  TEXT NOT NULL DEFAULT '[]',
    PRIMARY KEY (event_id, position)
);
CREATE INDEX audit_targets_by_object ON audit_targets (object_id, tenant_id);

-- tenant_id is '' for messages of no tenant (one-time passcodes).
CREATE TABLE outbox (
    id          TEXT PRIMARY KEY,
    tenant_id   TEXT NOT NULL DEFAULT '',
    to_address  TEXT NOT NULL,
    subject     TEXT NOT NULL,
    body        TEXT NOT NULL,
    created_at  INTEGER NOT NULL,
    sent_at     INTEGER
);
CREATE INDEX outbox_by_tenant ON outbox (tenant_id, id);
CREATE INDEX outbox_by_address ON outbox (tenant_id, lower(to_address));
CREATE INDEX outbox_unsent ON outbox (created_at, id) WHERE sent_at IS NULL;

CREATE TABLE access_tokens (
    id           TEXT PRIMARY KEY,
    tenant_id    TEXT NOT NULL,
    user_id      TEXT NOT NULL,
    token_hash   BLOB NOT NULL,
    description  TEXT NOT NULL DEFAULT '',
    created_at   INTEGER NOT NULL,
    expires_at   INTEGER NOT NULL,
    revoked_at   INTEGER,
    FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id) ON DELETE CASCADE
);
CREATE UNIQUE INDEX access_tokens_hash ON access_tokens (token_hash);
CREATE INDEX access_tokens_by_user ON access_tokens (tenant_id, user_id);

-- home_tenant_id/home_user_id and email_identity_id are NULL when unused,
-- so that the foreign keys cascade a user's or identity's deletion.
CREATE TABLE sessions (
    id                 TEXT PRIMARY KEY,
    token_hash         BLOB NOT NULL,
    home_tenant_id     TEXT,
    home_user_id       TEXT,
    email_identity_id  TEXT REFERENCES email_identities (id) ON DELETE CASCADE,
    signed_in_tenants  TEXT NOT NULL DEFAULT '[]',
    csrf_secret        BLOB NOT NULL,
    created_at         INTEGER NOT NULL,
    expires_at         INTEGER NOT NULL,
    revoked_at         INTEGER,
    FOREIGN KEY (home_tenant_id, home_user_id) REFERENCES users (tenant_id, id) ON DELETE CASCADE
);
CREATE UNIQUE INDEX sessions_hash ON sessions (token_hash);
CREATE INDEX sessions_by_user ON sessions (home_tenant_id, home_user_id);
CREATE INDEX sessions_by_identity ON sessions (email_identity_id);

CREATE TABLE one_time_codes (
    id          TEXT PRIMARY KEY,
    email       TEXT NOT NULL,
    code_hash   BLOB NOT NULL,
    created_at  INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL,
    attempts    INTEGER NOT NULL DEFAULT 0,
    used_at     INTEGER
);
CREATE INDEX one_time_codes_by_email ON one_time_codes (lower(email), created_at);

-- +goose Down
DROP TABLE one_time_codes;
DROP TABLE sessions;
DROP TABLE access_tokens;
DROP TABLE outbox;
DROP TABLE audit_targets;
DROP TABLE audit_events;
DROP TABLE user_roles;
DROP TABLE app_role_assignments;
DROP TABLE applications;
DROP TABLE group_members;
DROP TABLE groups;
DROP TABLE invitations;
DROP TABLE email_identities;
DROP TABLE passwords;
DROP TABLE users;
DROP TABLE tenants;
