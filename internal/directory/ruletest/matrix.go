package ruletest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/orgdir/orgdir/internal/directory"
)

// The actors of the authorization matrix, in the order of the columns of
// matrixCase.want. All act on Contoso.
var matrixActors = []string{
	"GlobalAdministrator", // Contoso's
	"UserAdministrator",
	"GuestInviter",
	"Member", // a plain member
	"Guest",  // Ada's accepted guest in Contoso
	"OtherTenantsAdmin",
	"DisabledUser", // a disabled Global Administrator of Contoso
	"DeletedUser",  // a deleted Global Administrator of Contoso
	"NoActor",
}

// Outcomes, one character per actor.
var matrixOutcomes = map[byte]directory.Kind{
	'F': directory.KindForbidden,
	'N': directory.KindNotFound,
	'U': directory.KindUnauthenticated,
	'C': directory.KindConflict,
	'I': directory.KindInvalid,
	'H': directory.KindLeaveHomeOrganization,
	'O': directory.KindInvitationOtherAddress,
}

// matrixCase is one Service operation: setup makes what it acts on (as
// orgdir itself, so every actor meets the same objects) and returns the
// call; want is the outcome for each actor of matrixActors: '+' allowed,
// else the kind of matrixOutcomes.
type matrixCase struct {
	op    string
	want  string
	setup func(m *matrixWorld) func(ctx context.Context) error
}

// matrixWorld is a world with the extra actors and a supply of fresh
// objects.
type matrixWorld struct {
	*world
	n    int
	self *directory.User // the acting user; nil for NoActor
}

func (m *matrixWorld) c() string { return m.contoso.ID }

func (m *matrixWorld) fresh() *directory.User {
	m.n++
	return m.member(m.contoso, fmt.Sprintf("matrix%d", m.n), fmt.Sprintf("Matrix User %d", m.n))
}

func (m *matrixWorld) deleted() *directory.User {
	u := m.fresh()
	ok(m.t, m.svc.DeleteUser(m.sys, m.c(), u.ID))
	return u
}

func (m *matrixWorld) group() *directory.Group {
	m.n++
	return must(m.svc.CreateGroup(m.sys, m.c(), fmt.Sprintf("Matrix Group %d", m.n), ""))(m.t)
}

func errOnly[T any](_ T, err error) error { return err }

