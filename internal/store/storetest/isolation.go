package storetest

import (
	"testing"

	"github.com/orgdir/orgdir/internal/directory"
)

// Each test here creates an object in tenant A and shows that, named with
// tenant B, it is not found (reads, changes, deletes) and not listed, and
// that A's object is unchanged afterwards.
var isolationTests = map[string]func(*testing.T, *fx){
	"AnotherTenantCannotSeeOrChangeAUser": func(t *testing.T, f *fx) {
		a, b := f.tenant(), f.tenant()
		u := f.user(a.ID)
		f.write(func(tx directory.Tx) error { return tx.SetPasswordHash(f.ctx, a.ID, u.ID, "hash") })
		f.user(b.ID)
		f.read(func(tx directory.Tx) error {
			_, err := tx.GetUser(f.ctx, b.ID, u.ID)
			wantKind(t, err, directory.KindNotFound)
			_, err = tx.GetUserByUPN(f.ctx, b.ID, u.UserPrincipalName)
			wantKind(t, err, directory.KindNotFound)
			_, err = tx.GetUserByMail(f.ctx, b.ID, u.Mail)
			wantKind(t, err, directory.KindNotFound)
			_, err = tx.GetPasswordHash(f.ctx, b.ID, u.ID)
			wantKind(t, err, directory.KindNotFound)
			list, err := tx.ListUsers(f.ctx, b.ID, directory.UserQuery{Search: u.DisplayName})
			wantNoErr(t, err)
			sameIDs(t, userIDs(list), nil)
			n, err := tx.CountUsers(f.ctx, b.ID, directory.UserQuery{Filter: eq("id", u.ID)})
			wantNoErr(t, err)
			if n != 0 {
				t.Fatalf("CountUsers in B counted A's user")
			}
			return nil
		})
		hijack := *u
		hijack.TenantID, hijack.DisplayName = b.ID, "Hijacked"
		wantKind(t, f.tryWrite(func(tx directory.Tx) error { return tx.UpdateUser(f.ctx, &hijack) }), directory.KindNotFound)
		wantKind(t, f.tryWrite(func(tx directory.Tx) error { return tx.DeleteUser(f.ctx, b.ID, u.ID) }), directory.KindNotFound)
		wantKind(t, f.tryWrite(func(tx directory.Tx) error { return tx.SetPasswordHash(f.ctx, b.ID, u.ID, "other") }), directory.KindNotFound)
		f.read(func(tx directory.Tx) error {
			got, err := tx.GetUser(f.ctx, a.ID, u.ID)
			wantNoErr(t, err)
			sameJSON(t, got, u)
			h, err := tx.GetPasswordHash(f.ctx, a.ID, u.ID)
			wantNoErr(t, err)
			if h != "hash" {
				t.Fatalf("password changed through another tenant")
			}
			return nil
		})
	},
	"AnotherTenantCannotSeeOrChangeAnInvitation": func(t *testing.T, f *fx) {
		a, b := f.tenant(), f.tenant()
		u := f.user(a.ID)
		inv := f.invitation(a.ID, u.ID)
		f.read(func(tx directory.Tx) error {
			_, err := tx.GetInvitation(f.ctx, b.ID, inv.ID)
			wantKind(t, err, directory.KindNotFound)
			list, err := tx.ListInvitationsByUser(f.ctx, b.ID, u.ID)
			wantNoErr(t, err)
			if len(list) != 0 {
				t.Fatal("B lists A's invitations")
			}
			return nil
		})
		hijack := *inv
		hijack.TenantID, hijack.Status = b.ID, directory.InvitationCompleted
		wantKind(t, f.tryWrite(func(tx directory.Tx) error { return tx.UpdateInvitation(f.ctx, &hijack) }), directory.KindNotFound)
		// An invitation of B cannot point at A's user.
		cross := *inv
		cross.ID, cross.TenantID, cross.TokenHash = directory.NewID(), b.ID, []byte("cross")
		wantKind(t, f.tryWrite(func(tx directory.Tx) error { return tx.CreateInvitation(f.ctx, &cross) }), directory.KindNotFound)
		f.read(func(tx directory.Tx) error {
			got, err := tx.GetInvitation(f.ctx, a.ID, inv.ID)
			wantNoErr(t, err)
			sameJSON(t, got, inv)
			return nil
		})
	},
	"AnotherTenantCannotSeeOrChangeAGroupOrItsMembers": func(t *testing.T, f *fx) {
		a, b := f.tenant(), f.tenant()
		g, u := f.group(a.ID, "Sales"), f.user(a.ID)
		bUser := f.user(b.ID)
		f.write(func(tx directory.Tx) error { return tx.AddGroupMember(f.ctx, a.ID, g.ID, u.ID) })
		f.read(func(tx directory.Tx) error {
			_, err := tx.GetGroup(f.ctx, b.ID, g.ID)
			wantKind(t, err, directory.KindNotFound)
			list, err := tx.ListGroups(f.ctx, b.ID, directory.GroupQuery{})
			wantNoErr(t, err)
			if len(list) != 0 {
				t.Fatal("B lists A's groups")
			}
			_, err = tx.ListGroupMembers(f.ctx, b.ID, g.ID, directory.Page{})
			wantKind(t, err, directory.KindNotFound)
			memberOf, err := tx.ListMemberOf(f.ctx, b.ID, u.ID)
			wantNoErr(t, err)
			if len(memberOf) != 0 {
				t.Fatal("B lists A's memberships")
			}
			return nil
		})
		wantKind(t, f.tryWrite(func(tx directory.Tx) error { return tx.AddGroupMember(f.ctx, b.ID, g.ID, bUser.ID) }), directory.KindNotFound)
		wantKind(t, f.tryWrite(func(tx directory.Tx) error { return tx.AddGroupMember(f.ctx, a.ID, g.ID, bUser.ID) }), directory.KindNotFound)
		wantKind(t, f.tryWrite(func(tx directory.Tx) error { return tx.RemoveGroupMember(f.ctx, b.ID, g.ID, u.ID) }), directory.KindNotFound)
		f.read(func(tx directory.Tx) error {
			members, err := tx.ListGroupMembers(f.ctx, a.ID, g.ID, directory.Page{})
			wantNoErr(t, err)
			sameIDs(t, userIDs(members), []string{u.ID})
			return nil
		})
	},
	"AnotherTenantCannotSeeOrUseAnApplicationOrAssignment": func(t *testing.T, f *fx) {
		a, b := f.tenant(), f.tenant()
		u, app := f.user(a.ID), f.app(a.ID)
		asg := f.assignment(a.ID, u.ID, app.ID, app.AppRoles[0].ID)
		bUser := f.user(b.ID)
		f.read(func(tx directory.Tx) error {
			_, err := tx.GetApplication(f.ctx, b.ID, app.ID)
			wantKind(t, err, directory.KindNotFound)
			apps, err := tx.ListApplications(f.ctx, b.ID, directory.Page{})
			wantNoErr(t, err)
			if len(apps) != 0 {
				t.Fatal("B lists A's applications")
			}
			_, err = tx.GetAppRoleAssignment(f.ctx, b.ID, asg.ID)
			wantKind(t, err, directory.KindNotFound)
			list, err := tx.ListAppRoleAssignments(f.ctx, b.ID, u.ID)
			wantNoErr(t, err)
			if len(list) != 0 {
				t.Fatal("B lists A's assignments")
			}
			return nil
		})
		wantKind(t, f.tryWrite(func(tx directory.Tx) error { return tx.DeleteAppRoleAssignment(f.ctx, b.ID, asg.ID) }), directory.KindNotFound)
		// B's user cannot be given A's app, in either tenant's name.
		for _, tenantID := range []string{a.ID, b.ID} {
			cross := &directory.AppRoleAssignment{ID: directory.NewID(), TenantID: tenantID, PrincipalID: bUser.ID, ResourceID: app.ID,
				AppRoleID: directory.DefaultAppRoleID, CreatedAt: base}
			wantKind(t, f.tryWrite(func(tx directory.Tx) error { return tx.CreateAppRoleAssignment(f.ctx, cross) }), directory.KindNotFound)
		}
		f.read(func(tx directory.Tx) error {
			got, err := tx.GetAppRoleAssignment(f.ctx, a.ID, asg.ID)
			wantNoErr(t, err)
			sameJSON(t, got, asg)
			return nil
		})
	},
	"AnotherTenantCannotSeeOrChangeRoles": func(t *testing.T, f *fx) {
		a, b := f.tenant(), f.tenant()
		u := f.user(a.ID)
		f.write(func(tx directory.Tx) error { return tx.AddRole(f.ctx, a.ID, u.ID, directory.RoleGlobalAdministrator) })
		f.read(func(tx directory.Tx) error {
			roles, err := tx.ListRoles(f.ctx, b.ID, u.ID)
			wantNoErr(t, err)
			if len(roles) != 0 {
				t.Fatal("B lists A's roles")
			}
			return nil
		})
		wantKind(t, f.tryWrite(func(tx directory.Tx) error { return tx.AddRole(f.ctx, b.ID, u.ID, directory.RoleUserAdministrator) }), directory.KindNotFound)
		wantKind(t, f.tryWrite(func(tx directory.Tx) error {
			return tx.RemoveRole(f.ctx, b.ID, u.ID, directory.RoleGlobalAdministrator)
		}), directory.KindNotFound)
		f.read(func(tx directory.Tx) error {
			roles, err := tx.ListRoles(f.ctx, a.ID, u.ID)
			wantNoErr(t, err)
			sameJSON(t, roles, []directory.Role{directory.RoleGlobalAdministrator})
			return nil
		})
	},
	"AnotherTenantCannotSeeTheAuditLog": func(t *testing.T, f *fx) {
		a, b := f.tenant(), f.tenant()
		target := directory.NewID()
		e := auditEvent(a.ID, base, directory.ActivityAddUser, directory.AuditTarget{ID: target, Type: "User"})
		f.appendAudit(e)
		f.read(func(tx directory.Tx) error {
			_, err := tx.GetAudit(f.ctx, b.ID, e.ID)
			wantKind(t, err, directory.KindNotFound)
			return nil
		})
		if got := f.listAudit(b.ID, directory.AuditQuery{}); len(got) != 0 {
			t.Fatal("B lists A's audit events")
		}
		if got := f.listAudit(b.ID, directory.AuditQuery{TargetID: target}); len(got) != 0 {
			t.Fatal("B finds A's audit events by target")
		}
	},
	"AnotherTenantCannotSeeOrEraseTheOutbox": func(t *testing.T, f *fx) {
		a, b := f.tenant(), f.tenant()
		m := f.mail(a.ID, "x@example.test", base)
		f.read(func(tx directory.Tx) error {
			got, err := tx.ListOutbox(f.ctx, b.ID, directory.Page{})
			wantNoErr(t, err)
			if len(got) != 0 {
				t.Fatal("B lists A's mail")
			}
			return nil
		})
		f.write(func(tx directory.Tx) error { return tx.DeleteMailTo(f.ctx, b.ID, m.To) })
		f.read(func(tx directory.Tx) error {
			got, err := tx.ListOutbox(f.ctx, a.ID, directory.Page{})
			wantNoErr(t, err)
			sameJSON(t, got, []*directory.OutboxMessage{m})
			return nil
		})
	},
	"AnotherTenantsUserCannotHaveAToken": func(t *testing.T, f *fx) {
		a, b := f.tenant(), f.tenant()
		u := f.user(a.ID)
		err := f.tryWrite(func(tx directory.Tx) error {
			return tx.CreateAccessToken(f.ctx, &directory.AccessToken{ID: directory.NewID(), TenantID: b.ID, UserID: u.ID,
				TokenHash: []byte("t"), CreatedAt: base, ExpiresAt: base})
		})
		wantKind(t, err, directory.KindNotFound)
	},
}
