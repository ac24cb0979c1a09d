package cli

import (
	"context"
	"fmt"
	"strings"

	"github.com/orgdir/orgdir/internal/directory"
)

func runRoleAdd(ctx context.Context, e *env, args []string) error {
	var names []string
	for _, r := range directory.Roles {
		names = append(names, string(r))
	}
	f := newFlags("role add", "Gives a user a directory role in its tenant.")
	db := addDBFlags(f)
	tenant := tenantFlag(f)
	user := userFlag(f)
	roleName := f.String("role", "", "the `role`: "+strings.Join(names, ", "))
	f.require("role")
	if err := f.parse(e, args); err != nil {
		return err
	}
	role, err := parseRole(*roleName)
	if err != nil {
		return err
	}
	return e.withUser(ctx, db, *tenant, *user, func(ctx context.Context, svc *directory.Service, t *directory.Tenant, u *directory.User) error {
		if err := svc.AddRole(ctx, t.ID, u.ID, role); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "%s is now %s in %s\n", u.UserPrincipalName, role, t.InitialDomain)
		return nil
	})
}

func runGroupCreate(ctx context.Context, e *env, args []string) error {
	f := newFlags("group create", "Creates a security group in a tenant.")
	db := addDBFlags(f)
	tenant := tenantFlag(f)
	name := f.String("name", "", "display `name` of the group")
	description := f.String("description", "", "what the group is for (optional)")
	f.require("name")
	if err := f.parse(e, args); err != nil {
		return err
	}
	return e.withTenant(ctx, db, *tenant, func(ctx context.Context, svc *directory.Service, t *directory.Tenant) error {
		g, err := svc.CreateGroup(ctx, t.ID, *name, *description)
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "created group %s in %s, id %s\n", g.DisplayName, t.InitialDomain, g.ID)
		return nil
	})
}

func runGroupAddMember(ctx context.Context, e *env, args []string) error {
	f := newFlags("group add-member", "Adds a user (member or guest) to a group.")
	db := addDBFlags(f)
	tenant := tenantFlag(f)
	group := f.String("group", "", "the group, by display `name` or id")
	user := userFlag(f)
	f.require("group")
	if err := f.parse(e, args); err != nil {
		return err
	}
	return e.withUser(ctx, db, *tenant, *user, func(ctx context.Context, svc *directory.Service, t *directory.Tenant, u *directory.User) error {
		g, err := findGroup(ctx, svc, t.ID, *group)
		if err != nil {
			return err
		}
		if err := svc.AddGroupMember(ctx, t.ID, g.ID, u.ID); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "added %s to group %s\n", u.UserPrincipalName, g.DisplayName)
		return nil
	})
}

func runAppCreate(ctx context.Context, e *env, args []string) error {
	f := newFlags("app create", `Creates an application with the app roles it defines. Without --role it has
only the default role, which 'orgdir app assign' uses when no --role is given.`)
	db := addDBFlags(f)
	tenant := tenantFlag(f)
	name := f.String("name", "", "display `name` of the application")
	var roles stringList
	f.Var(&roles, "role", "an app role as `value=Display Name` (e.g. Falcon.Read=Falcon Reader); repeat it, or separate by commas")
	f.require("name")
	if err := f.parse(e, args); err != nil {
		return err
	}
	var appRoles []directory.AppRole
	for _, r := range roles {
		value, display, ok := strings.Cut(r, "=")
		value, display = strings.TrimSpace(value), strings.TrimSpace(display)
		if !ok || value == "" || display == "" {
			return usageErrorf("app create: --role %q: want value=Display Name", r)
		}
		appRoles = append(appRoles, directory.AppRole{ID: directory.NewID(), Value: value, DisplayName: display})
	}
	return e.withTenant(ctx, db, *tenant, func(ctx context.Context, svc *directory.Service, t *directory.Tenant) error {
		a, err := svc.CreateApplication(ctx, t.ID, *name, appRoles)
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "created application %s in %s, id %s\n", a.DisplayName, t.InitialDomain, a.ID)
		for _, r := range a.AppRoles {
			fmt.Fprintf(e.stdout, "  role %s (%s), id %s\n", r.Value, r.DisplayName, r.ID)
		}
		return nil
	})
}

func runAppAssign(ctx context.Context, e *env, args []string) error {
	f := newFlags("app assign", "Assigns one app role of an application to a user.")
	db := addDBFlags(f)
	tenant := tenantFlag(f)
	app := f.String("app", "", "the application, by display `name` or id")
	user := userFlag(f)
	roleRef := f.String("role", "", "the app role, by `value` or id; empty means the default role")
	f.require("app")
	if err := f.parse(e, args); err != nil {
		return err
	}
	return e.withUser(ctx, db, *tenant, *user, func(ctx context.Context, svc *directory.Service, t *directory.Tenant, u *directory.User) error {
		a, err := findApp(ctx, svc, t.ID, *app)
		if err != nil {
			return err
		}
		roleID := directory.DefaultAppRoleID
		if *roleRef != "" {
			roleID = ""
			for _, r := range a.AppRoles {
				if r.ID == *roleRef || strings.EqualFold(r.Value, *roleRef) {
					roleID = r.ID
				}
			}
			if roleID == "" {
				return directory.Invalidf("appRoleId", "application %s has no role %q", a.DisplayName, *roleRef)
			}
		}
		as, err := svc.AssignAppRole(ctx, t.ID, u.ID, a.ID, roleID)
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "assigned %s the role %s of %s, assignment id %s\n", u.UserPrincipalName, roleID, a.DisplayName, as.ID)
		return nil
	})
}
