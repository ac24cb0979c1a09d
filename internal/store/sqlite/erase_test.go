package sqlite_test

import (
	"bytes"
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/orgdir/orgdir/internal/directory"
	"github.com/orgdir/orgdir/internal/store/sqlite"
)

// TestErasedPersonalDataLeavesNoBytesInTheDatabaseOrItsWAL checks the
// promise of permanent deletion at the level of the file: after a Write
// that deletes a user, scrubs the audit log, deletes the mail to them and
// their e-mail identity, none of their name, mail or UPN is left in the
// database file or its WAL, in any case.
func TestErasedPersonalDataLeavesNoBytesInTheDatabaseOrItsWAL(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "orgdir.db")
	s, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()

	const (
		name = "Zebulon Quixotic-Erasure"
		mail = "ZQ.Erasure7731@Distinct-Mail.example"
		upn  = "ZQ.Erasure7731_Distinct-Mail.example#EXT#@contoso.example"
	)
	secrets := []string{name, mail, upn, strings.ToLower(name), strings.ToLower(mail), strings.ToLower(upn)}
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	tn := &directory.Tenant{ID: directory.NewID(), DisplayName: "Contoso", InitialDomain: "contoso.example", CreatedAt: now, Settings: directory.DefaultTenantSettings()}
	admin := &directory.User{ID: directory.NewID(), TenantID: tn.ID, UserPrincipalName: "admin@contoso.example", DisplayName: "Admin",
		UserType: directory.Member, AccountEnabled: true, CreatedAt: now}
	guest := &directory.User{ID: directory.NewID(), TenantID: tn.ID, UserPrincipalName: upn, Mail: mail, DisplayName: name,
		UserType: directory.Guest, AccountEnabled: true, CreatedAt: now, CreationType: directory.CreationTypeInvitation,
		ExternalUserState: directory.Accepted,
		Identities:        []directory.ObjectIdentity{{SignInType: directory.SignInTypeEmailAddress, Issuer: directory.IssuerMail, IssuerAssignedID: mail}}}
	identity := &directory.EmailIdentity{ID: directory.NewID(), Email: mail, CreatedAt: now}
	guest.HomeEmailIdentityID = identity.ID
	group := &directory.Group{ID: directory.NewID(), TenantID: tn.ID, DisplayName: "Sales", CreatedAt: now}
	write := func(fn func(tx directory.Tx) error) {
		t.Helper()
		if err := s.Write(ctx, fn); err != nil {
			t.Fatal(err)
		}
	}
	write(func(tx directory.Tx) error {
		return errors.Join(
			tx.CreateTenant(ctx, tn),
			tx.CreateUser(ctx, admin),
			tx.CreateEmailIdentity(ctx, identity),
			tx.CreateUser(ctx, guest),
			tx.CreateGroup(ctx, group),
			tx.AddGroupMember(ctx, tn.ID, group.ID, guest.ID),
			tx.CreateInvitation(ctx, &directory.Invitation{ID: directory.NewID(), TenantID: tn.ID, UserID: guest.ID,
				InvitedEmail: mail, InvitedDisplayName: name, InvitedUserType: directory.Guest, InvitedByUserID: admin.ID,
				TokenHash: []byte("token"), Status: directory.InvitationCompleted, CreatedAt: now, ExpiresAt: now.Add(time.Hour)}),
			tx.EnqueueMail(ctx, &directory.OutboxMessage{ID: directory.NewID(), TenantID: tn.ID, To: mail,
				Subject: "You are invited", Body: "Hello " + name + ", join Contoso", CreatedAt: now}),
			tx.AppendAudit(ctx, &directory.AuditEvent{ID: directory.NewID(), TenantID: tn.ID, Time: now,
				Activity: directory.ActivityInviteExternalUser, Category: directory.CategoryUserManagement, Result: directory.ResultSuccess,
				Initiator: directory.AuditInitiator{UserID: admin.ID, DisplayName: admin.DisplayName, UPN: admin.UserPrincipalName},
				Targets: []directory.AuditTarget{{ID: guest.ID, Type: "User", DisplayName: name, UPN: upn,
					ModifiedProperties: []directory.ModifiedProperty{{DisplayName: "mail", NewValue: `["` + mail + `"]`}}}}}),
			tx.AppendAudit(ctx, &directory.AuditEvent{ID: directory.NewID(), TenantID: tn.ID, Time: now.Add(time.Minute),
				Activity: directory.ActivityLeaveOrganization, Category: directory.CategoryUserManagement, Result: directory.ResultSuccess,
				Initiator: directory.AuditInitiator{UserID: guest.ID, DisplayName: name, UPN: upn},
				Targets:   []directory.AuditTarget{{ID: guest.ID, Type: "User", DisplayName: name, UPN: upn}}}),
		)
	})
	// A checkpoint puts the secrets in the main file too, so both files
	// are really tested.
	if err := s.Checkpoint(ctx); err != nil {
		t.Fatal(err)
	}
	if found := filesContaining(t, path, secrets); len(found) == 0 {
		t.Fatal("precondition: the secrets should be in the database file before erasure")
	}

	write(func(tx directory.Tx) error {
		return errors.Join(
			tx.DeleteUser(ctx, tn.ID, guest.ID),
			tx.ScrubAuditSubject(ctx, guest.ID),
			tx.DeleteMailTo(ctx, tn.ID, mail),
			tx.DeleteEmailIdentity(ctx, identity.ID),
		)
	})
	// The store checkpoints by itself within about a second; at once here.
	if err := s.Checkpoint(ctx); err != nil {
		t.Fatal(err)
	}
	if found := filesContaining(t, path, secrets); len(found) > 0 {
		t.Fatalf("after erasure, still found: %v", found)
	}
	// The audit events remain, with the id.
	if err := s.Read(ctx, func(tx directory.Tx) error {
		events, err := tx.ListAudit(ctx, tn.ID, directory.AuditQuery{TargetID: guest.ID})
		if err != nil {
			return err
		}
		if len(events) != 2 {
			t.Fatalf("got %d audit events of the erased user, want 2 (kept, scrubbed)", len(events))
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if found := filesContaining(t, path, secrets); len(found) > 0 {
		t.Fatalf("after close, still found: %v", found)
	}
}

// filesContaining reads the database file and its -wal file, byte by byte,
// and returns "file: secret" for each secret found.
func filesContaining(t *testing.T, path string, secrets []string) []string {
	t.Helper()
	var found []string
	for _, p := range []string{path, path + "-wal"} {
		raw, err := os.ReadFile(p)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range secrets {
			if bytes.Contains(raw, []byte(s)) {
				found = append(found, filepath.Base(p)+": "+s)
			}
		}
	}
	return found
}

func TestOpenCreatesTheFileReadableByItsOwnerOnly(t *testing.T) {
	path := filepath.Join(t.TempDir(), "new.db")
	s, err := sqlite.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for _, p := range []string{path, path + "-wal"} {
		fi, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		if perm := fi.Mode().Perm(); perm != 0o600 {
			t.Errorf("%s has mode %v, want 0600", filepath.Base(p), perm)
		}
	}
	if err := s.Ping(context.Background()); err != nil {
		t.Fatalf("Ping: %v", err)
	}
}

func TestOpenAgainKeepsTheDataAndMigratesNothingTwice(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "a dir with 100%20 odd chars", "again.db")
	if err := os.Mkdir(filepath.Dir(path), 0o700); err != nil {
		t.Fatal(err)
	}
	s, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	tn := &directory.Tenant{ID: directory.NewID(), DisplayName: "Contoso", InitialDomain: "contoso.example", Settings: directory.DefaultTenantSettings()}
	if err := s.Write(ctx, func(tx directory.Tx) error { return tx.CreateTenant(ctx, tn) }); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s, err = sqlite.Open(ctx, path)
	if err != nil {
		t.Fatalf("reopen: %v", err)
	}
	defer s.Close()
	if err := s.Read(ctx, func(tx directory.Tx) error { _, err := tx.GetTenant(ctx, tn.ID); return err }); err != nil {
		t.Fatalf("tenant lost on reopen: %v", err)
	}
	// SQLite used the file at path, not one named after a decoded path.
	entries, err := os.ReadDir(filepath.Dir(path))
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if !strings.HasPrefix(e.Name(), "again.db") {
			t.Errorf("unexpected file %q beside the database", e.Name())
		}
	}
	if entries, _ := os.ReadDir(filepath.Dir(filepath.Dir(path))); len(entries) != 1 {
		t.Errorf("files were created outside the database's directory: %v", entries)
	}
}

func TestOpenRefusesABadPath(t *testing.T) {
	for _, p := range []string{"", filepath.Join(t.TempDir(), "a?b.db"), filepath.Join(t.TempDir(), "missing-dir", "x.db")} {
		if s, err := sqlite.Open(context.Background(), p); err == nil {
			s.Close()
			t.Errorf("Open(%q) succeeded, want an error", p)
		}
	}
}

func TestAReadCannotWrite(t *testing.T) {
	s := open(t)
	ctx := context.Background()
	err := s.Read(ctx, func(tx directory.Tx) error {
		return tx.CreateTenant(ctx, &directory.Tenant{ID: directory.NewID(), DisplayName: "X", InitialDomain: "x.example", Settings: directory.DefaultTenantSettings()})
	})
	if err == nil {
		t.Fatal("a write inside Read succeeded")
	}
}
