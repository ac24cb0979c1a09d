package postgres

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"net/url"
	"os"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/orgdir/orgdir/internal/directory"
	"github.com/orgdir/orgdir/internal/store/sqlstore"
)

// TestHotQueriesUseIndexesAt100000Users loads 100,000 users (90,000 in one
// tenant) with their memberships, app role assignments and 200,000 audit
// events into a schema migrated by the real migrations, ANALYZEs it, then
// runs the store's own listings, catches the SQL they send (Config.Trace)
// and asks PostgreSQL for each plan. No plan may read a big table
// sequentially, and a keyset page may not sort the tenant's rows: both
// grow with the directory, and an index makes them grow with the page.
//
// The plans are in docs/operations.md; this prints them:
//
//	ORGDIR_TEST_POSTGRES=postgres://postgres@127.0.0.1:5432/test?sslmode=disable \
//	  go test -run TestHotQueriesUseIndexesAt100000Users -v ./internal/store/postgres/
func TestHotQueriesUseIndexesAt100000Users(t *testing.T) {
	ctx := context.Background()
	db := explainDB(t)
	if err := migrate(ctx, db); err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	big, small := directory.NewID(), directory.NewID()
	loadStart := time.Now()
	for _, q := range bulkLoad {
		if _, err := db.ExecContext(ctx, q, big, small, now); err != nil {
			t.Fatalf("load: %v\n%s", err, q)
		}
	}
	if _, err := db.ExecContext(ctx, `ANALYZE`); err != nil {
		t.Fatal(err)
	}
	t.Logf("loaded and analyzed in %v", time.Since(loadStart).Round(time.Millisecond))

	var mu sync.Mutex
	type stmt struct {
		sql  string
		args []any
	}
	var seen []stmt
	s := sqlstore.New(sqlstore.Config{
		Dialect: Dialect(), ReadDB: db, WriteDB: db,
		ReadTx: &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true},
		Trace: func(q string, args []any) {
			mu.Lock()
			defer mu.Unlock()
			seen = append(seen, stmt{q, args})
		},
	})

	// A user in the middle of the big tenant, live and deleted, and a group.
	var live, gone directory.User
	var deletedAt time.Time
	var groupID string
	if err := db.QueryRowContext(ctx, `SELECT id, display_name FROM users WHERE tenant_id = $1 AND deleted_at IS NULL
		ORDER BY id OFFSET 40000 LIMIT 1`, big).Scan(&live.ID, &live.DisplayName); err != nil {
		t.Fatal(err)
	}
	if err := db.QueryRowContext(ctx, `SELECT id, deleted_at FROM users WHERE tenant_id = $1 AND deleted_at IS NOT NULL
		ORDER BY id OFFSET 2000 LIMIT 1`, big).Scan(&gone.ID, &deletedAt); err != nil {
		t.Fatal(err)
	}
	gone.DeletedAt = &deletedAt
	if err := db.QueryRowContext(ctx, `SELECT group_id FROM group_members WHERE tenant_id = $1 AND user_id = $2 LIMIT 1`,
		big, live.ID).Scan(&groupID); err != nil {
		t.Fatal(err)
	}

	type op struct {
		name  string
		write bool // run in a Write (row locks) rather than a Read
		run   func(tx directory.Tx) error
		paged bool // a keyset page: must not sort the tenant's rows
	}
	ops := []op{
		{name: "users page by id", paged: true, run: func(tx directory.Tx) error {
			_, err := tx.ListUsers(ctx, big, directory.UserQuery{OrderBy: directory.OrderByID, After: &live, Limit: 100})
			return err
		}},
		{name: "users page by displayName", paged: true, run: func(tx directory.Tx) error {
			_, err := tx.ListUsers(ctx, big, directory.UserQuery{OrderBy: directory.OrderByDisplayName, After: &live, Limit: 100})
			return err
		}},
		{name: "deleted users page by deletedDateTime", paged: true, run: func(tx directory.Tx) error {
			_, err := tx.ListUsers(ctx, big, directory.UserQuery{Deleted: true, OrderBy: directory.OrderByDeletedDateTime, After: &gone, Limit: 100})
			return err
		}},
		{name: "deleted users page by id", paged: true, run: func(tx directory.Tx) error {
			_, err := tx.ListUsers(ctx, big, directory.UserQuery{Deleted: true, OrderBy: directory.OrderByID, After: &gone, Limit: 100})
			return err
		}},
		{name: "purge scan (in a Write: FOR UPDATE SKIP LOCKED)", write: true, run: func(tx directory.Tx) error {
			_, err := tx.ListPurgeable(ctx, now, 1)
			return err
		}},
		{name: "user by id (in a Write: FOR UPDATE)", write: true, run: func(tx directory.Tx) error {
			_, err := tx.GetUser(ctx, big, live.ID)
			return err
		}},
		{name: "user by userPrincipalName", run: func(tx directory.Tx) error {
			_, err := tx.GetUserByUPN(ctx, big, "nobody@big.example")
			return explainIgnoreNotFound(err)
		}},
		{name: "memberOf of a user", run: func(tx directory.Tx) error {
			_, err := tx.ListMemberOf(ctx, big, live.ID)
			return err
		}},
		{name: "members of a group", paged: true, run: func(tx directory.Tx) error {
			_, err := tx.ListGroupMembers(ctx, big, groupID, directory.Page{AfterID: live.ID, Limit: 100})
			return err
		}},
		{name: "app role assignments of a user", run: func(tx directory.Tx) error {
			_, err := tx.ListAppRoleAssignments(ctx, big, live.ID)
			return err
		}},
		{name: "audit log page by time", paged: true, run: func(tx directory.Tx) error {
			_, err := tx.ListAudit(ctx, big, directory.AuditQuery{After: &directory.AuditEvent{ID: "m", Time: now.Add(-24 * time.Hour)}, Limit: 100})
			return err
		}},
		{name: "audit log of one user", run: func(tx directory.Tx) error {
			_, err := tx.ListAudit(ctx, big, directory.AuditQuery{TargetID: live.ID, Limit: 100})
			return err
		}},
		{name: "guest accounts of a home user (in a Write: FOR UPDATE)", write: true, run: func(tx directory.Tx) error {
			_, err := tx.ListUsersByHome(ctx, live.ID, "")
			return err
		}},
	}

	seqScan := regexp.MustCompile(`Seq Scan on (users|group_members|groups|app_role_assignments|audit_events|audit_targets)\b`)
	// A Sort of the rows under a page's Limit reads them all first; an
	// Incremental Sort only orders within one index prefix.
	fullSort := regexp.MustCompile(`^\s*(->\s*)?Sort\b`)
	errRollback := errors.New("rollback")
	for _, o := range ops {
		mu.Lock()
		seen = nil
		mu.Unlock()
		var err error
		if o.write {
			err = s.Write(ctx, func(tx directory.Tx) error {
				if err := o.run(tx); err != nil {
					return err
				}
				return errRollback
			})
			if errors.Is(err, errRollback) {
				err = nil
			}
		} else {
			err = s.Read(ctx, o.run)
		}
		if err != nil {
			t.Fatalf("%s: %v", o.name, err)
		}
		mu.Lock()
		stmts := seen
		mu.Unlock()
		for _, st := range stmts {
			if !strings.HasPrefix(strings.TrimSpace(st.sql), "SELECT") {
				continue // savepoints
			}
			plan := explain(t, db, st.sql, st.args)
			for _, line := range plan {
				if seqScan.MatchString(line) {
					t.Errorf("%s: reads a whole table: %s\n  query: %s\n%s", o.name, strings.TrimSpace(line), explainOneLine(st.sql), strings.Join(plan, "\n"))
				}
				if o.paged && fullSort.MatchString(line) {
					t.Errorf("%s: sorts before the page's limit: %s\n  query: %s\n%s", o.name, strings.TrimSpace(line), explainOneLine(st.sql), strings.Join(plan, "\n"))
				}
			}
			t.Logf("-- %s\n%s\n%s", o.name, explainOneLine(st.sql), strings.Join(plan, "\n"))
		}
	}
}