// matrixCases lists every operation of the Service that an actor calls.
// Columns: GA UA GI Member Guest OtherTenantsAdmin Disabled Deleted None.
func matrixCases() []matrixCase {
	return []matrixCase{
		{"GetTenant", "+++++NUUU", func(m *matrixWorld) func(context.Context) error {
			return func(ctx context.Context) error { return errOnly(m.svc.GetTenant(ctx, m.c())) }
		}},
		{"GetTenantByDomain", "+++++NUUU", func(m *matrixWorld) func(context.Context) error {
			return func(ctx context.Context) error { return errOnly(m.svc.GetTenantByDomain(ctx, m.contoso.InitialDomain)) }
		}},
		{"UpdateTenant", "+FFFFFUUU", func(m *matrixWorld) func(context.Context) error {
			return func(ctx context.Context) error {
				return errOnly(m.svc.UpdateTenant(ctx, m.c(), directory.TenantPatch{DisplayName: ptr("Contoso Ltd")}))
			}
		}},
		{"CreateTenant", "FFFFFFUUU", func(m *matrixWorld) func(context.Context) error {
			return func(ctx context.Context) error { return errOnly(m.svc.CreateTenant(ctx, "Evil", "evil.example")) }
		}},
		{"ListTenants", "FFFFFFUUU", func(m *matrixWorld) func(context.Context) error {
			return func(ctx context.Context) error { return errOnly(m.svc.ListTenants(ctx)) }
		}},
		{"CreateUser", "++FFFFUUU", func(m *matrixWorld) func(context.Context) error {
			m.n++
			upn := fmt.Sprintf("created%d@contoso.example", m.n)
			return func(ctx context.Context) error {
				return errOnly(m.svc.CreateUser(ctx, m.c(), directory.NewUser{UserPrincipalName: upn, DisplayName: "Created"}))
			}
		}},
		{"GetUser", "++++NNUUU", func(m *matrixWorld) func(context.Context) error {
			x := m.fresh()
			return func(ctx context.Context) error { return errOnly(m.svc.GetUser(ctx, m.c(), x.ID)) }
		}},
		{"ListUsers", "++++FFUUU", func(m *matrixWorld) func(context.Context) error {
			return func(ctx context.Context) error { return errOnly(m.svc.ListUsers(ctx, m.c(), directory.UserQuery{})) }
		}},
		{"CountUsers", "++++FFUUU", func(m *matrixWorld) func(context.Context) error {
			return func(ctx context.Context) error { return errOnly(m.svc.CountUsers(ctx, m.c(), directory.UserQuery{})) }
		}},
		{"ListDeletedUsers", "++FFFFUUU", func(m *matrixWorld) func(context.Context) error {
			return func(ctx context.Context) error {
				return errOnly(m.svc.ListUsers(ctx, m.c(), directory.UserQuery{Deleted: true}))
			}
		}},
		{"UpdateUser", "++FFNNUUU", func(m *matrixWorld) func(context.Context) error {
			x := m.fresh()
			return func(ctx context.Context) error {
				return errOnly(m.svc.UpdateUser(ctx, m.c(), x.ID, directory.UserPatch{DisplayName: ptr("Renamed")}))
			}
		}},
		// The acting user's own user object: a guest reads it, so is told
		// it may not change it rather than that it does not exist.
		{"UpdateOwnUser", "++FFFNUUU", func(m *matrixWorld) func(context.Context) error {
			id := directory.NewID()
			if m.self != nil {
				id = m.self.ID
			}
			return func(ctx context.Context) error {
				return errOnly(m.svc.UpdateUser(ctx, m.c(), id, directory.UserPatch{DisplayName: ptr("Renamed Self")}))
			}
		}},
		{"SetPassword", "++FFNNUUU", func(m *matrixWorld) func(context.Context) error {
			x := m.fresh()
			return func(ctx context.Context) error { return m.svc.SetPassword(ctx, m.c(), x.ID, "correct horse battery") }
		}},
		{"DeleteUser", "++FFNNUUU", func(m *matrixWorld) func(context.Context) error {
			x := m.fresh()
			return func(ctx context.Context) error { return m.svc.DeleteUser(ctx, m.c(), x.ID) }
		}},
		{"GetDeletedUser", "++FFNNUUU", func(m *matrixWorld) func(context.Context) error {
			d := m.deleted()
			return func(ctx context.Context) error { return errOnly(m.svc.GetDeletedUser(ctx, m.c(), d.ID)) }
		}},
		{"RestoreUser", "++FFNNUUU", func(m *matrixWorld) func(context.Context) error {
			d := m.deleted()
			return func(ctx context.Context) error { return errOnly(m.svc.RestoreUser(ctx, m.c(), d.ID, "")) }
		}},
		{"PreviewRestore", "++FFNNUUU", func(m *matrixWorld) func(context.Context) error {
			d := m.deleted()
			return func(ctx context.Context) error { return errOnly(m.svc.PreviewRestore(ctx, m.c(), d.ID)) }
		}},
		{"PermanentlyDeleteUser", "++FFNNUUU", func(m *matrixWorld) func(context.Context) error {
			d := m.deleted()
			return func(ctx context.Context) error { return m.svc.PermanentlyDeleteUser(ctx, m.c(), d.ID) }
		}},
		{"PermanentlyDeleteUsers", "++FFNNUUU", func(m *matrixWorld) func(context.Context) error {
			d := m.deleted()
			return func(ctx context.Context) error {
				return m.svc.PermanentlyDeleteUsers(ctx, m.c(), []string{d.ID})[0].Err
			}
		}},
		{"EraseUser", "++FFNNUUU", func(m *matrixWorld) func(context.Context) error {
			x := m.fresh()
			return func(ctx context.Context) error { return m.svc.EraseUser(ctx, m.c(), x.ID) }
		}},
		{"ExportUserData", "++FFNNUUU", func(m *matrixWorld) func(context.Context) error {
			x := m.fresh()
			return func(ctx context.Context) error { return errOnly(m.svc.ExportUserData(ctx, m.c(), x.ID)) }
		}},
		{"Invite", "+++FFFUUU", func(m *matrixWorld) func(context.Context) error {
			m.n++
			addr := fmt.Sprintf("invitee%d@elsewhere.example", m.n)
			return func(ctx context.Context) error {
				return errOnly(m.svc.Invite(ctx, m.c(), directory.InviteRequest{InvitedUserEmailAddress: addr}))
			}
		}},
		// As in Graph, inviting as a Member is for administrators.
		{"InviteMember", "++FFFFUUU", func(m *matrixWorld) func(context.Context) error {
			m.n++
			addr := fmt.Sprintf("member%d@elsewhere.example", m.n)
			return func(ctx context.Context) error {
				return errOnly(m.svc.Invite(ctx, m.c(), directory.InviteRequest{InvitedUserEmailAddress: addr, InvitedUserType: directory.Member}))
			}
		}},
		{"CreateGroup", "++FFFFUUU", func(m *matrixWorld) func(context.Context) error {
			return func(ctx context.Context) error { return errOnly(m.svc.CreateGroup(ctx, m.c(), "New Group", "")) }
		}},
		{"GetGroup", "++++NNUUU", func(m *matrixWorld) func(context.Context) error {
			g := m.group()
			return func(ctx context.Context) error { return errOnly(m.svc.GetGroup(ctx, m.c(), g.ID)) }
		}},
		{"ListGroups", "++++FFUUU", func(m *matrixWorld) func(context.Context) error {
			return func(ctx context.Context) error { return errOnly(m.svc.ListGroups(ctx, m.c(), directory.GroupQuery{})) }
		}},
		{"AddGroupMember", "++FFNNUUU", func(m *matrixWorld) func(context.Context) error {
			g, x := m.group(), m.fresh()
			return func(ctx context.Context) error { return m.svc.AddGroupMember(ctx, m.c(), g.ID, x.ID) }
		}},
		{"RemoveGroupMember", "++FFNNUUU", func(m *matrixWorld) func(context.Context) error {
			g, x := m.group(), m.fresh()
			ok(m.t, m.svc.AddGroupMember(m.sys, m.c(), g.ID, x.ID))
			return func(ctx context.Context) error { return m.svc.RemoveGroupMember(ctx, m.c(), g.ID, x.ID) }
		}},
		{"ListGroupMembers", "++++NNUUU", func(m *matrixWorld) func(context.Context) error {
			g := m.group()
			return func(ctx context.Context) error {
				return errOnly(m.svc.ListGroupMembers(ctx, m.c(), g.ID, directory.Page{}))
			}
		}},
		{"ListMemberOf", "++++NNUUU", func(m *matrixWorld) func(context.Context) error {
			x := m.fresh()
			return func(ctx context.Context) error { return errOnly(m.svc.ListMemberOf(ctx, m.c(), x.ID)) }
		}},
		{"CreateApplication", "++FFFFUUU", func(m *matrixWorld) func(context.Context) error {
			return func(ctx context.Context) error { return errOnly(m.svc.CreateApplication(ctx, m.c(), "New App", nil)) }
		}},
		{"GetApplication", "++++NNUUU", func(m *matrixWorld) func(context.Context) error {
			a := must(m.svc.CreateApplication(m.sys, m.c(), "Hidden App", nil))(m.t)
			return func(ctx context.Context) error { return errOnly(m.svc.GetApplication(ctx, m.c(), a.ID)) }
		}},
		{"ListApplications", "++++FFUUU", func(m *matrixWorld) func(context.Context) error {
			return func(ctx context.Context) error { return errOnly(m.svc.ListApplications(ctx, m.c(), directory.Page{})) }
		}},
		{"UpdateApplication", "++FFNNUUU", func(m *matrixWorld) func(context.Context) error {
			a := must(m.svc.CreateApplication(m.sys, m.c(), "Client App", nil))(m.t)
			return func(ctx context.Context) error {
				return errOnly(m.svc.UpdateApplication(ctx, m.c(), a.ID, directory.ApplicationPatch{AppRoleAssignmentRequired: ptr(true)}))
			}
		}},
		{"AddApplicationPassword", "++FFNNUUU", func(m *matrixWorld) func(context.Context) error {
			a := must(m.svc.CreateApplication(m.sys, m.c(), "Client App", nil))(m.t)
			return func(ctx context.Context) error {
				_, _, err := m.svc.AddApplicationPassword(ctx, m.c(), a.ID, "matrix", time.Time{})
				return err
			}
		}},
		{"RemoveApplicationPassword", "++FFNNUUU", func(m *matrixWorld) func(context.Context) error {
			a := must(m.svc.CreateApplication(m.sys, m.c(), "Client App", nil))(m.t)
			_, c, err := m.svc.AddApplicationPassword(m.sys, m.c(), a.ID, "matrix", time.Time{})
			ok(m.t, err)
			return func(ctx context.Context) error { return m.svc.RemoveApplicationPassword(ctx, m.c(), a.ID, c.KeyID) }
		}},
		{"AssignAppRole", "++FFNNUUU", func(m *matrixWorld) func(context.Context) error {
			x := m.fresh()
			return func(ctx context.Context) error {
				return errOnly(m.svc.AssignAppRole(ctx, m.c(), x.ID, m.app.ID, m.app.AppRoles[0].ID))
			}
		}},
		{"RemoveAppRoleAssignment", "++FFNNUUU", func(m *matrixWorld) func(context.Context) error {
			x := m.fresh()
			a := must(m.svc.AssignAppRole(m.sys, m.c(), x.ID, m.app.ID, m.app.AppRoles[0].ID))(m.t)
			return func(ctx context.Context) error { return m.svc.RemoveAppRoleAssignment(ctx, m.c(), x.ID, a.ID) }
		}},
		{"ListAppRoleAssignments", "++++NNUUU", func(m *matrixWorld) func(context.Context) error {
			x := m.fresh()
			return func(ctx context.Context) error { return errOnly(m.svc.ListAppRoleAssignments(ctx, m.c(), x.ID)) }
		}},
		{"AddRole", "++FFNNUUU", func(m *matrixWorld) func(context.Context) error {
			x := m.fresh()
			return func(ctx context.Context) error { return m.svc.AddRole(ctx, m.c(), x.ID, directory.RoleGuestInviter) }
		}},
		{"AddGlobalAdministratorRole", "+FFFNNUUU", func(m *matrixWorld) func(context.Context) error {
			x := m.fresh()
			return func(ctx context.Context) error {
				return m.svc.AddRole(ctx, m.c(), x.ID, directory.RoleGlobalAdministrator)
			}
		}},
		{"RemoveRole", "++FFNNUUU", func(m *matrixWorld) func(context.Context) error {
			x := m.fresh()
			ok(m.t, m.svc.AddRole(m.sys, m.c(), x.ID, directory.RoleGuestInviter))
			return func(ctx context.Context) error { return m.svc.RemoveRole(ctx, m.c(), x.ID, directory.RoleGuestInviter) }
		}},
		{"ListRoles", "++++NNUUU", func(m *matrixWorld) func(context.Context) error {
			x := m.fresh()
			return func(ctx context.Context) error { return errOnly(m.svc.ListRoles(ctx, m.c(), x.ID)) }
		}},
		{"ListAudit", "++FFFFUUU", func(m *matrixWorld) func(context.Context) error {
			return func(ctx context.Context) error { return errOnly(m.svc.ListAudit(ctx, m.c(), directory.AuditQuery{})) }
		}},
		{"GetAudit", "++FFNNUUU", func(m *matrixWorld) func(context.Context) error {
			id := m.audit(m.c())[0].ID
			return func(ctx context.Context) error { return errOnly(m.svc.GetAudit(ctx, m.c(), id)) }
		}},
		// The outbox holds redeem links: Global Administrators only.
		{"ListOutbox", "+FFFFFUUU", func(m *matrixWorld) func(context.Context) error {
			return func(ctx context.Context) error { return errOnly(m.svc.ListOutbox(ctx, m.c(), directory.Page{})) }
		}},
		{"PurgeExpired", "FFFFFFUUU", func(m *matrixWorld) func(context.Context) error {
			return func(ctx context.Context) error { return errOnly(m.svc.PurgeExpired(ctx, m.clock.Now(), 10)) }
		}},
		{"EnsureEmailIdentity", "FFFFFFUUU", func(m *matrixWorld) func(context.Context) error {
			return func(ctx context.Context) error {
				return errOnly(m.svc.EnsureEmailIdentity(ctx, "someone@mail.example"))
			}
		}},
		{"Organizations", "++++++UUU", func(m *matrixWorld) func(context.Context) error {
			return func(ctx context.Context) error { return errOnly(m.svc.Organizations(ctx)) }
		}},
		{"ExportMyData", "++++++UUU", func(m *matrixWorld) func(context.Context) error {
			return func(ctx context.Context) error { return errOnly(m.svc.ExportMyData(ctx)) }
		}},
		{"SignInToTenant", "+++++NUUU", func(m *matrixWorld) func(context.Context) error {
			return func(ctx context.Context) error { return errOnly(m.svc.SignInToTenant(ctx, m.c())) }
		}},
		// The token is the secret: anyone may look it up.
		{"LookupInvitation", "+++++++++", func(m *matrixWorld) func(context.Context) error {
			res := must(m.svc.Invite(m.sys, m.c(), directory.InviteRequest{InvitedUserEmailAddress: "lookup@elsewhere.example"}))(m.t)
			return func(ctx context.Context) error {
				_, _, err := m.svc.LookupInvitation(ctx, res.RedeemToken)
				return err
			}
		}},
		// Near the end: the guest is gone afterwards. A disabled member is
		// still told that this is their home organization.
		{"Leave", "HHHH+NHUU", func(m *matrixWorld) func(context.Context) error {
			return func(ctx context.Context) error { return m.svc.Leave(ctx, m.c()) }
		}},
		// CheckRedeemer answers as Redeem would, changing nothing.
		{"CheckRedeemer", "CCCCU+UUU", func(m *matrixWorld) func(context.Context) error {
			res := must(m.svc.Invite(m.sys, m.c(), directory.InviteRequest{InvitedUserEmailAddress: m.fabrikamAdmin.UserPrincipalName}))(m.t)
			return func(ctx context.Context) error { return m.svc.CheckRedeemer(ctx, res.RedeemToken) }
		}},
		{"CheckRedeemerOtherAddress", "CCCCUOUUU", func(m *matrixWorld) func(context.Context) error {
			res := must(m.svc.Invite(m.sys, m.c(), directory.InviteRequest{InvitedUserEmailAddress: "check@elsewhere.example"}))(m.t)
			return func(ctx context.Context) error { return m.svc.CheckRedeemer(ctx, res.RedeemToken) }
		}},
		// The invited person redeems with their home account; members of
		// the inviting tenant cannot (the guest has left by now:
		// GuestAccountCannotRedeem pins its refusal), and holding the link
		// is not enough: an invitation to another address is refused.
		{"Redeem", "CCCCU+UUU", func(m *matrixWorld) func(context.Context) error {
			res := must(m.svc.Invite(m.sys, m.c(), directory.InviteRequest{InvitedUserEmailAddress: m.fabrikamAdmin.UserPrincipalName}))(m.t)
			return func(ctx context.Context) error { return errOnly(m.svc.Redeem(ctx, res.RedeemToken)) }
		}},
		{"RedeemOtherAddress", "CCCCUOUUU", func(m *matrixWorld) func(context.Context) error {
			res := must(m.svc.Invite(m.sys, m.c(), directory.InviteRequest{InvitedUserEmailAddress: "redeem@elsewhere.example"}))(m.t)
			return func(ctx context.Context) error { return errOnly(m.svc.Redeem(ctx, res.RedeemToken)) }
		}},
	}
}

