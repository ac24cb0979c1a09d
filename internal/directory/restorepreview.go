package directory

import (
	"context"
	"slices"
)

// RestorePreview is what RestoreUser would bring back for a deleted user,
// read without changing anything.
type RestorePreview struct {
	User               *User
	Groups             []PreviewItem
	AppRoleAssignments []PreviewAssignment
	DirectoryRoles     []PreviewItem
	// Missing are app role assignments whose application or app role no
	// longer exists: the restore returns the row, but it grants nothing.
	Missing []PreviewMissing
	// Conflicts are what makes a restore with the same
	// userPrincipalName fail: a live user holding the UPN or mail, or
	// another live account of the same person.
	Conflicts []RestoreConflict
	// Expired is true once the retention has ended: no restore at all.
	Expired bool
}

// PreviewItem is a group or directory role by id and name.
type PreviewItem struct{ ID, DisplayName string }

// PreviewAssignment is an app role assignment that comes back.
type PreviewAssignment struct {
	ID, ResourceID, ResourceDisplayName, AppRoleID, AppRoleDisplayName string
}

// PreviewMissing is a holding that will not come back.
type PreviewMissing struct{ Kind, ID string }

// RestoreConflict names the property and the live user holding it.
// Property "person" is another live account of the same person, which a
// new userPrincipalName does not fix.
type RestoreConflict struct{ Property, UserID, Message string }

// MissingAppRoleAssignment is the Kind of a PreviewMissing assignment.
// Groups cannot be deleted, so a membership always comes back.
const MissingAppRoleAssignment = "appRoleAssignment"

// PreviewRestore returns what RestoreUser(tenantID, id, "") would bring
// back and why it would be refused, authorized as RestoreUser is (Global
// and User Administrators; a Global Administrator only by one).
func (s *Service) PreviewRestore(ctx context.Context, tenantID, id string) (*RestorePreview, error) {
	return readResult(s, ctx, func(o *op) (*RestorePreview, error) {
		u, err := o.deletedUser(tenantID, id)
		if err != nil {
			return nil, err
		}
		t, err := o.tenant(tenantID)
		if err != nil {
			return nil, err
		}
		if err := o.guardAdmin(u); err != nil {
			return nil, err
		}
		p := &RestorePreview{User: u, Expired: u.PurgeAt != nil && !o.now.Before(*u.PurgeAt)}
		if err := o.previewHoldings(p); err != nil {
			return nil, err
		}
		if err := o.previewConflicts(t, p); err != nil {
			return nil, err
		}
		return p, nil
	})
}

// previewHoldings fills the groups, assignments, roles and missing ones.
func (o *op) previewHoldings(p *RestorePreview) error {
	u := p.User
	groups, err := o.tx.ListMemberOf(o.ctx, u.TenantID, u.ID)
	if err != nil {
		return err
	}
	for _, g := range groups {
		p.Groups = append(p.Groups, PreviewItem{ID: g.ID, DisplayName: g.DisplayName})
	}
	grants, err := o.tx.ListAppRoleAssignments(o.ctx, u.TenantID, u.ID)
	if err != nil {
		return err
	}
	apps := map[string]*Application{}
	for _, a := range grants {
		app, ok := apps[a.ResourceID]
		if !ok {
			app, err = o.tx.GetApplication(o.ctx, u.TenantID, a.ResourceID)
			if IsKind(err, KindNotFound) {
				app, err = nil, nil
			}
			if err != nil {
				return err
			}
			apps[a.ResourceID] = app
		}
		role, found := appRoleOf(app, a.AppRoleID)
		if !found {
			p.Missing = append(p.Missing, PreviewMissing{Kind: MissingAppRoleAssignment, ID: a.ID})
			continue
		}
		p.AppRoleAssignments = append(p.AppRoleAssignments, PreviewAssignment{
			ID: a.ID, ResourceID: a.ResourceID, ResourceDisplayName: app.DisplayName,
			AppRoleID: a.AppRoleID, AppRoleDisplayName: role,
		})
	}
	roles, err := o.tx.ListRoles(o.ctx, u.TenantID, u.ID)
	if err != nil {
		return err
	}
	for _, r := range roles {
		p.DirectoryRoles = append(p.DirectoryRoles, PreviewItem{ID: RoleTemplateID(r), DisplayName: string(r)})
	}
	return nil
}

// appRoleOf is the display name of the app's role id, the default role
// ("Default Access") included; found is false when app or role is gone.
func appRoleOf(app *Application, roleID string) (name string, found bool) {
	if app == nil {
		return "", false
	}
	if roleID == DefaultAppRoleID {
		return "Default Access", true
	}
	i := slices.IndexFunc(app.AppRoles, func(r AppRole) bool { return r.ID == roleID })
	if i < 0 {
		return "", false
	}
	return app.AppRoles[i].DisplayName, true
}

// previewConflicts runs RestoreUser's own checks, personClash and
// restoreClash, and records each refusal instead of stopping at it.
func (o *op) previewConflicts(t *Tenant, p *RestorePreview) error {
	u := p.User
	if u.HomeUserID != "" || u.HomeEmailIdentityID != "" {
		bound, err := o.tx.ListUsersByHome(o.ctx, u.HomeUserID, u.HomeEmailIdentityID)
		if err != nil {
			return err
		}
		for _, b := range bound {
			if b.TenantID == u.TenantID && b.ID != u.ID && !b.Deleted() {
				p.Conflicts = append(p.Conflicts, RestoreConflict{Property: "person", UserID: b.ID,
					Message: "the person of this user already has another account in " + t.DisplayName + " (" + b.UserPrincipalName + "); delete that one first"})
			}
		}
	}
	other, err := o.tx.GetUserByUPN(o.ctx, u.TenantID, u.UserPrincipalName)
	if err == nil && other.ID != u.ID {
		p.Conflicts = append(p.Conflicts, RestoreConflict{Property: "userPrincipalName", UserID: other.ID,
			Message: "a live user already has the userPrincipalName " + u.UserPrincipalName + "; restore with a new userPrincipalName"})
	} else if err != nil && !IsKind(err, KindNotFound) {
		return err
	}
	if u.Mail == "" {
		return nil
	}
	other, err = o.tx.GetUserByMail(o.ctx, u.TenantID, u.Mail)
	if err == nil && other.ID != u.ID {
		p.Conflicts = append(p.Conflicts, RestoreConflict{Property: "mail", UserID: other.ID,
			Message: "a live user already has the mail " + u.Mail + "; delete or change that user first"})
	} else if err != nil && !IsKind(err, KindNotFound) {
		return err
	}
	return nil
}

// RoleTemplateID is Entra's roleTemplateId of a built-in role, so that a
// Graph client recognizes it; the role name for any other.
func RoleTemplateID(r Role) string {
	switch r {
	case RoleGlobalAdministrator:
		return "62e90394-69f5-4237-9190-012177145e10"
	case RoleUserAdministrator:
		return "fe930be7-5e62-47db-91af-98c3a49a38b1"
	case RoleGuestInviter:
		return "95e79109-95c0-4d8e-aee3-d01accf2d47b"
	}
	return string(r)
}
