package postgres

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"hash/crc32"
	"io/fs"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"

	"github.com/orgdir/orgdir/internal/store/sqlstore"
)

//go:embed migrations/*.sql
var migrations embed.FS

// Pool limits. 20 connections serve a busy instance; several instances
// multiply it, which PostgreSQL's default max_connections of 100 allows
// for four of them.
const (
	maxOpenConns    = 20
	maxIdleConns    = 5
	connMaxIdleTime = 5 * time.Minute
	connMaxLifetime = 30 * time.Minute
	writeRetries    = 3
)

// Store is a directory.Store in a PostgreSQL database.
type Store struct {
	*sqlstore.Store
	db *sql.DB
}

// Open connects to the database at dsn (a postgres:// URL or key=value
// string, as libpq takes), checks that it answers, and migrates it to the
// current schema.
func Open(ctx context.Context, dsn string) (*Store, error) {
	return open(ctx, dsn, nil)
}

// open is Open with a tracer of the store's statements, for tests.
func open(ctx context.Context, dsn string, trace func(string, []any)) (*Store, error) {
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		return nil, fmt.Errorf("postgres: invalid DSN: %w", err)
	}
	if !strings.Contains(dsn, "default_query_exec_mode") {
		// Prepared once per connection, then one round trip a statement
		// (pgx's default, kept explicit: a DSN may choose another mode,
		// e.g. behind a pooler in transaction mode).
		cfg.DefaultQueryExecMode = pgx.QueryExecModeCacheStatement
	}
	db := stdlib.OpenDB(*cfg)
	db.SetMaxOpenConns(maxOpenConns)
	db.SetMaxIdleConns(maxIdleConns)
	db.SetConnMaxIdleTime(connMaxIdleTime)
	db.SetConnMaxLifetime(connMaxLifetime)
	if err := db.PingContext(ctx); err != nil {
		_ = db.Close()
		return nil, fmt.Errorf("postgres: %w", err)
	}
	if err := migrate(ctx, db); err != nil {
		_ = db.Close()
		return nil, err
	}
	s := &Store{db: db}
	s.Store = sqlstore.New(sqlstore.Config{
		Dialect:      Dialect(),
		ReadDB:       db,
		WriteDB:      db,
		ReadTx:       &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true},
		WriteRetries: writeRetries,
		Close:        db.Close,
		Trace:        trace,
	})
	return s, nil
}

func migrate(ctx context.Context, db *sql.DB) error {
	fsys, err := fs.Sub(migrations, "migrations")
	if err != nil {
		return fmt.Errorf("postgres: migrations: %w", err)
	}
	// The lock is per schema: instances sharing a schema migrate one at a
	// time; stores in other schemas of the database (tests) don't wait.
	var current sql.NullString
	if err := db.QueryRowContext(ctx, `SELECT current_schema()`).Scan(&current); err != nil {
		return fmt.Errorf("postgres: migrations: %w", err)
	}
	if !current.Valid {
		// No schema of search_path exists: say so rather than fail obscurely.
		return errors.New("postgres: no schema of the connection's search_path exists; create it (CREATE SCHEMA name) or remove search_path from the URL")
	}
	schema := current.String
	locker, err := lock.NewPostgresSessionLocker(
		lock.WithLockID(int64(crc32.ChecksumIEEE([]byte("orgdir migrations "+schema)))),
		lock.WithLockTimeout(1, 300), lock.WithUnlockTimeout(1, 60))
	if err != nil {
		return fmt.Errorf("postgres: migrations: %w", err)
	}
	p, err := goose.NewProvider(goose.DialectPostgres, db, fsys, goose.WithSessionLocker(locker))
	if err != nil {
		return fmt.Errorf("postgres: migrations: %w", err)
	}
	if _, err := p.Up(ctx); err != nil {
		return fmt.Errorf("postgres: migrate: %w", err)
	}
	return nil
}

// Ping checks that the database answers, for readiness probes.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.db.PingContext(ctx); err != nil {
		return fmt.Errorf("postgres: %w", err)
	}
	return nil
}

// Dialect is PostgreSQL's: $n placeholders, timestamptz, row locks.
func Dialect() sqlstore.Dialect {
	return sqlstore.Dialect{Name: "postgres", DollarPlaceholders: true, RowLocks: true, StatementSavepoints: true, WritableCTEs: true, Classify: classify}
}

// SQLSTATE codes the store tells apart.
const (
	uniqueViolation      = "23505"
	foreignKeyViolation  = "23503"
	serializationFailure = "40001"
	deadlockDetected     = "40P01"
)

func classify(err error) (sqlstore.ErrorClass, string) {
	var pe *pgconn.PgError
	if !errors.As(err, &pe) {
		return sqlstore.ClassOther, ""
	}
	switch pe.Code {
	case uniqueViolation:
		return sqlstore.ClassUnique, pe.ConstraintName
	case foreignKeyViolation:
		return sqlstore.ClassForeignKey, pe.ConstraintName
	case serializationFailure, deadlockDetected:
		return sqlstore.ClassRetry, ""
	}
	return sqlstore.ClassOther, ""
}
