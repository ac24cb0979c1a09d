package ruletest

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/orgdir/orgdir/internal/directory"
)

func testRestore(t *testing.T, ns NewStore) {
	t.Run("LeaveThenRestoreReturnsMembershipsAndAssignments", func(t *testing.T) {
		w := newWorld(t, ns)
		admin := w.as(w.contosoAdmin)
		// A second group and grant, so "exactly" means more than one of each.
		g2 := must(w.svc.CreateGroup(admin, w.contoso.ID, "Reviewers", ""))(t)
		ok(t, w.svc.AddGroupMember(admin, w.contoso.ID, g2.ID, w.adaGuest.ID))
		must(w.svc.AssignAppRole(admin, w.contoso.ID, w.adaGuest.ID, w.app.ID, w.app.AppRoles[1].ID))(t)
		groupsBefore := groupIDs(must(w.svc.ListMemberOf(w.as(w.adaGuest), w.contoso.ID, w.adaGuest.ID))(t))
		grantsBefore := grantKeys(must(w.svc.ListAppRoleAssignments(w.as(w.adaGuest), w.contoso.ID, w.adaGuest.ID))(t))

		ok(t, w.svc.Leave(w.as(w.ada), w.contoso.ID))
		w.clock.Advance(10 * 24 * time.Hour)
		u := must(w.svc.RestoreUser(admin, w.contoso.ID, w.adaGuest.ID, ""))(t)
		if u.Deleted() || u.PurgeAt != nil || u.UserPrincipalName != w.adaGuest.UserPrincipalName {
			t.Errorf("restored user = %+v", u)
		}
		groupsAfter := groupIDs(must(w.svc.ListMemberOf(w.as(w.adaGuest), w.contoso.ID, w.adaGuest.ID))(t))
		grantsAfter := grantKeys(must(w.svc.ListAppRoleAssignments(w.as(w.adaGuest), w.contoso.ID, w.adaGuest.ID))(t))
		if !equalStrings(groupsAfter, groupsBefore) || len(groupsAfter) != 2 {
			t.Errorf("groups after restore = %v, want %v", groupsAfter, groupsBefore)
		}
		if !equalStrings(grantsAfter, grantsBefore) || len(grantsAfter) != 2 {
			t.Errorf("grants after restore = %v, want %v", grantsAfter, grantsBefore)
		}
		orgs := must(w.svc.Organizations(w.as(w.ada)))(t)
		if len(orgs) != 2 || orgs[1].Tenant.ID != w.contoso.ID {
			t.Errorf("organizations after restore = %v, want Fabrikam (home), Contoso", orgNames(orgs))
		}
		if ev := w.events(w.contoso.ID, directory.ActivityRestoreUser, w.adaGuest.ID); len(ev) != 1 || ev[0].Initiator.UserID != w.contosoAdmin.ID {
			t.Errorf("restore audit = %+v", ev)
		}
	})

	t.Run("PersonWithAnotherLiveGuestRefused", func(t *testing.T) {
		// Ada left and was invited again, by her own-domain mail, and
		// accepted: restoring her old guest would give her two accounts in
		// Contoso, which a new user name would not fix.
		w := newWorld(t, ns)
		admin := w.as(w.contosoAdmin)
		ok(t, w.svc.Leave(w.as(w.ada), w.contoso.ID))
		mail := "ada.lovelace@fabrikam.example"
		w.ada = must(w.svc.UpdateUser(w.as(w.fabrikamAdmin), w.fabrikam.ID, w.ada.ID, directory.UserPatch{Mail: &mail}))(t)
		again := w.inviteAndRedeem(w.contoso, mail, w.as(w.ada))
		w.unchanged(func() {
			for _, newUPN := range []string{"", "ada.restored#EXT#@contoso.example"} {
				_, err := w.svc.RestoreUser(admin, w.contoso.ID, w.adaGuest.ID, newUPN)
				e := wantKind(t, err, directory.KindConflict)
				if !strings.Contains(e.Message, "already has another account in Contoso") || !strings.Contains(e.Message, again.UserPrincipalName) {
					t.Errorf("refusal = %q", e.Message)
				}
			}
		})
	})

	t.Run("ClashOnUPN", func(t *testing.T) {
		w := newWorld(t, ns)
		admin := w.as(w.contosoAdmin)
		carol := w.member(w.contoso, "carol", "Carol One")
		ok(t, w.svc.DeleteUser(admin, w.contoso.ID, carol.ID))
		must(w.svc.CreateUser(admin, w.contoso.ID, directory.NewUser{UserPrincipalName: carol.UserPrincipalName, DisplayName: "Carol Two"}))(t)
		w.unchanged(func() {
			_, err := w.svc.RestoreUser(admin, w.contoso.ID, carol.ID, "")
			e := wantKind(t, err, directory.KindRestoreClash)
			if e.Field != "userPrincipalName" || !strings.Contains(e.Message, carol.UserPrincipalName) {
				t.Errorf("clash = %+v, want one naming the userPrincipalName", e)
			}
		})
	})

	t.Run("ClashOnMail", func(t *testing.T) {
		w := newWorld(t, ns)
		admin := w.as(w.contosoAdmin)
		carol := w.member(w.contoso, "carol", "Carol One")
		ok(t, w.svc.DeleteUser(admin, w.contoso.ID, carol.ID))
		must(w.svc.CreateUser(admin, w.contoso.ID, directory.NewUser{UserPrincipalName: "carol2@contoso.example", DisplayName: "Carol Two", Mail: carol.Mail}))(t)
		w.unchanged(func() {
			_, err := w.svc.RestoreUser(admin, w.contoso.ID, carol.ID, "carol3@contoso.example")
			e := wantKind(t, err, directory.KindRestoreClash)
			if e.Field != "mail" || !strings.Contains(e.Message, carol.Mail) {
				t.Errorf("clash = %+v, want one naming the mail", e)
			}
		})
	})

	t.Run("ClashWithReinvitedGuest", func(t *testing.T) {
		w := newWorld(t, ns)
		ok(t, w.svc.Leave(w.as(w.ada), w.contoso.ID))
		again := w.invite(w.contoso, w.ada.Mail)
		if again.User.ID == w.adaGuest.ID || again.Resent {
			t.Fatalf("re-invite after leave = %+v, want a new guest", again.User)
		}
		_, err := w.svc.RestoreUser(w.as(w.contosoAdmin), w.contoso.ID, w.adaGuest.ID, "")
		wantKind(t, err, directory.KindRestoreClash)
	})

	t.Run("WithNewUPN", func(t *testing.T) {
		w := newWorld(t, ns)
		admin := w.as(w.contosoAdmin)
		carol := w.member(w.contoso, "carol", "Carol One")
		ok(t, w.svc.DeleteUser(admin, w.contoso.ID, carol.ID))
		must(w.svc.CreateUser(admin, w.contoso.ID, directory.NewUser{UserPrincipalName: carol.UserPrincipalName, DisplayName: "Carol Two"}))(t)
		u := must(w.svc.RestoreUser(admin, w.contoso.ID, carol.ID, "carol.one@contoso.example"))(t)
		if u.UserPrincipalName != "carol.one@contoso.example" || u.Deleted() {
			t.Fatalf("restored = %+v", u)
		}
		got := must(w.svc.GetUser(admin, w.contoso.ID, "carol.one@contoso.example"))(t)
		if got.ID != carol.ID {
			t.Errorf("new UPN finds %s, want %s", got.ID, carol.ID)
		}
		ev := w.events(w.contoso.ID, directory.ActivityRestoreUser, carol.ID)
		if len(ev) != 1 || len(ev[0].Targets[0].ModifiedProperties) != 1 || ev[0].Targets[0].ModifiedProperties[0].DisplayName != "UserPrincipalName" {
			t.Errorf("restore audit = %+v, want the UPN change", ev)
		}
	})

	t.Run("GuestWithNewExternalUPN", func(t *testing.T) {
		w := newWorld(t, ns)
		ok(t, w.svc.Leave(w.as(w.ada), w.contoso.ID))
		u := must(w.svc.RestoreUser(w.as(w.contosoAdmin), w.contoso.ID, w.adaGuest.ID, "ada.l_fabrikam.example#EXT#@contoso.example"))(t)
		if u.UserPrincipalName != "ada.l_fabrikam.example#EXT#@contoso.example" {
			t.Errorf("UPN = %s", u.UserPrincipalName)
		}
	})

	t.Run("BadNewUPNChangesNothing", func(t *testing.T) {
		w := newWorld(t, ns)
		admin := w.as(w.contosoAdmin)
		carol := w.member(w.contoso, "carol", "Carol One")
		ok(t, w.svc.DeleteUser(admin, w.contoso.ID, carol.ID))
		w.unchanged(func() {
			for _, bad := range []string{"carol@fabrikam.example", "no-at-sign", "a b@contoso.example", "x#EXT#@contoso.example"} {
				_, err := w.svc.RestoreUser(admin, w.contoso.ID, carol.ID, bad)
				wantField(t, err, "newUserPrincipalName")
			}
		})
	})

	t.Run("AfterRetentionEndedRefused", func(t *testing.T) {
		w := newWorld(t, ns)
		ok(t, w.svc.Leave(w.as(w.ada), w.contoso.ID))
		w.clock.Advance(30 * 24 * time.Hour)
		w.unchanged(func() {
			_, err := w.svc.RestoreUser(w.as(w.contosoAdmin), w.contoso.ID, w.adaGuest.ID, "")
			wantKind(t, err, directory.KindConflict)
		})
		// Still listed until the purge removes it…
		must(w.svc.GetDeletedUser(w.as(w.contosoAdmin), w.contoso.ID, w.adaGuest.ID))(t)
		// …which the refused restore did not stop.
		if n := must(w.svc.PurgeExpired(w.sys, w.clock.Now(), 10))(t); n != 1 || w.rawUser(w.contoso.ID, w.adaGuest.ID) != nil {
			t.Errorf("purge after a refused restore removed %d users; the guest must be gone", n)
		}
	})

	t.Run("ClashOnMailWithNewUPNStillRefused", func(t *testing.T) {
		// A guest re-invited under the same address holds the mail: a new
		// userPrincipalName does not make the restore possible.
		w := newWorld(t, ns)
		ok(t, w.svc.Leave(w.as(w.ada), w.contoso.ID))
		w.invite(w.contoso, w.ada.Mail)
		w.unchanged(func() {
			_, err := w.svc.RestoreUser(w.as(w.contosoAdmin), w.contoso.ID, w.adaGuest.ID, "ada.again_fabrikam.example#EXT#@contoso.example")
			e := wantKind(t, err, directory.KindRestoreClash)
			if e.Field != "mail" {
				t.Errorf("clash field = %q, want mail", e.Field)
			}
		})
	})

	t.Run("LiveOrUnknownUserNotFound", func(t *testing.T) {
		w := newWorld(t, ns)
		admin := w.as(w.contosoAdmin)
		w.unchanged(func() {
			for _, id := range []string{w.adaGuest.ID, directory.NewID(), "not-a-uuid"} {
				_, err := w.svc.RestoreUser(admin, w.contoso.ID, id, "")
				wantKind(t, err, directory.KindNotFound)
			}
		})
	})

	t.Run("OnlyAdministrators", func(t *testing.T) {
		w := newWorld(t, ns)
		plain := w.member(w.contoso, "plain", "Plain Member")
		inviter := w.member(w.contoso, "inviter", "Guest Inviter", directory.RoleGuestInviter)
		ok(t, w.svc.Leave(w.as(w.ada), w.contoso.ID))
		w.unchanged(func() {
			for _, u := range []*directory.User{plain, inviter} {
				_, err := w.svc.RestoreUser(w.as(u), w.contoso.ID, w.adaGuest.ID, "")
				wantKind(t, err, directory.KindForbidden)
				wantKind(t, w.svc.PermanentlyDeleteUser(w.as(u), w.contoso.ID, w.adaGuest.ID), directory.KindForbidden)
				_, err = w.svc.ListUsers(w.as(u), w.contoso.ID, directory.UserQuery{Deleted: true})
				wantKind(t, err, directory.KindForbidden)
			}
		})
		ua := w.member(w.contoso, "useradmin", "User Admin", directory.RoleUserAdministrator)
		must(w.svc.RestoreUser(w.as(ua), w.contoso.ID, w.adaGuest.ID, ""))(t)
	})
}

