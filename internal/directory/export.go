package directory

import (
	"context"
	"slices"
	"time"
)

// ExportMyData returns everything orgdir holds about the actor's person,
// across every tenant they belong to: their home user and every invited
// user bound to them (live or deleted), with roles, groups, app role
// assignments, invitations and the audit events that name them, and the
// pending invited users of addresses they proved (not of any address
// typed on their home user).
func (s *Service) ExportMyData(ctx context.Context) (*PersonalData, error) {
	var out *PersonalData
	err := s.read(ctx, func(o *op) error {
		p, err := o.person()
		if err != nil {
			return err
		}
		out = &PersonalData{ExportedAt: o.now.Format(time.RFC3339), EmailIdentity: p.email}
		if err := o.personalSessions(out, p); err != nil {
			return err
		}
		var users []*User
		if p.home != nil {
			users = append(users, p.home)
		}
		bound, err := o.bound(p)
		if err != nil {
			return err
		}
		users = append(users, bound...)
		if p.home == nil && p.email == nil && o.c.user != nil {
			users = []*User{o.c.user}
		}
		pending, err := o.pendingInvitedUsers(p, users)
		if err != nil {
			return err
		}
		users = append(users, pending...)
		for _, u := range users {
			pt, err := o.personalTenant(u)
			if err != nil {
				return err
			}
			pt.Home = p.home != nil && u.ID == p.home.ID
			out.Memberships = append(out.Memberships, *pt)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// ExportUserData is an administrator's export of one user of their tenant
// (Global and User Administrators), live or deleted. It is audited.
func (s *Service) ExportUserData(ctx context.Context, tenantID, userID string) (*PersonalData, error) {
	var out *PersonalData
	err := s.write(ctx, func(o *op) error {
		if err := o.c.requireObject(tenantID, permManage, "user"); err != nil {
			return err
		}
		u, err := o.user(tenantID, userID)
		if err != nil {
			return err
		}
		pt, err := o.personalTenant(u)
		if err != nil {
			return err
		}
		out = &PersonalData{ExportedAt: o.now.Format(time.RFC3339), Memberships: []PersonalTenant{*pt}}
		if !u.External() {
			// A member's sessions are their home tenant's data.
			if err := o.personalSessions(out, &person{home: u}); err != nil {
				return err
			}
		}
		return o.audit(o.event(tenantID, ActivityExportPersonalData, CategoryUserManagement, opOther, userTarget(u)))
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// personalTenant collects what u's tenant holds about u.
func (o *op) personalTenant(u *User) (*PersonalTenant, error) {
	ctx, tx := o.ctx, o.tx
	t, err := tx.GetTenant(ctx, u.TenantID)
	if err != nil {
		return nil, err
	}
	pt := &PersonalTenant{Tenant: t, User: u}
	if pt.Roles, err = tx.ListRoles(ctx, u.TenantID, u.ID); err != nil {
		return nil, err
	}
	if pt.Groups, err = tx.ListMemberOf(ctx, u.TenantID, u.ID); err != nil {
		return nil, err
	}
	if pt.AppRoleAssignments, err = tx.ListAppRoleAssignments(ctx, u.TenantID, u.ID); err != nil {
		return nil, err
	}
	if pt.Invitations, err = tx.ListInvitationsByUser(ctx, u.TenantID, u.ID); err != nil {
		return nil, err
	}
	for _, inv := range pt.Invitations {
		inv.TokenHash = nil // a secret's hash is not personal data
	}
	if pt.AccessTokens, err = tx.ListAccessTokens(ctx, u.TenantID, u.ID); err != nil {
		return nil, err
	}
	for _, a := range pt.AccessTokens {
		a.TokenHash = nil
	}
	if u.Mail != "" {
		if pt.Mail, err = tx.ListMailTo(ctx, u.TenantID, u.Mail); err != nil {
			return nil, err
		}
		withoutBodies(pt.Mail)
	}
	if pt.SignIns, err = tx.ListUserSignIns(ctx, u.TenantID, u.ID); err != nil {
		return nil, err
	}
	q := AuditQuery{TargetID: u.ID, Limit: MaxPageSize}
	for {
		page, err := tx.ListAudit(ctx, u.TenantID, q)
		if err != nil {
			return nil, err
		}
		pt.AuditEvents = append(pt.AuditEvents, page...)
		if len(page) < q.Limit {
			break
		}
		q.After = page[len(page)-1]
	}
	return pt, nil
}

// pendingInvitedUsers returns the not yet redeemed invited users, in any
// tenant, created for an address the person has proven (proven.go):
// exactly the invitations they could redeem are their data, though no one
// has bound them yet. An address merely typed on their home user, by
// their administrator, ties them to nothing in another tenant.
func (o *op) pendingInvitedUsers(p *person, have []*User) ([]*User, error) {
	addrs, err := o.provenAddresses(p)
	if err != nil || len(addrs) == 0 {
		return nil, err
	}
	tenants, err := o.tx.ListTenants(o.ctx)
	if err != nil {
		return nil, err
	}
	var out []*User
	for _, t := range tenants {
		for _, addr := range addrs {
			u, err := o.tx.GetUserByMail(o.ctx, t.ID, addr)
			if IsKind(err, KindNotFound) {
				continue
			}
			if err != nil {
				return nil, err
			}
			if !u.External() || u.HomeUserID != "" || u.HomeEmailIdentityID != "" ||
				slices.ContainsFunc(have, func(h *User) bool { return h.ID == u.ID }) ||
				slices.ContainsFunc(out, func(h *User) bool { return h.ID == u.ID }) {
				continue
			}
			out = append(out, u)
		}
	}
	return out, nil
}

// personalSessions adds the person's sessions, and for an e-mail identity
// the sign-in e-mail sent to it, to d.
func (o *op) personalSessions(d *PersonalData, p *person) error {
	var err error
	switch {
	case p.home != nil:
		d.Sessions, err = o.tx.ListSessions(o.ctx, p.home.TenantID, p.home.ID, "")
	case p.email != nil:
		if d.Sessions, err = o.tx.ListSessions(o.ctx, "", "", p.email.ID); err != nil {
			return err
		}
		d.Mail, err = o.tx.ListMailTo(o.ctx, "", p.email.Email)
		withoutBodies(d.Mail)
	}
	for _, s := range d.Sessions {
		s.TokenHash, s.CSRFSecret = nil, nil
	}
	return err
}

// withoutBodies blanks the bodies of exported e-mail: an invitation's
// redeem link or a passcode may still work, and the export may be read by
// whoever holds the account now.
func withoutBodies(ms []*OutboxMessage) {
	for _, m := range ms {
		m.Body = ""
	}
}
