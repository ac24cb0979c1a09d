package multiinstance

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" driver of the checking connection

	"github.com/orgdir/orgdir/internal/directory"
	"github.com/orgdir/orgdir/internal/store/postgres"
)

// envDSN names the PostgreSQL server the tests use.
const envDSN = "ORGDIR_TEST_POSTGRES"

// serverDSN returns the server's DSN; without one the test skips, or fails
// when ORGDIR_REQUIRE_SERVICES=1 (CI must not pass by skipping).
func serverDSN(t *testing.T) string {
	t.Helper()
	dsn := os.Getenv(envDSN)
	if dsn == "" {
		msg := "set " + envDSN + " (e.g. postgres://postgres@127.0.0.1:5432/test?sslmode=disable) to run the several-instances tests"
		if os.Getenv("ORGDIR_REQUIRE_SERVICES") == "1" {
			t.Fatal("ORGDIR_REQUIRE_SERVICES=1: " + msg)
		}
		t.Skip(msg)
	}
	return dsn
}

// database is one test's own schema on the server.
type database struct {
	// dsn reaches the schema (its search_path); every instance uses it.
	dsn string
	// check is a separate connection for the test's own queries.
	check *sql.DB
}

// freshDatabase creates a schema for the test, dropped when it ends, and
// migrates it once so the instances start on an up-to-date schema.
func freshDatabase(t *testing.T) *database {
	t.Helper()
	server := serverDSN(t)
	ctx := context.Background()
	admin, err := sql.Open("pgx", server)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { admin.Close() })
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	schema := "orgdir_multi_" + hex.EncodeToString(b)
	if _, err := admin.ExecContext(ctx, "CREATE SCHEMA "+schema); err != nil {
		t.Fatalf("create schema on %s: %v", envDSN, err)
	}
	t.Cleanup(func() {
		if _, err := admin.ExecContext(context.Background(), "DROP SCHEMA "+schema+" CASCADE"); err != nil {
			t.Errorf("drop schema %s: %v", schema, err)
		}
	})
	u, err := url.Parse(server)
	if err != nil {
		t.Fatalf("%s must be a postgres:// URL: %v", envDSN, err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	db := &database{dsn: u.String()}
	if db.check, err = sql.Open("pgx", db.dsn); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.check.Close() })
	return db
}

// instance is one orgdir instance: its own store (so its own connection
// pool) and its own Service, on the shared database.
type instance struct {
	name  string
	store *postgres.Store
	svc   *directory.Service
}

// startInstance opens an instance on db whose time is clock's. Every
// instance of a test shares one clock, as servers share real time.
func startInstance(t *testing.T, db *database, name string, clock directory.Clock) *instance {
	t.Helper()
	st, err := postgres.Open(context.Background(), db.dsn)
	if err != nil {
		t.Fatalf("open instance %s: %v", name, err)
	}
	t.Cleanup(func() {
		if err := st.Close(); err != nil {
			t.Errorf("close instance %s: %v", name, err)
		}
	})
	return &instance{name: name, store: st, svc: directory.NewService(st, directory.Options{Clock: clock})}
}

// twoInstances starts instances "one" and "two" on db.
func twoInstances(t *testing.T, db *database, clock directory.Clock) (*instance, *instance) {
	t.Helper()
	return startInstance(t, db, "one", clock), startInstance(t, db, "two", clock)
}

// system is the context of orgdir acting on its own (CLI, purge job).
func system() context.Context {
	return directory.WithActor(context.Background(), directory.SystemActor("multiinstance test"))
}

// as is the context of a user acting in their tenant.
func as(u *directory.User) context.Context {
	return directory.WithActor(context.Background(), directory.UserActor(u.TenantID, u.ID))
}

// start is when every test's clock starts.
var start = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

func mustTenant(t *testing.T, in *instance, name string) *directory.Tenant {
	t.Helper()
	tn, err := in.svc.CreateTenant(system(), name, fmt.Sprintf("%s-%s.example", name, directory.NewID()[:8]))
	if err != nil {
		t.Fatalf("create tenant %s: %v", name, err)
	}
	return tn
}

// successes counts, per target object, the successful audit events of
// activity in the tenant, read straight from the tables.
func (db *database) successes(t *testing.T, tenantID, activity string) map[string]int {
	t.Helper()
	rows, err := db.check.Query(`SELECT tg.object_id, count(*) FROM audit_events e
		JOIN audit_targets tg ON tg.event_id = e.id
		WHERE e.tenant_id = $1 AND e.activity = $2 AND e.result = 'success'
		GROUP BY tg.object_id`, tenantID, activity)
	if err != nil {
		t.Fatalf("count %q events: %v", activity, err)
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var id string
		var n int
		if err := rows.Scan(&id, &n); err != nil {
			t.Fatal(err)
		}
		out[id] = n
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// count runs a count(*) query.
func (db *database) count(t *testing.T, query string, args ...any) int {
	t.Helper()
	var n int
	if err := db.check.QueryRow(query, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}

// deletedUsers inserts n soft-deleted users into the tenant in one
// transaction, each due for purging at purgeAt(i), and returns their ids.
// It writes the rows directly: the tests are about purging them, and a
// thousand deletions through the Service would only slow them down.
func deletedUsers(t *testing.T, in *instance, tenantID string, n int, purgeAt func(i int) time.Time) []string {
	t.Helper()
	ctx := context.Background()
	ids := make([]string, 0, n)
	err := in.store.Write(ctx, func(tx directory.Tx) error {
		for i := range n {
			purge := purgeAt(i).UTC()
			del := purge.Add(-30 * 24 * time.Hour)
			id := directory.NewID()
			u := &directory.User{ID: id, TenantID: tenantID, UserPrincipalName: "u" + id[:13] + "@example.test",
				Mail: "u" + id[:13] + "@example.test", DisplayName: fmt.Sprintf("Deleted %d", i), UserType: directory.Member,
				AccountEnabled: true, CreatedAt: del.Add(-time.Hour), DeletedAt: &del, PurgeAt: &purge}
			if err := tx.CreateUser(ctx, u); err != nil {
				return err
			}
			ids = append(ids, id)
		}
		return nil
	})
	if err != nil {
		t.Fatalf("insert %d deleted users: %v", n, err)
	}
	return ids
}