// bulkLoad fills the schema with generate_series: $1 is the big tenant
// (90% of the users), $2 the small one, $3 now. Ids are md5-derived UUIDs,
// one in 20 users is deleted (half of them past their retention), each
// user of the big tenant is in two of 1,000 groups and holds one app role.
var bulkLoad = []string{
	`INSERT INTO tenants (id, display_name, initial_domain, created_at, allow_leave, retention_days)
	 VALUES ($1, 'Big', 'big.example', $3, true, 30), ($2, 'Small', 'small.example', $3, true, 30)`,
	`INSERT INTO users (id, tenant_id, upn, mail, display_name, user_type, account_enabled, created_at, deleted_at, purge_at)
	 SELECT md5('u' || i)::uuid::text, CASE WHEN i % 10 = 0 THEN $2 ELSE $1 END,
	        'user' || i || '@big.example', 'user' || i || '@mail.example', 'User ' || md5('n' || i),
	        CASE WHEN i % 5 = 0 THEN 'Guest' ELSE 'Member' END, true, $3::timestamptz - interval '400 days',
	        CASE WHEN i % 20 = 0 THEN $3::timestamptz - (i % 60) * interval '1 day' END,
	        CASE WHEN i % 20 = 0 THEN $3::timestamptz - (i % 60) * interval '1 day' + interval '30 days' END
	 FROM generate_series(1, 100000) AS i`,
	`INSERT INTO groups (id, tenant_id, display_name, created_at)
	 SELECT md5('g' || i)::uuid::text, $1, 'Group ' || i, $3 FROM generate_series(0, 999) AS i`,
	`INSERT INTO group_members (tenant_id, group_id, user_id)
	 SELECT $1, md5('g' || g)::uuid::text, md5('u' || i)::uuid::text
	 FROM generate_series(1, 100000) AS i, LATERAL (VALUES (i % 1000), ((i % 1000 + 1 + i % 7) % 1000)) AS m(g)
	 WHERE i % 10 <> 0 AND $2::text <> '' AND $3::timestamptz IS NOT NULL`,
	`INSERT INTO applications (id, tenant_id, display_name, app_roles, created_at)
	 SELECT md5('a' || i)::uuid::text, $1, 'App ' || i, '[]', $3 FROM generate_series(0, 9) AS i`,
	`INSERT INTO app_role_assignments (id, tenant_id, principal_id, resource_id, app_role_id, created_at)
	 SELECT md5('r' || i)::uuid::text, $1, md5('u' || i)::uuid::text, md5('a' || (i % 10))::uuid::text, 'role', $3
	 FROM generate_series(1, 100000) AS i WHERE i % 10 <> 0 AND $2::text <> ''`,
	`INSERT INTO audit_events (id, tenant_id, time, activity, category, result)
	 SELECT md5('e' || i)::uuid::text, CASE WHEN i % 10 = 0 THEN $2 ELSE $1 END,
	        $3::timestamptz - i * interval '1 minute', 'Add user', 'UserManagement', 'success'
	 FROM generate_series(1, 200000) AS i`,
	`INSERT INTO audit_targets (event_id, position, tenant_id, object_id, type)
	 SELECT md5('e' || i)::uuid::text, 0, CASE WHEN i % 10 = 0 THEN $2 ELSE $1 END, md5('u' || (i % 100000 + 1))::uuid::text, 'User'
	 FROM generate_series(1, 200000) AS i WHERE $3::timestamptz IS NOT NULL`,
}

