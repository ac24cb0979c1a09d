package sqlite

import (
	"context"
	"database/sql"
	"io/fs"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/pressly/goose/v3"

	"github.com/orgdir/orgdir/internal/directory"
)

// atVersion2 makes a database with the schema as it was before migration
// 00003 and runs the statements in it.
func atVersion2(t *testing.T, stmts ...string) string {
	t.Helper()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "orgdir.db")
	db, err := sql.Open("sqlite", dsn(path, SyncFull, nil))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	fsys, err := fs.Sub(migrations, "migrations")
	if err != nil {
		t.Fatal(err)
	}
	p, err := goose.NewProvider(goose.DialectSQLite3, db, fsys)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.UpTo(ctx, 2); err != nil {
		t.Fatal(err)
	}
	for _, s := range append([]string{
		`INSERT INTO tenants VALUES ('t1', 'Contoso', 'contoso.example', 0, 1, '', '', 30)`,
		`INSERT INTO tenants VALUES ('t2', 'Fabrikam', 'fabrikam.example', 0, 1, '', '', 30)`,
		`INSERT INTO users (id, tenant_id, upn, display_name, user_type, account_enabled, created_at)
		 VALUES ('bob', 't2', 'bob@fabrikam.example', 'Bob', 'Member', 1, 0)`,
	}, stmts...) {
		if _, err := db.ExecContext(ctx, s); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
	return path
}

// guest and invitation are rows as an older version wrote them (times in
// unix microseconds).
func guest(id, homeUserID string) string {
	return `INSERT INTO users (id, tenant_id, upn, display_name, user_type, account_enabled, created_at, creation_type, home_user_id)
		VALUES ('` + id + `', 't1', '` + id + `#EXT#@contoso.example', '` + id + `', 'Guest', 1, 0, 'Invitation', '` + homeUserID + `')`
}

func invitation(id, userID, status string, created, expires int64) string {
	return `INSERT INTO invitations (id, tenant_id, user_id, invited_email, send_message, invited_user_type, token_hash, status, created_at, expires_at)
		VALUES ('` + id + `', 't1', '` + userID + `', 'g@mail.example', 0, 'Guest', CAST('` + id + `' AS BLOB), '` + status + `', ` +
		strconv.FormatInt(created, 10) + `, ` + strconv.FormatInt(expires, 10) + `)`
}

// TestMigration3MarksOlderResendsSuperseded: before 00003 a resend cut the
// older links' expiry to the moment the newer invitation was made; the
// migration marks exactly those superseded, at that moment, and leaves a
// link that simply expired, a used one and the newest one alone.
func TestMigration3MarksOlderResendsSuperseded(t *testing.T) {
	const hour, ttl = int64(3600e6), int64(30 * 24 * 3600e6)
	path := atVersion2(t,
		guest("grace", ""),
		invitation("a1", "grace", "PendingAcceptance", 0, hour), // resent at 1h
		invitation("a2", "grace", "PendingAcceptance", hour, hour+ttl),
		guest("carol", ""),
		invitation("b1", "carol", "PendingAcceptance", 0, ttl), // expired, invited again later
		invitation("b2", "carol", "PendingAcceptance", ttl+hour, 2*ttl+hour),
		guest("dave", "bob"),
		invitation("c1", "dave", "Completed", 0, ttl),
	)
	st, err := Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	want := map[string]*time.Time{"a1": ptr(time.UnixMicro(hour).UTC())}
	err = st.Read(context.Background(), func(tx directory.Tx) error {
		for _, id := range []string{"a1", "a2", "b1", "b2", "c1"} {
			inv, err := tx.GetInvitation(context.Background(), "t1", id)
			if err != nil {
				return err
			}
			got, w := inv.SupersededAt, want[id]
			if (got == nil) != (w == nil) || got != nil && !got.Equal(*w) {
				t.Errorf("invitation %s: SupersededAt = %v, want %v", id, got, w)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestMigration3RefusesTwoLiveUsersOfOnePersonInATenant: a database where
// a race of an older version bound one person to two live users of one
// tenant does not open (docs/operations.md says how to find and fix them);
// one of them deleted, it does.
func TestMigration3RefusesTwoLiveUsersOfOnePersonInATenant(t *testing.T) {
	path := atVersion2(t, guest("g1", "bob"), guest("g2", "bob"))
	if st, err := Open(context.Background(), path); err == nil {
		st.Close()
		t.Fatal("the migration accepted two live users bound to Bob in Contoso")
	}
	path = atVersion2(t, guest("g1", "bob"), guest("g2", "bob"), `UPDATE users SET deleted_at = 1, purge_at = 2 WHERE id = 'g2'`)
	st, err := Open(context.Background(), path)
	if err != nil {
		t.Fatalf("with one of them deleted: %v", err)
	}
	st.Close()
}

func ptr[T any](v T) *T { return &v }
