package sqlite_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/orgdir/orgdir/internal/directory"
	"github.com/orgdir/orgdir/internal/store/sqlite"
)

// TestGuestWithAHistoryLeavesNoPersonalBytesAfterPermanentDelete drives an
// e-mail guest through everything that writes their name, mail or UPN
// somewhere — invited with a message, redeemed, renamed, given a role and
// groups and an app role, inviting a friend themselves, signed in (session,
// passcode mail), deleted, restored with a new UPN, renamed again, leaving
// — and then erases them, by permanent delete or in one step, and scans
// the raw bytes of the database file and its WAL for every form of every
// name, mail and UPN they ever had.
func TestGuestWithAHistoryLeavesNoPersonalBytesAfterPermanentDelete(t *testing.T) {
	for _, how := range []string{"PermanentDelete", "EraseLive"} {
		t.Run(how, func(t *testing.T) { guestHistoryErased(t, how) })
	}
}

func guestHistoryErased(t *testing.T, how string) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "orgdir.db")
	st, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	clock := directory.NewFixedClock(time.Date(2026, 5, 4, 10, 0, 0, 0, time.UTC))
	svc := directory.NewService(st, directory.Options{Clock: clock.Now, PublicBaseURL: "https://orgdir.test"})
	sys := directory.WithActor(ctx, directory.SystemActor("test"))
	check := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	step := func() { clock.Advance(time.Minute) }

	const (
		name     = "Philomena Wrexham-Quillfeather"
		renamed  = "Philly Quillfeather-Ostrogoth"
		renamed2 = "Mena Ostrogoth-Vantablack"
		mail     = "P.Quillfeather9182@Rare-Mailhost.example"
		upn      = "P.Quillfeather9182_Rare-Mailhost.example#EXT#@contoso.example"
		newUPN   = "philomena.q9182_rare#EXT#@contoso.example"
	)
	tn, err := svc.CreateTenant(sys, "Contoso", "contoso.example")
	check(err)
	admin, err := svc.CreateUser(sys, tn.ID, directory.NewUser{UserPrincipalName: "admin@contoso.example", DisplayName: "Admin"})
	check(err)
	check(svc.AddRole(sys, tn.ID, admin.ID, directory.RoleGlobalAdministrator))
	adminCtx := directory.WithActor(ctx, directory.UserActor(tn.ID, admin.ID))
	sales, err := svc.CreateGroup(adminCtx, tn.ID, "Sales", "")
	check(err)
	board, err := svc.CreateGroup(adminCtx, tn.ID, "Board", "")
	check(err)
	app, err := svc.CreateApplication(adminCtx, tn.ID, "Wiki", nil)
	check(err)

	identity, err := svc.EnsureEmailIdentity(sys, mail)
	check(err)
	step()
	res, err := svc.Invite(adminCtx, tn.ID, directory.InviteRequest{
		InvitedUserEmailAddress: mail, InvitedUserDisplayName: name, SendInvitationMessage: true,
		CustomizedMessageBody: "Dear " + name + ", welcome",
	})
	check(err)
	if res.User.UserPrincipalName != upn {
		t.Fatalf("UPN = %s, want %s", res.User.UserPrincipalName, upn)
	}
	person := directory.WithActor(ctx, directory.EmailActor(identity.ID))
	guest, err := svc.Redeem(person, res.RedeemToken)
	check(err)
	guestCtx := directory.WithActor(ctx, directory.UserActor(tn.ID, guest.ID))
	step()
	_, err = svc.UpdateUser(adminCtx, tn.ID, guest.ID, directory.UserPatch{DisplayName: ptrTo(renamed)})
	check(err)
	check(svc.AddGroupMember(adminCtx, tn.ID, sales.ID, guest.ID))
	check(svc.AddGroupMember(adminCtx, tn.ID, board.ID, guest.ID))
	check(svc.RemoveGroupMember(adminCtx, tn.ID, board.ID, guest.ID))
	_, err = svc.AssignAppRole(adminCtx, tn.ID, guest.ID, app.ID, "")
	check(err)
	check(svc.AddRole(adminCtx, tn.ID, guest.ID, directory.RoleGuestInviter))
	step()
	// The guest acts: invites a friend (an event they initiated, and an
	// invitation e-mail to someone else).
	_, err = svc.Invite(guestCtx, tn.ID, directory.InviteRequest{InvitedUserEmailAddress: "friend@elsewhere.example", SendInvitationMessage: true})
	check(err)
	_, err = svc.ExportMyData(person)
	check(err)
	// Sign-in traces: a session of the identity and a passcode e-mail.
	check(st.Write(ctx, func(tx directory.Tx) error {
		now := clock.Now()
		if err := tx.CreateSession(ctx, &directory.Session{ID: directory.NewID(), TokenHash: []byte("h"), EmailIdentityID: identity.ID,
			SignedIn: []directory.TenantSignIn{{TenantID: tn.ID, At: now}}, CSRFSecret: []byte("c"), CreatedAt: now, ExpiresAt: now.Add(time.Hour)}); err != nil {
			return err
		}
		if err := tx.CreateOneTimeCode(ctx, &directory.OneTimeCode{ID: directory.NewID(), Email: mail, CodeHash: []byte("x"),
			CreatedAt: now, ExpiresAt: now.Add(time.Hour)}); err != nil {
			return err
		}
		return tx.EnqueueMail(ctx, &directory.OutboxMessage{ID: directory.NewID(), To: mail, Subject: "Your sign-in code",
			Body: "Hello " + renamed + ", your code", CreatedAt: now})
	}))
	step()
	// Deleted, restored under a new UPN, renamed again.
	check(svc.DeleteUser(adminCtx, tn.ID, guest.ID))
	step()
	_, err = svc.RestoreUser(adminCtx, tn.ID, guest.ID, newUPN)
	check(err)
	step()
	_, err = svc.UpdateUser(adminCtx, tn.ID, guest.ID, directory.UserPatch{DisplayName: ptrTo(renamed2)})
	check(err)

	var secrets []string
	for _, s := range []string{name, renamed, renamed2, mail, upn, newUPN, "Quillfeather9182", "Wrexham", "Ostrogoth", "Vantablack", "philomena.q9182"} {
		secrets = append(secrets, s, strings.ToLower(s), strings.ToUpper(s))
	}
	if !containsAny(t, path, secrets) {
		t.Fatal("setup: the guest's data is not in the files, so the scan below would prove nothing")
	}

	step()
	switch how {
	case "PermanentDelete":
		check(svc.Leave(person, tn.ID))
		step()
		check(svc.PermanentlyDeleteUser(adminCtx, tn.ID, guest.ID))
	case "EraseLive":
		check(svc.EraseUser(adminCtx, tn.ID, guest.ID))
	}
	// The store checkpoints by itself within about a second; at once here.
	check(st.Checkpoint(ctx))

	for _, f := range []string{path, path + "-wal"} {
		b, err := os.ReadFile(f)
		if os.IsNotExist(err) {
			continue
		}
		check(err)
		for _, s := range secrets {
			if i := strings.Index(string(b), s); i >= 0 {
				t.Errorf("%s still holds %q at byte %d after erasure", filepath.Base(f), s, i)
			}
		}
	}
	// The audit log still tells the story by id: the friend's invitation
	// names its initiator by id only.
	events, err := svc.ListAudit(adminCtx, tn.ID, directory.AuditQuery{TargetID: guest.ID, Limit: directory.MaxPageSize})
	check(err)
	hard := 0
	for _, e := range events {
		if e.Activity == directory.ActivityHardDeleteUser {
			hard++
		}
	}
	if len(events) < 10 || hard != 1 {
		t.Errorf("audit after erasure: %d events, %d hard deletes; want the whole history and one hard delete", len(events), hard)
	}
}
