// Package postgres is orgdir's store for PostgreSQL, for when one machine
// is no longer enough: several orgdir instances share one database.
//
// It uses github.com/jackc/pgx/v5 through its database/sql adapter, so the
// SQL of internal/store/sqlstore serves both databases. Its migrations are
// embedded and applied on Open under a PostgreSQL advisory lock, so
// instances that start together migrate once.
//
// Concurrency between instances rests on the database alone: GetUser in a
// Write locks the user's row (SELECT … FOR UPDATE), the purge scan takes
// rows with FOR UPDATE SKIP LOCKED so that purge jobs on several instances
// take disjoint batches, uniqueness is enforced by constraints, and a Write
// that PostgreSQL aborts to break a deadlock (or a serialization failure)
// runs again, up to three times. Reads are read-only REPEATABLE READ
// transactions: one snapshot each.
//
// The connection pool holds at most 20 connections (Options can change it),
// keeps up to 5 idle ones for 5 minutes, and recycles each after 30 minutes
// so that a fail-over or a DNS change is picked up.
package postgres
