package ruletest

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/orgdir/orgdir/internal/directory"
)

// testBadInputEverywhere calls every Service method with bad input — empty,
// blank and too long names, malformed addresses, domains and URLs, out of
// range numbers, unknown and malformed ids — as Contoso's Global
// Administrator (or orgdir itself where only it may call), and checks the
// answer is KindInvalid naming the field, or KindNotFound for an id, and
// that nothing changed, the audit log included.
func testBadInputEverywhere(t *testing.T, ns NewStore) {
	w := newWorld(t, ns)
	admin := w.as(w.contosoAdmin)
	c := w.contoso.ID
	ok(t, w.svc.DeleteUser(admin, c, w.member(w.contoso, "gone", "Gone").ID))
	long := strings.Repeat("x", 257)
	blank := " \t\n "
	unknown := directory.NewID()
	const malformed = "not-an-id'--"

	type call func(ctx context.Context) error
	invalid := map[string]struct {
		field string
		run   call
	}{}
	notFound := map[string]call{}
	bad := func(name, field string, run call) {
		invalid[name] = struct {
			field string
			run   call
		}{field, run}
	}
	missing := func(name string, run call) { notFound[name] = run }

	// Tenants.
	bad("CreateTenant/BlankName", "displayName", func(ctx context.Context) error { return errOnly(w.svc.CreateTenant(w.sys, blank, "n.example")) })
	bad("CreateTenant/LongName", "displayName", func(ctx context.Context) error { return errOnly(w.svc.CreateTenant(w.sys, long, "n.example")) })
	bad("CreateTenant/BadDomain", "initialDomain", func(ctx context.Context) error { return errOnly(w.svc.CreateTenant(w.sys, "N", "n..example")) })
	bad("UpdateTenant/BlankName", "displayName", func(ctx context.Context) error {
		return errOnly(w.svc.UpdateTenant(admin, c, directory.TenantPatch{DisplayName: ptr(blank)}))
	})
	bad("UpdateTenant/LongName", "displayName", func(ctx context.Context) error {
		return errOnly(w.svc.UpdateTenant(admin, c, directory.TenantPatch{DisplayName: ptr(long)}))
	})
	bad("UpdateTenant/BadContact", "privacyContactEmail", func(ctx context.Context) error {
		return errOnly(w.svc.UpdateTenant(admin, c, directory.TenantPatch{PrivacyContactEmail: ptr("privacy at contoso")}))
	})
	bad("UpdateTenant/BadURL", "privacyStatementUrl", func(ctx context.Context) error {
		return errOnly(w.svc.UpdateTenant(admin, c, directory.TenantPatch{PrivacyStatementURL: ptr("contoso.example/privacy")}))
	})
	for _, days := range []int{0, 10000} {
		bad("UpdateTenant/Retention"+strconv.Itoa(days), "retentionDays", func(ctx context.Context) error {
			return errOnly(w.svc.UpdateTenant(admin, c, directory.TenantPatch{RetentionDays: ptr(days)}))
		})
	}
	for _, minutes := range []int{9, 1441, -1} {
		bad("UpdateTenant/AccessTokenMinutes"+strconv.Itoa(minutes), "accessTokenLifetimeInMinutes", func(ctx context.Context) error {
			return errOnly(w.svc.UpdateTenant(admin, c, directory.TenantPatch{AccessTokenMinutes: ptr(minutes)}))
		})
	}
	missing("UpdateTenant/MalformedID", func(ctx context.Context) error {
		return errOnly(w.svc.UpdateTenant(w.sys, malformed, directory.TenantPatch{DisplayName: ptr("X")}))
	})
	missing("GetTenant/Unknown", func(ctx context.Context) error { return errOnly(w.svc.GetTenant(w.sys, unknown)) })
	missing("GetTenantByDomain/Malformed", func(ctx context.Context) error { return errOnly(w.svc.GetTenantByDomain(w.sys, "no such domain")) })

	// Users.
	nu := func(upn, name, mail, pw string) directory.NewUser {
		return directory.NewUser{UserPrincipalName: upn, DisplayName: name, Mail: mail, Password: pw}
	}
	bad("CreateUser/BlankName", "displayName", func(ctx context.Context) error {
		return errOnly(w.svc.CreateUser(admin, c, nu("n@contoso.example", blank, "", "")))
	})
	bad("CreateUser/LongLocalPart", "userPrincipalName", func(ctx context.Context) error {
		return errOnly(w.svc.CreateUser(admin, c, nu(strings.Repeat("n", 65)+"@contoso.example", "N", "", "")))
	})
	bad("CreateUser/LongMail", "mail", func(ctx context.Context) error {
		return errOnly(w.svc.CreateUser(admin, c, nu("n@contoso.example", "N", strings.Repeat("m", 250)+"@x.example", "")))
	})
	bad("CreateUser/LongPassword", "password", func(ctx context.Context) error {
		return errOnly(w.svc.CreateUser(admin, c, nu("n@contoso.example", "N", "", strings.Repeat("p", 257))))
	})
	bad("UpdateUser/LongName", "displayName", func(ctx context.Context) error {
		return errOnly(w.svc.UpdateUser(admin, c, w.adaGuest.ID, directory.UserPatch{DisplayName: ptr(long)}))
	})
	bad("UpdateUser/BadMail", "mail", func(ctx context.Context) error {
		return errOnly(w.svc.UpdateUser(admin, c, w.adaGuest.ID, directory.UserPatch{Mail: ptr("ada@nodot")}))
	})
	bad("SetPassword/Short", "password", func(ctx context.Context) error { return w.svc.SetPassword(admin, c, w.contosoAdmin.ID, "short") })
	bad("SetPassword/Long", "password", func(ctx context.Context) error {
		return w.svc.SetPassword(admin, c, w.contosoAdmin.ID, strings.Repeat("p", 257))
	})
	bad("ListUsers/Limit", "limit", func(ctx context.Context) error {
		return errOnly(w.svc.ListUsers(admin, c, directory.UserQuery{Limit: -1}))
	})
	bad("ListUsers/OrderLiveByDeletion", "orderBy", func(ctx context.Context) error {
		return errOnly(w.svc.ListUsers(admin, c, directory.UserQuery{OrderBy: directory.OrderByDeletedDateTime}))
	})
	bad("CountUsers/OrderBy", "orderBy", func(ctx context.Context) error {
		return errOnly(w.svc.CountUsers(admin, c, directory.UserQuery{OrderBy: "mail"}))
	})
	for name, id := range map[string]string{"Unknown": unknown, "Malformed": malformed, "Empty": "", "Long": strings.Repeat("a", 5000) + "@contoso.example",
		// PostgreSQL cannot compare text holding NUL or malformed UTF-8.
		"NUL": "admin\x00@contoso.example", "MalformedUTF8": "admin\xff@contoso.example"} {
		missing("GetUser/"+name, func(ctx context.Context) error { return errOnly(w.svc.GetUser(admin, c, id)) })
		missing("UpdateUser/"+name, func(ctx context.Context) error {
			return errOnly(w.svc.UpdateUser(admin, c, id, directory.UserPatch{DisplayName: ptr("X")}))
		})
		missing("SetPassword/"+name, func(ctx context.Context) error { return w.svc.SetPassword(admin, c, id, "correct horse battery") })
		missing("DeleteUser/"+name, func(ctx context.Context) error { return w.svc.DeleteUser(admin, c, id) })
		missing("EraseUser/"+name, func(ctx context.Context) error { return w.svc.EraseUser(admin, c, id) })
		missing("ExportUserData/"+name, func(ctx context.Context) error { return errOnly(w.svc.ExportUserData(admin, c, id)) })
		missing("GetDeletedUser/"+name, func(ctx context.Context) error { return errOnly(w.svc.GetDeletedUser(admin, c, id)) })
		missing("RestoreUser/"+name, func(ctx context.Context) error { return errOnly(w.svc.RestoreUser(admin, c, id, "")) })
		missing("PermanentlyDeleteUser/"+name, func(ctx context.Context) error { return w.svc.PermanentlyDeleteUser(admin, c, id) })
		missing("PermanentlyDeleteUsers/"+name, func(ctx context.Context) error { return w.svc.PermanentlyDeleteUsers(admin, c, []string{id})[0].Err })
		missing("ListMemberOf/"+name, func(ctx context.Context) error { return errOnly(w.svc.ListMemberOf(admin, c, id)) })
		missing("ListRoles/"+name, func(ctx context.Context) error { return errOnly(w.svc.ListRoles(admin, c, id)) })
		missing("AddRole/"+name, func(ctx context.Context) error { return w.svc.AddRole(admin, c, id, directory.RoleGuestInviter) })
		missing("ListAppRoleAssignments/"+name, func(ctx context.Context) error { return errOnly(w.svc.ListAppRoleAssignments(admin, c, id)) })
		missing("AssignAppRole/User"+name, func(ctx context.Context) error { return errOnly(w.svc.AssignAppRole(admin, c, id, w.app.ID, "")) })
		missing("AssignAppRole/App"+name, func(ctx context.Context) error { return errOnly(w.svc.AssignAppRole(admin, c, w.adaGuest.ID, id, "")) })
		missing("RemoveAppRoleAssignment/"+name, func(ctx context.Context) error { return w.svc.RemoveAppRoleAssignment(admin, c, w.adaGuest.ID, id) })
		missing("GetGroup/"+name, func(ctx context.Context) error { return errOnly(w.svc.GetGroup(admin, c, id)) })
		missing("AddGroupMember/Group"+name, func(ctx context.Context) error { return w.svc.AddGroupMember(admin, c, id, w.adaGuest.ID) })
		missing("RemoveGroupMember/User"+name, func(ctx context.Context) error { return w.svc.RemoveGroupMember(admin, c, w.team.ID, id) })
		missing("ListGroupMembers/"+name, func(ctx context.Context) error {
			return errOnly(w.svc.ListGroupMembers(admin, c, id, directory.Page{}))
		})
		missing("GetApplication/"+name, func(ctx context.Context) error { return errOnly(w.svc.GetApplication(admin, c, id)) })
		missing("GetAudit/"+name, func(ctx context.Context) error { return errOnly(w.svc.GetAudit(admin, c, id)) })
		missing("Leave/"+name, func(ctx context.Context) error { return w.svc.Leave(w.as(w.ada), id) })
		missing("SignInToTenant/"+name, func(ctx context.Context) error { return errOnly(w.svc.SignInToTenant(w.as(w.ada), id)) })
		missing("ListUsers/Tenant"+name, func(ctx context.Context) error { return errOnly(w.svc.ListUsers(w.sys, id, directory.UserQuery{})) })
	}
	bad("RestoreUser/BadNewUPN", "newUserPrincipalName", func(ctx context.Context) error {
		d := must(w.svc.ListUsers(admin, c, directory.UserQuery{Deleted: true}))(t)[0]
		return errOnly(w.svc.RestoreUser(admin, c, d.ID, "x@"+strings.Repeat("d", 300)+".example"))
	})

	// Invitations and identities.
	inv := func(r directory.InviteRequest) call {
		return func(ctx context.Context) error { return errOnly(w.svc.Invite(admin, c, r)) }
	}
	bad("Invite/BlankAddress", "invitedUserEmailAddress", inv(directory.InviteRequest{InvitedUserEmailAddress: blank}))
	bad("Invite/TwoAts", "invitedUserEmailAddress", inv(directory.InviteRequest{InvitedUserEmailAddress: "a@b@c.example"}))
	bad("Invite/LongRedirect", "inviteRedirectUrl", inv(directory.InviteRequest{InvitedUserEmailAddress: "a@b.example",
		InviteRedirectURL: "https://b.example/" + strings.Repeat("r", 250)}))
	bad("Invite/LongMessage", "invitedUserMessageInfo.customizedMessageBody", inv(directory.InviteRequest{InvitedUserEmailAddress: "a@b.example",
		CustomizedMessageBody: strings.Repeat("m", 10001)}))
	bad("EnsureEmailIdentity/Malformed", "email", func(ctx context.Context) error { return errOnly(w.svc.EnsureEmailIdentity(w.sys, "mail.example")) })

	// Groups, applications, roles.
	bad("CreateGroup/BlankName", "displayName", func(ctx context.Context) error { return errOnly(w.svc.CreateGroup(admin, c, blank, "")) })
	bad("CreateGroup/LongName", "displayName", func(ctx context.Context) error { return errOnly(w.svc.CreateGroup(admin, c, long, "")) })
	bad("CreateGroup/LongDescription", "description", func(ctx context.Context) error {
		return errOnly(w.svc.CreateGroup(admin, c, "G", strings.Repeat("d", 1025)))
	})
	bad("ListGroups/Limit", "limit", func(ctx context.Context) error {
		return errOnly(w.svc.ListGroups(admin, c, directory.GroupQuery{Limit: 1000}))
	})
	bad("ListGroupMembers/Limit", "limit", func(ctx context.Context) error {
		return errOnly(w.svc.ListGroupMembers(admin, c, w.team.ID, directory.Page{Limit: -1}))
	})
	bad("CreateApplication/BlankName", "displayName", func(ctx context.Context) error { return errOnly(w.svc.CreateApplication(admin, c, blank, nil)) })
	bad("CreateApplication/DuplicateRoleID", "appRoles[1].id", func(ctx context.Context) error {
		id := directory.NewID()
		return errOnly(w.svc.CreateApplication(admin, c, "A", []directory.AppRole{{ID: id, DisplayName: "R"}, {ID: id, DisplayName: "S"}}))
	})
	bad("CreateApplication/LongRoleValue", "appRoles[0].value", func(ctx context.Context) error {
		return errOnly(w.svc.CreateApplication(admin, c, "A", []directory.AppRole{{DisplayName: "R", Value: strings.Repeat("v", 251)}}))
	})
	bad("ListApplications/Limit", "limit", func(ctx context.Context) error {
		return errOnly(w.svc.ListApplications(admin, c, directory.Page{Limit: 1000}))
	})
	bad("AssignAppRole/MalformedRole", "appRoleId", func(ctx context.Context) error {
		return errOnly(w.svc.AssignAppRole(admin, c, w.adaGuest.ID, w.app.ID, "reader"))
	})
	bad("AddRole/Unknown", "role", func(ctx context.Context) error { return w.svc.AddRole(admin, c, w.adaGuest.ID, "Emperor") })
	bad("RemoveRole/Empty", "role", func(ctx context.Context) error { return w.svc.RemoveRole(admin, c, w.contosoAdmin.ID, "") })

	// Audit, outbox, purge.
	bad("ListAudit/Limit", "limit", func(ctx context.Context) error {
		return errOnly(w.svc.ListAudit(admin, c, directory.AuditQuery{Limit: 1000}))
	})
	bad("ListAudit/MalformedTarget", "targetId", func(ctx context.Context) error {
		return errOnly(w.svc.ListAudit(admin, c, directory.AuditQuery{TargetID: malformed}))
	})
	bad("ListAudit/UnknownProperty", "mail", func(ctx context.Context) error {
		return errOnly(w.svc.ListAudit(admin, c, directory.AuditQuery{Filter: directory.Compare{Property: "mail", Op: directory.OpEq, Value: "x"}}))
	})
	bad("ListOutbox/Limit", "limit", func(ctx context.Context) error { return errOnly(w.svc.ListOutbox(admin, c, directory.Page{Limit: -5})) })
	bad("PurgeExpired/Batch", "batch", func(ctx context.Context) error { return errOnly(w.svc.PurgeExpired(w.sys, w.clock.Now(), 0)) })

	w.unchanged(func() {
		for _, name := range sortedNames(invalid) {
			c := invalid[name]
			t.Run(name, func(t *testing.T) {
				err := c.run(context.Background())
				e := wantKind(t, err, directory.KindInvalid)
				if e.Field != c.field || !strings.Contains(e.Message, c.field) {
					t.Errorf("error %q names field %q, want %q in both", e.Message, e.Field, c.field)
				}
			})
		}
		for _, name := range sortedNames(notFound) {
			run := notFound[name]
			t.Run(name, func(t *testing.T) { wantKind(t, run(context.Background()), directory.KindNotFound) })
		}
	})
}

func sortedNames[V any](m map[string]V) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sortStrings(out)
	return out
}
