package cli

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/orgdir/orgdir/internal/directory"
)

// The application as an OpenID Connect client: redirect URIs, client
// secrets, home page, assignment required and who is assigned.

func platformFlag(f *flagSet) *string {
	return f.String("platform", directory.PlatformWeb, "the redirect URI's `platform`: "+strings.Join(directory.Platforms, ", "))
}

func appFlag(f *flagSet) *string {
	f.require("app")
	return f.String("app", "", "the application, by display `name` or id")
}

func runAppRedirectURIAdd(ctx context.Context, e *env, args []string) error {
	return runAppRedirectURI(ctx, e, args, "add", "Adds a redirect URI to an application (https; http only for localhost).")
}

func runAppRedirectURIRemove(ctx context.Context, e *env, args []string) error {
	return runAppRedirectURI(ctx, e, args, "remove", "Removes a redirect URI from an application.")
}

func runAppRedirectURI(ctx context.Context, e *env, args []string, verb, help string) error {
	f := newFlags("app redirect-uri "+verb, help)
	db := addDBFlags(f)
	tenant := tenantFlag(f)
	app := appFlag(f)
	platform := platformFlag(f)
	uri := f.String("uri", "", "the redirect `URI`, matched exactly")
	f.require("uri")
	if err := f.parse(e, args); err != nil {
		return err
	}
	return e.withTenant(ctx, db, *tenant, func(ctx context.Context, svc *directory.Service, t *directory.Tenant) error {
		a, err := findApp(ctx, svc, t.ID, *app)
		if err != nil {
			return err
		}
		if verb == "add" {
			_, err = svc.AddRedirectURI(ctx, t.ID, a.ID, *platform, *uri)
		} else {
			_, err = svc.RemoveRedirectURI(ctx, t.ID, a.ID, *platform, *uri)
		}
		if err != nil {
			return err
		}
		past := map[string]string{"add": "added", "remove": "removed"}[verb]
		fmt.Fprintf(e.stdout, "%s the %s redirect URI %s of %s\n", past, *platform, *uri, a.DisplayName)
		return nil
	})
}

func runAppSecretAdd(ctx context.Context, e *env, args []string) error {
	f := newFlags("app secret add", `Adds a client secret to an application and prints it: this is the one time
it is shown (only its hash is kept).`)
	db := addDBFlags(f)
	tenant := tenantFlag(f)
	app := appFlag(f)
	name := f.String("name", "", "a description of the secret (optional)")
	end := f.String("end", "", "the `date` it expires (YYYY-MM-DD, at most 2 years away); default in 2 years")
	if err := f.parse(e, args); err != nil {
		return err
	}
	var endAt time.Time
	if *end != "" {
		var err error
		if endAt, err = time.Parse(time.DateOnly, *end); err != nil {
			return usageErrorf("app secret add: --end %q: want a date as YYYY-MM-DD", *end)
		}
	}
	return e.withTenant(ctx, db, *tenant, func(ctx context.Context, svc *directory.Service, t *directory.Tenant) error {
		a, err := findApp(ctx, svc, t.ID, *app)
		if err != nil {
			return err
		}
		secret, c, err := svc.AddApplicationPassword(ctx, t.ID, a.ID, *name, endAt)
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "added a client secret to %s, key id %s, expires %s\n%s\n", a.DisplayName, c.KeyID,
			c.EndDateTime.Format(time.DateOnly), secret)
		fmt.Fprintln(e.stderr, "copy the secret now: it is not shown again")
		return nil
	})
}

