package cli

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"github.com/orgdir/orgdir/internal/auth"
	"github.com/orgdir/orgdir/internal/directory"
	"github.com/orgdir/orgdir/internal/store/postgres"
	"github.com/orgdir/orgdir/internal/store/sqlite"
)

// Defaults of the flags every command that opens the database shares.
const (
	defaultDataDir = "./data"
	defaultBaseURL = "http://localhost:8080"
	sqliteFileName = "orgdir.db"
)

// dbFlags are where the data lives.
type dbFlags struct {
	dataDir     string
	database    string
	synchronous string
}

func addDBFlags(f *flagSet) *dbFlags {
	d := &dbFlags{}
	f.StringVar(&d.dataDir, "data-dir", defaultDataDir, "`directory` of the SQLite database ("+sqliteFileName+"), created with mode 0700")
	f.StringVar(&d.database, "database", "", "SQLite file `path`, or a postgres:// URL; empty means "+sqliteFileName+" in --data-dir")
	f.StringVar(&d.synchronous, "sqlite-synchronous", sqlite.SyncFull, "SQLite only: `full` makes every acknowledged write survive a power loss; normal survives a crash of the process but may lose the last writes on a power loss, and is faster")
	return d
}

// isPostgres reports whether the --database value names a PostgreSQL server.
func isPostgres(database string) bool {
	return strings.HasPrefix(database, "postgres://") || strings.HasPrefix(database, "postgresql://")
}

// describe names the database for the operator, without a password.
func (d *dbFlags) describe() string {
	if isPostgres(d.database) {
		u, err := url.Parse(d.database)
		if err != nil {
			return "PostgreSQL"
		}
		return "PostgreSQL at " + u.Redacted()
	}
	return "SQLite at " + d.sqlitePath()
}

func (d *dbFlags) sqlitePath() string {
	if d.database != "" {
		return d.database
	}
	return filepath.Join(d.dataDir, sqliteFileName)
}

// store is an opened store with what orgdir asks of it beyond
// directory.Store: readiness.
type store interface {
	directory.Store
	Ping(ctx context.Context) error
}

// open opens (and migrates) the database the flags name: PostgreSQL for a
// postgres:// URL, else SQLite, creating its directory.
func (d *dbFlags) open(ctx context.Context) (store, error) {
	if isPostgres(d.database) {
		s, err := postgres.Open(ctx, d.database)
		if err != nil {
			return nil, fmt.Errorf("open %s: %w", d.describe(), err)
		}
		return s, nil
	}
	if d.synchronous != sqlite.SyncFull && d.synchronous != sqlite.SyncNormal {
		return nil, usageErrorf("--sqlite-synchronous %q: want full or normal", d.synchronous)
	}
	path := d.sqlitePath()
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("create the data directory: %w", err)
	}
	s, err := sqlite.OpenWith(ctx, path, sqlite.Options{Synchronous: d.synchronous})
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", d.describe(), err)
	}
	return s, nil
}

// checkBaseURL refuses a public URL that redeem links could not be built
// on: it must be absolute http or https, without query or fragment.
func checkBaseURL(flagName, raw string) error {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
		return usageErrorf("--%s %q: want an absolute http or https URL such as https://directory.example.com", flagName, raw)
	}
	return nil
}

// cliActorName is who the audit log names for admin commands.
const cliActorName = "orgdir CLI"

// withService opens the store, runs fn with a Service acting as the CLI,
// and closes the store.
func (e *env) withService(ctx context.Context, d *dbFlags, baseURL string, fn func(ctx context.Context, svc *directory.Service) error) error {
	st, err := d.open(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	svc := e.newService(st, baseURL)
	return fn(directory.WithActor(ctx, directory.SystemActor(cliActorName)), svc)
}

func (e *env) newService(st directory.Store, baseURL string, mods ...func(*directory.Options)) *directory.Service {
	opts := directory.Options{
		Clock:          e.prog.Clock,
		PublicBaseURL:  strings.TrimRight(baseURL, "/"),
		PasswordHasher: auth.NewArgon2Hasher(),
	}
	for _, mod := range mods {
		mod(&opts)
	}
	return directory.NewService(st, opts)
}