// lightSnapshot is what every tenant holds at the level of its lists (users
// live and deleted, groups, apps, audit, outbox): enough to see that a
// denied call changed nothing, since every change is audited.
func (w *world) lightSnapshot() string {
	w.t.Helper()
	ctx := context.Background()
	var parts []any
	ok(w.t, w.store.Read(ctx, func(tx directory.Tx) error {
		for _, tn := range []string{w.contoso.ID, w.fabrikam.ID} {
			t, err := tx.GetTenant(ctx, tn)
			if err != nil {
				return err
			}
			live, err := tx.ListUsers(ctx, tn, directory.UserQuery{Limit: directory.MaxPageSize})
			if err != nil {
				return err
			}
			dead, err := tx.ListUsers(ctx, tn, directory.UserQuery{Deleted: true, Limit: directory.MaxPageSize})
			if err != nil {
				return err
			}
			groups, err := tx.ListGroups(ctx, tn, directory.GroupQuery{Limit: directory.MaxPageSize})
			if err != nil {
				return err
			}
			apps, err := tx.ListApplications(ctx, tn, directory.Page{Limit: directory.MaxPageSize})
			if err != nil {
				return err
			}
			audit, err := tx.ListAudit(ctx, tn, directory.AuditQuery{Limit: directory.MaxPageSize})
			if err != nil {
				return err
			}
			outbox, err := tx.ListOutbox(ctx, tn, directory.Page{Limit: directory.MaxPageSize})
			if err != nil {
				return err
			}
			parts = append(parts, t, live, dead, groups, apps, len(audit), outbox)
		}
		tenants, err := tx.ListTenants(ctx)
		parts = append(parts, len(tenants))
		return err
	}))
	return jsonOf(w.t, parts)
}

