package postgres_test

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"net/url"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib"

	"github.com/orgdir/orgdir/internal/directory"
	"github.com/orgdir/orgdir/internal/store/postgres"
	"github.com/orgdir/orgdir/internal/store/storetest"
)

// envDSN names the server the tests use, e.g.
// postgres://postgres@127.0.0.1:5432/test?sslmode=disable
const envDSN = "ORGDIR_TEST_POSTGRES"

func TestConformance(t *testing.T) {
	serverDSN(t)
	storetest.Run(t, func(t *testing.T) directory.Store { return open(t, freshSchema(t)) })
}

func TestPingAnswers(t *testing.T) {
	if err := open(t, freshSchema(t)).Ping(context.Background()); err != nil {
		t.Fatal(err)
	}
}

func TestOpenRefusesABadDSN(t *testing.T) {
	if _, err := postgres.Open(context.Background(), "postgres://%zz"); err == nil {
		t.Fatal("Open accepted a malformed DSN")
	}
}

// TestTwoInstancesTakeDisjointPurgeBatches opens two stores on one schema,
// as two orgdir instances would, and has both scan for purgeable users
// while the first still holds its batch: the second skips the locked rows.
func TestTwoInstancesTakeDisjointPurgeBatches(t *testing.T) {
	dsn := freshSchema(t)
	one, two := open(t, dsn), open(t, dsn)
	ctx := context.Background()
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	tn := &directory.Tenant{ID: directory.NewID(), DisplayName: "Contoso", InitialDomain: "contoso.example", CreatedAt: now, Settings: directory.DefaultTenantSettings()}
	var ids []string
	if err := one.Write(ctx, func(tx directory.Tx) error {
		if err := tx.CreateTenant(ctx, tn); err != nil {
			return err
		}
		for i := range 4 {
			del, purge := now.Add(-31*24*time.Hour), now.Add(time.Duration(i-10)*time.Minute)
			u := &directory.User{ID: directory.NewID(), TenantID: tn.ID, UserPrincipalName: directory.NewID() + "@contoso.example",
				DisplayName: "Gone", UserType: directory.Guest, CreatedAt: now, DeletedAt: &del, PurgeAt: &purge}
			ids = append(ids, u.ID)
			if err := tx.CreateUser(ctx, u); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}

	firstHolds, secondDone := make(chan []*directory.User, 1), make(chan struct{})
	go func() {
		_ = one.Write(ctx, func(tx directory.Tx) error {
			batch, err := tx.ClaimPurgeable(ctx, now, 2)
			firstHolds <- batch
			if err != nil {
				return err
			}
			<-secondDone // keep the locks until the other instance has looked
			return nil
		})
	}()
	first := <-firstHolds
	var second []*directory.User
	err := two.Write(ctx, func(tx directory.Tx) error {
		var err error
		second, err = tx.ClaimPurgeable(ctx, now, 10)
		return err
	})
	close(secondDone)
	if err != nil {
		t.Fatal(err)
	}
	if len(first) != 2 || first[0].ID != ids[0] || first[1].ID != ids[1] {
		t.Fatalf("first instance took %v, want the two earliest", first)
	}
	if len(second) != 2 || second[0].ID != ids[2] || second[1].ID != ids[3] {
		t.Fatalf("second instance took %v, want the two the first did not lock", second)
	}
}

// TestTwoInstancesCannotBothCreateOneUPN shows the uniqueness of a live
// UPN holds across instances: it is a constraint, not a check.
func TestTwoInstancesCannotBothCreateOneUPN(t *testing.T) {
	dsn := freshSchema(t)
	one, two := open(t, dsn), open(t, dsn)
	ctx := context.Background()
	tn := &directory.Tenant{ID: directory.NewID(), DisplayName: "Contoso", InitialDomain: "contoso.example", Settings: directory.DefaultTenantSettings()}
	if err := one.Write(ctx, func(tx directory.Tx) error { return tx.CreateTenant(ctx, tn) }); err != nil {
		t.Fatal(err)
	}
	mk := func() *directory.User {
		return &directory.User{ID: directory.NewID(), TenantID: tn.ID, UserPrincipalName: "same@contoso.example", DisplayName: "X", UserType: directory.Member}
	}
	// Both transactions are open at once, each sees no such user yet.
	inside, release := make(chan struct{}), make(chan struct{})
	errOne := make(chan error, 1)
	go func() {
		errOne <- one.Write(ctx, func(tx directory.Tx) error {
			if err := tx.CreateUser(ctx, mk()); err != nil {
				return err
			}
			close(inside)
			<-release
			return nil
		})
	}()
	<-inside
	errTwo := make(chan error, 1)
	go func() {
		errTwo <- two.Write(ctx, func(tx directory.Tx) error { return tx.CreateUser(ctx, mk()) })
	}()
	time.Sleep(100 * time.Millisecond) // let the second insert wait on the first's index entry
	close(release)
	if err := <-errOne; err != nil {
		t.Fatalf("first create: %v", err)
	}
	if err := <-errTwo; directory.KindOf(err) != directory.KindConflict {
		t.Fatalf("second create: got %v, want a conflict", err)
	}
}

// serverDSN returns the test server's DSN or skips the test.
func serverDSN(t *testing.T) string {
	t.Helper()
	dsn := os.Getenv(envDSN)
	if dsn == "" {
		msg := "set " + envDSN + " (e.g. postgres://postgres@127.0.0.1:5432/test?sslmode=disable) to run the PostgreSQL tests"
		if os.Getenv("ORGDIR_REQUIRE_SERVICES") == "1" {
			t.Fatal("ORGDIR_REQUIRE_SERVICES=1: " + msg)
		}
		t.Skip(msg)
	}
	return dsn
}

// freshSchema creates a schema of its own for the test, dropped at
// cleanup, so tests can run in parallel and leave nothing behind, and
// returns a DSN whose search_path is that schema.
func freshSchema(t *testing.T) string {
	t.Helper()
	dsn := serverDSN(t)
	ctx := context.Background()
	admin, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { admin.Close() })
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	schema := "orgdir_test_" + hex.EncodeToString(b)
	if _, err := admin.ExecContext(ctx, "CREATE SCHEMA "+schema); err != nil {
		t.Fatalf("create schema: %v", err)
	}
	t.Cleanup(func() {
		if _, err := admin.ExecContext(context.Background(), "DROP SCHEMA "+schema+" CASCADE"); err != nil {
			t.Errorf("drop schema: %v", err)
		}
	})
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatalf("%s must be a postgres:// URL: %v", envDSN, err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// open opens a store on dsn, closed at cleanup (before the schema is
// dropped: cleanups run last-registered first).
func open(t *testing.T, dsn string) *postgres.Store {
	t.Helper()
	s, err := postgres.Open(context.Background(), dsn)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return s
}

// TestADeadlockedWriteRunsAgain locks two users in opposite orders from two
// Writes. PostgreSQL breaks the deadlock by aborting one; the store runs
// that Write again, and both succeed.
func TestADeadlockedWriteRunsAgain(t *testing.T) {
	s := open(t, freshSchema(t))
	ctx := context.Background()
	tn := &directory.Tenant{ID: directory.NewID(), DisplayName: "Contoso", InitialDomain: "contoso.example", Settings: directory.DefaultTenantSettings()}
	u1 := &directory.User{ID: directory.NewID(), TenantID: tn.ID, UserPrincipalName: "one@contoso.example", DisplayName: "One", UserType: directory.Member}
	u2 := &directory.User{ID: directory.NewID(), TenantID: tn.ID, UserPrincipalName: "two@contoso.example", DisplayName: "Two", UserType: directory.Member}
	if err := s.Write(ctx, func(tx directory.Tx) error {
		return errors.Join(tx.CreateTenant(ctx, tn), tx.CreateUser(ctx, u1), tx.CreateUser(ctx, u2))
	}); err != nil {
		t.Fatal(err)
	}
	var attempts atomic.Int32
	locked := [2]chan struct{}{make(chan struct{}), make(chan struct{})}
	var once [2]sync.Once
	lockBoth := func(me int, first, second string) error {
		return s.Write(ctx, func(tx directory.Tx) error {
			attempts.Add(1)
			if _, err := tx.GetUser(ctx, tn.ID, first); err != nil {
				return err
			}
			once[me].Do(func() { close(locked[me]) })
			<-locked[1-me] // the first time, both hold one lock before taking the other
			u, err := tx.GetUser(ctx, tn.ID, second)
			if err != nil {
				return err
			}
			u.DisplayName += "!"
			return tx.UpdateUser(ctx, u)
		})
	}
	errs := make(chan error, 2)
	go func() { errs <- lockBoth(0, u1.ID, u2.ID) }()
	go func() { errs <- lockBoth(1, u2.ID, u1.ID) }()
	for range 2 {
		if err := <-errs; err != nil {
			t.Fatalf("a Write failed: %v", err)
		}
	}
	if n := attempts.Load(); n < 3 {
		t.Fatalf("%d attempts: no Write was aborted and run again", n)
	}
	if err := s.Read(ctx, func(tx directory.Tx) error {
		for _, id := range []string{u1.ID, u2.ID} {
			u, err := tx.GetUser(ctx, tn.ID, id)
			if err != nil {
				return err
			}
			if !strings.HasSuffix(u.DisplayName, "!") || strings.HasSuffix(u.DisplayName, "!!") {
				t.Errorf("%s = %q, want exactly one update", id, u.DisplayName)
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
}