func testPermanentDelete(t *testing.T, ns NewStore) {
	t.Run("ErasesUserAndPersonalData", func(t *testing.T) {
		w := newWorld(t, ns)
		admin := w.as(w.contosoAdmin)
		e := must(w.svc.EnsureEmailIdentity(w.sys, "Zelda.Quux@mail.example"))(t)
		res := must(w.svc.Invite(admin, w.contoso.ID, directory.InviteRequest{
			InvitedUserEmailAddress: "Zelda.Quux@mail.example", InvitedUserDisplayName: "Zelda Q", SendInvitationMessage: true,
		}))(t)
		g := must(w.svc.Redeem(w.asEmail(e), res.RedeemToken))(t)
		must(w.svc.UpdateUser(admin, w.contoso.ID, g.ID, directory.UserPatch{DisplayName: ptr("Zelda Quux")}))(t)
		ok(t, w.svc.AddGroupMember(admin, w.contoso.ID, w.team.ID, g.ID))
		must(w.svc.AssignAppRole(admin, w.contoso.ID, g.ID, w.app.ID, w.app.AppRoles[0].ID))(t)
		if !strings.Contains(strings.ToLower(w.snapshot(w.contoso.ID)), "zelda") {
			t.Fatal("setup: the snapshot does not show the guest, so the erasure check below would prove nothing")
		}
		ok(t, w.svc.Leave(w.asEmail(e), w.contoso.ID))
		ok(t, w.svc.PermanentlyDeleteUser(admin, w.contoso.ID, g.ID))

		if u := w.rawUser(w.contoso.ID, g.ID); u != nil {
			t.Fatalf("user still stored: %+v", u)
		}
		if h := w.holdings(w.contoso.ID, g.ID); len(h) != 0 {
			t.Errorf("holdings after permanent delete = %v", h)
		}
		_, err := w.svc.GetDeletedUser(admin, w.contoso.ID, g.ID)
		wantKind(t, err, directory.KindNotFound)
		_, err = w.svc.RestoreUser(admin, w.contoso.ID, g.ID, "")
		wantKind(t, err, directory.KindNotFound)
		// Nothing of the person stays readable anywhere in the tenant.
		snap := strings.ToLower(w.snapshot(w.contoso.ID))
		for _, pii := range []string{"zelda", "quux", "zelda.quux_mail.example"} {
			if strings.Contains(snap, pii) {
				t.Errorf("Contoso still holds %q after permanent delete", pii)
			}
		}
		// The audit log keeps the events, naming the user by id only.
		if ev := w.events(w.contoso.ID, directory.ActivityHardDeleteUser, g.ID); len(ev) != 1 || ev[0].Targets[0].DisplayName != "" || ev[0].Targets[0].UPN != "" {
			t.Errorf("hard delete audit = %+v", ev)
		}
		if len(w.events(w.contoso.ID, directory.ActivityInviteExternalUser, g.ID)) == 0 {
			t.Error("the invitation's audit record was erased; it must outlive the user")
		}
		// The e-mail identity had no other guest: it is gone too.
		err = w.store.Read(context.Background(), func(tx directory.Tx) error {
			_, err := tx.GetEmailIdentity(context.Background(), e.ID)
			return err
		})
		wantKind(t, err, directory.KindNotFound)
	})

	t.Run("KeepsEmailIdentityOfOtherGuests", func(t *testing.T) {
		w := newWorld(t, ns)
		g, e := w.emailGuest(w.contoso, "grace@mail.example")
		w.inviteAndRedeem(w.fabrikam, "grace@mail.example", w.asEmail(e))
		ok(t, w.svc.Leave(w.asEmail(e), w.contoso.ID))
		ok(t, w.svc.PermanentlyDeleteUser(w.as(w.contosoAdmin), w.contoso.ID, g.ID))
		orgs := must(w.svc.Organizations(w.asEmail(e)))(t)
		if len(orgs) != 1 || orgs[0].Tenant.ID != w.fabrikam.ID || orgs[0].Home {
			t.Errorf("organizations = %v, want Fabrikam (not home)", orgNames(orgs))
		}
	})

	t.Run("LiveUserRefused", func(t *testing.T) {
		w := newWorld(t, ns)
		w.unchanged(func() {
			wantKind(t, w.svc.PermanentlyDeleteUser(w.as(w.contosoAdmin), w.contoso.ID, w.adaGuest.ID), directory.KindConflict)
		})
	})

	t.Run("ManyReportsEachID", func(t *testing.T) {
		w := newWorld(t, ns)
		admin := w.as(w.contosoAdmin)
		a := w.member(w.contoso, "a", "A")
		b := w.member(w.contoso, "b", "B")
		live := w.member(w.contoso, "live", "Live")
		ok(t, w.svc.DeleteUser(admin, w.contoso.ID, a.ID))
		ok(t, w.svc.DeleteUser(admin, w.contoso.ID, b.ID))
		unknown := directory.NewID()
		res := w.svc.PermanentlyDeleteUsers(admin, w.contoso.ID, []string{a.ID, live.ID, unknown, b.ID})
		want := []directory.Kind{-1, directory.KindConflict, directory.KindNotFound, -1}
		if len(res) != len(want) {
			t.Fatalf("results = %+v", res)
		}
		for i, r := range res {
			if want[i] < 0 && r.Err != nil || want[i] >= 0 && directory.KindOf(r.Err) != want[i] || r.Err == nil && want[i] >= 0 {
				t.Errorf("result %d (%s) = %v, want kind %v", i, r.ID, r.Err, want[i])
			}
		}
		if w.rawUser(w.contoso.ID, a.ID) != nil || w.rawUser(w.contoso.ID, b.ID) != nil {
			t.Error("deleted users not erased")
		}
		if w.rawUser(w.contoso.ID, live.ID) == nil {
			t.Error("live user erased")
		}
	})

	t.Run("ManyInOneTransactionPerBatch", func(t *testing.T) {
		w := newWorld(t, ns)
		admin := w.as(w.contosoAdmin)
		var ids []string
		for _, n := range []string{"p", "q", "r"} {
			u := w.member(w.contoso, n, strings.ToUpper(n))
			ok(t, w.svc.DeleteUser(admin, w.contoso.ID, u.ID))
			ids = append(ids, u.ID)
		}
		gaGone := w.member(w.contoso, "ga", "GA", directory.RoleGlobalAdministrator)
		ok(t, w.svc.DeleteUser(admin, w.contoso.ID, gaGone.ID))
		helpdesk := w.member(w.contoso, "uadmin", "User Admin", directory.RoleUserAdministrator)
		// A repeated id is one user, one record; another tenant's user is
		// not found; a Global Administrator is for a Global Administrator.
		fabUser := w.member(w.fabrikam, "fab", "Fab")
		ok(t, w.svc.DeleteUser(w.as(w.fabrikamAdmin), w.fabrikam.ID, fabUser.ID))
		res := w.svc.PermanentlyDeleteUsers(w.as(helpdesk), w.contoso.ID, []string{ids[0], ids[1], ids[0], fabUser.ID, gaGone.ID, ids[2], "not-an-id"})
		want := []directory.Kind{-1, -1, -1, directory.KindNotFound, directory.KindForbidden, -1, directory.KindNotFound}
		for i, r := range res {
			if want[i] < 0 && r.Err != nil || want[i] >= 0 && directory.KindOf(r.Err) != want[i] {
				t.Errorf("result %d (%s) = %v, want kind %v", i, r.ID, r.Err, want[i])
			}
		}
		corr := map[string]bool{}
		for _, id := range ids {
			if w.rawUser(w.contoso.ID, id) != nil {
				t.Errorf("user %s not erased", id)
			}
			ev := w.events(w.contoso.ID, directory.ActivityHardDeleteUser, id)
			if len(ev) != 1 {
				t.Fatalf("user %s has %d Hard delete user records, want 1", id, len(ev))
			}
			corr[ev[0].CorrelationID] = true
		}
		if len(corr) != 1 {
			t.Errorf("the batch's records carry %d correlation ids, want 1 (one transaction)", len(corr))
		}
		if w.rawUser(w.contoso.ID, gaGone.ID) == nil || w.rawUser(w.fabrikam.ID, fabUser.ID) == nil {
			t.Error("a refused user was erased")
		}
	})
}

func groupIDs(gs []*directory.Group) []string {
	var out []string
	for _, g := range gs {
		out = append(out, g.ID)
	}
	sortStrings(out)
	return out
}

func grantKeys(as []*directory.AppRoleAssignment) []string {
	var out []string
	for _, a := range as {
		out = append(out, a.ID+":"+a.ResourceID+":"+a.AppRoleID+":"+a.CreatedAt.UTC().String())
	}
	sortStrings(out)
	return out
}
