package directory

import (
	"context"
	"slices"
)

// CreateGroup creates a security group (Global and User Administrators).
func (s *Service) CreateGroup(ctx context.Context, tenantID, displayName, description string) (*Group, error) {
	name, err := validDisplayName("displayName", displayName)
	if err != nil {
		return nil, err
	}
	desc, err := validOptionalLen("description", description, maxDescription)
	if err != nil {
		return nil, err
	}
	return writeResult(s, ctx, func(o *op) (*Group, error) {
		if _, err := o.permittedTenant(tenantID, permManageGroups); err != nil {
			return nil, err
		}
		g := &Group{ID: s.newID(), TenantID: tenantID, DisplayName: name, Description: desc, CreatedAt: o.now}
		if err := o.tx.CreateGroup(o.ctx, g); err != nil {
			return nil, err
		}
		return g, o.audit(o.event(tenantID, ActivityAddGroup, CategoryGroupManagement, opAdd, groupTarget(g)))
	})
}

// group loads a group the caller may see: members see every group of their
// tenant, a guest only the groups they are in.
func (o *op) group(tenantID, id string) (*Group, error) {
	return visibleObject(o, permReadGroups, tenantID, id, "group", o.tx.GetGroup, func(g *Group) (bool, error) {
		mine, err := o.tx.ListMemberOf(o.ctx, tenantID, o.c.user.ID)
		return slices.ContainsFunc(mine, func(m *Group) bool { return m.ID == g.ID }), err
	})
}

// GetGroup returns a group of the tenant.
func (s *Service) GetGroup(ctx context.Context, tenantID, id string) (*Group, error) {
	return readResult(s, ctx, func(o *op) (*Group, error) { return o.group(tenantID, id) })
}

// ListGroups lists the tenant's groups to its members (guests use
// ListMemberOf for their own).
func (s *Service) ListGroups(ctx context.Context, tenantID string, q GroupQuery) ([]*Group, error) {
	if err := validLimit("limit", q.Limit); err != nil {
		return nil, err
	}
	if err := validGroupQuery(q); err != nil {
		return nil, err
	}
	return readResult(s, ctx, func(o *op) ([]*Group, error) {
		if _, err := o.permittedTenant(tenantID, permReadGroups); err != nil {
			return nil, err
		}
		return o.tx.ListGroups(o.ctx, tenantID, q)
	})
}

// AddGroupMember adds a live user to a group (Global and User
// Administrators); a member already in it is KindConflict.
func (s *Service) AddGroupMember(ctx context.Context, tenantID, groupID, userID string) error {
	return s.changeMembership(ctx, tenantID, groupID, userID, true)
}

// RemoveGroupMember removes a user from a group; a user not in it is
// KindNotFound.
func (s *Service) RemoveGroupMember(ctx context.Context, tenantID, groupID, userID string) error {
	return s.changeMembership(ctx, tenantID, groupID, userID, false)
}

func (s *Service) changeMembership(ctx context.Context, tenantID, groupID, userID string, add bool) error {
	return s.write(ctx, func(o *op) error {
		if err := o.c.requireObject(tenantID, permManageGroups, "group"); err != nil {
			return err
		}
		g, err := o.group(tenantID, groupID)
		if err != nil {
			return err
		}
		u, err := o.liveUser(tenantID, userID)
		if err != nil {
			return err
		}
		activity, opType := ActivityAddMemberToGroup, opAssign
		if add {
			err = o.tx.AddGroupMember(o.ctx, tenantID, g.ID, u.ID)
			if IsKind(err, KindConflict) {
				return Errorf(KindConflict, "%s is already a member of %s", u.DisplayName, g.DisplayName)
			}
		} else {
			activity, opType = ActivityRemoveMemberFromGroup, opUnassign
			err = o.tx.RemoveGroupMember(o.ctx, tenantID, g.ID, u.ID)
			if IsKind(err, KindNotFound) {
				return Errorf(KindNotFound, "%s is not a member of %s", u.DisplayName, g.DisplayName)
			}
		}
		if err != nil {
			return err
		}
		return o.audit(o.event(tenantID, activity, CategoryGroupManagement, opType, groupTarget(g), userTarget(u)))
	})
}

// ListGroupMembers lists a group's live members to the tenant's members.
func (s *Service) ListGroupMembers(ctx context.Context, tenantID, groupID string, p Page) ([]*User, error) {
	if err := validLimit("limit", p.Limit); err != nil {
		return nil, err
	}
	if err := validPage(p); err != nil {
		return nil, err
	}
	return readResult(s, ctx, func(o *op) ([]*User, error) {
		g, err := o.group(tenantID, groupID)
		if err != nil {
			return nil, err
		}
		if err := o.c.require(tenantID, permReadGroups); err != nil {
			return nil, err
		}
		return o.tx.ListGroupMembers(o.ctx, tenantID, g.ID, p)
	})
}

// ListMemberOf returns the groups a live user is directly in: any user to
// the tenant's members, a guest's own to the guest.
func (s *Service) ListMemberOf(ctx context.Context, tenantID, userID string) ([]*Group, error) {
	return readResult(s, ctx, func(o *op) ([]*Group, error) {
		u, err := o.readableUser(tenantID, userID)
		if err != nil {
			return nil, err
		}
		return o.tx.ListMemberOf(o.ctx, tenantID, u.ID)
	})
}
