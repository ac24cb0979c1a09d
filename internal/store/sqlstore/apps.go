package sqlstore

import (
	"context"

	"github.com/orgdir/orgdir/internal/directory"
)

const appCols = `id, tenant_id, display_name, app_roles, created_at, web_redirect_uris, web_logout_url,
	spa_redirect_uris, public_client_redirect_uris, app_role_assignment_required, password_credentials,
	group_membership_claims, web_home_page_url`

func scanApp(r scanner) (*directory.Application, error) {
	var a directory.Application
	var created scanTime
	var roles, web, spa, public, creds string
	if err := r.Scan(&a.ID, &a.TenantID, &a.DisplayName, &roles, &created, &web, &a.WebLogoutURL,
		&spa, &public, &a.AppRoleAssignmentRequired, &creds, &a.GroupMembershipClaims, &a.WebHomePageURL); err != nil {
		return nil, err
	}
	a.CreatedAt = created.Time
	var err error
	if a.AppRoles, err = fromJSON[directory.AppRole](roles); err != nil {
		return nil, err
	}
	if a.WebRedirectURIs, err = fromJSON[string](web); err != nil {
		return nil, err
	}
	if a.SPARedirectURIs, err = fromJSON[string](spa); err != nil {
		return nil, err
	}
	if a.PublicClientRedirectURIs, err = fromJSON[string](public); err != nil {
		return nil, err
	}
	if a.PasswordCredentials, err = fromJSON[directory.PasswordCredential](creds); err != nil {
		return nil, err
	}
	for i := range a.PasswordCredentials {
		c := &a.PasswordCredentials[i]
		c.StartDateTime, c.EndDateTime = c.StartDateTime.UTC(), c.EndDateTime.UTC()
	}
	return &a, nil
}

