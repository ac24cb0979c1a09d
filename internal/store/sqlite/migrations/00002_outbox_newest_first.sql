-- +goose Up
-- The admin portal lists a tenant's outbox newest first, by creation time.
CREATE INDEX outbox_by_tenant_time ON outbox (tenant_id, created_at, id);

-- +goose Down
DROP INDEX outbox_by_tenant_time;