// explain returns PostgreSQL's plan of query with its arguments.
func explain(t *testing.T, db *sql.DB, query string, args []any) []string {
	t.Helper()
	rows, err := db.Query("EXPLAIN "+query, args...)
	if err != nil {
		t.Fatalf("explain: %v\n%s", err, query)
	}
	defer rows.Close()
	var plan []string
	for rows.Next() {
		var line string
		if err := rows.Scan(&line); err != nil {
			t.Fatal(err)
		}
		plan = append(plan, line)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return plan
}

// explainDB opens a pool on a schema of the test's own, dropped at the end.
func explainDB(t *testing.T) *sql.DB {
	t.Helper()
	dsn := os.Getenv("ORGDIR_TEST_POSTGRES")
	if dsn == "" {
		msg := "set ORGDIR_TEST_POSTGRES (e.g. postgres://postgres@127.0.0.1:5432/test?sslmode=disable) to explain the PostgreSQL queries"
		if os.Getenv("ORGDIR_REQUIRE_SERVICES") == "1" {
			t.Fatal("ORGDIR_REQUIRE_SERVICES=1: " + msg)
		}
		t.Skip(msg)
	}
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	schema := "orgdir_explain_" + hex.EncodeToString(b)
	admin, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { admin.Close() })
	if _, err := admin.Exec("CREATE SCHEMA " + schema); err != nil {
		t.Fatalf("create schema: %v", err)
	}
	t.Cleanup(func() {
		if _, err := admin.Exec("DROP SCHEMA " + schema + " CASCADE"); err != nil {
			t.Errorf("drop schema: %v", err)
		}
	})
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	cfg, err := pgx.ParseConfig(u.String())
	if err != nil {
		t.Fatal(err)
	}
	db := stdlib.OpenDB(*cfg)
	t.Cleanup(func() { db.Close() })
	return db
}

func explainIgnoreNotFound(err error) error {
	if directory.IsKind(err, directory.KindNotFound) {
		return nil
	}
	return err
}

func explainOneLine(s string) string { return strings.Join(strings.Fields(s), " ") }
