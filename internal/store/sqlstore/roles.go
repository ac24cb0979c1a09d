package sqlstore

import (
	"context"
	"slices"

	"github.com/orgdir/orgdir/internal/directory"
)

// AddRole is KindNotFound for a user the tenant does not have and
// KindConflict when the user already holds the role.
func (t *tx) AddRole(ctx context.Context, tenantID, userID string, r directory.Role) error {
	if err := t.userExists(ctx, tenantID, userID); err != nil {
		return err
	}
	if _, err := t.exec(ctx, `INSERT INTO user_roles (tenant_id, user_id, role) VALUES (?, ?, ?)`, tenantID, userID, string(r)); err != nil {
		return t.fail(err, "role assignment")
	}
	return nil
}

func (t *tx) RemoveRole(ctx context.Context, tenantID, userID string, r directory.Role) error {
	return t.execOne(ctx, "role assignment", `DELETE FROM user_roles WHERE tenant_id = ? AND user_id = ? AND role = ?`,
		tenantID, userID, string(r))
}

func (t *tx) ListRoles(ctx context.Context, tenantID, userID string) ([]directory.Role, error) {
	if k := t.roles; k != nil && k.tenantID == tenantID && k.userID == userID {
		return slices.Clone(k.roles), nil
	}
	rows, err := t.query(ctx, `SELECT role FROM user_roles WHERE tenant_id = ? AND user_id = ? ORDER BY role`, tenantID, userID)
	if err != nil {
		return nil, t.fail(err, "role assignment")
	}
	defer rows.Close()
	var out []directory.Role
	for rows.Next() {
		var r string
		if err := rows.Scan(&r); err != nil {
			return nil, t.fail(err, "role assignment")
		}
		out = append(out, directory.Role(r))
	}
	if err := rows.Err(); err != nil {
		return nil, t.fail(err, "role assignment")
	}
	return out, nil
}
