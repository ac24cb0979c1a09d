package sqlstore

import (
	"context"

	"github.com/orgdir/orgdir/internal/directory"
)

const groupCols = `id, tenant_id, display_name, description, created_at`

func scanGroup(r scanner) (*directory.Group, error) {
	var g directory.Group
	var created scanTime
	if err := r.Scan(&g.ID, &g.TenantID, &g.DisplayName, &g.Description, &created); err != nil {
		return nil, err
	}
	g.CreatedAt = created.Time
	return &g, nil
}

func (t *tx) CreateGroup(ctx context.Context, g *directory.Group) error {
	_, err := t.exec(ctx, `INSERT INTO groups (`+groupCols+`) VALUES (?, ?, ?, ?, ?)`,
		g.ID, g.TenantID, g.DisplayName, g.Description, t.d.timeArg(g.CreatedAt))
	if err != nil {
		return t.fail(err, "group")
	}
	return nil
}

func (t *tx) GetGroup(ctx context.Context, tenantID, id string) (*directory.Group, error) {
	g, err := scanGroup(t.queryRow(ctx, `SELECT `+groupCols+` FROM groups WHERE tenant_id = ? AND id = ?`, tenantID, id))
	if err != nil {
		return nil, t.fail(err, "group")
	}
	return g, nil
}

// ListGroups orders by display name (ignoring case), then id.
func (t *tx) ListGroups(ctx context.Context, tenantID string, q directory.GroupQuery) ([]*directory.Group, error) {
	limit, err := pageLimit(q.Limit)
	if err != nil {
		return nil, err
	}
	where, args := "tenant_id = ?", []any{tenantID}
	if q.Filter != nil {
		c, a, err := t.d.compile(groupProps, q.Filter)
		if err != nil {
			return nil, err
		}
		where += " AND " + c
		args = append(args, a...)
	}
	if q.After != nil {
		where += " AND " + nameKeyset(">")
		args = append(args, q.After.DisplayName, q.After.DisplayName, q.After.ID)
	}
	args = append(args, limit)
	return t.listGroups(ctx, `SELECT `+groupCols+` FROM groups WHERE `+where+`
		ORDER BY lower(display_name), id LIMIT ?`, args...)
}

func (t *tx) listGroups(ctx context.Context, query string, args ...any) ([]*directory.Group, error) {
	rows, err := t.query(ctx, query, args...)
	if err != nil {
		return nil, t.fail(err, "group")
	}
	defer rows.Close()
	var out []*directory.Group
	for rows.Next() {
		g, err := scanGroup(rows)
		if err != nil {
			return nil, t.fail(err, "group")
		}
		out = append(out, g)
	}
	if err := rows.Err(); err != nil {
		return nil, t.fail(err, "group")
	}
	return out, nil
}

// AddGroupMember is KindNotFound unless both the group and the user are
// the tenant's, and KindConflict when the user is already a member.
func (t *tx) AddGroupMember(ctx context.Context, tenantID, groupID, userID string) error {
	if _, err := t.GetGroup(ctx, tenantID, groupID); err != nil {
		return err
	}
	if err := t.userExists(ctx, tenantID, userID); err != nil {
		return err
	}
	_, err := t.exec(ctx, `INSERT INTO group_members (tenant_id, group_id, user_id) VALUES (?, ?, ?)`, tenantID, groupID, userID)
	if err != nil {
		return t.fail(err, "group member")
	}
	return nil
}

func (t *tx) RemoveGroupMember(ctx context.Context, tenantID, groupID, userID string) error {
	return t.execOne(ctx, "group member", `DELETE FROM group_members WHERE tenant_id = ? AND group_id = ? AND user_id = ?`,
		tenantID, groupID, userID)
}

// ListGroupMembers shows live users only, by id; a deleted user's
// membership stays, hidden, for a restore.
func (t *tx) ListGroupMembers(ctx context.Context, tenantID, groupID string, p directory.Page) ([]*directory.User, error) {
	limit, err := pageLimit(p.Limit)
	if err != nil {
		return nil, err
	}
	if _, err := t.GetGroup(ctx, tenantID, groupID); err != nil {
		return nil, err
	}
	return t.listUsers(ctx, `SELECT `+userColumns("u.")+` FROM group_members m
		JOIN users u ON u.tenant_id = m.tenant_id AND u.id = m.user_id
		WHERE m.tenant_id = ? AND m.group_id = ? AND u.deleted_at IS NULL AND m.user_id > ?
		ORDER BY m.user_id LIMIT ?`, tenantID, groupID, p.AfterID, limit)
}

func (t *tx) ListMemberOf(ctx context.Context, tenantID, userID string) ([]*directory.Group, error) {
	// CROSS JOIN makes SQLite start from the user's memberships (few)
	// rather than from the tenant's groups (many); PostgreSQL plans it as
	// any inner join.
	return t.listGroups(ctx, `SELECT `+prefixed("g.", groupCols)+` FROM group_members m
		CROSS JOIN groups g
		WHERE m.tenant_id = ? AND m.user_id = ? AND g.tenant_id = m.tenant_id AND g.id = m.group_id
		ORDER BY lower(g.display_name), g.id`, tenantID, userID)
}
