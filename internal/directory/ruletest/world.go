package ruletest

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/orgdir/orgdir/internal/directory"
)

// epoch is when every world starts: early October, so that 30 days later
// Europe and America have left summer time and a purge computed from
// local calendar days would be an hour off.
func epoch() time.Time { return time.Date(2026, 10, 6, 9, 30, 0, 0, time.UTC) }

const baseURL = "https://orgdir.test"

// world is two tenants, Contoso and Fabrikam, each with a Global
// Administrator, and Ada: a Fabrikam member who is an accepted guest in
// Contoso, in a Contoso group, with a role of a Contoso application.
type world struct {
	t     *testing.T
	store directory.Store
	clock *directory.FixedClock
	svc   *directory.Service
	sys   context.Context

	contoso, fabrikam           *directory.Tenant
	contosoAdmin, fabrikamAdmin *directory.User
	ada                         *directory.User // Fabrikam member
	adaGuest                    *directory.User // Ada's accepted guest in Contoso
	team                        *directory.Group
	app                         *directory.Application // roles Reader and Writer
	grant                       *directory.AppRoleAssignment
}

func newWorld(t *testing.T, ns NewStore) *world {
	t.Helper()
	return newWorldAt(t, ns, epoch())
}

func newWorldAt(t *testing.T, ns NewStore, now time.Time) *world {
	t.Helper()
	st := ns(t)
	clock := directory.NewFixedClock(now)
	w := &world{
		t: t, store: st, clock: clock,
		svc: directory.NewService(st, directory.Options{Clock: clock.Now, PublicBaseURL: baseURL, PasswordHasher: plainHasher{}}),
		sys: directory.WithActor(context.Background(), directory.SystemActor("ruletest")),
	}
	w.contoso = must(w.svc.CreateTenant(w.sys, "Contoso", "contoso.example"))(t)
	w.fabrikam = must(w.svc.CreateTenant(w.sys, "Fabrikam", "fabrikam.example"))(t)
	w.contosoAdmin = w.member(w.contoso, "admin", "Contoso Admin", directory.RoleGlobalAdministrator)
	w.fabrikamAdmin = w.member(w.fabrikam, "admin", "Fabrikam Admin", directory.RoleGlobalAdministrator)
	w.ada = w.member(w.fabrikam, "ada", "Ada Lovelace")
	w.adaGuest = w.inviteAndRedeem(w.contoso, w.ada.Mail, w.as(w.ada))
	admin := w.as(w.contosoAdmin)
	w.team = must(w.svc.CreateGroup(admin, w.contoso.ID, "Research", "people who research"))(t)
	ok(t, w.svc.AddGroupMember(admin, w.contoso.ID, w.team.ID, w.adaGuest.ID))
	w.app = must(w.svc.CreateApplication(admin, w.contoso.ID, "Lab Notebook", []directory.AppRole{
		{DisplayName: "Reader", Value: "Notebook.Read"}, {DisplayName: "Writer", Value: "Notebook.Write"},
	}))(t)
	w.grant = must(w.svc.AssignAppRole(admin, w.contoso.ID, w.adaGuest.ID, w.app.ID, w.app.AppRoles[0].ID))(t)
	return w
}

// as is a context acting as user u in its tenant.
func (w *world) as(u *directory.User) context.Context {
	return directory.WithActor(context.Background(), directory.UserActor(u.TenantID, u.ID))
}

// asEmail is a context acting as a person signed in by e-mail passcode.
func (w *world) asEmail(e *directory.EmailIdentity) context.Context {
	return directory.WithActor(context.Background(), directory.EmailActor(e.ID))
}

// adminOf returns the Global Administrator of tenant t.
func (w *world) adminOf(t *directory.Tenant) *directory.User {
	if t.ID == w.contoso.ID {
		return w.contosoAdmin
	}
	return w.fabrikamAdmin
}

// member creates a member local@domain of t holding roles.
func (w *world) member(t *directory.Tenant, local, name string, roles ...directory.Role) *directory.User {
	w.t.Helper()
	addr := local + "@" + t.InitialDomain
	u := must(w.svc.CreateUser(w.sys, t.ID, directory.NewUser{UserPrincipalName: addr, DisplayName: name, Mail: addr}))(w.t)
	for _, r := range roles {
		ok(w.t, w.svc.AddRole(w.sys, t.ID, u.ID, r))
	}
	return u
}

