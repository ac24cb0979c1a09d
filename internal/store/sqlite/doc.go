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
// failing to upgrade a read lock.
//
// A write that erased personal data leaves old copies of the pages it
// changed in the WAL until a checkpoint copies the WAL into the main file
// and truncates it. The erasing write does not wait for that: it wakes a
// background checkpointer (one per Store, stopped by Close) that runs
// wal_checkpoint(TRUNCATE) on a connection of its own, at most once a
// second, retrying while readers of an older snapshot still use the WAL.
// So erased data leaves the -wal file within about a second of the commit
// (longer only while a read transaction that began before it is still
// open), at once when Checkpoint returns, and at the latest when Close
// returns, which checkpoints one last time. A checkpoint attempt never
// waits for readers while it holds the write lock for more than 100 ms, so
// an erase beside a busy portal no longer holds up every write.
package sqlite
