package postgres

import (
	"context"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/orgdir/orgdir/internal/directory"
)

// TestWritesPaySavepointsOnlyWhenTheyGoOnAfterAFailure: a Write sends no
// SAVEPOINT while its statements succeed or when it gives up at its first
// failure; one that goes on after a failed statement (or swallows it) runs
// again from the start with savepoints, and what it did is committed once.
func TestWritesPaySavepointsOnlyWhenTheyGoOnAfterAFailure(t *testing.T) {
	dsn := os.Getenv("ORGDIR_TEST_POSTGRES")
	if dsn == "" {
		t.Skip("set ORGDIR_TEST_POSTGRES (e.g. postgres://postgres@127.0.0.1:5432/test?sslmode=disable) to run the PostgreSQL tests")
	}
	ctx := context.Background()
	var mu sync.Mutex
	savepoints := 0
	s, err := open(ctx, schemaDSN(t, dsn), func(q string, _ []any) {
		if strings.HasPrefix(q, "SAVEPOINT") {
			mu.Lock()
			savepoints++
			mu.Unlock()
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	countSavepoints := func() int {
		mu.Lock()
		defer mu.Unlock()
		n := savepoints
		savepoints = 0
		return n
	}
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	tn := &directory.Tenant{ID: directory.NewID(), DisplayName: "Contoso", InitialDomain: "contoso.example", CreatedAt: now, Settings: directory.DefaultTenantSettings()}
	user := func(upn string) *directory.User {
		return &directory.User{ID: directory.NewID(), TenantID: tn.ID, UserPrincipalName: upn, DisplayName: upn, UserType: directory.Member, AccountEnabled: true, CreatedAt: now}
	}
	taken := user("taken@contoso.example")
	if err := s.Write(ctx, func(tx directory.Tx) error {
		if err := tx.CreateTenant(ctx, tn); err != nil {
			return err
		}
		return tx.CreateUser(ctx, taken)
	}); err != nil {
		t.Fatal(err)
	}
	if n := countSavepoints(); n != 0 {
		t.Fatalf("a Write whose statements all succeed sent %d savepoints", n)
	}

	runs := 0
	err = s.Write(ctx, func(tx directory.Tx) error {
		runs++
		return tx.CreateUser(ctx, user(taken.UserPrincipalName))
	})
	if !directory.IsKind(err, directory.KindConflict) || runs != 1 || countSavepoints() != 0 {
		t.Fatalf("giving up at a conflict: err %v, %d runs, want KindConflict in 1 run without savepoints", err, runs)
	}

	for _, swallow := range []bool{false, true} {
		runs = 0
		before, after := user(directory.NewID()+"@contoso.example"), user(directory.NewID()+"@contoso.example")
		err = s.Write(ctx, func(tx directory.Tx) error {
			runs++
			if err := tx.CreateUser(ctx, before); err != nil {
				return err
			}
			if err := tx.CreateUser(ctx, user(taken.UserPrincipalName)); !directory.IsKind(err, directory.KindConflict) {
				t.Errorf("the duplicate UPN gave %v, want KindConflict", err)
			}
			if swallow {
				return nil
			}
			return tx.CreateUser(ctx, after)
		})
		if err != nil || runs != 2 || countSavepoints() == 0 {
			t.Fatalf("going on after a conflict (swallow %v): err %v, %d runs, want success in 2 runs, the second with savepoints", swallow, err, runs)
		}
		if err := s.Read(ctx, func(tx directory.Tx) error {
			if _, err := tx.GetUser(ctx, tn.ID, before.ID); err != nil {
				return err
			}
			if _, err := tx.GetUser(ctx, tn.ID, after.ID); !swallow && err != nil {
				return err
			}
			return nil
		}); err != nil {
			t.Fatalf("after going on (swallow %v): %v", swallow, err)
		}
	}
}
