// Package sqlite is orgdir's default store: one SQLite file, opened with
// Open, with the schema migrated on open.
//
// The driver is modernc.org/sqlite, SQLite translated to pure Go: orgdir
// stays one statically linked binary that cross-compiles without cgo or a C
// toolchain, at some cost in speed that a directory does not feel.
//
// Every connection runs in WAL mode with foreign keys on, a busy timeout,
// synchronous=NORMAL and secure_delete=ON, so that erased personal data is
// overwritten rather than left in free pages. Reads use a pool of
// query-only connections; writes use a single connection whose
// transactions begin IMMEDIATE, so concurrent writers queue instead of
// failing to upgrade a read lock. After a write that erased personal data
// the WAL is checkpointed and truncated, so no old copy of it stays there.
package sqlite
