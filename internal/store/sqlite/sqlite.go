package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/pressly/goose/v3"
	sqlite3 "modernc.org/sqlite"
	sqlite3lib "modernc.org/sqlite/lib"

	"github.com/orgdir/orgdir/internal/store/sqlstore"
)

//go:embed migrations/*.sql
var migrations embed.FS

// readers is the size of the read pool; SQLite in WAL mode lets readers run
// beside the one writer.
const readers = 4

// busyTimeout is how long a statement waits for a lock held by another
// connection (another process, or a checkpoint) before failing.
const busyTimeout = 5 * time.Second

// checkpointEvery is the least time between two checkpoints that erasing
// writes ask for: a purge of many users checkpoints about once a second,
// not once per user, and erased data leaves the WAL within about that.
const checkpointEvery = time.Second

// Store is a directory.Store in one SQLite file.
type Store struct {
	*sqlstore.Store
	read, write *sql.DB
	// ckpt is a connection of its own for WAL checkpoints, so that one
	// waiting for readers never holds the write connection. Being one
	// connection, it also makes attempts (background and Checkpoint) take
	// turns, each waiting for it no longer than its context allows.
	ckpt *sql.DB
	// erased wakes the checkpointer after an erasing write; one pending
	// wake-up is enough, so it is buffered and sends never block.
	erased chan struct{}
	// stop ends the checkpointer; done is closed when it has ended.
	stop      context.CancelFunc
	done      chan struct{}
	closeOnce sync.Once
	closeErr  error
}

// Open opens (creating it with mode 0600 when missing) the database file
// at path and migrates it to the current schema. The directory must exist;
// a path with '?' or '#' is refused, as SQLite would read it as parameters.
func Open(ctx context.Context, path string) (*Store, error) {
	return OpenWith(ctx, path, Options{})
}

// Options are the choices of OpenWith.
type Options struct {
	// Synchronous is SQLite's synchronous setting: SyncFull (the default)
	// makes every commit durable on power loss, at the price of an fsync
	// per commit, which group commit shares among the writes committed
	// together; SyncNormal survives a crash of the process but may lose
	// the last commits on a power loss, and is faster.
	Synchronous string
}

// The values of Options.Synchronous.
const (
	SyncFull   = "full"
	SyncNormal = "normal"
)

// OpenWith is Open with options.
func OpenWith(ctx context.Context, path string, o Options) (*Store, error) {
	return open(ctx, path, o, nil)
}

// open is OpenWith with a tracer of the store's statements, for tests.
func open(ctx context.Context, path string, o Options, trace func(string, []any)) (*Store, error) {
	if path == "" || strings.ContainsAny(path, "?#") {
		return nil, fmt.Errorf("sqlite: invalid database path %q", path)
	}
	switch o.Synchronous {
	case "":
		o.Synchronous = SyncFull
	case SyncFull, SyncNormal:
	default:
		return nil, fmt.Errorf("sqlite: synchronous must be %q or %q, got %q", SyncFull, SyncNormal, o.Synchronous)
	}
	// Create the file ourselves so that it, and the -wal and -shm files
	// SQLite gives the same mode, are readable by the owner only.
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("sqlite: %w", err)
	}
	if err := f.Close(); err != nil {
		return nil, fmt.Errorf("sqlite: %w", err)
	}

	write, err := openDB(dsn(path, o.Synchronous, url.Values{"_txlock": {"immediate"}}))
	if err != nil {
		return nil, fmt.Errorf("sqlite: %w", err)
	}
	write.SetMaxOpenConns(1)
	write.SetConnMaxLifetime(0)
	read, err := openDB(dsn(path, o.Synchronous, url.Values{"_pragma": {"query_only(1)"}}))
	if err != nil {
		_ = write.Close()
		return nil, fmt.Errorf("sqlite: %w", err)
	}
	read.SetMaxOpenConns(readers)
	read.SetMaxIdleConns(readers)
	ckpt, err := sql.Open("sqlite", dsn(path, o.Synchronous, nil))
	if err != nil {
		_ = errors.Join(read.Close(), write.Close())
		return nil, fmt.Errorf("sqlite: %w", err)
	}
	ckpt.SetMaxOpenConns(1)
	ckpt.SetConnMaxLifetime(0)

	s := &Store{read: read, write: write, ckpt: ckpt,
		erased: make(chan struct{}, 1), done: make(chan struct{})}
	if err := s.migrate(ctx); err != nil {
		_ = s.closeDBs()
		return nil, err
	}
	s.Store = sqlstore.New(sqlstore.Config{
		Dialect:    Dialect(),
		ReadDB:     read,
		WriteDB:    write,
		AfterErase: s.afterErase,
		Close:      s.close,
		Trace:      trace,
		// One writer connection: Writes take turns anyway, so those
		// waiting are committed together (one fsync for all).
		GroupCommit: true,
	})
	bg, stop := context.WithCancel(context.Background())
	s.stop = stop
	go s.checkpointer(bg)
	return s, nil
}

// dsn builds the connection string: the pragmas every connection needs,
// plus extra.
func dsn(path, synchronous string, extra url.Values) string {
	q := url.Values{"_pragma": {
		fmt.Sprintf("busy_timeout(%d)", busyTimeout.Milliseconds()),
		"foreign_keys(1)",
		"journal_mode(WAL)",
		"secure_delete(1)",
		"synchronous(" + strings.ToUpper(synchronous) + ")",
	}}
	for k, vs := range extra {
		q[k] = append(q[k], vs...)
	}
	return path + "?" + q.Encode()
}

