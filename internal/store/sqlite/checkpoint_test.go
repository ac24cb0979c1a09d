package sqlite_test

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"github.com/orgdir/orgdir/internal/directory"
	"github.com/orgdir/orgdir/internal/store/sqlite"
)

// erasable is a store with one user whose name and UPN are in the users
// table and in an audit record, and the path of its file.
type erasable struct {
	s       *sqlite.Store
	path    string
	tenant  string
	user    string
	secrets []string
}

func newErasable(t *testing.T) *erasable {
	t.Helper()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "orgdir.db")
	s, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	const name, upn = "Ottoline Brackenbury-Wisp", "ottoline.wisp5521@contoso.example"
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	tn := &directory.Tenant{ID: directory.NewID(), DisplayName: "Contoso", InitialDomain: "contoso.example", CreatedAt: now, Settings: directory.DefaultTenantSettings()}
	u := &directory.User{ID: directory.NewID(), TenantID: tn.ID, UserPrincipalName: upn, DisplayName: name,
		UserType: directory.Member, AccountEnabled: true, CreatedAt: now}
	if err := s.Write(ctx, func(tx directory.Tx) error {
		return errors.Join(tx.CreateTenant(ctx, tn), tx.CreateUser(ctx, u),
			tx.AppendAudit(ctx, &directory.AuditEvent{ID: directory.NewID(), TenantID: tn.ID, Time: now,
				Activity: directory.ActivityAddUser, Category: directory.CategoryUserManagement, Result: directory.ResultSuccess,
				Targets: []directory.AuditTarget{{ID: u.ID, Type: "User", DisplayName: name, UPN: upn}}}))
	}); err != nil {
		t.Fatal(err)
	}
	return &erasable{s: s, path: path, tenant: tn.ID, user: u.ID, secrets: []string{name, upn}}
}

// erase deletes the user and scrubs its audit records in one Write.
func (e *erasable) erase(ctx context.Context) error {
	return e.s.Write(ctx, func(tx directory.Tx) error {
		return errors.Join(tx.DeleteUser(ctx, e.tenant, e.user), tx.ScrubAuditSubject(ctx, e.user))
	})
}

// holdReader opens a read transaction that keeps its snapshot of the WAL
// until release is called.
func holdReader(t *testing.T, s *sqlite.Store, tenantID string) (release func()) {
	t.Helper()
	ctx := context.Background()
	started, stop, ended := make(chan struct{}), make(chan struct{}), make(chan error, 1)
	go func() {
		ended <- s.Read(ctx, func(tx directory.Tx) error {
			_, err := tx.GetTenant(ctx, tenantID)
			close(started)
			<-stop
			return err
		})
	}()
	select {
	case <-started:
	case err := <-ended:
		t.Fatalf("reader: %v", err)
	}
	var released bool
	release = func() {
		if released {
			return
		}
		released = true
		close(stop)
		if err := <-ended; err != nil {
			t.Errorf("reader: %v", err)
		}
	}
	t.Cleanup(release)
	return release
}

// within runs fn and fails the test if it takes longer than d.
func within(t *testing.T, d time.Duration, what string, fn func() error) {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- fn() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	case <-time.After(d):
		t.Fatalf("%s took longer than %v", what, d)
	}
}

func TestAnEraseBesideAReaderHoldsUpNoWriteAndItsDataLeavesTheWALWhenTheReaderEnds(t *testing.T) {
	e := newErasable(t)
	ctx := context.Background()
	release := holdReader(t, e.s, e.tenant)

	// A checkpoint that waited for the reader on the write connection would
	// hold these up for the busy timeout (5 s) or longer.
	within(t, 3*time.Second, "the erasing write", func() error { return e.erase(ctx) })
	within(t, 3*time.Second, "the write after it", func() error {
		return e.s.Write(ctx, func(tx directory.Tx) error {
			return tx.CreateGroup(ctx, &directory.Group{ID: directory.NewID(), TenantID: e.tenant, DisplayName: "Sales", CreatedAt: time.Now()})
		})
	})
	// The reader's snapshot still needs the old pages: no checkpoint can
	// have emptied the WAL yet, so the wait below proves one ran after.
	if found := filesContaining(t, e.path, e.secrets); len(found) == 0 {
		t.Fatal("precondition: the erased data should still be in the WAL while the reader holds its snapshot")
	}
	release()

	// Nobody calls Checkpoint: the store's own checkpointer must do it,
	// within about a second of the reader leaving.
	deadline := time.Now().Add(5 * time.Second)
	for {
		found := filesContaining(t, e.path, e.secrets)
		if len(found) == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("5 s after the erase and the reader's end, still found: %v", found)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestCheckpointWaitsForReadersUntilItsContextEnds(t *testing.T) {
	e := newErasable(t)
	ctx := context.Background()
	release := holdReader(t, e.s, e.tenant)
	if err := e.erase(ctx); err != nil {
		t.Fatal(err)
	}
	short, cancel := context.WithTimeout(ctx, 200*time.Millisecond)
	defer cancel()
	if err := e.s.Checkpoint(short); err == nil {
		t.Fatal("Checkpoint succeeded while a reader held the WAL")
	}
	if found := filesContaining(t, e.path, e.secrets); len(found) == 0 {
		t.Fatal("the erased data left the WAL although a reader held it")
	}
	release()
	if err := e.s.Checkpoint(ctx); err != nil {
		t.Fatalf("Checkpoint after the reader ended: %v", err)
	}
	if found := filesContaining(t, e.path, e.secrets); len(found) > 0 {
		t.Fatalf("after Checkpoint, still found: %v", found)
	}
}

func TestCloseRemovesErasedDataFromTheFilesAndCheckpointAfterCloseFails(t *testing.T) {
	e := newErasable(t)
	ctx := context.Background()
	if err := e.erase(ctx); err != nil {
		t.Fatal(err)
	}
	if err := e.s.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if found := filesContaining(t, e.path, e.secrets); len(found) > 0 {
		t.Fatalf("after Close, still found: %v", found)
	}
	if err := e.s.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
	if err := e.s.Checkpoint(ctx); err == nil {
		t.Fatal("Checkpoint on a closed store succeeded")
	}
}
