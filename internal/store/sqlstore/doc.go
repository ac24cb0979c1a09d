// Package sqlstore implements directory.Store over database/sql, once for
// every SQL database orgdir supports. What differs between SQLite and
// PostgreSQL is kept in a small Dialect: placeholders, how times are
// stored, row locks, and how a driver reports a uniqueness clash.
//
// Queries are written with `?` placeholders and rebound for the dialect.
// Values never enter SQL text: filters compile into parameterized
// fragments. Every query of a tenant-scoped table names tenant_id.
//
// Times are stored with microsecond precision (both databases keep no more)
// and come back in UTC; callers that compare times should truncate theirs to
// the microsecond.
package sqlstore
