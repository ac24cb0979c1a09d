package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"sync"
	"sync/atomic"

	"github.com/orgdir/orgdir/internal/directory"
)

// Config wires a Store to its databases.
type Config struct {
	Dialect Dialect
	// ReadDB serves Read; WriteDB serves Write. They may be the same pool.
	// SQLite uses a pool of readers and a single writer connection.
	ReadDB  *sql.DB
	WriteDB *sql.DB
	// ReadTx are the options of a Read transaction (e.g. a read-only,
	// repeatable-read snapshot on PostgreSQL). Nil means the defaults.
	ReadTx *sql.TxOptions
	// WriteRetries is how many times a Write whose transaction failed
	// with ClassRetry (deadlock, serialization failure) runs again.
	WriteRetries int
	// AfterErase runs after a committed Write that erased personal data
	// (DeleteUser, DeleteEmailIdentity, ScrubAuditSubject, DeleteMailTo),
	// in the caller's goroutine, so it should return quickly: SQLite's
	// wakes a background checkpoint of its WAL so that no old copy of the
	// data remains there. Its error is not returned: the Write itself has
	// succeeded.
	AfterErase func(ctx context.Context) error
	// GroupCommit runs Writes through one committer that commits those
	// waiting together (see groupcommit.go); for a single writer
	// connection (SQLite), where Writes take turns anyway.
	GroupCommit bool
	// Close closes the databases.
	Close func() error
	// Trace, when set, sees every statement as sent, with its arguments
	// (tests use it to EXPLAIN the store's queries).
	Trace func(query string, args []any)
}

// Store is a directory.Store over SQL.
type Store struct {
	cfg     Config
	d       *Dialect
	retried atomic.Uint64 // Writes run again after a deadlock or serialization failure
	commits atomic.Uint64 // write transactions committed
	written atomic.Uint64 // Writes committed (more than commits when grouped)

	// The committer of GroupCommit: requests queue for it, closing stops
	// it, committerDone is closed when it has stopped.
	requests      chan *writeRequest
	closing       chan struct{}
	closeOnce     sync.Once
	committerDone chan struct{}
}

var _ directory.Store = (*Store)(nil)

// New returns a Store. The schema must already be migrated.
func New(cfg Config) *Store {
	s := &Store{cfg: cfg, d: &cfg.Dialect, closing: make(chan struct{})}
	if cfg.GroupCommit {
		s.startGroupCommit()
	}
	return s
}

// RetriedTransactions counts the Writes run again after the database
// aborted them to break a deadlock (metrics).
func (s *Store) RetriedTransactions() uint64 { return s.retried.Load() }

// CommitStats counts the write transactions committed and the Writes
// they held; with group commit the second grows faster (metrics).
func (s *Store) CommitStats() (commits, writes uint64) {
	return s.commits.Load(), s.written.Load()
}

// QueuedWrites is how many Writes wait for the group committer (metrics).
func (s *Store) QueuedWrites() int { return len(s.requests) }

// Pools returns the store's connection pools by name, "read" and
// "write", or one "main" when they are the same (metrics).
func (s *Store) Pools() map[string]*sql.DB {
	if s.cfg.ReadDB == s.cfg.WriteDB {
		return map[string]*sql.DB{"main": s.cfg.WriteDB}
	}
	return map[string]*sql.DB{"read": s.cfg.ReadDB, "write": s.cfg.WriteDB}
}

// Dialect returns the store's dialect.
func (s *Store) Dialect() *Dialect { return s.d }

// Read runs fn in a transaction that sees one snapshot and is rolled back
// at the end.
func (s *Store) Read(ctx context.Context, fn func(directory.Tx) error) error {
	sqlTx, err := s.cfg.ReadDB.BeginTx(ctx, s.cfg.ReadTx)
	if err != nil {
		return directory.Internal(err)
	}
	defer sqlTx.Rollback() //nolint:errcheck // a read has nothing to keep
	return fn(&tx{q: sqlTx, d: s.d, trace: s.cfg.Trace})
}

// Write runs fn in a read-write transaction and commits it when fn returns
// nil. A transaction the database aborted to break a deadlock runs again,
// up to Config.WriteRetries times, so fn must not have effects outside it.
//
// With StatementSavepoints (PostgreSQL, where a failed statement aborts the
// transaction) fn first runs without savepoints. Most callers give up at
// their first failed statement, and then that is the answer. One that goes
// on after it (a KindConflict it handles, say) makes the Write run fn again
// from the start with a savepoint around each write statement, which undoes
// only the failed one, as SQLite does.
func (s *Store) Write(ctx context.Context, fn func(directory.Tx) error) error {
	var erased bool
	var err error
	if s.cfg.GroupCommit {
		erased, err = s.groupWrite(ctx, fn)
	} else {
		erased, err = s.writeWithRetries(ctx, fn)
	}
	if err == nil && erased && s.cfg.AfterErase != nil {
		_ = s.cfg.AfterErase(ctx) // best effort: the data is already gone from the tables
	}
	return err
}

// writeWithRetries runs fn in a transaction of its own, again after a
// deadlock (or in safe mode, see Write), and reports whether it erased
// personal data.
func (s *Store) writeWithRetries(ctx context.Context, fn func(directory.Tx) error) (bool, error) {
	safe := false
	for attempt := 0; ; attempt++ {
		erased, again, err := s.writeOnce(ctx, fn, safe)
		if again && !safe {
			safe = true
			attempt--
			continue
		}
		if err != nil && attempt < s.cfg.WriteRetries && s.retryable(err) {
			s.retried.Add(1)
			continue
		}
		return erased, err
	}
}

// writeOnce runs fn in one transaction; again says that fn went on after a
// failed statement of an optimistic transaction, which must run again safe.
func (s *Store) writeOnce(ctx context.Context, fn func(directory.Tx) error, safe bool) (erased, again bool, err error) {
	sqlTx, err := s.cfg.WriteDB.BeginTx(ctx, nil)
	if err != nil {
		return false, false, directory.Internal(err)
	}
	t := &tx{q: sqlTx, d: s.d, write: true, safe: safe, trace: s.cfg.Trace}
	defer func() {
		if v := recover(); v != nil {
			if v != errRerun { //nolint:errorlint // the panic value itself
				panic(v)
			}
			_ = sqlTx.Rollback()
			erased, again, err = false, true, nil
		}
	}()
	err = fn(t)
	if err == nil && t.broken {
		// fn swallowed the failure: the commit would fail.
		_ = sqlTx.Rollback()
		return false, true, nil
	}
	if err != nil {
		_ = sqlTx.Rollback()
		return false, false, err
	}
	if err := sqlTx.Commit(); err != nil {
		return false, false, t.fail(err, "transaction")
	}
	s.commits.Add(1)
	s.written.Add(1)
	return t.erased, false, nil
}

func (s *Store) retryable(err error) bool {
	if s.d.Classify == nil {
		return false
	}
	for e := err; e != nil; e = errors.Unwrap(e) {
		if c, _ := s.d.Classify(e); c == ClassRetry {
			return true
		}
	}
	return false
}

// Close stops the committer (Writes still queued fail) and closes the
// databases.
func (s *Store) Close() error {
	s.closeOnce.Do(func() { close(s.closing) })
	if s.committerDone != nil {
		<-s.committerDone
	}
	if s.cfg.Close == nil {
		return nil
	}
	return s.cfg.Close()
}