// testAuthorizationMatrix runs every operation of the Service as each kind
// of actor and checks the outcome against the table: allowed, or refused
// with the stated kind and nothing changed.
func testAuthorizationMatrix(t *testing.T, ns NewStore) {
	cases := matrixCases()
	for _, c := range cases {
		if len(c.want) != len(matrixActors) {
			t.Fatalf("%s: want has %d columns, not %d", c.op, len(c.want), len(matrixActors))
		}
	}
	for col, actor := range matrixActors {
		t.Run(actor, func(t *testing.T) {
			m := &matrixWorld{world: newWorld(t, ns)}
			switch actor {
			case "GlobalAdministrator":
				m.self = m.contosoAdmin
			case "UserAdministrator":
				m.self = m.member(m.contoso, "ua", "User Admin", directory.RoleUserAdministrator)
			case "GuestInviter":
				m.self = m.member(m.contoso, "gi", "Guest Inviter", directory.RoleGuestInviter)
			case "Member":
				m.self = m.member(m.contoso, "plain", "Plain Member")
			case "Guest":
				m.self = m.adaGuest
			case "OtherTenantsAdmin":
				m.self = m.fabrikamAdmin
			case "DisabledUser":
				m.self = m.member(m.contoso, "disabled", "Disabled Admin", directory.RoleGlobalAdministrator)
				must(m.svc.UpdateUser(m.sys, m.c(), m.self.ID, directory.UserPatch{AccountEnabled: ptr(false)}))(t)
			case "DeletedUser":
				m.self = m.member(m.contoso, "deleted", "Deleted Admin", directory.RoleGlobalAdministrator)
				ok(t, m.svc.DeleteUser(m.sys, m.c(), m.self.ID))
			}
			ctx := context.Background()
			if m.self != nil {
				ctx = m.as(m.self)
			}
			for _, c := range cases {
				t.Run(c.op, func(t *testing.T) {
					call := c.setup(m)
					want := c.want[col]
					if want == '+' {
						if err := call(ctx); err != nil {
							t.Fatalf("%s as %s: %v, want allowed", c.op, actor, err)
						}
						return
					}
					kind, known := matrixOutcomes[want]
					if !known {
						t.Fatalf("unknown outcome %q", want)
					}
					before := m.lightSnapshot()
					err := call(ctx)
					if err == nil || directory.KindOf(err) != kind {
						t.Fatalf("%s as %s: %v, want %s", c.op, actor, err, kind)
					}
					// These refusals are audited, as failures.
					audited := kind == directory.KindLeaveHomeOrganization || kind == directory.KindInvitationOtherAddress
					if after := m.lightSnapshot(); after != before && !audited {
						t.Errorf("%s as %s was refused (%s) but changed the directory", c.op, actor, kind)
					}
				})
			}
		})
	}
}
