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

// Store is a directory.Store in one SQLite file.
type Store struct {
	*sqlstore.Store
	read, write *sql.DB
}

// Open opens (creating it with mode 0600 when missing) the database file
// at path and migrates it to the current schema. The directory must exist;
// a path with '?' or '#' is refused, as SQLite would read it as parameters.
func Open(ctx context.Context, path string) (*Store, error) {
	return open(ctx, path, nil)
}

// open is Open with a tracer of the store's statements, for tests.
func open(ctx context.Context, path string, trace func(string, []any)) (*Store, error) {
	if path == "" || strings.ContainsAny(path, "?#") {
		return nil, fmt.Errorf("sqlite: invalid database path %q", path)
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

	write, err := sql.Open("sqlite", dsn(path, url.Values{"_txlock": {"immediate"}}))
	if err != nil {
		return nil, fmt.Errorf("sqlite: %w", err)
	}
	write.SetMaxOpenConns(1)
	write.SetConnMaxLifetime(0)
	read, err := sql.Open("sqlite", dsn(path, url.Values{"_pragma": {"query_only(1)"}}))
	if err != nil {
		_ = write.Close()
		return nil, fmt.Errorf("sqlite: %w", err)
	}
	read.SetMaxOpenConns(readers)
	read.SetMaxIdleConns(readers)

	s := &Store{read: read, write: write}
	if err := s.migrate(ctx); err != nil {
		_ = s.closeDBs()
		return nil, err
	}
	s.Store = sqlstore.New(sqlstore.Config{
		Dialect:    Dialect(),
		ReadDB:     read,
		WriteDB:    write,
		AfterErase: s.checkpoint,
		Close:      s.close,
		Trace:      trace,
	})
	return s, nil
}

// dsn builds the connection string: the pragmas every connection needs,
// plus extra.
func dsn(path string, extra url.Values) string {
	q := url.Values{"_pragma": {
		fmt.Sprintf("busy_timeout(%d)", busyTimeout.Milliseconds()),
		"foreign_keys(1)",
		"journal_mode(WAL)",
		"secure_delete(1)",
		"synchronous(NORMAL)",
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

// checkpoint copies the WAL into the database and truncates it, retrying
// briefly while a reader still uses an old snapshot.
func (s *Store) checkpoint(ctx context.Context) error {
	const attempts, pause = 50, 20 * time.Millisecond
	for i := 0; ; i++ {
		var busy, logFrames, checkpointed int
		err := s.write.QueryRowContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`).Scan(&busy, &logFrames, &checkpointed)
		if err == nil && busy == 0 {
			return nil
		}
		if err != nil && !isBusy(err) {
			return fmt.Errorf("sqlite: checkpoint: %w", err)
		}
		if i == attempts {
			return errors.New("sqlite: checkpoint: readers kept the WAL busy")
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(pause):
		}
	}
}

func (s *Store) close() error {
	// A last checkpoint leaves everything in the main file.
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	_ = s.checkpoint(ctx)
	return s.closeDBs()
}

func (s *Store) closeDBs() error {
	return errors.Join(s.read.Close(), s.write.Close())
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
