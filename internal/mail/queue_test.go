package mail

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/orgdir/orgdir/internal/directory"
	"github.com/orgdir/orgdir/internal/store/postgres"
	"github.com/orgdir/orgdir/internal/store/sqlite"
)

// database is one test's queue database: spec opens another instance of
// it, in this process (openSpec) or in a child process.
type database struct {
	name string
	spec string // "sqlite:PATH" or "postgres:DSN"
}

// onEachDatabase runs fn on a fresh SQLite file and, when
// ORGDIR_TEST_POSTGRES is set, on a fresh PostgreSQL schema.
func onEachDatabase(t *testing.T, fn func(t *testing.T, db database)) {
	t.Run("sqlite", func(t *testing.T) {
		fn(t, database{name: "sqlite", spec: "sqlite:" + filepath.Join(t.TempDir(), "orgdir.db")})
	})
	t.Run("postgres", func(t *testing.T) {
		dsn := os.Getenv("ORGDIR_TEST_POSTGRES")
		if dsn == "" {
			t.Skip("ORGDIR_TEST_POSTGRES is not set: skipping the queue on PostgreSQL")
		}
		fn(t, database{name: "postgres", spec: "postgres:" + freshSchema(t, dsn)})
	})
}

// freshSchema creates a schema for the test, dropped when it ends, and
// returns the DSN that reaches it.
func freshSchema(t testing.TB, dsn string) string {
	t.Helper()
	admin, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	schema := "orgdir_mail_" + hex.EncodeToString(b)
	if _, err := admin.Exec("CREATE SCHEMA " + schema); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_, _ = admin.Exec("DROP SCHEMA " + schema + " CASCADE")
		_ = admin.Close()
	})
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// openSpec opens (and migrates) the store of spec.
func openSpec(ctx context.Context, spec string) (directory.Store, error) {
	switch {
	case strings.HasPrefix(spec, "sqlite:"):
		return sqlite.Open(ctx, strings.TrimPrefix(spec, "sqlite:"))
	case strings.HasPrefix(spec, "postgres:"):
		return postgres.Open(ctx, strings.TrimPrefix(spec, "postgres:"))
	}
	return nil, fmt.Errorf("unknown database %q", spec)
}

// instance is one orgdir instance on the test's database: its own store
// (its own connections) and its own Service.
type instance struct {
	store directory.Store
	svc   *directory.Service
}

func (db database) open(t testing.TB, clock directory.Clock) *instance {
	t.Helper()
	st, err := openSpec(context.Background(), db.spec)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.(interface{ Close() error }).Close() })
	return &instance{store: st, svc: directory.NewService(st, directory.Options{Clock: clock})}
}

// enqueue writes messages of no tenant to each address, a millisecond
// apart and the last a millisecond before start, so that all are due at
// start, the first the oldest.
func (in *instance) enqueue(t testing.TB, start time.Time, to ...string) []*directory.OutboxMessage {
	t.Helper()
	var out []*directory.OutboxMessage
	err := in.store.Write(context.Background(), func(tx directory.Tx) error {
		for i, addr := range to {
			at := start.Add(time.Duration(i-len(to)) * time.Millisecond)
			m := &directory.OutboxMessage{ID: directory.NewID(), To: addr, Subject: "Your sign-in code", Body: "Code for " + addr,
				CreatedAt: at, State: directory.MailPending, NextAttemptAt: at}
			if err := tx.EnqueueMail(context.Background(), m); err != nil {
				return err
			}
			out = append(out, m)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// message reads m back from the outbox.
func (in *instance) message(t *testing.T, m *directory.OutboxMessage) *directory.OutboxMessage {
	t.Helper()
	var got []*directory.OutboxMessage
	err := in.store.Read(context.Background(), func(tx directory.Tx) error {
		var err error
		got, err = tx.ListMailTo(context.Background(), m.TenantID, m.To)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, x := range got {
		if x.ID == m.ID {
			return x
		}
	}
	t.Fatalf("message %s to %s is gone", m.ID, m.To)
	return nil
}

// receivedBy counts the server's messages per recipient.
func receivedBy(s *smtpServer) map[string]int {
	n := map[string]int{}
	for _, r := range s.messages() {
		for _, to := range r.to {
			n[to]++
		}
	}
	return n
}

// results counts a Deliverer's recorded outcomes. A Deliverer records from
// the goroutine that runs it, so each needs its own.
type results map[string]int

func (r results) record(result string) { r[result]++ }