// invite invites addr into t as its admin and returns the result.
func (w *world) invite(t *directory.Tenant, addr string) *directory.InviteResult {
	w.t.Helper()
	return must(w.svc.Invite(w.as(w.adminOf(t)), t.ID, directory.InviteRequest{
		InvitedUserEmailAddress: addr, InviteRedirectURL: "https://apps.example/welcome",
	}))(w.t)
}

// inviteAndRedeem invites addr into t and redeems it as the person acting
// in redeemer.
func (w *world) inviteAndRedeem(t *directory.Tenant, addr string, redeemer context.Context) *directory.User {
	w.t.Helper()
	res := w.invite(t, addr)
	return must(w.svc.Redeem(redeemer, res.RedeemToken))(w.t)
}

// emailGuest makes an accepted guest of t whose home is an e-mail identity.
func (w *world) emailGuest(t *directory.Tenant, addr string) (*directory.User, *directory.EmailIdentity) {
	w.t.Helper()
	e := must(w.svc.EnsureEmailIdentity(w.sys, addr))(w.t)
	return w.inviteAndRedeem(t, addr, w.asEmail(e)), e
}

// disable disables u as its tenant's admin.
func (w *world) disable(u *directory.User) {
	w.t.Helper()
	off := false
	must(w.svc.UpdateUser(w.as(w.adminOf(w.tenantOf(u))), u.TenantID, u.ID, directory.UserPatch{AccountEnabled: &off}))(w.t)
}

func (w *world) tenantOf(u *directory.User) *directory.Tenant {
	if u.TenantID == w.contoso.ID {
		return w.contoso
	}
	return w.fabrikam
}

// setPrivacy gives t a privacy contact and statement.
func (w *world) setPrivacy(t *directory.Tenant) *directory.Tenant {
	w.t.Helper()
	contact, stmt := "privacy@"+t.InitialDomain, "https://"+t.InitialDomain+"/privacy"
	return must(w.svc.UpdateTenant(w.as(w.adminOf(t)), t.ID, directory.TenantPatch{PrivacyContactEmail: &contact, PrivacyStatementURL: &stmt}))(w.t)
}

// rawUser reads a user straight from the store, deleted or not; nil when
// it does not exist.
func (w *world) rawUser(tenantID, id string) *directory.User {
	w.t.Helper()
	var u *directory.User
	err := w.store.Read(context.Background(), func(tx directory.Tx) error {
		var err error
		u, err = tx.GetUser(context.Background(), tenantID, id)
		return err
	})
	if directory.IsKind(err, directory.KindNotFound) {
		return nil
	}
	ok(w.t, err)
	return u
}

// holdings is what a user holds in its tenant: group ids and app role
// grants (app/role), read straight from the store, so that hidden
// holdings of deleted users show too.
func (w *world) holdings(tenantID, userID string) []string {
	w.t.Helper()
	var out []string
	err := w.store.Read(context.Background(), func(tx directory.Tx) error {
		groups, err := tx.ListMemberOf(context.Background(), tenantID, userID)
		if err != nil {
			return err
		}
		for _, g := range groups {
			out = append(out, "group:"+g.ID)
		}
		grants, err := tx.ListAppRoleAssignments(context.Background(), tenantID, userID)
		if err != nil {
			return err
		}
		for _, a := range grants {
			out = append(out, "grant:"+a.ID+":"+a.ResourceID+":"+a.AppRoleID)
		}
		return nil
	})
	ok(w.t, err)
	sortStrings(out)
	return out
}

// audit returns the tenant's audit log, newest first, read from the store.
func (w *world) audit(tenantID string) []*directory.AuditEvent {
	w.t.Helper()
	var out []*directory.AuditEvent
	err := w.store.Read(context.Background(), func(tx directory.Tx) error {
		var err error
		out, err = tx.ListAudit(context.Background(), tenantID, directory.AuditQuery{Limit: directory.MaxPageSize})
		return err
	})
	ok(w.t, err)
	return out
}

// events returns the tenant's audit events of activity naming targetID.
func (w *world) events(tenantID, activity, targetID string) []*directory.AuditEvent {
	w.t.Helper()
	var out []*directory.AuditEvent
	for _, e := range w.audit(tenantID) {
		if e.Activity != activity {
			continue
		}
		for _, tg := range e.Targets {
			if tg.ID == targetID {
				out = append(out, e)
				break
			}
		}
	}
	return out
}

