-- Seeds a migrated orgdir PostgreSQL database with N deleted members of one
-- tenant whose retention has ended, each with the "Add user" and "Delete
-- user" audit records that name it, as `orgdir bench --purge` seeds them.
-- Run by purge.sh; N is replaced there (default 10000). Ids are random
-- UUIDs, as orgdir's are: the purge then touches index pages all over,
-- as it does in life (sequential ids would flatter it).
-- Deleted 40 days ago, due 9 days ago.
INSERT INTO tenants (id, display_name, initial_domain, created_at, allow_leave, retention_days)
VALUES ('7e5a0000-0000-4000-8000-000000000001', 'Purge bench', 'purgebench.example', now() - interval '100 days', true, 30);
WITH n(i) AS (SELECT generate_series(1, N))
INSERT INTO users (id, tenant_id, upn, mail, display_name, user_type, account_enabled, created_at,
                   identities, deleted_at, purge_at)
SELECT gen_random_uuid()::text, '7e5a0000-0000-4000-8000-000000000001',
       'expired' || lpad(i::text, 6, '0') || '@purgebench.example', 'expired' || lpad(i::text, 6, '0') || '@purgebench.example',
       'Expired ' || lpad(i::text, 6, '0'), 'Member', true, now() - interval '100 days', '[]', now() - interval '40 days', now() - interval '9 days'
FROM n;
INSERT INTO audit_events (id, tenant_id, time, activity, category, operation_type, correlation_id,
                          initiator_app_name, result)
SELECT 'a' || substr(id, 2), tenant_id, created_at, 'Add user', 'UserManagement', 'Add', id, 'purge seed', 'success' FROM users
UNION ALL
SELECT 'd' || substr(id, 2), tenant_id, deleted_at, 'Delete user', 'UserManagement', 'Delete', id, 'purge seed', 'success' FROM users;
INSERT INTO audit_targets (event_id, position, tenant_id, object_id, type, display_name, upn)
SELECT e.id, 0, u.tenant_id, u.id, 'User', u.display_name, u.upn
FROM audit_events e JOIN users u ON u.id = e.correlation_id;
