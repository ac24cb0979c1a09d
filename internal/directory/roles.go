package directory

import (
	"context"
	"slices"
)

// validRole checks r is a directory role orgdir knows.
func validRole(r Role) error {
	if !slices.Contains(Roles, r) {
		return Invalidf("role", "role %q is not one of Global Administrator, User Administrator, Guest Inviter", r)
	}
	return nil
}

// AddRole gives a live user a directory role (Global and User
// Administrators; only a Global Administrator grants Global
// Administrator). Holding it already is KindConflict.
func (s *Service) AddRole(ctx context.Context, tenantID, userID string, r Role) error {
	return s.changeRole(ctx, tenantID, userID, r, true)
}

// RemoveRole takes a directory role from a user; not holding it is
// KindNotFound. Nobody removes their own Global Administrator role, so a
// tenant cannot lose its last one by accident.
func (s *Service) RemoveRole(ctx context.Context, tenantID, userID string, r Role) error {
	return s.changeRole(ctx, tenantID, userID, r, false)
}

func (s *Service) changeRole(ctx context.Context, tenantID, userID string, r Role, add bool) error {
	if err := validRole(r); err != nil {
		return err
	}
	return s.write(ctx, func(o *op) error {
		if err := o.requireUserChange(tenantID, userID); err != nil {
			return err
		}
		if o.c.app != nil { // Graph asks for RoleManagement.ReadWrite.Directory, which orgdir does not grant
			return Errorf(KindForbidden, "an application may not grant or remove directory roles")
		}
		if r == RoleGlobalAdministrator {
			if err := o.c.require(tenantID, permSettings); err != nil {
				return Errorf(KindForbidden, "only a Global Administrator may grant or remove Global Administrator")
			}
		}
		u, err := o.liveUser(tenantID, userID)
		if err != nil {
			return err
		}
		have, err := o.tx.ListRoles(o.ctx, tenantID, u.ID)
		if err != nil {
			return err
		}
		activity, opType := ActivityAddRoleMember, opAssign
		if add {
			if slices.Contains(have, r) {
				return Errorf(KindConflict, "%s already holds %s", u.DisplayName, r)
			}
			err = o.tx.AddRole(o.ctx, tenantID, u.ID, r)
		} else {
			if !slices.Contains(have, r) {
				return Errorf(KindNotFound, "%s does not hold %s", u.DisplayName, r)
			}
			if r == RoleGlobalAdministrator && o.c.isSelf(tenantID, u.ID) {
				return Errorf(KindConflict, "you cannot remove your own Global Administrator role")
			}
			activity, opType = ActivityRemoveRoleMember, opUnassign
			err = o.tx.RemoveRole(o.ctx, tenantID, u.ID, r)
		}
		if err != nil {
			return err
		}
		m := ModifiedProperty{DisplayName: "Role.DisplayName", NewValue: jsonValue(string(r))}
		return o.audit(o.event(tenantID, activity, CategoryRoleManagement, opType, userTarget(u, m)))
	})
}

// ListRoles returns a live user's directory roles: any user's to the
// tenant's members, a guest's own to the guest.
func (s *Service) ListRoles(ctx context.Context, tenantID, userID string) ([]Role, error) {
	var out []Role
	err := s.read(ctx, func(o *op) error {
		u, err := o.readableUser(tenantID, userID)
		if err != nil {
			return err
		}
		out, err = o.tx.ListRoles(o.ctx, tenantID, u.ID)
		return err
	})
	return out, err
}