// snapshot is everything a tenant holds, as JSON, to prove an operation
// changed nothing.
func (w *world) snapshot(tenantID string) string {
	w.t.Helper()
	return w.snapshotOf(tenantID, true)
}

// snapshotOf is snapshot, with or without the audit log.
func (w *world) snapshotOf(tenantID string, withAudit bool) string {
	w.t.Helper()
	ctx := context.Background()
	var parts []any
	err := w.store.Read(ctx, func(tx directory.Tx) error {
		t, err := tx.GetTenant(ctx, tenantID)
		if err != nil {
			return err
		}
		parts = append(parts, t)
		for _, deleted := range []bool{false, true} {
			users, err := tx.ListUsers(ctx, tenantID, directory.UserQuery{Deleted: deleted, Limit: directory.MaxPageSize})
			if err != nil {
				return err
			}
			for _, u := range users {
				groups, err := tx.ListMemberOf(ctx, tenantID, u.ID)
				if err != nil {
					return err
				}
				grants, err := tx.ListAppRoleAssignments(ctx, tenantID, u.ID)
				if err != nil {
					return err
				}
				roles, err := tx.ListRoles(ctx, tenantID, u.ID)
				if err != nil {
					return err
				}
				invs, err := tx.ListInvitationsByUser(ctx, tenantID, u.ID)
				if err != nil {
					return err
				}
				parts = append(parts, u, groups, grants, roles, invs)
			}
		}
		groups, err := tx.ListGroups(ctx, tenantID, directory.GroupQuery{Limit: directory.MaxPageSize})
		if err != nil {
			return err
		}
		apps, err := tx.ListApplications(ctx, tenantID, directory.Page{Limit: directory.MaxPageSize})
		if err != nil {
			return err
		}
		var audit []*directory.AuditEvent
		if withAudit {
			if audit, err = tx.ListAudit(ctx, tenantID, directory.AuditQuery{Limit: directory.MaxPageSize}); err != nil {
				return err
			}
		}
		outbox, err := tx.ListOutbox(ctx, tenantID, directory.Page{Limit: directory.MaxPageSize})
		if err != nil {
			return err
		}
		parts = append(parts, groups, apps, audit, outbox)
		return nil
	})
	ok(w.t, err)
	b, err := json.Marshal(parts)
	ok(w.t, err)
	return string(b)
}

// unchanged runs fn and fails if it changed anything in either tenant.
func (w *world) unchanged(fn func()) {
	w.t.Helper()
	c, f := w.snapshot(w.contoso.ID), w.snapshot(w.fabrikam.ID)
	fn()
	if got := w.snapshot(w.contoso.ID); got != c {
		w.t.Errorf("Contoso changed:\nbefore %s\nafter  %s", c, got)
	}
	if got := w.snapshot(w.fabrikam.ID); got != f {
		w.t.Errorf("Fabrikam changed:\nbefore %s\nafter  %s", f, got)
	}
}

// unchangedButAudit is unchanged for operations that change nothing but
// write an audit record of their refusal (the caller checks the record).
func (w *world) unchangedButAudit(fn func()) {
	w.t.Helper()
	c, f := w.snapshotOf(w.contoso.ID, false), w.snapshotOf(w.fabrikam.ID, false)
	fn()
	if got := w.snapshotOf(w.contoso.ID, false); got != c {
		w.t.Errorf("Contoso changed:\nbefore %s\nafter  %s", c, got)
	}
	if got := w.snapshotOf(w.fabrikam.ID, false); got != f {
		w.t.Errorf("Fabrikam changed:\nbefore %s\nafter  %s", f, got)
	}
}

// plainHasher is a fast PasswordHasher for tests (argon2id would only make
// them slow).
type plainHasher struct{}

func (plainHasher) Hash(p string) (string, error) {
	h := sha256.Sum256([]byte(p))
	return "$test$" + hex.EncodeToString(h[:]), nil
}

func (plainHasher) Verify(hash, p string) (bool, error) {
	if !strings.HasPrefix(hash, "$test$") {
		return false, errors.New("not a test hash")
	}
	want, _ := plainHasher{}.Hash(p)
	return subtle.ConstantTimeCompare([]byte(hash), []byte(want)) == 1, nil
}
