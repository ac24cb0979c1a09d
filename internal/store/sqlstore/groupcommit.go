package sqlstore

import (
	"context"
	"database/sql"
	"errors"

	"github.com/orgdir/orgdir/internal/directory"
)

// Group commit: with one writer connection (SQLite), Writes take turns,
// and each pays a commit (with synchronous=FULL, an fsync of the WAL).
// The committer instead takes the Writes that queued while it was busy and
// runs them in one transaction, each in a savepoint of its own so that it
// keeps its own checks and error (a failing one is rolled back alone),
// then commits once and only then answers each of them. One commit, and
// one fsync, is spread over a group.

// maxGroup bounds a group: a failed commit replays its members one by one.
const maxGroup = 64

// writeRequest is one Write waiting for the committer.
type writeRequest struct {
	ctx  context.Context
	fn   func(directory.Tx) error
	done chan writeResult // buffered: the committer never waits for the caller
}

type writeResult struct {
	erased bool
	err    error
}

// startGroupCommit starts the committer; Close stops it.
func (s *Store) startGroupCommit() {
	s.requests = make(chan *writeRequest, maxGroup)
	s.committerDone = make(chan struct{})
	go s.committer()
}

// groupWrite hands fn to the committer and waits for its result. A Write
// whose context ends before its turn is not run; once its turn came, it
// runs to the end (interrupting a statement would roll back the group).
func (s *Store) groupWrite(ctx context.Context, fn func(directory.Tx) error) (bool, error) {
	req := &writeRequest{ctx: ctx, fn: fn, done: make(chan writeResult, 1)}
	select {
	case s.requests <- req:
	case <-ctx.Done():
		return false, directory.Internal(ctx.Err())
	case <-s.closing:
		return false, directory.Internal(errors.New("the store is closed"))
	}
	select {
	case r := <-req.done:
		return r.erased, r.err
	case <-s.committerDone:
		// Stopped: it answered this request first, or never took it.
		select {
		case r := <-req.done:
			return r.erased, r.err
		default:
			return false, directory.Internal(errors.New("the store is closed"))
		}
	}
}

// committer runs groups until the store closes.
func (s *Store) committer() {
	defer close(s.committerDone)
	for {
		var first *writeRequest
		select {
		case first = <-s.requests:
		case <-s.closing:
			s.drain()
			return
		}
		s.runGroup(first)
	}
}

// drain answers the Writes that were queued when the store closed.
func (s *Store) drain() {
	for {
		select {
		case req := <-s.requests:
			req.done <- writeResult{err: directory.Internal(errors.New("the store is closed"))}
		default:
			return
		}
	}
}

// member is one Write of a group, run or not.
type member struct {
	req    *writeRequest
	t      *tx
	err    error
	ran    bool // fn returned nil inside the group's transaction
	direct bool // answered already (its context had ended)
}

// runGroup runs first and whatever queues behind it (up to maxGroup) in one
// transaction and answers each after the commit. Should the transaction
// itself fail (a statement that SQLite ends the whole transaction for, or
// the commit), the Writes that had succeeded in it are run again, each in
// a transaction of its own, so that nobody is failed for another's fault.
func (s *Store) runGroup(first *writeRequest) {
	sqlTx, err := s.cfg.WriteDB.BeginTx(context.Background(), nil)
	if err != nil {
		first.done <- writeResult{err: directory.Internal(err)}
		return
	}
	var members []*member
	broken := false
	next := func() *writeRequest {
		if first != nil {
			req := first
			first = nil
			return req
		}
		if len(members) >= maxGroup {
			return nil
		}
		select {
		case req := <-s.requests:
			return req
		default:
			return nil
		}
	}
	for req := next(); req != nil && !broken; req = next() {
		m := &member{req: req}
		members = append(members, m)
		if err := req.ctx.Err(); err != nil {
			m.err, m.direct = directory.Internal(err), true
			req.done <- writeResult{err: m.err}
			continue
		}
		if len(members) == 1 {
			// The first runs without a savepoint (SQLite copies every page
			// a savepoint may have to restore: a cost for big writes such
			// as a purge batch): should it fail, the transaction is
			// rolled back whole, with nothing of others in it yet.
			m.t = &tx{q: sqlTx, d: s.d, write: true, trace: s.cfg.Trace}
			if m.err = req.fn(m.t); m.err != nil {
				_ = sqlTx.Rollback()
				req.done <- writeResult{err: m.err}
				return
			}
			m.ran = true
			continue
		}
		m.err, broken = s.runInSavepoint(sqlTx, m)
		m.ran = m.err == nil
	}
	if broken {
		_ = sqlTx.Rollback()
		s.replay(members)
		return
	}
	if err := sqlTx.Commit(); err != nil {
		s.replay(members)
		return
	}
	s.commits.Add(1)
	for _, m := range members {
		if m.direct {
			continue
		}
		if m.ran {
			s.written.Add(1)
			m.req.done <- writeResult{erased: m.t.erased}
		} else {
			m.req.done <- writeResult{err: m.err}
		}
	}
}

// runInSavepoint runs one member's fn in a savepoint of the group's
// transaction. broken reports that the transaction cannot go on: SQLite
// rolled it back whole, or the savepoint could not be undone.
func (s *Store) runInSavepoint(sqlTx *sql.Tx, m *member) (err error, broken bool) {
	// Not cancelled halfway: SQLite would roll back the whole group.
	ctx := context.WithoutCancel(m.req.ctx)
	if _, err := sqlTx.ExecContext(ctx, "SAVEPOINT orgdir_write"); err != nil {
		return directory.Internal(err), true
	}
	m.t = &tx{q: sqlTx, d: s.d, write: true, trace: s.cfg.Trace}
	fnErr := m.req.fn(m.t)
	if fnErr != nil {
		if _, err := sqlTx.ExecContext(ctx, "ROLLBACK TO SAVEPOINT orgdir_write"); err != nil {
			return fnErr, true
		}
	}
	if _, err := sqlTx.ExecContext(ctx, "RELEASE SAVEPOINT orgdir_write"); err != nil {
		return fnErr, true
	}
	return fnErr, false
}

// replay answers a group whose transaction failed: a member whose fn had
// failed keeps its error only if the transaction was still sound when it
// ran (its own fault); every other member runs again on its own.
func (s *Store) replay(members []*member) {
	for i, m := range members {
		if m.direct {
			continue
		}
		last := i == len(members)-1
		if !m.ran && !last {
			// It failed in a sound transaction: its own error stands.
			m.req.done <- writeResult{err: m.err}
			continue
		}
		erased, err := s.writeWithRetries(context.WithoutCancel(m.req.ctx), m.req.fn)
		m.req.done <- writeResult{erased: erased, err: err}
	}
}
