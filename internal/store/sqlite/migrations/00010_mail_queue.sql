-- +goose Up
-- The outbox becomes a work queue. A message is pending (waiting for its
-- next_attempt_at), sending (claimed by one deliverer until next_attempt_at,
-- its lease), sent, or failed (for good, with last_error). Claiming adds one
-- to attempts, which the deliverer quotes back when it records the outcome:
-- an outcome of an attempt whose lease passed to another deliverer is
-- refused. The defaults let an instance of the previous version, during a
-- rolling upgrade, still write mail: it is pending and due at once.
ALTER TABLE outbox ADD COLUMN state TEXT NOT NULL DEFAULT 'pending';
ALTER TABLE outbox ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;
ALTER TABLE outbox ADD COLUMN next_attempt_at INTEGER NOT NULL DEFAULT 0;
ALTER TABLE outbox ADD COLUMN last_error TEXT NOT NULL DEFAULT '';
UPDATE outbox SET state = 'sent' WHERE sent_at IS NOT NULL;
UPDATE outbox SET next_attempt_at = created_at;
-- Unsent is now pending or sending: failed mail waits for nobody.
DROP INDEX outbox_unsent;
CREATE INDEX outbox_unsent ON outbox (created_at, id) WHERE state IN ('pending', 'sending');
-- The deliverer claims what is due, soonest first.
CREATE INDEX outbox_due ON outbox (next_attempt_at, id) WHERE state IN ('pending', 'sending');

-- +goose Down
DROP INDEX outbox_due;
DROP INDEX outbox_unsent;
CREATE INDEX outbox_unsent ON outbox (created_at, id) WHERE sent_at IS NULL;
ALTER TABLE outbox DROP COLUMN last_error;
ALTER TABLE outbox DROP COLUMN next_attempt_at;
ALTER TABLE outbox DROP COLUMN attempts;
ALTER TABLE outbox DROP COLUMN state;
