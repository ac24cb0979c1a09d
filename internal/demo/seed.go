package demo

import (
	"context"
	"fmt"

	"github.com/orgdir/orgdir/internal/directory"
)

// seeder holds the find-or-create steps of Seed. Each looks for its object
// first, so a second Seed (or one after a crash half-way) adds only what is
// missing.
type seeder struct {
	svc      *directory.Service
	redirect string // where guests land after redeeming
}

func (s *seeder) tenant(ctx context.Context, name, domain string) (*directory.Tenant, error) {
	t, err := s.svc.GetTenantByDomain(ctx, domain)
	if directory.IsKind(err, directory.KindNotFound) {
		t, err = s.svc.CreateTenant(ctx, name, domain)
	}
	if err != nil {
		return nil, fmt.Errorf("tenant %s: %w", domain, err)
	}
	return t, nil
}

// privacy sets Contoso's privacy contact unless an admin already set one.
func (s *seeder) privacy(ctx context.Context, t *directory.Tenant) (*directory.Tenant, error) {
	if t.Settings.PrivacyContactEmail != "" || t.Settings.PrivacyStatementURL != "" {
		return t, nil
	}
	mail, url := ContosoPrivacyMail, ContosoPrivacyURL
	t, err := s.svc.UpdateTenant(ctx, t.ID, directory.TenantPatch{PrivacyContactEmail: &mail, PrivacyStatementURL: &url})
	if err != nil {
		return nil, fmt.Errorf("privacy contact of %s: %w", t.InitialDomain, err)
	}
	return t, nil
}

func (s *seeder) member(ctx context.Context, t *directory.Tenant, upn, name, password string) (*directory.User, error) {
	u, err := s.svc.GetUser(ctx, t.ID, upn)
	if directory.IsKind(err, directory.KindNotFound) {
		u, err = s.svc.CreateUser(ctx, t.ID, directory.NewUser{
			UserPrincipalName: upn, DisplayName: name, Mail: upn, Password: password,
		})
	}
	if err != nil {
		return nil, fmt.Errorf("user %s: %w", upn, err)
	}
	return u, nil
}

func (s *seeder) admin(ctx context.Context, t *directory.Tenant, upn, name, password string) (*directory.User, error) {
	u, err := s.member(ctx, t, upn, name, password)
	if err != nil {
		return nil, err
	}
	roles, err := s.svc.ListRoles(ctx, t.ID, u.ID)
	if err != nil {
		return nil, fmt.Errorf("roles of %s: %w", upn, err)
	}
	for _, r := range roles {
		if r == directory.RoleGlobalAdministrator {
			return u, nil
		}
	}
	if err := s.svc.AddRole(ctx, t.ID, u.ID, directory.RoleGlobalAdministrator); err != nil {
		return nil, fmt.Errorf("make %s Global Administrator: %w", upn, err)
	}
	return u, nil
}

func (s *seeder) group(ctx context.Context, t *directory.Tenant) (*directory.Group, error) {
	groups, err := s.svc.ListGroups(ctx, t.ID, directory.GroupQuery{
		Filter: directory.Compare{Property: "displayName", Op: directory.OpEq, Value: GroupName},
		Limit:  1,
	})
	if err != nil {
		return nil, fmt.Errorf("find group %s: %w", GroupName, err)
	}
	if len(groups) > 0 {
		return groups[0], nil
	}
	g, err := s.svc.CreateGroup(ctx, t.ID, GroupName, "Everyone working on Project Falcon, guests included")
	if err != nil {
		return nil, fmt.Errorf("create group %s: %w", GroupName, err)
	}
	return g, nil
}

func (s *seeder) app(ctx context.Context, t *directory.Tenant) (*directory.Application, directory.AppRole, error) {
	p := directory.Page{Limit: directory.MaxPageSize}
	for {
		apps, err := s.svc.ListApplications(ctx, t.ID, p)
		if err != nil {
			return nil, directory.AppRole{}, fmt.Errorf("find application %s: %w", AppName, err)
		}
		for _, a := range apps {
			if a.DisplayName != AppName {
				continue
			}
			for _, r := range a.AppRoles {
				if r.Value == AppRoleValue {
					return a, r, nil
				}
			}
		}
		if len(apps) < p.Limit {
			break
		}
		p.AfterID = apps[len(apps)-1].ID
	}
	a, err := s.svc.CreateApplication(ctx, t.ID, AppName, []directory.AppRole{{
		ID: directory.NewID(), DisplayName: AppRoleName, Value: AppRoleValue,
		Description: "Read the Falcon project's documents",
	}})
	if err != nil {
		return nil, directory.AppRole{}, fmt.Errorf("create application %s: %w", AppName, err)
	}
	if len(a.AppRoles) == 0 {
		return nil, directory.AppRole{}, fmt.Errorf("application %s was created without its role", AppName)
	}
	return a, a.AppRoles[0], nil
}

