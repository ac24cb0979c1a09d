package ruletest

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/orgdir/orgdir/internal/directory"
)

func testRestorePreview(t *testing.T, ns NewStore) {
	t.Run("ListsWhatRestoreReturnsAndWhatIsMissing", func(t *testing.T) {
		w := newWorld(t, ns)
		admin := w.as(w.contosoAdmin)
		g2 := must(w.svc.CreateGroup(admin, w.contoso.ID, "Reviewers", ""))(t)
		ok(t, w.svc.AddGroupMember(admin, w.contoso.ID, g2.ID, w.adaGuest.ID))
		ok(t, w.svc.AddRole(admin, w.contoso.ID, w.adaGuest.ID, directory.RoleGuestInviter))
		other := must(w.svc.CreateApplication(admin, w.contoso.ID, "Old Tool", []directory.AppRole{{DisplayName: "User", Value: "Tool.Use"}}))(t)
		gone := must(w.svc.AssignAppRole(admin, w.contoso.ID, w.adaGuest.ID, other.ID, other.AppRoles[0].ID))(t)
		ok(t, w.svc.Leave(w.as(w.ada), w.contoso.ID))
		// Groups and applications cannot be deleted in orgdir; an app role
		// dropped from its application is what no longer exists, written
		// through the store as an application update would.
		ok(t, w.store.Write(context.Background(), func(tx directory.Tx) error {
			app, err := tx.GetApplication(context.Background(), w.contoso.ID, other.ID)
			if err != nil {
				return err
			}
			app.AppRoles = slices.DeleteFunc(app.AppRoles, func(r directory.AppRole) bool { return r.ID == gone.AppRoleID })
			return tx.UpdateApplication(context.Background(), app)
		}))

		var p *directory.RestorePreview
		w.unchanged(func() { p = must(w.svc.PreviewRestore(admin, w.contoso.ID, w.adaGuest.ID))(t) })
		var gotGroups []string
		for _, g := range p.Groups {
			gotGroups = append(gotGroups, g.ID+":"+g.DisplayName)
		}
		sortStrings(gotGroups)
		wantGroups := []string{w.team.ID + ":Research", g2.ID + ":Reviewers"}
		sortStrings(wantGroups)
		if !equalStrings(gotGroups, wantGroups) {
			t.Errorf("groups = %v, want %v", gotGroups, wantGroups)
		}
		if len(p.AppRoleAssignments) != 1 || p.AppRoleAssignments[0].ID != w.grant.ID ||
			p.AppRoleAssignments[0].ResourceDisplayName != "Lab Notebook" || p.AppRoleAssignments[0].AppRoleDisplayName != "Reader" {
			t.Errorf("app role assignments = %+v, want Lab Notebook / Reader", p.AppRoleAssignments)
		}
		if len(p.DirectoryRoles) != 1 || p.DirectoryRoles[0].DisplayName != string(directory.RoleGuestInviter) {
			t.Errorf("directory roles = %+v", p.DirectoryRoles)
		}
		if len(p.Missing) != 1 || p.Missing[0] != (directory.PreviewMissing{Kind: directory.MissingAppRoleAssignment, ID: gone.ID}) {
			t.Errorf("missing = %+v, want the assignment of the dropped role", p.Missing)
		}
		if len(p.Conflicts) != 0 || p.Expired {
			t.Errorf("conflicts = %+v, expired = %v; want none", p.Conflicts, p.Expired)
		}

		// Exact against the restore itself.
		must(w.svc.RestoreUser(admin, w.contoso.ID, w.adaGuest.ID, ""))(t)
		after := groupIDs(must(w.svc.ListMemberOf(admin, w.contoso.ID, w.adaGuest.ID))(t))
		var previewed []string
		for _, g := range p.Groups {
			previewed = append(previewed, g.ID)
		}
		sortStrings(after)
		sortStrings(previewed)
		if !equalStrings(after, previewed) {
			t.Errorf("groups after restore = %v, preview said %v", after, previewed)
		}
		// The store keeps the dropped role's assignment row, which the
		// restore returns but which grants no role: the preview's
		// assignments plus its missing ones, nothing else.
		var grants []string
		for _, a := range must(w.svc.ListAppRoleAssignments(admin, w.contoso.ID, w.adaGuest.ID))(t) {
			grants = append(grants, a.ID)
		}
		sortStrings(grants)
		wantGrants := []string{w.grant.ID, gone.ID}
		sortStrings(wantGrants)
		if !equalStrings(grants, wantGrants) {
			t.Errorf("assignments after restore = %v, preview said %v", grants, wantGrants)
		}
		roles := must(w.svc.ListRoles(admin, w.contoso.ID, w.adaGuest.ID))(t)
		if len(roles) != 1 || roles[0] != directory.RoleGuestInviter {
			t.Errorf("roles after restore = %v", roles)
		}
	})

	t.Run("LiveUserHoldingUPNIsAConflict", func(t *testing.T) {
		w := newWorld(t, ns)
		admin := w.as(w.contosoAdmin)
		carol := w.member(w.contoso, "carol", "Carol One")
		ok(t, w.svc.DeleteUser(admin, w.contoso.ID, carol.ID))
		two := must(w.svc.CreateUser(admin, w.contoso.ID, directory.NewUser{UserPrincipalName: carol.UserPrincipalName, DisplayName: "Carol Two"}))(t)
		p := must(w.svc.PreviewRestore(admin, w.contoso.ID, carol.ID))(t)
		if len(p.Conflicts) != 1 || p.Conflicts[0].Property != "userPrincipalName" || p.Conflicts[0].UserID != two.ID {
			t.Errorf("conflicts = %+v, want the UPN held by %s", p.Conflicts, two.ID)
		}
		// The restore refuses for the same reason.
		_, err := w.svc.RestoreUser(admin, w.contoso.ID, carol.ID, "")
		if e := wantKind(t, err, directory.KindRestoreClash); e.Field != p.Conflicts[0].Property {
			t.Errorf("restore clash field = %q, preview said %q", e.Field, p.Conflicts[0].Property)
		}
	})

	t.Run("ReinvitedGuestHoldsMail", func(t *testing.T) {
		w := newWorld(t, ns)
		ok(t, w.svc.Leave(w.as(w.ada), w.contoso.ID))
		again := w.invite(w.contoso, w.ada.Mail)
		p := must(w.svc.PreviewRestore(w.as(w.contosoAdmin), w.contoso.ID, w.adaGuest.ID))(t)
		if !slices.ContainsFunc(p.Conflicts, func(c directory.RestoreConflict) bool { return c.Property == "mail" && c.UserID == again.User.ID }) {
			t.Errorf("conflicts = %+v, want the mail held by %s", p.Conflicts, again.User.ID)
		}
	})

	t.Run("PersonWithAnotherLiveGuest", func(t *testing.T) {
		w := newWorld(t, ns)
		ok(t, w.svc.Leave(w.as(w.ada), w.contoso.ID))
		mail := "ada.lovelace@fabrikam.example"
		w.ada = must(w.svc.UpdateUser(w.as(w.fabrikamAdmin), w.fabrikam.ID, w.ada.ID, directory.UserPatch{Mail: &mail}))(t)
		again := w.inviteAndRedeem(w.contoso, mail, w.as(w.ada))
		p := must(w.svc.PreviewRestore(w.as(w.contosoAdmin), w.contoso.ID, w.adaGuest.ID))(t)
		if len(p.Conflicts) != 1 || p.Conflicts[0].Property != "person" || p.Conflicts[0].UserID != again.ID {
			t.Errorf("conflicts = %+v, want the person's other account %s", p.Conflicts, again.ID)
		}
		_, err := w.svc.RestoreUser(w.as(w.contosoAdmin), w.contoso.ID, w.adaGuest.ID, "")
		wantKind(t, err, directory.KindConflict)
	})

	t.Run("AfterRetentionEnded", func(t *testing.T) {
		w := newWorld(t, ns)
		ok(t, w.svc.Leave(w.as(w.ada), w.contoso.ID))
		w.clock.Advance(30*24*time.Hour - time.Second)
		if p := must(w.svc.PreviewRestore(w.as(w.contosoAdmin), w.contoso.ID, w.adaGuest.ID))(t); p.Expired {
			t.Error("expired a second before the retention ends")
		}
		w.clock.Advance(time.Second)
		if p := must(w.svc.PreviewRestore(w.as(w.contosoAdmin), w.contoso.ID, w.adaGuest.ID))(t); !p.Expired {
			t.Error("not expired when the retention ended")
		}
		_, err := w.svc.RestoreUser(w.as(w.contosoAdmin), w.contoso.ID, w.adaGuest.ID, "")
		wantKind(t, err, directory.KindConflict)
	})

	t.Run("OtherTenantNotFound", func(t *testing.T) {
		w := newWorld(t, ns)
		ok(t, w.svc.Leave(w.as(w.ada), w.contoso.ID))
		_, err := w.svc.PreviewRestore(w.as(w.fabrikamAdmin), w.contoso.ID, w.adaGuest.ID)
		wantKind(t, err, directory.KindNotFound) // as the matrix's OtherTenantsAdmin column
		_, err = w.svc.PreviewRestore(w.as(w.fabrikamAdmin), w.fabrikam.ID, w.adaGuest.ID)
		wantKind(t, err, directory.KindNotFound)
		_, err = w.svc.PreviewRestore(w.as(w.contosoAdmin), w.contoso.ID, w.contosoAdmin.ID)
		wantKind(t, err, directory.KindNotFound) // live, not deleted
	})

	t.Run("AuthorizedAsRestore", func(t *testing.T) {
		w := newWorld(t, ns)
		admin := w.as(w.contosoAdmin)
		plain := w.member(w.contoso, "plain", "Plain Member")
		inviter := w.member(w.contoso, "inviter", "Guest Inviter", directory.RoleGuestInviter)
		ua := w.member(w.contoso, "useradmin", "User Admin", directory.RoleUserAdministrator)
		ok(t, w.svc.Leave(w.as(w.ada), w.contoso.ID))
		for _, u := range []*directory.User{plain, inviter} {
			_, err := w.svc.PreviewRestore(w.as(u), w.contoso.ID, w.adaGuest.ID)
			wantKind(t, err, directory.KindForbidden)
		}
		must(w.svc.PreviewRestore(w.as(ua), w.contoso.ID, w.adaGuest.ID))(t)
		ga := w.member(w.contoso, "ga2", "Second Global", directory.RoleGlobalAdministrator)
		ok(t, w.svc.DeleteUser(admin, w.contoso.ID, ga.ID))
		_, err := w.svc.PreviewRestore(w.as(ua), w.contoso.ID, ga.ID)
		wantKind(t, err, directory.KindForbidden)
		_, err = w.svc.RestoreUser(w.as(ua), w.contoso.ID, ga.ID, "")
		wantKind(t, err, directory.KindForbidden)
		must(w.svc.PreviewRestore(admin, w.contoso.ID, ga.ID))(t)
	})
}
