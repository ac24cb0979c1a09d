package ruletest

import (
	"context"
	"strings"
	"testing"

	"github.com/orgdir/orgdir/internal/directory"
)

func testAuthorization(t *testing.T, ns NewStore) {
	t.Run("NoActorIsUnauthenticated", func(t *testing.T) {
		w := newWorld(t, ns)
		ctx := context.Background()
		w.unchanged(func() {
			_, err := w.svc.ListUsers(ctx, w.contoso.ID, directory.UserQuery{})
			wantKind(t, err, directory.KindUnauthenticated)
			_, err = w.svc.CreateGroup(ctx, w.contoso.ID, "X", "")
			wantKind(t, err, directory.KindUnauthenticated)
			wantKind(t, w.svc.Leave(ctx, w.contoso.ID), directory.KindUnauthenticated)
			_, err = w.svc.Organizations(ctx)
			wantKind(t, err, directory.KindUnauthenticated)
		})
	})

	t.Run("UnknownActorIsUnauthenticated", func(t *testing.T) {
		w := newWorld(t, ns)
		for _, a := range []directory.Actor{
			directory.UserActor(w.contoso.ID, directory.NewID()),
			directory.UserActor(w.fabrikam.ID, w.contosoAdmin.ID), // right user, wrong tenant
			directory.UserActor("x", "y"),
			directory.EmailActor(directory.NewID()),
			{},
		} {
			_, err := w.svc.GetUser(directory.WithActor(context.Background(), a), w.contoso.ID, w.contosoAdmin.ID)
			wantKind(t, err, directory.KindUnauthenticated)
		}
	})

	t.Run("DisabledActorIsUnauthenticated", func(t *testing.T) {
		w := newWorld(t, ns)
		ua := w.member(w.contoso, "ua", "User Admin", directory.RoleUserAdministrator)
		w.disable(ua)
		w.unchanged(func() {
			wantKind(t, w.svc.DeleteUser(w.as(ua), w.contoso.ID, w.adaGuest.ID), directory.KindUnauthenticated)
		})
	})

	t.Run("DeletedActorIsUnauthenticated", func(t *testing.T) {
		w := newWorld(t, ns)
		ua := w.member(w.contoso, "ua", "User Admin", directory.RoleUserAdministrator)
		ok(t, w.svc.DeleteUser(w.as(w.contosoAdmin), w.contoso.ID, ua.ID))
		w.unchanged(func() {
			_, err := w.svc.ListUsers(w.as(ua), w.contoso.ID, directory.UserQuery{})
			wantKind(t, err, directory.KindUnauthenticated)
		})
	})

	t.Run("MemberWithoutRoleReadsButCannotChange", func(t *testing.T) {
		w := newWorld(t, ns)
		plain := w.member(w.contoso, "plain", "Plain Member")
		ctx := w.as(plain)
		must(w.svc.ListUsers(ctx, w.contoso.ID, directory.UserQuery{}))(t)
		must(w.svc.GetUser(ctx, w.contoso.ID, w.adaGuest.ID))(t)
		must(w.svc.ListGroups(ctx, w.contoso.ID, directory.GroupQuery{}))(t)
		must(w.svc.ListGroupMembers(ctx, w.contoso.ID, w.team.ID, directory.Page{}))(t)
		w.unchanged(func() {
			wantKind(t, w.svc.DeleteUser(ctx, w.contoso.ID, w.adaGuest.ID), directory.KindForbidden)
			_, err := w.svc.CreateUser(ctx, w.contoso.ID, directory.NewUser{UserPrincipalName: "x@contoso.example", DisplayName: "X"})
			wantKind(t, err, directory.KindForbidden)
			_, err = w.svc.Invite(ctx, w.contoso.ID, directory.InviteRequest{InvitedUserEmailAddress: "x@elsewhere.example"})
			wantKind(t, err, directory.KindForbidden)
			wantKind(t, w.svc.AddGroupMember(ctx, w.contoso.ID, w.team.ID, plain.ID), directory.KindForbidden)
			_, err = w.svc.ListAudit(ctx, w.contoso.ID, directory.AuditQuery{})
			wantKind(t, err, directory.KindForbidden)
			wantKind(t, w.svc.AddRole(ctx, w.contoso.ID, plain.ID, directory.RoleGlobalAdministrator), directory.KindForbidden)
		})
	})

	// A refusal says what was refused: reading is not changing.
	t.Run("RefusedReadSaysRead", func(t *testing.T) {
		w := newWorld(t, ns)
		plain := w.as(w.member(w.contoso, "plain", "Plain Member"))
		gone := w.member(w.contoso, "gone", "Gone")
		ok(t, w.svc.DeleteUser(w.sys, w.contoso.ID, gone.ID))
		id := w.audit(w.contoso.ID)[0].ID
		w.unchanged(func() {
			_, err := w.svc.GetAudit(plain, w.contoso.ID, id)
			if e := wantKind(t, err, directory.KindForbidden); e.Message != "you do not have permission to read this audit event" {
				t.Errorf("refused GetAudit says %q", e.Message)
			}
			_, err = w.svc.GetDeletedUser(plain, w.contoso.ID, gone.ID)
			if e := wantKind(t, err, directory.KindForbidden); strings.Contains(e.Message, "change") {
				t.Errorf("refused GetDeletedUser says %q", e.Message)
			}
		})
	})

	t.Run("GuestInviterOnlyInvites", func(t *testing.T) {
		w := newWorld(t, ns)
		gi := w.member(w.contoso, "inviter", "Inviter", directory.RoleGuestInviter)
		must(w.svc.Invite(w.as(gi), w.contoso.ID, directory.InviteRequest{InvitedUserEmailAddress: "new@elsewhere.example"}))(t)
		w.unchanged(func() {
			wantKind(t, w.svc.DeleteUser(w.as(gi), w.contoso.ID, w.adaGuest.ID), directory.KindForbidden)
			_, err := w.svc.ListAudit(w.as(gi), w.contoso.ID, directory.AuditQuery{})
			wantKind(t, err, directory.KindForbidden)
		})
	})

	t.Run("UserAdministratorLimits", func(t *testing.T) {
		w := newWorld(t, ns)
		ua := w.member(w.contoso, "ua", "User Admin", directory.RoleUserAdministrator)
		ctx := w.as(ua)
		// Manages users, groups, deleted users and reads the audit log…
		bob := must(w.svc.CreateUser(ctx, w.contoso.ID, directory.NewUser{UserPrincipalName: "bob@contoso.example", DisplayName: "Bob"}))(t)
		ok(t, w.svc.AddGroupMember(ctx, w.contoso.ID, w.team.ID, bob.ID))
		ok(t, w.svc.AddRole(ctx, w.contoso.ID, bob.ID, directory.RoleGuestInviter))
		must(w.svc.ListAudit(ctx, w.contoso.ID, directory.AuditQuery{}))(t)
		// …but not tenant settings, nor Global Administrators.
		w.unchanged(func() {
			_, err := w.svc.UpdateTenant(ctx, w.contoso.ID, directory.TenantPatch{DisplayName: ptr("Mine")})
			wantKind(t, err, directory.KindForbidden)
			wantKind(t, w.svc.AddRole(ctx, w.contoso.ID, bob.ID, directory.RoleGlobalAdministrator), directory.KindForbidden)
			wantKind(t, w.svc.DeleteUser(ctx, w.contoso.ID, w.contosoAdmin.ID), directory.KindForbidden)
			_, err = w.svc.UpdateUser(ctx, w.contoso.ID, w.contosoAdmin.ID, directory.UserPatch{AccountEnabled: ptr(false)})
			wantKind(t, err, directory.KindForbidden)
			wantKind(t, w.svc.SetPassword(ctx, w.contoso.ID, w.contosoAdmin.ID, "correct horse battery"), directory.KindForbidden)
		})
	})

	t.Run("OnlySystemCreatesTenants", func(t *testing.T) {
		w := newWorld(t, ns)
		_, err := w.svc.CreateTenant(w.as(w.contosoAdmin), "Evil", "evil.example")
		wantKind(t, err, directory.KindForbidden)
		_, err = w.svc.ListTenants(w.as(w.contosoAdmin))
		wantKind(t, err, directory.KindForbidden)
		ts := must(w.svc.ListTenants(w.sys))(t)
		if len(ts) != 2 {
			t.Errorf("tenants = %d, want 2", len(ts))
		}
	})
}

