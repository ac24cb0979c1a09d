package directory

import (
	"context"
	"slices"
	"strconv"
)

// defaultAppRole is the role of an application that defines none.
func defaultAppRole() AppRole {
	return AppRole{ID: DefaultAppRoleID, DisplayName: "Default Access", Description: "Default access to the application"}
}

// CreateApplication registers an application with its roles (Global and
// User Administrators). Without roles it gets the default role
// DefaultAppRoleID, "Default Access". Role ids are generated when empty and
// must be unique UUIDs.
func (s *Service) CreateApplication(ctx context.Context, tenantID, displayName string, roles []AppRole) (*Application, error) {
	name, err := validDisplayName("displayName", displayName)
	if err != nil {
		return nil, err
	}
	rs := make([]AppRole, 0, len(roles))
	seen := map[string]bool{}
	for i, r := range roles {
		field := "appRoles[" + strconv.Itoa(i) + "]"
		if r.ID == "" {
			r.ID = s.newID()
		} else if !ValidID(r.ID) {
			return nil, Invalidf(field+".id", "%s.id %q is not a UUID", field, r.ID)
		}
		if seen[r.ID] {
			return nil, Invalidf(field+".id", "%s.id %s is used twice", field, r.ID)
		}
		seen[r.ID] = true
		if r.DisplayName, err = validDisplayName(field+".displayName", r.DisplayName); err != nil {
			return nil, err
		}
		if r.Value, err = validOptionalLen(field+".value", r.Value, 250); err != nil {
			return nil, err
		}
		if r.Description, err = validOptionalLen(field+".description", r.Description, maxDescription); err != nil {
			return nil, err
		}
		rs = append(rs, r)
	}
	if len(rs) == 0 {
		rs = append(rs, defaultAppRole())
	}
	return writeResult(s, ctx, func(o *op) (*Application, error) {
		if _, err := o.permittedTenant(tenantID, permManage); err != nil {
			return nil, err
		}
		a := &Application{ID: s.newID(), TenantID: tenantID, DisplayName: name, AppRoles: rs, CreatedAt: o.now}
		if err := o.tx.CreateApplication(o.ctx, a); err != nil {
			return nil, err
		}
		return a, o.audit(o.event(tenantID, ActivityAddApplication, CategoryApplicationManagement, opAdd, appTarget(a)))
	})
}

// application loads an app the caller may see: members see every app of
// their tenant, a guest only those they hold a role of.
func (o *op) application(tenantID, id string) (*Application, error) {
	return visibleObject(o, permRead, tenantID, id, "application", o.tx.GetApplication, func(a *Application) (bool, error) {
		mine, err := o.tx.ListAppRoleAssignments(o.ctx, tenantID, o.c.user.ID)
		return slices.ContainsFunc(mine, func(x *AppRoleAssignment) bool { return x.ResourceID == a.ID }), err
	})
}

// GetApplication returns an application of the tenant.
func (s *Service) GetApplication(ctx context.Context, tenantID, id string) (*Application, error) {
	return readResult(s, ctx, func(o *op) (*Application, error) { return o.application(tenantID, id) })
}

// ListApplications lists the tenant's applications to its members.
func (s *Service) ListApplications(ctx context.Context, tenantID string, p Page) ([]*Application, error) {
	if err := validLimit("limit", p.Limit); err != nil {
		return nil, err
	}
	if err := validPage(p); err != nil {
		return nil, err
	}
	return readResult(s, ctx, func(o *op) ([]*Application, error) {
		if _, err := o.permittedTenant(tenantID, permRead); err != nil {
			return nil, err
		}
		return o.tx.ListApplications(o.ctx, tenantID, p)
	})
}