func (s *Store) migrate(ctx context.Context) error {
	fsys, err := fs.Sub(migrations, "migrations")
	if err != nil {
		return fmt.Errorf("sqlite: migrations: %w", err)
	}
	p, err := goose.NewProvider(goose.DialectSQLite3, s.write, fsys)
	if err != nil {
		return fmt.Errorf("sqlite: migrations: %w", err)
	}
	if _, err := p.Up(ctx); err != nil {
		return fmt.Errorf("sqlite: migrate: %w", err)
	}
	return nil
}

// Ping checks that the database answers, for readiness probes.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.write.PingContext(ctx); err != nil {
		return fmt.Errorf("sqlite: %w", err)
	}
	return s.read.PingContext(ctx)
}

// afterErase runs after a committed write that erased personal data: it
// wakes the checkpointer and returns at once, so the writer is free.
func (s *Store) afterErase(context.Context) error {
	select {
	case s.erased <- struct{}{}:
	default: // a checkpoint is already due; it will cover this write too
	}
	return nil
}

// checkpointer runs a TRUNCATE checkpoint after erasing writes, at most
// once per checkpointEvery, until ctx ends (Close).
func (s *Store) checkpointer(ctx context.Context) {
	defer close(s.done)
	var last time.Time
	for {
		select {
		case <-ctx.Done():
			return
		case <-s.erased:
		}
		if wait := checkpointEvery - time.Since(last); wait > 0 {
			select {
			case <-ctx.Done():
				return // Close checkpoints
			case <-time.After(wait):
			}
		}
		last = time.Now()
		// Checkpoint waits out readers by itself; an error is a failure of
		// another kind, so try again an interval later: the erased data
		// must leave the WAL.
		if err := s.Checkpoint(ctx); err != nil && ctx.Err() == nil {
			_ = s.afterErase(ctx)
		}
	}
}

// Checkpoint copies the WAL into the database file and truncates it now,
// and waits for it: no copy of erased personal data is left in the -wal
// file when it returns nil. After an erasing write the store does this by
// itself within about checkpointEvery, and Close does it last; Checkpoint
// is for callers (and tests) that need it at once. It retries, with growing
// pauses, while readers still use the WAL, until ctx is done.
func (s *Store) Checkpoint(ctx context.Context) error {
	pause := 5 * time.Millisecond
	for attempt := 0; ; attempt++ {
		done, err := s.checkpointOnce(ctx, attempt)
		if done || err != nil {
			return err
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("sqlite: checkpoint: readers kept the WAL busy: %w", ctx.Err())
		case <-time.After(pause):
		}
		pause = min(2*pause, 500*time.Millisecond)
	}
}

// checkpointOnce tries one TRUNCATE checkpoint and reports whether it
// completed. The first attempt does not wait at all, so a checkpoint never
// stalls writers when readers are about; later attempts wait a little
// (holding SQLite's write lock, so writers pause that long at most) for
// the readers of an old snapshot to finish, so a steady stream of reads
// cannot starve it.
func (s *Store) checkpointOnce(ctx context.Context, attempt int) (bool, error) {
	conn, err := s.ckpt.Conn(ctx)
	if err != nil {
		return false, fmt.Errorf("sqlite: checkpoint: %w", err)
	}
	defer conn.Close()
	wait := min(time.Duration(attempt)*10*time.Millisecond, 100*time.Millisecond)
	if _, err := conn.ExecContext(ctx, fmt.Sprintf("PRAGMA busy_timeout = %d", wait.Milliseconds())); err != nil {
		return false, fmt.Errorf("sqlite: checkpoint: %w", err)
	}
	var busy, logFrames, checkpointed int
	err = conn.QueryRowContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`).Scan(&busy, &logFrames, &checkpointed)
	switch {
	case err == nil:
		return busy == 0, nil
	case isBusy(err):
		return false, nil
	case ctx.Err() != nil:
		return false, fmt.Errorf("sqlite: checkpoint: %w", ctx.Err())
	default:
		return false, fmt.Errorf("sqlite: checkpoint: %w", err)
	}
}

// close stops the checkpointer, checkpoints one last time so that
// everything is in the main file and the WAL is empty, and closes the
// databases. Closing twice returns the first result.
func (s *Store) close() error {
	s.closeOnce.Do(func() {
		s.stop()
		<-s.done
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		err := s.Checkpoint(ctx)
		s.closeErr = errors.Join(err, s.closeDBs())
	})
	return s.closeErr
}

func (s *Store) closeDBs() error {
	return errors.Join(s.read.Close(), s.write.Close(), s.ckpt.Close())
}

// Dialect is SQLite's: ? placeholders, times as INTEGER unix microseconds,
// no row locks (one writer at a time).
func Dialect() sqlstore.Dialect {
	return sqlstore.Dialect{Name: "sqlite", UnixMicros: true, Classify: classify}
}

func classify(err error) (sqlstore.ErrorClass, string) {
	var se *sqlite3.Error
	if !errors.As(err, &se) {
		return sqlstore.ClassOther, ""
	}
	switch se.Code() {
	case sqlite3lib.SQLITE_CONSTRAINT_UNIQUE, sqlite3lib.SQLITE_CONSTRAINT_PRIMARYKEY:
		return sqlstore.ClassUnique, se.Error()
	case sqlite3lib.SQLITE_CONSTRAINT_FOREIGNKEY:
		return sqlstore.ClassForeignKey, se.Error()
	}
	return sqlstore.ClassOther, ""
}

func isBusy(err error) bool {
	var se *sqlite3.Error
	return errors.As(err, &se) && se.Code()&0xff == sqlite3lib.SQLITE_BUSY
}