// testIsolation pins that a Contoso administrator can neither read nor
// change anything in Fabrikam: objects of Fabrikam are not found,
// Fabrikam's collections and settings are forbidden, and Fabrikam is
// unchanged afterwards.
func testIsolation(t *testing.T, ns NewStore) {
	t.Run("ContosoAdminCannotReadOrChangeFabrikam", func(t *testing.T) {
		w := newWorld(t, ns)
		fadmin := w.as(w.fabrikamAdmin)
		fg := must(w.svc.CreateGroup(fadmin, w.fabrikam.ID, "Fabrikam Team", ""))(t)
		fapp := must(w.svc.CreateApplication(fadmin, w.fabrikam.ID, "Fabrikam App", nil))(t)
		fgrant := must(w.svc.AssignAppRole(fadmin, w.fabrikam.ID, w.ada.ID, fapp.ID, ""))(t)
		gone := w.member(w.fabrikam, "gone", "Gone User")
		ok(t, w.svc.DeleteUser(fadmin, w.fabrikam.ID, gone.ID))
		fevent := w.audit(w.fabrikam.ID)[0]
		f := w.fabrikam.ID
		ctx := w.as(w.contosoAdmin)

		notFound := map[string]error{}
		forbidden := map[string]error{}
		w.unchanged(func() {
			_, notFound["GetUser"] = w.svc.GetUser(ctx, f, w.ada.ID)
			_, notFound["GetUserByUPN"] = w.svc.GetUser(ctx, f, w.ada.UserPrincipalName)
			_, notFound["GetUserThroughOwnTenant"] = w.svc.GetUser(ctx, w.contoso.ID, w.ada.ID)
			_, notFound["GetTenant"] = w.svc.GetTenant(ctx, f)
			_, notFound["GetTenantByDomain"] = w.svc.GetTenantByDomain(ctx, w.fabrikam.InitialDomain)
			_, notFound["GetGroup"] = w.svc.GetGroup(ctx, f, fg.ID)
			_, notFound["ListGroupMembers"] = w.svc.ListGroupMembers(ctx, f, fg.ID, directory.Page{})
			_, notFound["ListMemberOf"] = w.svc.ListMemberOf(ctx, f, w.ada.ID)
			_, notFound["GetApplication"] = w.svc.GetApplication(ctx, f, fapp.ID)
			_, notFound["ListAppRoleAssignments"] = w.svc.ListAppRoleAssignments(ctx, f, w.ada.ID)
			_, notFound["ListRoles"] = w.svc.ListRoles(ctx, f, w.fabrikamAdmin.ID)
			_, notFound["GetDeletedUser"] = w.svc.GetDeletedUser(ctx, f, gone.ID)
			_, notFound["GetAudit"] = w.svc.GetAudit(ctx, f, fevent.ID)
			_, notFound["ExportUserData"] = w.svc.ExportUserData(ctx, f, w.ada.ID)
			_, notFound["UpdateUser"] = w.svc.UpdateUser(ctx, f, w.ada.ID, directory.UserPatch{AccountEnabled: ptr(false)})
			notFound["DeleteUser"] = w.svc.DeleteUser(ctx, f, w.ada.ID)
			notFound["DeleteUserThroughOwnTenant"] = w.svc.DeleteUser(ctx, w.contoso.ID, w.ada.ID)
			_, notFound["RestoreUser"] = w.svc.RestoreUser(ctx, f, gone.ID, "")
			notFound["PermanentlyDeleteUser"] = w.svc.PermanentlyDeleteUser(ctx, f, gone.ID)
			notFound["PermanentlyDeleteUsers"] = w.svc.PermanentlyDeleteUsers(ctx, f, []string{gone.ID})[0].Err
			notFound["SetPassword"] = w.svc.SetPassword(ctx, f, w.ada.ID, "correct horse battery")
			notFound["AddGroupMember"] = w.svc.AddGroupMember(ctx, f, fg.ID, w.ada.ID)
			notFound["RemoveGroupMember"] = w.svc.RemoveGroupMember(ctx, f, fg.ID, w.ada.ID)
			_, notFound["AssignAppRole"] = w.svc.AssignAppRole(ctx, f, w.ada.ID, fapp.ID, "")
			notFound["RemoveAppRoleAssignment"] = w.svc.RemoveAppRoleAssignment(ctx, f, w.ada.ID, fgrant.ID)
			notFound["AddRole"] = w.svc.AddRole(ctx, f, w.ada.ID, directory.RoleUserAdministrator)
			notFound["RemoveRole"] = w.svc.RemoveRole(ctx, f, w.fabrikamAdmin.ID, directory.RoleGlobalAdministrator)

			_, forbidden["ListUsers"] = w.svc.ListUsers(ctx, f, directory.UserQuery{})
			_, forbidden["ListDeletedUsers"] = w.svc.ListUsers(ctx, f, directory.UserQuery{Deleted: true})
			_, forbidden["CountUsers"] = w.svc.CountUsers(ctx, f, directory.UserQuery{})
			_, forbidden["CreateUser"] = w.svc.CreateUser(ctx, f, directory.NewUser{UserPrincipalName: "x@fabrikam.example", DisplayName: "X"})
			_, forbidden["Invite"] = w.svc.Invite(ctx, f, directory.InviteRequest{InvitedUserEmailAddress: "x@elsewhere.example"})
			_, forbidden["ListGroups"] = w.svc.ListGroups(ctx, f, directory.GroupQuery{})
			_, forbidden["CreateGroup"] = w.svc.CreateGroup(ctx, f, "Mine", "")
			_, forbidden["ListApplications"] = w.svc.ListApplications(ctx, f, directory.Page{})
			_, forbidden["CreateApplication"] = w.svc.CreateApplication(ctx, f, "Mine", nil)
			_, forbidden["ListAudit"] = w.svc.ListAudit(ctx, f, directory.AuditQuery{})
			_, forbidden["ListOutbox"] = w.svc.ListOutbox(ctx, f, directory.Page{})
			_, forbidden["UpdateTenant"] = w.svc.UpdateTenant(ctx, f, directory.TenantPatch{AllowExternalUsersToLeave: ptr(false)})
		})
		for name, err := range notFound {
			t.Run(name, func(t *testing.T) { wantKind(t, err, directory.KindNotFound) })
		}
		for name, err := range forbidden {
			t.Run(name, func(t *testing.T) { wantKind(t, err, directory.KindForbidden) })
		}
	})
}

