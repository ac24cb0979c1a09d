package ruletest

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/orgdir/orgdir/internal/directory"
)

// testGDPR pins docs/design.md rule 11 (export everything, erase in one step) and the
// parts of rules 8 and 10 that erasure adds: no copy of the person left.
func testGDPR(t *testing.T, ns NewStore) {
	t.Run("ExportHoldsSessionsTokensMailAndEventsTheyInitiated", func(t *testing.T) {
		w := newWorld(t, ns)
		ctx := context.Background()
		ok(t, w.svc.AddRole(w.as(w.contosoAdmin), w.contoso.ID, w.adaGuest.ID, directory.RoleGuestInviter))
		// Ada, as the guest, invites a friend: an event she initiated and
		// that targets someone else.
		friend := must(w.svc.Invite(w.as(w.adaGuest), w.contoso.ID, directory.InviteRequest{InvitedUserEmailAddress: "friend@elsewhere.example"}))(t)
		now := w.clock.Now()
		tok := &directory.AccessToken{ID: directory.NewID(), TenantID: w.fabrikam.ID, UserID: w.ada.ID, TokenHash: []byte("secret-token-hash"),
			Description: "Ada's script", CreatedAt: now, ExpiresAt: now.Add(time.Hour)}
		sess := &directory.Session{ID: directory.NewID(), TokenHash: []byte("secret-session-hash"), HomeTenantID: w.fabrikam.ID, HomeUserID: w.ada.ID,
			SignedIn: []directory.TenantSignIn{{TenantID: w.contoso.ID, At: now}}, CSRFSecret: []byte("secret-csrf"), CreatedAt: now, ExpiresAt: now.Add(time.Hour)}
		mail := &directory.OutboxMessage{ID: directory.NewID(), TenantID: w.contoso.ID, To: strings.ToUpper(w.adaGuest.Mail),
			Subject: "Hello Ada", Body: "redeem: secret-link", CreatedAt: now}
		ok(t, w.store.Write(ctx, func(tx directory.Tx) error {
			if err := tx.CreateAccessToken(ctx, tok); err != nil {
				return err
			}
			if err := tx.CreateSession(ctx, sess); err != nil {
				return err
			}
			return tx.EnqueueMail(ctx, mail)
		}))

		d := must(w.svc.ExportMyData(w.as(w.ada)))(t)
		js := jsonOf(t, d)
		for _, secret := range []string{"secret-token-hash", "secret-session-hash", "secret-csrf", "secret-link"} {
			for _, enc := range []string{secret, b64(secret)} {
				if strings.Contains(js, enc) {
					t.Errorf("the export holds the secret %q", secret)
				}
			}
		}
		if len(d.Sessions) != 1 || d.Sessions[0].ID != sess.ID || len(d.Sessions[0].SignedIn) != 1 {
			t.Errorf("sessions = %+v, want Ada's one session", d.Sessions)
		}
		home, guest := d.Memberships[0], d.Memberships[1]
		if len(home.AccessTokens) != 1 || home.AccessTokens[0].ID != tok.ID || home.AccessTokens[0].Description != "Ada's script" {
			t.Errorf("home tokens = %+v", home.AccessTokens)
		}
		if len(guest.Mail) != 1 || guest.Mail[0].ID != mail.ID || guest.Mail[0].Subject != "Hello Ada" {
			t.Errorf("guest mail = %+v, want the message to her address", guest.Mail)
		}
		initiated := false
		for _, e := range guest.AuditEvents {
			if e.Activity == directory.ActivityInviteExternalUser && e.Initiator.UserID == w.adaGuest.ID {
				for _, tg := range e.Targets {
					initiated = initiated || tg.ID == friend.User.ID
				}
			}
		}
		if !initiated {
			t.Error("the export lacks the invitation Ada initiated (events she initiated are her data)")
		}
	})

	t.Run("ExportOfAnEmailPersonHoldsTheirPasscodeMail", func(t *testing.T) {
		w := newWorld(t, ns)
		ctx := context.Background()
		_, e := w.emailGuest(w.contoso, "grace@mail.example")
		otp := &directory.OutboxMessage{ID: directory.NewID(), To: "Grace@Mail.example", Subject: "Your sign-in code", Body: "code 123456", CreatedAt: w.clock.Now()}
		ok(t, w.store.Write(ctx, func(tx directory.Tx) error { return tx.EnqueueMail(ctx, otp) }))
		d := must(w.svc.ExportMyData(w.asEmail(e)))(t)
		if d.EmailIdentity == nil || len(d.Mail) != 1 || d.Mail[0].ID != otp.ID || d.Mail[0].Body != "" {
			t.Errorf("export = identity %+v, mail %+v; want the identity and the passcode mail without its body", d.EmailIdentity, d.Mail)
		}
	})

	t.Run("EraseLiveUserInOneStep", func(t *testing.T) {
		w := newWorld(t, ns)
		admin := w.as(w.contosoAdmin)
		ok(t, w.svc.EraseUser(admin, w.contoso.ID, w.adaGuest.UserPrincipalName))
		if u := w.rawUser(w.contoso.ID, w.adaGuest.ID); u != nil {
			t.Fatalf("erased user still stored: %+v", u)
		}
		if h := w.holdings(w.contoso.ID, w.adaGuest.ID); len(h) != 0 {
			t.Errorf("holdings after erasure = %v", h)
		}
		del := w.events(w.contoso.ID, directory.ActivityDeleteUser, w.adaGuest.ID)
		hard := w.events(w.contoso.ID, directory.ActivityHardDeleteUser, w.adaGuest.ID)
		if len(del) != 1 || len(hard) != 1 || hard[0].Initiator.UserID != w.contosoAdmin.ID {
			t.Errorf("erasure audit: %d deletes, %d hard deletes, want one each by the admin", len(del), len(hard))
		}
		snap := strings.ToLower(w.snapshot(w.contoso.ID))
		for _, pii := range []string{strings.ToLower(w.adaGuest.UserPrincipalName), strings.ToLower(w.adaGuest.Mail), "lovelace"} {
			if strings.Contains(snap, pii) {
				t.Errorf("Contoso still holds %q after erasure", pii)
			}
		}
		// Ada's home account is Fabrikam's, untouched.
		if u := w.rawUser(w.fabrikam.ID, w.ada.ID); u == nil || u.Deleted() {
			t.Error("erasing the guest touched the home account")
		}
	})

	t.Run("EraseDeletedUser", func(t *testing.T) {
		w := newWorld(t, ns)
		ok(t, w.svc.Leave(w.as(w.ada), w.contoso.ID))
		ok(t, w.svc.EraseUser(w.as(w.contosoAdmin), w.contoso.ID, w.adaGuest.ID))
		if w.rawUser(w.contoso.ID, w.adaGuest.ID) != nil {
			t.Fatal("erased user still stored")
		}
		if n := len(w.events(w.contoso.ID, directory.ActivityDeleteUser, w.adaGuest.ID)); n != 0 {
			t.Errorf("%d Delete user records for a user already deleted, want none", n)
		}
	})

	t.Run("EraseRefusals", func(t *testing.T) {
		w := newWorld(t, ns)
		ua := w.member(w.contoso, "ua", "User Admin", directory.RoleUserAdministrator)
		ga2 := w.member(w.contoso, "ga2", "Second Global Admin", directory.RoleGlobalAdministrator)
		plain := w.member(w.contoso, "plain", "Plain")
		w.unchanged(func() {
			wantKind(t, w.svc.EraseUser(w.as(w.contosoAdmin), w.contoso.ID, w.contosoAdmin.ID), directory.KindConflict)
			wantKind(t, w.svc.EraseUser(w.as(ua), w.contoso.ID, ga2.ID), directory.KindForbidden)
			wantKind(t, w.svc.EraseUser(w.as(plain), w.contoso.ID, w.adaGuest.ID), directory.KindForbidden)
			wantKind(t, w.svc.EraseUser(w.as(w.adaGuest), w.contoso.ID, plain.ID), directory.KindNotFound)
			wantKind(t, w.svc.EraseUser(w.as(w.fabrikamAdmin), w.contoso.ID, w.adaGuest.ID), directory.KindNotFound)
			wantKind(t, w.svc.EraseUser(w.as(w.contosoAdmin), w.contoso.ID, directory.NewID()), directory.KindNotFound)
			wantKind(t, w.svc.EraseUser(w.as(w.contosoAdmin), w.contoso.ID, "not-an-id"), directory.KindNotFound)
		})
	})

	t.Run("UserAdministratorCannotRestoreOrPurgeADeletedGlobalAdministrator", func(t *testing.T) {
		w := newWorld(t, ns)
		ua := w.member(w.contoso, "ua", "User Admin", directory.RoleUserAdministrator)
		ga2 := w.member(w.contoso, "ga2", "Second Global Admin", directory.RoleGlobalAdministrator)
		ok(t, w.svc.DeleteUser(w.as(w.contosoAdmin), w.contoso.ID, ga2.ID))
		w.unchanged(func() {
			_, err := w.svc.RestoreUser(w.as(ua), w.contoso.ID, ga2.ID, "")
			wantKind(t, err, directory.KindForbidden)
			wantKind(t, w.svc.PermanentlyDeleteUser(w.as(ua), w.contoso.ID, ga2.ID), directory.KindForbidden)
		})
		must(w.svc.RestoreUser(w.as(w.contosoAdmin), w.contoso.ID, ga2.ID, ""))(t)
	})

	t.Run("ErasingTheLastGuestOfAnEmailPersonRemovesTheirPasscodeMail", func(t *testing.T) {
		w := newWorld(t, ns)
		ctx := context.Background()
		g, _ := w.emailGuest(w.contoso, "grace@mail.example")
		otp := &directory.OutboxMessage{ID: directory.NewID(), To: "grace@mail.example", Subject: "Your sign-in code", Body: "code", CreatedAt: w.clock.Now()}
		other := &directory.OutboxMessage{ID: directory.NewID(), To: "someone@mail.example", Subject: "Your sign-in code", Body: "code", CreatedAt: w.clock.Now()}
		ok(t, w.store.Write(ctx, func(tx directory.Tx) error {
			return errorsJoin(tx.EnqueueMail(ctx, otp), tx.EnqueueMail(ctx, other))
		}))
		ok(t, w.svc.EraseUser(w.as(w.contosoAdmin), w.contoso.ID, g.ID))
		ok(t, w.store.Read(ctx, func(tx directory.Tx) error {
			left, err := tx.ListMailTo(ctx, "", "grace@mail.example")
			if err != nil {
				return err
			}
			if len(left) != 0 {
				t.Errorf("passcode mail to the erased person remains: %+v", left)
			}
			kept, err := tx.ListMailTo(ctx, "", "someone@mail.example")
			if err != nil {
				return err
			}
			if len(kept) != 1 {
				t.Errorf("someone else's passcode mail was erased too")
			}
			return nil
		}))
	})

	t.Run("ErasedInvitersNameLeavesNoTraceInOthersInvitationMail", func(t *testing.T) {
		w := newWorld(t, ns)
		inviter := w.member(w.contoso, "inviter", "Ingrid Inviterson", directory.RoleGuestInviter)
		must(w.svc.Invite(w.as(inviter), w.contoso.ID, directory.InviteRequest{
			InvitedUserEmailAddress: "friend@elsewhere.example", SendInvitationMessage: true,
		}))(t)
		ok(t, w.svc.EraseUser(w.as(w.contosoAdmin), w.contoso.ID, inviter.ID))
		snap := w.snapshot(w.contoso.ID)
		if !strings.Contains(snap, "friend@elsewhere.example") {
			t.Fatal("setup: the friend's invitation mail is gone, so the check proves nothing")
		}
		if strings.Contains(snap, "Inviterson") {
			t.Error("the erased inviter's name is still in Contoso (the friend's invitation e-mail or the audit log)")
		}
	})
}
