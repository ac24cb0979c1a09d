package webhook_test

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib"

	"github.com/orgdir/orgdir/internal/directory"
	"github.com/orgdir/orgdir/internal/store/postgres"
	"github.com/orgdir/orgdir/internal/store/sqlite"
)

// TestTwoInstancesOnPostgreSQLDeliverEachNotificationOnce: two stores on
// one schema, as two servers are, each with its service and dispatcher.
func TestTwoInstancesOnPostgreSQLDeliverEachNotificationOnce(t *testing.T) {
	dsn := os.Getenv("ORGDIR_TEST_POSTGRES")
	if dsn == "" {
		t.Skip("ORGDIR_TEST_POSTGRES is not set")
	}
	dsn = freshSchema(t, dsn)
	open := func() directory.Store {
		st := must(postgres.Open(context.Background(), dsn))(t)
		t.Cleanup(func() { _ = st.Close() })
		return st
	}
	w := newWorldOn(t, open())
	other := directory.NewService(open(), directory.Options{Clock: w.clock.Now, Webhooks: w.validate})
	twoDispatchersOnce(t, w, other)
}

// A dispatcher that claimed a batch and died before it sent: once the
// lease ends, the batch goes out (after a restart too: the change log and
// the cursor are in the database, committed with the change).
func TestABatchClaimedByADeadDispatcherIsDeliveredAfterItsLeaseAndARestart(t *testing.T) {
	path := filepath.Join(t.TempDir(), "orgdir.db")
	st := must(sqlite.Open(context.Background(), path))(t)
	w := newWorldOn(t, st)
	r := newReceiver(t)
	w.subscribe(r, "users", "deleted", "")
	if err := w.svc.Leave(w.as(w.ada), w.contoso.ID); err != nil {
		t.Fatal(err)
	}
	claimed := must(w.svc.ClaimDeliveries(w.sys, 10, time.Minute))(t)
	if len(claimed) != 1 {
		t.Fatalf("claimed %d", len(claimed))
	}
	_ = st.Close() // the instance dies holding the lease

	st2 := must(sqlite.Open(context.Background(), path))(t)
	t.Cleanup(func() { _ = st2.Close() })
	w.svc = directory.NewService(st2, directory.Options{Clock: w.clock.Now, Webhooks: w.validate})
	d := w.dispatcher()
	if w.deliver(d); len(r.notifications()) != 0 {
		t.Fatal("delivered while the dead dispatcher's lease held")
	}
	w.clock.Advance(time.Minute)
	w.deliver(d)
	if n := r.notifications(); len(n) != 1 || str(n[0], "resourceData", "id") != w.guest.ID {
		t.Fatalf("after the lease: %v", n)
	}
}

func freshSchema(t *testing.T, dsn string) string {
	t.Helper()
	admin := must(sql.Open("pgx", dsn))(t)
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	schema := "orgdir_webhook_" + hex.EncodeToString(b)
	if _, err := admin.Exec("CREATE SCHEMA " + schema); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_, _ = admin.Exec("DROP SCHEMA " + schema + " CASCADE")
		_ = admin.Close()
	})
	u := must(url.Parse(dsn))(t)
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}
