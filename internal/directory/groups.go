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
	var g *Group
	err = s.write(ctx, func(o *op) error {
		if err := o.c.require(tenantID, permManage); err != nil {
			return err
		}
		if _, err := o.tenant(tenantID); err != nil {
			return err
		}
		g = &Group{ID: s.newID(), TenantID: tenantID, DisplayName: name, Description: desc, CreatedAt: o.now}
		if err := o.tx.CreateGroup(o.ctx, g); err != nil {
			return err
		}
		return o.audit(o.event(tenantID, ActivityAddGroup, CategoryGroupManagement, opAdd, groupTarget(g)))
	})
	if err != nil {
		return nil, err
	}
	return g, nil
}

// group loads a group the caller may see: members see every group of their
// tenant, a guest only the groups they are in.
func (o *op) group(tenantID, id string) (*Group, error) {
	if !o.c.inTenant(tenantID) || !ValidID(id) {
		return nil, notFound("group")
	}
	g, err := o.tx.GetGroup(o.ctx, tenantID, id)
	if IsKind(err, KindNotFound) {
		return nil, notFound("group")
	}
	if err != nil {
		return nil, err
	}
	if o.c.may(tenantID, permRead) {
		return g, nil
	}
	mine, err := o.tx.ListMemberOf(o.ctx, tenantID, o.c.user.ID)
	if err != nil {
		return nil, err
	}
	if !slices.ContainsFunc(mine, func(m *Group) bool { return m.ID == g.ID }) {
		return nil, notFound("group")
	}
	return g, nil
}

// GetGroup returns a group of the tenant.
func (s *Service) GetGroup(ctx context.Context, tenantID, id string) (*Group, error) {
	var g *Group
	err := s.read(ctx, func(o *op) error {
		var err error
		g, err = o.group(tenantID, id)
		return err
	})
	return g, err
}

// ListGroups lists the tenant's groups to its members (guests use
// ListMemberOf for their own).
func (s *Service) ListGroups(ctx context.Context, tenantID string, q GroupQuery) ([]*Group, error) {
	if err := validLimit("limit", q.Limit); err != nil {
		return nil, err
	}
	var out []*Group
	err := s.read(ctx, func(o *op) error {
		if err := o.c.require(tenantID, permRead); err != nil {
			return err
		}
		if _, err := o.tenant(tenantID); err != nil {
			return err
		}
		var err error
		out, err = o.tx.ListGroups(o.ctx, tenantID, q)
		return err
	})
	return out, err
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
		if err := o.c.requireObject(tenantID, permManage, "group"); err != nil {
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
	var out []*User
	err := s.read(ctx, func(o *op) error {
		g, err := o.group(tenantID, groupID)
		if err != nil {
			return err
		}
		if err := o.c.require(tenantID, permRead); err != nil {
			return err
		}
		out, err = o.tx.ListGroupMembers(o.ctx, tenantID, g.ID, p)
		return err
	})
	return out, err
}

// ListMemberOf returns the groups a live user is directly in: any user to
// the tenant's members, a guest's own to the guest.
func (s *Service) ListMemberOf(ctx context.Context, tenantID, userID string) ([]*Group, error) {
	var out []*Group
	err := s.read(ctx, func(o *op) error {
		u, err := o.readableUser(tenantID, userID)
		if err != nil {
			return err
		}
		out, err = o.tx.ListMemberOf(o.ctx, tenantID, u.ID)
		return err
	})
	return out, err
}