func runAppSecretList(ctx context.Context, e *env, args []string) error {
	f := newFlags("app secret list", "Lists an application's client secrets: key id, hint, expiry, description.")
	db := addDBFlags(f)
	tenant := tenantFlag(f)
	app := appFlag(f)
	if err := f.parse(e, args); err != nil {
		return err
	}
	return e.withTenant(ctx, db, *tenant, func(ctx context.Context, svc *directory.Service, t *directory.Tenant) error {
		a, err := findApp(ctx, svc, t.ID, *app)
		if err != nil {
			return err
		}
		for _, c := range a.PasswordCredentials {
			fmt.Fprintf(e.stdout, "%s  %s…  expires %s  %s\n", c.KeyID, c.Hint, c.EndDateTime.Format(time.DateOnly), c.DisplayName)
		}
		return nil
	})
}

func runAppSecretRemove(ctx context.Context, e *env, args []string) error {
	f := newFlags("app secret remove", "Removes a client secret of an application by its key id.")
	db := addDBFlags(f)
	tenant := tenantFlag(f)
	app := appFlag(f)
	key := f.String("key-id", "", "the secret's key `id` (see 'orgdir app secret list')")
	f.require("key-id")
	if err := f.parse(e, args); err != nil {
		return err
	}
	return e.withTenant(ctx, db, *tenant, func(ctx context.Context, svc *directory.Service, t *directory.Tenant) error {
		a, err := findApp(ctx, svc, t.ID, *app)
		if err != nil {
			return err
		}
		if err := svc.RemoveApplicationPassword(ctx, t.ID, a.ID, *key); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "removed the client secret %s of %s\n", *key, a.DisplayName)
		return nil
	})
}

func runAppSet(ctx context.Context, e *env, args []string) error {
	f := newFlags("app set", "Changes an application's home page (where My Apps opens it) and whether sign-in needs an assignment.")
	db := addDBFlags(f)
	tenant := tenantFlag(f)
	app := appFlag(f)
	required := f.String("assignment-required", "", "`true`: only assigned users may sign in; false: anyone in the tenant")
	home := f.String("home-page", "", "the home page `URL` (web.homePageUrl); \"none\" removes it")
	if err := f.parse(e, args); err != nil {
		return err
	}
	var p directory.ApplicationPatch
	if *required != "" {
		b, err := strconv.ParseBool(*required)
		if err != nil {
			return usageErrorf("app set: --assignment-required %q: want true or false", *required)
		}
		p.AppRoleAssignmentRequired = &b
	}
	if *home != "" {
		h := *home
		if h == "none" {
			h = ""
		}
		p.WebHomePageURL = &h
	}
	if p.AppRoleAssignmentRequired == nil && p.WebHomePageURL == nil {
		return usageErrorf("app set: give --assignment-required or --home-page")
	}
	return e.withTenant(ctx, db, *tenant, func(ctx context.Context, svc *directory.Service, t *directory.Tenant) error {
		a, err := findApp(ctx, svc, t.ID, *app)
		if err != nil {
			return err
		}
		if a, err = svc.UpdateApplication(ctx, t.ID, a.ID, p); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "%s: assignment required %t, home page %s\n", a.DisplayName, a.AppRoleAssignmentRequired, orNone(a.WebHomePageURL))
		return nil
	})
}

func runAppAssignments(ctx context.Context, e *env, args []string) error {
	f := newFlags("app assignments", "Lists who is assigned to an application (users and groups), with their role.")
	db := addDBFlags(f)
	tenant := tenantFlag(f)
	app := appFlag(f)
	if err := f.parse(e, args); err != nil {
		return err
	}
	return e.withTenant(ctx, db, *tenant, func(ctx context.Context, svc *directory.Service, t *directory.Tenant) error {
		a, err := findApp(ctx, svc, t.ID, *app)
		if err != nil {
			return err
		}
		list, err := svc.ListAppAssignees(ctx, t.ID, a.ID)
		if err != nil {
			return err
		}
		for _, x := range list {
			who := "user " + x.User.UserPrincipalName
			if x.Group != nil {
				who = "group " + x.Group.DisplayName
			}
			fmt.Fprintf(e.stdout, "%s  %s  %s\n", who, x.RoleName, x.Assignment.ID)
		}
		return nil
	})
}

func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}