// invitedUser finds the invited user of address in t, live first, then in
// Deleted users; nil when there is none.
func (s *seeder) invitedUser(ctx context.Context, t *directory.Tenant, address string) (*directory.User, error) {
	for _, deleted := range []bool{false, true} {
		users, err := s.svc.ListUsers(ctx, t.ID, directory.UserQuery{
			Deleted: deleted,
			Filter:  directory.Compare{Property: "mail", Op: directory.OpEq, Value: address},
			Limit:   1,
		})
		if err != nil {
			return nil, fmt.Errorf("find the guest %s in %s: %w", address, t.InitialDomain, err)
		}
		if len(users) > 0 {
			return users[0], nil
		}
	}
	return nil, nil
}

// acceptedGuest invites home's member into t and redeems the invitation as
// that member. A guest that is already there, or that left, is kept as it is
// — except one still pending (a crash between invite and redeem), which is
// invited again and redeemed.
func (s *seeder) acceptedGuest(ctx context.Context, t, home *directory.Tenant, member *directory.User) (*directory.User, error) {
	u, err := s.invitedUser(ctx, t, member.Mail)
	if err != nil {
		return nil, err
	}
	if u != nil && (u.Deleted() || u.ExternalUserState == directory.Accepted) {
		return u, nil
	}
	res, err := s.svc.Invite(ctx, t.ID, directory.InviteRequest{
		InvitedUserEmailAddress: member.Mail,
		InvitedUserDisplayName:  member.DisplayName,
		InviteRedirectURL:       s.redirect,
	})
	if err != nil {
		return nil, fmt.Errorf("invite %s into %s: %w", member.Mail, t.InitialDomain, err)
	}
	asMember := directory.WithActor(ctx, directory.UserActor(home.ID, member.ID))
	guest, err := s.svc.Redeem(asMember, res.RedeemToken)
	if err != nil {
		return nil, fmt.Errorf("redeem %s's invitation into %s: %w", member.Mail, t.InitialDomain, err)
	}
	return guest, nil
}

func (s *seeder) membership(ctx context.Context, t *directory.Tenant, g *directory.Group, u *directory.User) error {
	groups, err := s.svc.ListMemberOf(ctx, t.ID, u.ID)
	if err != nil {
		return fmt.Errorf("groups of %s: %w", u.UserPrincipalName, err)
	}
	for _, mg := range groups {
		if mg.ID == g.ID {
			return nil
		}
	}
	if err := s.svc.AddGroupMember(ctx, t.ID, g.ID, u.ID); err != nil {
		return fmt.Errorf("add %s to %s: %w", u.UserPrincipalName, g.DisplayName, err)
	}
	return nil
}

func (s *seeder) assignment(ctx context.Context, t *directory.Tenant, a *directory.Application, r directory.AppRole, u *directory.User) (*directory.AppRoleAssignment, error) {
	existing, err := s.svc.ListAppRoleAssignments(ctx, t.ID, u.ID)
	if err != nil {
		return nil, fmt.Errorf("app roles of %s: %w", u.UserPrincipalName, err)
	}
	for _, as := range existing {
		if as.ResourceID == a.ID && as.AppRoleID == r.ID {
			return as, nil
		}
	}
	as, err := s.svc.AssignAppRole(ctx, t.ID, u.ID, a.ID, r.ID)
	if err != nil {
		return nil, fmt.Errorf("assign %s to %s: %w", r.Value, u.UserPrincipalName, err)
	}
	return as, nil
}

// pendingGuest invites Grace, by e-mail, unless she was invited before; the
// invitation also goes to the outbox, so the e-mailed link can be followed.
func (s *seeder) pendingGuest(ctx context.Context, t *directory.Tenant) (*directory.User, *directory.InviteResult, error) {
	u, err := s.invitedUser(ctx, t, GraceEmail)
	if err != nil || u != nil {
		return u, nil, err
	}
	res, err := s.svc.Invite(ctx, t.ID, directory.InviteRequest{
		InvitedUserEmailAddress: GraceEmail,
		InvitedUserDisplayName:  "Grace Hopper",
		InviteRedirectURL:       s.redirect,
		SendInvitationMessage:   true,
		CustomizedMessageBody:   "Welcome to Contoso's Project Falcon. (This is orgdir's demo.)",
	})
	if err != nil {
		return nil, nil, fmt.Errorf("invite %s into %s: %w", GraceEmail, t.InitialDomain, err)
	}
	return res.User, res, nil
}
