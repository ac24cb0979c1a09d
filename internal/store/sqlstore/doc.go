// Package sqlstore implements directory.Store over database/sql, once for
// every SQL database orgdir supports. What differs between SQLite and
// PostgreSQL is kept in a small Dialect: placeholders, how times are
// stored, row locks, statement savepoints, and how a driver reports a
// uniqueness clash or a deadlock.
//
// Queries are written with `?` placeholders and rebound for the dialect.
// Values never enter SQL text: filters compile into parameterized
// fragments. Every query of a tenant-scoped table names tenant_id; the few
// that do not (purge scan, token and session lookups by hash, the audit
// scrub) are cross-tenant by the contract.
//
// Both backends behave alike where a caller could tell: a failed statement
// (KindConflict, KindNotFound) leaves the Write usable; text compares and
// orders bytewise with ASCII case folding; a Write that the database aborts
// to break a deadlock runs again, so its closure must not act outside the
// transaction.
//
// Times are stored with microsecond precision (both databases keep no more)
// and come back in UTC; callers that compare times should truncate theirs to
// the microsecond.
package sqlstore
