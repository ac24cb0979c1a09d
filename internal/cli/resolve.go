package cli

import (
	"context"
	"fmt"
	"strings"

	"github.com/orgdir/orgdir/internal/directory"
)

// Admin commands name objects the way an operator knows them: a tenant by
// its domain, a user by UPN, a group or app by name. Ids work everywhere.

func tenantFlag(f *flagSet) *string {
	f.require("tenant")
	return f.String("tenant", "", "the tenant, by initial `domain` (e.g. contoso.example) or id")
}

func findTenant(ctx context.Context, svc *directory.Service, ref string) (*directory.Tenant, error) {
	var t *directory.Tenant
	var err error
	if directory.ValidID(ref) {
		t, err = svc.GetTenant(ctx, ref)
	} else {
		t, err = svc.GetTenantByDomain(ctx, strings.ToLower(ref))
	}
	return t, named("--tenant", ref, err)
}

// named puts the flag and value the operator gave in front of a not-found
// error, which otherwise would not say which of several names was wrong.
func named(flagName, value string, err error) error {
	if directory.IsKind(err, directory.KindNotFound) {
		return fmt.Errorf("%s %s: %w", flagName, value, err)
	}
	return err
}

// withTenant resolves --tenant, then runs fn.
func (e *env) withTenant(ctx context.Context, db *dbFlags, tenantRef string,
	fn func(ctx context.Context, svc *directory.Service, t *directory.Tenant) error) error {
	return e.withService(ctx, db, defaultBaseURL, func(ctx context.Context, svc *directory.Service) error {
		t, err := findTenant(ctx, svc, tenantRef)
		if err != nil {
			return err
		}
		return fn(ctx, svc, t)
	})
}

// userFinder finds the user a command's --user names in tenant t.
type userFinder func(ctx context.Context, svc *directory.Service, t *directory.Tenant, ref string) (*directory.User, error)

// withTenantUser resolves --tenant and, with find, --user, then runs fn.
func (e *env) withTenantUser(ctx context.Context, db *dbFlags, tenantRef, userRef string, find userFinder,
	fn func(ctx context.Context, svc *directory.Service, t *directory.Tenant, u *directory.User) error) error {
	return e.withTenant(ctx, db, tenantRef, func(ctx context.Context, svc *directory.Service, t *directory.Tenant) error {
		u, err := find(ctx, svc, t, userRef)
		if err != nil {
			return err
		}
		return fn(ctx, svc, t, u)
	})
}

// withUser resolves --tenant and a live --user, then runs fn.
func (e *env) withUser(ctx context.Context, db *dbFlags, tenantRef, userRef string,
	fn func(ctx context.Context, svc *directory.Service, t *directory.Tenant, u *directory.User) error) error {
	return e.withTenantUser(ctx, db, tenantRef, userRef, findLiveUser, fn)
}

// findLiveUser finds a live user by id or UPN.
func findLiveUser(ctx context.Context, svc *directory.Service, t *directory.Tenant, ref string) (*directory.User, error) {
	u, err := svc.GetUser(ctx, t.ID, ref)
	return u, named("--user", ref, err)
}

// onlyMatch is the one object a lookup by name found: none found is
// KindNotFound saying none, several KindConflict saying several.
func onlyMatch[T any](found []T, none, several string) (T, error) {
	var zero T
	switch len(found) {
	case 0:
		return zero, directory.Errorf(directory.KindNotFound, "%s", none)
	case 1:
		return found[0], nil
	default:
		return zero, directory.Errorf(directory.KindConflict, "%s", several)
	}
}

// findDeletedUser finds a user in Deleted users by id or UPN.
func findDeletedUser(ctx context.Context, svc *directory.Service, t *directory.Tenant, ref string) (*directory.User, error) {
	if directory.ValidID(ref) {
		u, err := svc.GetDeletedUser(ctx, t.ID, ref)
		return u, named("--user", ref, err)
	}
	users, err := svc.ListUsers(ctx, t.ID, directory.UserQuery{
		Deleted: true,
		Filter:  directory.Compare{Property: "userPrincipalName", Op: directory.OpEq, Value: ref},
		Limit:   2,
	})
	if err != nil {
		return nil, err
	}
	return onlyMatch(users, fmt.Sprintf("no deleted user %q in this tenant", ref),
		fmt.Sprintf("several deleted users were %q; name one by its id (orgdir user list --deleted)", ref))
}

func findGroup(ctx context.Context, svc *directory.Service, tenantID, ref string) (*directory.Group, error) {
	if directory.ValidID(ref) {
		g, err := svc.GetGroup(ctx, tenantID, ref)
		return g, named("--group", ref, err)
	}
	groups, err := svc.ListGroups(ctx, tenantID, directory.GroupQuery{
		Filter: directory.Compare{Property: "displayName", Op: directory.OpEq, Value: ref},
		Limit:  2,
	})
	if err != nil {
		return nil, err
	}
	return onlyMatch(groups, fmt.Sprintf("no group named %q in this tenant", ref),
		fmt.Sprintf("several groups are named %q; name one by its id", ref))
}

func findApp(ctx context.Context, svc *directory.Service, tenantID, ref string) (*directory.Application, error) {
	if directory.ValidID(ref) {
		a, err := svc.GetApplication(ctx, tenantID, ref)
		return a, named("--app", ref, err)
	}
	var found []*directory.Application
	p := directory.Page{Limit: directory.MaxPageSize}
	for {
		apps, err := svc.ListApplications(ctx, tenantID, p)
		if err != nil {
			return nil, err
		}
		for _, a := range apps {
			if strings.EqualFold(a.DisplayName, ref) {
				found = append(found, a)
			}
		}
		if len(apps) < p.Limit {
			break
		}
		p.AfterID = apps[len(apps)-1].ID
	}
	return onlyMatch(found, fmt.Sprintf("no application named %q in this tenant", ref),
		fmt.Sprintf("several applications are named %q; name one by its id", ref))
}

// parseRole accepts a directory role by its name, in any case.
func parseRole(s string) (directory.Role, error) {
	var names []string
	for _, r := range directory.Roles {
		if strings.EqualFold(string(r), strings.TrimSpace(s)) {
			return r, nil
		}
		names = append(names, string(r))
	}
	return "", usageErrorf("unknown role %q; orgdir knows: %s", s, strings.Join(names, ", "))
}