// AssignAppRole grants a live user a role of an application (Global and
// User Administrators). An empty appRoleID means the default role; the role
// must be one the app defines; the same grant twice is KindConflict.
func (s *Service) AssignAppRole(ctx context.Context, tenantID, userID, appID, appRoleID string) (*AppRoleAssignment, error) {
	if appRoleID == "" {
		appRoleID = DefaultAppRoleID
	}
	if !ValidID(appRoleID) {
		return nil, Invalidf("appRoleId", "appRoleId %q is not a UUID", appRoleID)
	}
	var out *AppRoleAssignment
	err := s.write(ctx, func(o *op) error {
		if err := o.requireUserChange(tenantID, userID); err != nil {
			return err
		}
		if err := o.c.require(tenantID, permManage); err != nil { // an app: Directory.ReadWrite.All
			return err
		}
		u, err := o.liveUser(tenantID, userID)
		if err != nil {
			return err
		}
		a, err := o.application(tenantID, appID)
		if err != nil {
			return err
		}
		i := slices.IndexFunc(a.AppRoles, func(r AppRole) bool { return r.ID == appRoleID })
		if i < 0 {
			return Invalidf("appRoleId", "application %s has no role %s", a.DisplayName, appRoleID)
		}
		have, err := o.tx.ListAppRoleAssignments(o.ctx, tenantID, u.ID)
		if err != nil {
			return err
		}
		if slices.ContainsFunc(have, func(x *AppRoleAssignment) bool { return x.ResourceID == a.ID && x.AppRoleID == appRoleID }) {
			return Errorf(KindConflict, "%s already has the role %s of %s", u.DisplayName, a.AppRoles[i].DisplayName, a.DisplayName)
		}
		out = &AppRoleAssignment{ID: s.newID(), TenantID: tenantID, PrincipalID: u.ID, PrincipalType: PrincipalUser, ResourceID: a.ID, AppRoleID: appRoleID, CreatedAt: o.now}
		if err := o.tx.CreateAppRoleAssignment(o.ctx, out); err != nil {
			return err
		}
		m := ModifiedProperty{DisplayName: "AppRole.Value", NewValue: jsonValue(a.AppRoles[i].Value)}
		return o.audit(o.event(tenantID, ActivityAddAppRoleAssignment, CategoryApplicationManagement, opAssign, userTarget(u, m), appTarget(a)))
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// RemoveAppRoleAssignment removes one of a user's app role assignments.
func (s *Service) RemoveAppRoleAssignment(ctx context.Context, tenantID, userID, assignmentID string) error {
	return s.write(ctx, func(o *op) error {
		if err := o.c.requireObject(tenantID, permManage, "app role assignment"); err != nil {
			return err
		}
		u, err := o.liveUser(tenantID, userID)
		if err != nil {
			return err
		}
		if !ValidID(assignmentID) {
			return notFound("app role assignment")
		}
		x, err := o.tx.GetAppRoleAssignment(o.ctx, tenantID, assignmentID)
		if IsKind(err, KindNotFound) || err == nil && x.PrincipalID != u.ID {
			return notFound("app role assignment")
		}
		if err != nil {
			return err
		}
		a, err := o.tx.GetApplication(o.ctx, tenantID, x.ResourceID)
		if err != nil {
			return err
		}
		if err := o.tx.DeleteAppRoleAssignment(o.ctx, tenantID, x.ID); err != nil {
			return err
		}
		return o.audit(o.event(tenantID, ActivityRemoveAppRoleAssign, CategoryApplicationManagement, opUnassign, userTarget(u), appTarget(a)))
	})
}

// ListAppRoleAssignments lists a live user's app role assignments: any
// user's to the tenant's members, a guest's own to the guest.
func (s *Service) ListAppRoleAssignments(ctx context.Context, tenantID, userID string) ([]*AppRoleAssignment, error) {
	return readResult(s, ctx, func(o *op) ([]*AppRoleAssignment, error) {
		u, err := o.readableUser(tenantID, userID)
		if err != nil {
			return nil, err
		}
		return o.tx.ListAppRoleAssignments(o.ctx, tenantID, u.ID)
	})
}