// appLists encodes the list columns of a, in the order of appCols.
func appLists(a *directory.Application) ([]string, error) {
	var out []string
	for _, f := range []func() (string, error){
		func() (string, error) { return toJSON(a.AppRoles) },
		func() (string, error) { return toJSON(a.WebRedirectURIs) },
		func() (string, error) { return toJSON(a.SPARedirectURIs) },
		func() (string, error) { return toJSON(a.PublicClientRedirectURIs) },
		func() (string, error) { return toJSON(a.PasswordCredentials) },
	} {
		s, err := f()
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, nil
}

func (t *tx) CreateApplication(ctx context.Context, a *directory.Application) error {
	l, err := appLists(a)
	if err != nil {
		return err
	}
	_, err = t.exec(ctx, `INSERT INTO applications (`+appCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		a.ID, a.TenantID, a.DisplayName, l[0], t.d.timeArg(a.CreatedAt), l[1], a.WebLogoutURL, l[2], l[3],
		a.AppRoleAssignmentRequired, l[4], a.GroupMembershipClaims, a.WebHomePageURL)
	if err != nil {
		return t.fail(err, "application")
	}
	return nil
}

func (t *tx) UpdateApplication(ctx context.Context, a *directory.Application) error {
	l, err := appLists(a)
	if err != nil {
		return err
	}
	return t.execOne(ctx, "application", `UPDATE applications SET display_name = ?, app_roles = ?, web_redirect_uris = ?,
		web_logout_url = ?, spa_redirect_uris = ?, public_client_redirect_uris = ?, app_role_assignment_required = ?,
		password_credentials = ?, group_membership_claims = ?, web_home_page_url = ? WHERE tenant_id = ? AND id = ?`,
		a.DisplayName, l[0], l[1], a.WebLogoutURL, l[2], l[3], a.AppRoleAssignmentRequired, l[4], a.GroupMembershipClaims, a.WebHomePageURL, a.TenantID, a.ID)
}

func (t *tx) GetApplication(ctx context.Context, tenantID, id string) (*directory.Application, error) {
	a, err := scanApp(t.queryRow(ctx, `SELECT `+appCols+` FROM applications WHERE tenant_id = ? AND id = ?`, tenantID, id))
	if err != nil {
		return nil, t.fail(err, "application")
	}
	return a, nil
}

func (t *tx) ListApplications(ctx context.Context, tenantID string, p directory.Page) ([]*directory.Application, error) {
	limit, err := pageLimit(p.Limit)
	if err != nil {
		return nil, err
	}
	rows, err := t.query(ctx, `SELECT `+appCols+` FROM applications WHERE tenant_id = ? AND id > ? ORDER BY id LIMIT ?`,
		tenantID, p.AfterID, limit)
	if err != nil {
		return nil, t.fail(err, "application")
	}
	defer rows.Close()
	var out []*directory.Application
	for rows.Next() {
		a, err := scanApp(rows)
		if err != nil {
			return nil, t.fail(err, "application")
		}
		out = append(out, a)
	}
	if err := rows.Err(); err != nil {
		return nil, t.fail(err, "application")
	}
	return out, nil
}

const assignmentCols = `id, tenant_id, principal_id, resource_id, app_role_id, created_at`

func scanAssignment(r scanner) (*directory.AppRoleAssignment, error) {
	var a directory.AppRoleAssignment
	var created scanTime
	if err := r.Scan(&a.ID, &a.TenantID, &a.PrincipalID, &a.ResourceID, &a.AppRoleID, &created, &a.PrincipalType); err != nil {
		return nil, err
	}
	a.CreatedAt = created.Time
	return &a, nil
}

// The columns of each assignment table, in the order of scanAssignment.
const (
	userAssignmentSelect  = `SELECT ` + assignmentCols + `, 'User' FROM app_role_assignments`
	groupAssignmentSelect = `SELECT id, tenant_id, group_id, resource_id, app_role_id, created_at, 'Group' FROM group_app_role_assignments`
	apiGrantSelect        = `SELECT id, tenant_id, app_id, '` + directory.OrgdirAPIAppID + `', permission_id, created_at, 'ServicePrincipal' FROM api_permission_grants`
)

// CreateAppRoleAssignment is KindNotFound unless the user and the
// application are the tenant's, and KindConflict for a duplicate grant.
// Whether the role is one the application defines is the domain's check.
func (t *tx) CreateAppRoleAssignment(ctx context.Context, a *directory.AppRoleAssignment) error {
	if err := t.userExists(ctx, a.TenantID, a.PrincipalID); err != nil {
		return err
	}
	if _, err := t.GetApplication(ctx, a.TenantID, a.ResourceID); err != nil {
		return err
	}
	_, err := t.exec(ctx, `INSERT INTO app_role_assignments (`+assignmentCols+`) VALUES (?, ?, ?, ?, ?, ?)`,
		a.ID, a.TenantID, a.PrincipalID, a.ResourceID, a.AppRoleID, t.d.timeArg(a.CreatedAt))
	if err != nil {
		return t.fail(err, "app role assignment")
	}
	return nil
}

func (t *tx) GetAppRoleAssignment(ctx context.Context, tenantID, id string) (*directory.AppRoleAssignment, error) {
	const where = ` WHERE tenant_id = ? AND id = ?`
	a, err := scanAssignment(t.queryRow(ctx, userAssignmentSelect+where+` UNION ALL `+groupAssignmentSelect+where+
		` UNION ALL `+apiGrantSelect+where, tenantID, id, tenantID, id, tenantID, id))
	if err != nil {
		return nil, t.fail(err, "app role assignment")
	}
	return a, nil
}

// DeleteAppRoleAssignment deletes the assignment id of any principal
// type (ids are unique across the three tables: the domain makes them).
func (t *tx) DeleteAppRoleAssignment(ctx context.Context, tenantID, id string) error {
	for _, table := range []string{"app_role_assignments", "group_app_role_assignments", "api_permission_grants"} {
		res, err := t.exec(ctx, `DELETE FROM `+table+` WHERE tenant_id = ? AND id = ?`, tenantID, id)
		if err != nil {
			return t.fail(err, "app role assignment")
		}
		if n, err := res.RowsAffected(); err != nil {
			return t.fail(err, "app role assignment")
		} else if n > 0 {
			return nil
		}
	}
	return notFound("app role assignment")
}

// CreateGroupAppRoleAssignment is KindNotFound unless the group and the
// application are the tenant's, and KindConflict for a duplicate.
func (t *tx) CreateGroupAppRoleAssignment(ctx context.Context, a *directory.AppRoleAssignment) error {
	if _, err := t.GetGroup(ctx, a.TenantID, a.PrincipalID); err != nil {
		return err
	}
	if _, err := t.GetApplication(ctx, a.TenantID, a.ResourceID); err != nil {
		return err
	}
	_, err := t.exec(ctx, `INSERT INTO group_app_role_assignments (id, tenant_id, group_id, resource_id, app_role_id, created_at)
		VALUES (?, ?, ?, ?, ?, ?)`, a.ID, a.TenantID, a.PrincipalID, a.ResourceID, a.AppRoleID, t.d.timeArg(a.CreatedAt))
	if err != nil {
		return t.fail(err, "app role assignment")
	}
	return nil
}

func (t *tx) ListGroupAppRoleAssignments(ctx context.Context, tenantID, groupID string) ([]*directory.AppRoleAssignment, error) {
	return t.listAssignments(ctx, groupAssignmentSelect+` WHERE tenant_id = ? AND group_id = ? ORDER BY created_at, id`, tenantID, groupID)
}

// CreateAPIPermissionGrant is KindNotFound unless the application is the
// tenant's, and KindConflict for a duplicate.
func (t *tx) CreateAPIPermissionGrant(ctx context.Context, a *directory.AppRoleAssignment) error {
	if _, err := t.GetApplication(ctx, a.TenantID, a.PrincipalID); err != nil {
		return err
	}
	_, err := t.exec(ctx, `INSERT INTO api_permission_grants (id, tenant_id, app_id, permission_id, created_at)
		VALUES (?, ?, ?, ?, ?)`, a.ID, a.TenantID, a.PrincipalID, a.AppRoleID, t.d.timeArg(a.CreatedAt))
	if err != nil {
		return t.fail(err, "app role assignment")
	}
	return nil
}

func (t *tx) ListAPIPermissionGrants(ctx context.Context, tenantID, appID string) ([]*directory.AppRoleAssignment, error) {
	return t.listAssignments(ctx, apiGrantSelect+` WHERE tenant_id = ? AND app_id = ? ORDER BY created_at, id`, tenantID, appID)
}

// ListAppRoleAssignments returns the user's assignments, live or deleted
// user alike (the domain hides them while the user is deleted).
func (t *tx) ListAppRoleAssignments(ctx context.Context, tenantID, userID string) ([]*directory.AppRoleAssignment, error) {
	return t.listAssignments(ctx, userAssignmentSelect+` WHERE tenant_id = ? AND principal_id = ? ORDER BY created_at, id`, tenantID, userID)
}

// ListAppAssignments returns the assignments of one application to users
// (live and deleted alike: the domain hides the deleted) and to groups.
func (t *tx) ListAppAssignments(ctx context.Context, tenantID, appID string) ([]*directory.AppRoleAssignment, error) {
	const where = ` WHERE tenant_id = ? AND resource_id = ?`
	return t.listAssignments(ctx, userAssignmentSelect+where+` UNION ALL `+groupAssignmentSelect+where+` ORDER BY 6, 1`,
		tenantID, appID, tenantID, appID)
}

func (t *tx) listAssignments(ctx context.Context, q string, args ...any) ([]*directory.AppRoleAssignment, error) {
	rows, err := t.query(ctx, q, args...)
	if err != nil {
		return nil, t.fail(err, "app role assignment")
	}
	defer rows.Close()
	var out []*directory.AppRoleAssignment
	for rows.Next() {
		a, err := scanAssignment(rows)
		if err != nil {
			return nil, t.fail(err, "app role assignment")
		}
		out = append(out, a)
	}
	if err := rows.Err(); err != nil {
		return nil, t.fail(err, "app role assignment")
	}
	return out, nil
}
