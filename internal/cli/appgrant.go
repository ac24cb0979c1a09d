package cli

import (
	"context"
	"fmt"
	"strings"

	"github.com/orgdir/orgdir/internal/directory"
)

// runAppGrant grants an application a permission of orgdir's API, for its
// client credentials tokens (Graph's appRoleAssignedTo on orgdir's API).
func runAppGrant(ctx context.Context, e *env, args []string) error {
	var names []string
	for _, p := range directory.APIPermissions {
		names = append(names, p.Value)
	}
	f := newFlags("app grant", "Grants an application an application permission of orgdir's API ("+
		strings.Join(names, ", ")+"): its client credentials tokens for the API carry it in roles.")
	db := addDBFlags(f)
	tenant := tenantFlag(f)
	app := f.String("app", "", "the application, by display `name` or id")
	perm := f.String("permission", "", "the `permission`, as Graph names it (e.g. User.Read.All)")
	f.require("app")
	f.require("permission")
	if err := f.parse(e, args); err != nil {
		return err
	}
	return e.withTenant(ctx, db, *tenant, func(ctx context.Context, svc *directory.Service, t *directory.Tenant) error {
		a, err := findApp(ctx, svc, t.ID, *app)
		if err != nil {
			return err
		}
		g, err := svc.AssignAppRoleTo(ctx, t.ID, directory.OrgdirAPIAppID, a.ID, *perm)
		if err != nil {
			return err
		}
		p, _ := directory.LookupAPIPermission(g.AppRoleID)
		fmt.Fprintf(e.stdout, "granted %s the permission %s of orgdir's API, assignment id %s\n", a.DisplayName, p.Value, g.ID)
		return nil
	})
}

// runAppAssignGroup assigns an app role of an application to a group:
// its members carry the role in their tokens for the app.
func runAppAssignGroup(ctx context.Context, e *env, args []string) error {
	f := newFlags("app assign-group", "Assigns one app role of an application to a group; its members hold it.")
	db := addDBFlags(f)
	tenant := tenantFlag(f)
	app := f.String("app", "", "the application, by display `name` or id")
	group := f.String("group", "", "the group, by display `name` or id")
	roleRef := f.String("role", "", "the app role, by `value` or id; empty means the default role")
	f.require("app")
	f.require("group")
	if err := f.parse(e, args); err != nil {
		return err
	}
	return e.withTenant(ctx, db, *tenant, func(ctx context.Context, svc *directory.Service, t *directory.Tenant) error {
		a, err := findApp(ctx, svc, t.ID, *app)
		if err != nil {
			return err
		}
		g, err := findGroup(ctx, svc, t.ID, *group)
		if err != nil {
			return err
		}
		roleID := ""
		for _, r := range a.AppRoles {
			if r.ID == *roleRef || strings.EqualFold(r.Value, *roleRef) {
				roleID = r.ID
			}
		}
		if roleID == "" && *roleRef != "" {
			return directory.Invalidf("appRoleId", "application %s has no role %q", a.DisplayName, *roleRef)
		}
		as, err := svc.AssignAppRoleTo(ctx, t.ID, a.ID, g.ID, roleID)
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "assigned the group %s the role %s of %s, assignment id %s\n", g.DisplayName, as.AppRoleID, a.DisplayName, as.ID)
		return nil
	})
}
