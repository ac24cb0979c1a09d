package bench

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" driver, for creating and dropping the schema

	"github.com/orgdir/orgdir/internal/directory"
	"github.com/orgdir/orgdir/internal/store/postgres"
	"github.com/orgdir/orgdir/internal/store/sqlite"
)

// scratch is a store in a place of its own, and how to remove that place.
type scratch struct {
	store    directory.Store
	describe string // for the operator, without a password
	// remove closes the store and deletes what the bench created.
	remove func() error
	// analyze, when set, updates the planner's statistics after seeding.
	analyze func(ctx context.Context) error
	// dsn is the PostgreSQL URL whose search_path is the new schema; ""
	// for SQLite.
	dsn string
	// database is what orgdir's --database names this store by: the
	// SQLite file, or dsn.
	database string
}

// IsPostgres reports whether database names a PostgreSQL server.
func IsPostgres(database string) bool {
	return strings.HasPrefix(database, "postgres://") || strings.HasPrefix(database, "postgresql://")
}

// openScratch opens an empty store for a run:
//   - database "": a new SQLite file in a new temporary directory, both
//     removed afterwards;
//   - a file path: a new SQLite file there, which must not exist yet (the
//     bench writes thousands of users; it never writes into a database
//     that someone may be using), removed afterwards;
//   - a postgres:// URL: a new schema orgdir_bench_<random> in that
//     database, dropped afterwards.
//
// opts (at most one) are the SQLite store's.
func openScratch(ctx context.Context, database string, opts ...sqlite.Options) (*scratch, error) {
	if IsPostgres(database) {
		return openPostgresScratch(ctx, database)
	}
	dir, path := "", database
	if path == "" {
		var err error
		if dir, err = os.MkdirTemp("", "orgdir-bench-*"); err != nil {
			return nil, fmt.Errorf("bench: temporary directory: %w", err)
		}
		path = filepath.Join(dir, "bench.db")
	} else if _, err := os.Stat(path); err == nil {
		return nil, fmt.Errorf("bench: %s already exists; the bench only writes into a new SQLite file, which it removes afterwards", path)
	} else if !errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("bench: %w", err)
	}
	cleanFiles := func() error {
		if dir != "" {
			return os.RemoveAll(dir)
		}
		var errs []error
		for _, suffix := range []string{"", "-wal", "-shm"} {
			if err := os.Remove(path + suffix); err != nil && !errors.Is(err, os.ErrNotExist) {
				errs = append(errs, err)
			}
		}
		return errors.Join(errs...)
	}
	var o sqlite.Options
	if len(opts) > 0 {
		o = opts[0]
	}
	st, err := sqlite.OpenWith(ctx, path, o)
	if err != nil {
		return nil, errors.Join(fmt.Errorf("bench: open SQLite at %s: %w", path, err), cleanFiles())
	}
	sync := o.Synchronous
	if sync == "" {
		sync = sqlite.SyncFull
	}
	return &scratch{
		store:    st,
		describe: "SQLite (synchronous=" + strings.ToUpper(sync) + "), new file " + path,
		remove:   func() error { return errors.Join(st.Close(), cleanFiles()) },
		database: path,
	}, nil
}

func openPostgresScratch(ctx context.Context, dsn string) (*scratch, error) {
	u, err := url.Parse(dsn)
	if err != nil {
		return nil, fmt.Errorf("bench: --database is not a valid postgres:// URL: %w", err)
	}
	admin, err := sql.Open("pgx", dsn)
	if err != nil {
		return nil, fmt.Errorf("bench: PostgreSQL at %s: %w", u.Redacted(), err)
	}
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	schema := "orgdir_bench_" + hex.EncodeToString(b)
	if _, err := admin.ExecContext(ctx, "CREATE SCHEMA "+schema); err != nil {
		return nil, errors.Join(fmt.Errorf("bench: create schema %s at %s: %w", schema, u.Redacted(), err), admin.Close())
	}
	drop := func() error {
		// Not ctx: an interrupted run still drops what it created.
		_, err := admin.ExecContext(context.Background(), "DROP SCHEMA "+schema+" CASCADE")
		if err != nil {
			err = fmt.Errorf("bench: drop schema %s: %w", schema, err)
		}
		return errors.Join(err, admin.Close())
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	st, err := postgres.Open(ctx, u.String())
	if err != nil {
		return nil, errors.Join(fmt.Errorf("bench: open PostgreSQL at %s: %w", u.Redacted(), err), drop())
	}
	return &scratch{
		store:    st,
		describe: "PostgreSQL, new schema " + schema + " at " + stripQuery(u),
		remove:   func() error { return errors.Join(st.Close(), drop()) },
		analyze:  func(ctx context.Context) error { return analyzeSchema(ctx, admin, schema) },
		dsn:      u.String(),
		database: u.String(),
	}, nil
}

// stripQuery names the server and database without password or options.
func stripQuery(u *url.URL) string {
	c := *u
	c.RawQuery = ""
	return c.Redacted()
}

// analyzeSchema runs ANALYZE on every table of schema. A bulk load leaves
// PostgreSQL without statistics until autovacuum's next pass (within about
// a minute by default); without them the planner can pick a plan that is
// many times slower, which no long-running server sees.
func analyzeSchema(ctx context.Context, db *sql.DB, schema string) error {
	rows, err := db.QueryContext(ctx, `SELECT tablename FROM pg_tables WHERE schemaname = $1`, schema)
	if err != nil {
		return fmt.Errorf("bench: analyze: %w", err)
	}
	var tables []string
	for rows.Next() {
		var t string
		if err := rows.Scan(&t); err != nil {
			rows.Close()
			return fmt.Errorf("bench: analyze: %w", err)
		}
		tables = append(tables, t)
	}
	if err := errors.Join(rows.Err(), rows.Close()); err != nil {
		return fmt.Errorf("bench: analyze: %w", err)
	}
	for _, t := range tables {
		if _, err := db.ExecContext(ctx, "ANALYZE "+schema+"."+quoteIdent(t)); err != nil {
			return fmt.Errorf("bench: analyze %s: %w", t, err)
		}
	}
	return nil
}

func quoteIdent(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }
