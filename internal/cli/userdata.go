package cli

import (
	"context"
	"fmt"

	"github.com/orgdir/orgdir/internal/directory"
	"github.com/orgdir/orgdir/internal/export"
)

// Data subject requests (docs/design.md rule 11) from the shell: the operator
// exports or erases one user's personal data, live or deleted.

func runUserExport(ctx context.Context, e *env, args []string) error {
	f := newFlags("user export", `Prints, as JSON on standard output, everything the tenant holds about one user,
live or deleted: the account, its directory roles, groups, app role assignments,
invitations, API tokens (never their secrets), the e-mail sent to its address
(without bodies) and the audit events that name it. It is the document of the
API's POST /v1.0/users/{id}/exportPersonalData and of the admin portal's
"Export data". The export is audited.
Redirect it to a file: orgdir user export ... > data.json`)
	db := addDBFlags(f)
	tenant := tenantFlag(f)
	user := userFlagOf(f, "the user, live or deleted")
	baseURL := f.String("base-url", defaultBaseURL, "public `URL` of the orgdir server, for the export's @odata.context")
	if err := f.parse(e, args); err != nil {
		return err
	}
	if err := checkBaseURL("base-url", *baseURL); err != nil {
		return err
	}
	return e.withTenantUser(ctx, db, *tenant, *user, findAnyUser, func(ctx context.Context, svc *directory.Service, t *directory.Tenant, u *directory.User) error {
		data, err := svc.ExportUserData(ctx, t.ID, u.ID)
		if err != nil {
			return err
		}
		out, err := export.PersonalDataJSONIndent(data, *baseURL)
		if err != nil {
			return directory.Internal(err)
		}
		_, err = e.stdout.Write(out)
		return err
	})
}

func runUserErase(ctx context.Context, e *env, args []string) error {
	f := newFlags("user erase", `Erases a user, live or deleted, and its personal data at once, for a data
subject's erasure request: the account and its password, its group memberships,
directory roles, app role assignments, invitations, tokens and sessions, the
tenant's e-mail to its address, and its name, UPN and address in the audit log
(the events stay, naming it by id only). A live user does not wait in Deleted
users first. This cannot be undone: run 'orgdir user export' first for a copy.`)
	db := addDBFlags(f)
	tenant := tenantFlag(f)
	user := userFlagOf(f, "the user, live or deleted")
	if err := f.parse(e, args); err != nil {
		return err
	}
	return e.withTenantUser(ctx, db, *tenant, *user, findAnyUser, func(ctx context.Context, svc *directory.Service, t *directory.Tenant, u *directory.User) error {
		if err := svc.EraseUser(ctx, t.ID, u.ID); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "erased user %s and its personal data from %s\n", u.ID, t.InitialDomain)
		return nil
	})
}

// findAnyUser finds a user that is live or, failing that, in Deleted users.
func findAnyUser(ctx context.Context, svc *directory.Service, t *directory.Tenant, ref string) (*directory.User, error) {
	u, err := svc.GetUser(ctx, t.ID, ref)
	if directory.IsKind(err, directory.KindNotFound) {
		u, err = findDeletedUser(ctx, svc, t, ref)
		if directory.IsKind(err, directory.KindNotFound) {
			return nil, named("--user", ref, directory.Errorf(directory.KindNotFound, "no live or deleted user of %s", t.InitialDomain))
		}
	}
	return u, err
}