// testGuestVisibility pins that a guest sees only themselves, their own
// groups and their own app role assignments.
func testGuestVisibility(t *testing.T, ns NewStore) {
	t.Run("GuestCannotListUsers", func(t *testing.T) {
		w := newWorld(t, ns)
		_, err := w.svc.ListUsers(w.as(w.adaGuest), w.contoso.ID, directory.UserQuery{})
		wantKind(t, err, directory.KindForbidden)
		_, err = w.svc.CountUsers(w.as(w.adaGuest), w.contoso.ID, directory.UserQuery{})
		wantKind(t, err, directory.KindForbidden)
		_, err = w.svc.ListGroupMembers(w.as(w.adaGuest), w.contoso.ID, w.team.ID, directory.Page{})
		wantKind(t, err, directory.KindForbidden)
	})

	t.Run("GuestSeesOnlyThemselves", func(t *testing.T) {
		w := newWorld(t, ns)
		g := w.as(w.adaGuest)
		if u := must(w.svc.GetUser(g, w.contoso.ID, w.adaGuest.ID))(t); u.ID != w.adaGuest.ID {
			t.Errorf("GetUser(self) = %s", u.ID)
		}
		_, err := w.svc.GetUser(g, w.contoso.ID, w.contosoAdmin.ID)
		wantKind(t, err, directory.KindNotFound)
		_, err = w.svc.ListMemberOf(g, w.contoso.ID, w.contosoAdmin.ID)
		wantKind(t, err, directory.KindNotFound)
		_, err = w.svc.ListRoles(g, w.contoso.ID, w.contosoAdmin.ID)
		wantKind(t, err, directory.KindNotFound)
	})

	// A guest reads their own user, so changing it is refused as
	// forbidden, not as not found; other users stay not found.
	t.Run("GuestChangingThemselvesIsForbidden", func(t *testing.T) {
		w := newWorld(t, ns)
		g := w.as(w.adaGuest)
		c := w.contoso.ID
		w.unchanged(func() {
			for _, id := range []string{w.adaGuest.ID, w.adaGuest.UserPrincipalName} {
				_, err := w.svc.UpdateUser(g, c, id, directory.UserPatch{DisplayName: ptr("Renamed")})
				wantKind(t, err, directory.KindForbidden)
			}
			wantKind(t, w.svc.DeleteUser(g, c, w.adaGuest.ID), directory.KindForbidden)
			wantKind(t, w.svc.AddRole(g, c, w.adaGuest.ID, directory.RoleGuestInviter), directory.KindForbidden)
			_, err := w.svc.AssignAppRole(g, c, w.adaGuest.ID, w.app.ID, w.app.AppRoles[1].ID)
			wantKind(t, err, directory.KindForbidden)
			_, err = w.svc.UpdateUser(g, c, w.contosoAdmin.ID, directory.UserPatch{DisplayName: ptr("Renamed")})
			wantKind(t, err, directory.KindNotFound)
			wantKind(t, w.svc.DeleteUser(g, c, w.contosoAdmin.ID), directory.KindNotFound)
		})
	})

	t.Run("GuestSeesOwnGroupsAndApps", func(t *testing.T) {
		w := newWorld(t, ns)
		admin := w.as(w.contosoAdmin)
		other := must(w.svc.CreateGroup(admin, w.contoso.ID, "Secret Board", ""))(t)
		otherApp := must(w.svc.CreateApplication(admin, w.contoso.ID, "Payroll", nil))(t)
		g := w.as(w.adaGuest)
		groups := must(w.svc.ListMemberOf(g, w.contoso.ID, w.adaGuest.ID))(t)
		if len(groups) != 1 || groups[0].ID != w.team.ID {
			t.Errorf("memberOf = %v, want the team", groupIDs(groups))
		}
		must(w.svc.GetGroup(g, w.contoso.ID, w.team.ID))(t)
		_, err := w.svc.GetGroup(g, w.contoso.ID, other.ID)
		wantKind(t, err, directory.KindNotFound)
		_, err = w.svc.ListGroups(g, w.contoso.ID, directory.GroupQuery{})
		wantKind(t, err, directory.KindForbidden)
		grants := must(w.svc.ListAppRoleAssignments(g, w.contoso.ID, w.adaGuest.ID))(t)
		if len(grants) != 1 || grants[0].ID != w.grant.ID {
			t.Errorf("grants = %v, want Ada's", grantKeys(grants))
		}
		must(w.svc.GetApplication(g, w.contoso.ID, w.app.ID))(t)
		_, err = w.svc.GetApplication(g, w.contoso.ID, otherApp.ID)
		wantKind(t, err, directory.KindNotFound)
		_, err = w.svc.ListApplications(g, w.contoso.ID, directory.Page{})
		wantKind(t, err, directory.KindForbidden)
		must(w.svc.GetTenant(g, w.contoso.ID))(t)
	})
}
