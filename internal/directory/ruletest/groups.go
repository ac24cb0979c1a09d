package ruletest

import (
	"testing"

	"github.com/orgdir/orgdir/internal/directory"
)

func testGroupsAndApps(t *testing.T, ns NewStore) {
	t.Run("MembershipAddAndRemove", func(t *testing.T) {
		w := newWorld(t, ns)
		admin := w.as(w.contosoAdmin)
		wantKind(t, w.svc.AddGroupMember(admin, w.contoso.ID, w.team.ID, w.adaGuest.ID), directory.KindConflict)
		ok(t, w.svc.RemoveGroupMember(admin, w.contoso.ID, w.team.ID, w.adaGuest.ID))
		wantKind(t, w.svc.RemoveGroupMember(admin, w.contoso.ID, w.team.ID, w.adaGuest.ID), directory.KindNotFound)
		if got := must(w.svc.ListMemberOf(admin, w.contoso.ID, w.adaGuest.ID))(t); len(got) != 0 {
			t.Errorf("memberOf = %v", groupIDs(got))
		}
		if len(w.events(w.contoso.ID, directory.ActivityAddMemberToGroup, w.adaGuest.ID)) != 1 ||
			len(w.events(w.contoso.ID, directory.ActivityRemoveMemberFromGroup, w.adaGuest.ID)) != 1 {
			t.Error("membership changes not audited once each")
		}
	})

	t.Run("DeletedUserCannotBeAdded", func(t *testing.T) {
		w := newWorld(t, ns)
		admin := w.as(w.contosoAdmin)
		g := must(w.svc.CreateGroup(admin, w.contoso.ID, "Other", ""))(t)
		ok(t, w.svc.Leave(w.as(w.ada), w.contoso.ID))
		w.unchanged(func() {
			wantKind(t, w.svc.AddGroupMember(admin, w.contoso.ID, g.ID, w.adaGuest.ID), directory.KindNotFound)
			_, err := w.svc.AssignAppRole(admin, w.contoso.ID, w.adaGuest.ID, w.app.ID, "")
			wantKind(t, err, directory.KindNotFound)
		})
	})

	t.Run("AppWithoutRolesHasDefaultAccess", func(t *testing.T) {
		w := newWorld(t, ns)
		admin := w.as(w.contosoAdmin)
		app := must(w.svc.CreateApplication(admin, w.contoso.ID, "Wiki", nil))(t)
		if len(app.AppRoles) != 1 || app.AppRoles[0].ID != directory.DefaultAppRoleID || app.AppRoles[0].DisplayName != "Default Access" {
			t.Fatalf("roles = %+v", app.AppRoles)
		}
		a := must(w.svc.AssignAppRole(admin, w.contoso.ID, w.adaGuest.ID, app.ID, ""))(t)
		if a.AppRoleID != directory.DefaultAppRoleID || a.PrincipalID != w.adaGuest.ID || a.ResourceID != app.ID {
			t.Errorf("assignment = %+v", a)
		}
	})

	t.Run("RoleMustBelongToApp", func(t *testing.T) {
		w := newWorld(t, ns)
		admin := w.as(w.contosoAdmin)
		w.unchanged(func() {
			_, err := w.svc.AssignAppRole(admin, w.contoso.ID, w.adaGuest.ID, w.app.ID, directory.NewID())
			wantField(t, err, "appRoleId")
			_, err = w.svc.AssignAppRole(admin, w.contoso.ID, w.adaGuest.ID, w.app.ID, "")
			wantField(t, err, "appRoleId")
			_, err = w.svc.AssignAppRole(admin, w.contoso.ID, w.adaGuest.ID, w.app.ID, w.app.AppRoles[0].ID)
			wantKind(t, err, directory.KindConflict)
		})
	})

	t.Run("RemoveAssignment", func(t *testing.T) {
		w := newWorld(t, ns)
		admin := w.as(w.contosoAdmin)
		wantKind(t, w.svc.RemoveAppRoleAssignment(admin, w.contoso.ID, w.contosoAdmin.ID, w.grant.ID), directory.KindNotFound)
		ok(t, w.svc.RemoveAppRoleAssignment(admin, w.contoso.ID, w.adaGuest.ID, w.grant.ID))
		if got := must(w.svc.ListAppRoleAssignments(admin, w.contoso.ID, w.adaGuest.ID))(t); len(got) != 0 {
			t.Errorf("assignments = %v", grantKeys(got))
		}
		if len(w.events(w.contoso.ID, directory.ActivityRemoveAppRoleAssign, w.adaGuest.ID)) != 1 {
			t.Error("removal not audited")
		}
	})

	t.Run("DirectoryRoles", func(t *testing.T) {
		w := newWorld(t, ns)
		admin := w.as(w.contosoAdmin)
		ok(t, w.svc.AddRole(admin, w.contoso.ID, w.adaGuest.ID, directory.RoleGuestInviter))
		wantKind(t, w.svc.AddRole(admin, w.contoso.ID, w.adaGuest.ID, directory.RoleGuestInviter), directory.KindConflict)
		if got := must(w.svc.ListRoles(w.as(w.adaGuest), w.contoso.ID, w.adaGuest.ID))(t); len(got) != 1 || got[0] != directory.RoleGuestInviter {
			t.Errorf("roles = %v", got)
		}
		// The guest may now invite.
		must(w.svc.Invite(w.as(w.adaGuest), w.contoso.ID, directory.InviteRequest{InvitedUserEmailAddress: "friend@elsewhere.example"}))(t)
		ok(t, w.svc.RemoveRole(admin, w.contoso.ID, w.adaGuest.ID, directory.RoleGuestInviter))
		wantKind(t, w.svc.RemoveRole(admin, w.contoso.ID, w.adaGuest.ID, directory.RoleGuestInviter), directory.KindNotFound)
		wantKind(t, w.svc.RemoveRole(admin, w.contoso.ID, w.contosoAdmin.ID, directory.RoleGlobalAdministrator), directory.KindConflict)
	})
}
