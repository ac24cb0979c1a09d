package postgres_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/orgdir/orgdir/internal/directory"
)

// TestOneCallersWritesRunSideBySide: the domain checks the caller of every
// write with GetUserShared. Two writes that hold that lock on one row at
// the same time must both get it (with FOR UPDATE the second would wait
// for the first, which here waits for the second: the barrier times out),
// while a change of the row itself waits until both have committed.
func TestOneCallersWritesRunSideBySide(t *testing.T) {
	s := open(t, freshSchema(t))
	ctx := context.Background()
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	tn := &directory.Tenant{ID: directory.NewID(), DisplayName: "Contoso", InitialDomain: "contoso.example", CreatedAt: now, Settings: directory.DefaultTenantSettings()}
	u := &directory.User{ID: directory.NewID(), TenantID: tn.ID, UserPrincipalName: "admin@contoso.example", DisplayName: "Admin", UserType: directory.Member, AccountEnabled: true, CreatedAt: now}
	if err := s.Write(ctx, func(tx directory.Tx) error {
		if err := tx.CreateTenant(ctx, tn); err != nil {
			return err
		}
		return tx.CreateUser(ctx, u)
	}); err != nil {
		t.Fatal(err)
	}

	held := make(chan struct{}, 2)
	release := make(chan struct{})
	done := make(chan error, 3)
	for range 2 {
		go func() {
			done <- s.Write(ctx, func(tx directory.Tx) error {
				if _, err := tx.GetUserShared(ctx, tn.ID, u.ID); err != nil {
					return err
				}
				held <- struct{}{}
				<-release
				return nil
			})
		}()
	}
	for range 2 {
		select {
		case <-held:
		case <-time.After(5 * time.Second):
			close(release)
			t.Fatal("the second write waited for the first one's lock on the caller: one caller's writes queue behind each other")
		}
	}

	changed := make(chan time.Time, 1)
	go func() {
		err := s.Write(ctx, func(tx directory.Tx) error {
			cur, err := tx.GetUser(ctx, tn.ID, u.ID)
			if err != nil {
				return err
			}
			cur.AccountEnabled = false
			return tx.UpdateUser(ctx, cur)
		})
		changed <- time.Now()
		done <- err
	}()
	time.Sleep(300 * time.Millisecond)
	released := time.Now()
	close(release)
	if at := <-changed; at.Before(released) {
		t.Fatal("the caller's row changed while writes that checked it were still open")
	}
	for range 3 {
		if err := <-done; err != nil && !errors.Is(err, context.Canceled) {
			t.Fatal(err)
		}
	}
}
