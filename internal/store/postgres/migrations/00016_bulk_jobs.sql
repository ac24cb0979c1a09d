-- +goose Up
-- A bulk operation of the admin portal (bulk create, bulk invite): its
-- counts, written in the transaction of each batch it does, so that any
-- instance shows its progress; and, once finished, its per-row result CSV.
CREATE TABLE bulk_jobs (
    id          TEXT PRIMARY KEY,
    tenant_id   TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    kind        TEXT NOT NULL,
    state       TEXT NOT NULL,
    total       INTEGER NOT NULL,
    done        INTEGER NOT NULL DEFAULT 0,
    failed      INTEGER NOT NULL DEFAULT 0,
    created_by  TEXT NOT NULL DEFAULT '',
    created_at  TIMESTAMPTZ NOT NULL,
    -- The end of the last batch: a running job that stopped moving lost
    -- its instance.
    updated_at  TIMESTAMPTZ NOT NULL,
    finished_at TIMESTAMPTZ,
    result      TEXT NOT NULL DEFAULT ''
);
-- The purge pass deletes them a week after their last batch.
CREATE INDEX bulk_jobs_by_update ON bulk_jobs (updated_at);

-- +goose Down
DROP TABLE bulk_jobs;
