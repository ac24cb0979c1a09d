-- +goose Up
-- App role assignments whose principal is not a user: a group's roles of
-- an application (its members hold them, Graph's principalType Group),
-- and the application permissions of orgdir's own API granted to an
-- application (principalType ServicePrincipal; the resource is orgdir's
-- API, which is no row of applications). Each dies with its principal.
CREATE TABLE group_app_role_assignments (
    id           TEXT COLLATE "C" PRIMARY KEY,
    tenant_id    TEXT COLLATE "C" NOT NULL,
    group_id     TEXT COLLATE "C" NOT NULL,
    resource_id  TEXT COLLATE "C" NOT NULL,
    app_role_id  TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    FOREIGN KEY (tenant_id, group_id) REFERENCES groups (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, resource_id) REFERENCES applications (tenant_id, id) ON DELETE CASCADE
);
CREATE UNIQUE INDEX group_app_role_assignments_unique ON group_app_role_assignments (tenant_id, group_id, resource_id, app_role_id);
CREATE INDEX group_app_role_assignments_by_resource ON group_app_role_assignments (tenant_id, resource_id);

CREATE TABLE api_permission_grants (
    id             TEXT COLLATE "C" PRIMARY KEY,
    tenant_id      TEXT COLLATE "C" NOT NULL,
    app_id         TEXT COLLATE "C" NOT NULL,
    permission_id  TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    FOREIGN KEY (tenant_id, app_id) REFERENCES applications (tenant_id, id) ON DELETE CASCADE
);
CREATE UNIQUE INDEX api_permission_grants_unique ON api_permission_grants (tenant_id, app_id, permission_id);

-- An application acting with its own token is named in the audit log
-- by its appId (Graph's initiatedBy.app.appId).
ALTER TABLE audit_events ADD COLUMN initiator_app_id TEXT NOT NULL DEFAULT '';

-- Graph's groupMembershipClaims of an application: '' (None),
-- SecurityGroup or All; the groups claim is issued only when set.
ALTER TABLE applications ADD COLUMN group_membership_claims TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE applications DROP COLUMN group_membership_claims;
ALTER TABLE audit_events DROP COLUMN initiator_app_id;
DROP TABLE api_permission_grants;
DROP TABLE group_app_role_assignments;
