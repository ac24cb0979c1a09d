package cli

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/orgdir/orgdir/internal/directory"
)

func userFlag(f *flagSet) *string { return userFlagOf(f, "the user") }

// userFlagOf is the required --user, its help saying which user it names.
func userFlagOf(f *flagSet, which string) *string {
	f.require("user")
	return f.String("user", "", which+", by `UPN` or id")
}

// passwordFlags take a password from a flag or, safer, from stdin.
type passwordFlags struct {
	password string
	stdin    bool
}

func addPasswordFlags(f *flagSet) *passwordFlags {
	p := &passwordFlags{}
	f.StringVar(&p.password, "password", "", "the `password` (visible to other users of this machine; prefer --password-stdin)")
	f.BoolVar(&p.stdin, "password-stdin", false, "read the password from the first line of standard input")
	return p
}

func (p *passwordFlags) read(e *env) (string, error) {
	if !p.stdin {
		return p.password, nil
	}
	if p.password != "" {
		return "", usageErrorf("give --password or --password-stdin, not both")
	}
	if isCharDevice(e.stdin) {
		// Typed at a terminal, a silent wait looks like a hang: say what
		// is expected. (The typing is visible: orgdir has no terminal
		// library to hide it; pipe the password in to avoid that.)
		fmt.Fprint(e.stderr, "Password (one line, at least 8 characters; it is shown as you type): ")
	}
	line, err := bufio.NewReader(e.stdin).ReadString('\n')
	if err != nil && line == "" {
		return "", usageErrorf("--password-stdin: no password on standard input")
	}
	return strings.TrimRight(line, "\r\n"), nil
}

// isCharDevice says whether r is a terminal (or another character device):
// standard input typed by a person rather than a pipe or a file.
func isCharDevice(r io.Reader) bool {
	f, ok := r.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

func runUserCreate(ctx context.Context, e *env, args []string) error {
	f := newFlags("user create", "Creates a member user of a tenant.")
	db := addDBFlags(f)
	tenant := tenantFlag(f)
	upn := f.String("upn", "", "user principal `name`, ending in @ the tenant's domain, e.g. ada@fabrikam.example")
	name := f.String("name", "", "display `name`, e.g. Ada Lovelace")
	mail := f.String("mail", "", "e-mail `address` (optional)")
	pw := addPasswordFlags(f)
	disabled := f.Bool("disabled", false, "create the account disabled")
	f.require("upn", "name")
	if err := f.parse(e, args); err != nil {
		return err
	}
	password, err := pw.read(e)
	if err != nil {
		return err
	}
	enabled := !*disabled
	return e.withTenant(ctx, db, *tenant, func(ctx context.Context, svc *directory.Service, t *directory.Tenant) error {
		u, err := svc.CreateUser(ctx, t.ID, directory.NewUser{
			UserPrincipalName: *upn,
			DisplayName:       *name,
			Mail:              *mail,
			Password:          password,
			AccountEnabled:    &enabled,
		})
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "created user %s (%s) in %s, id %s\n", u.UserPrincipalName, u.DisplayName, t.InitialDomain, u.ID)
		return nil
	})
}

func runUserList(ctx context.Context, e *env, args []string) error {
	f := newFlags("user list", "Lists a tenant's users, or with --deleted its Deleted users.")
	db := addDBFlags(f)
	tenant := tenantFlag(f)
	deleted := f.Bool("deleted", false, "list Deleted users, with when each is purged")
	search := f.String("search", "", "only users whose name, mail or UPN contains this `text`")
	if err := f.parse(e, args); err != nil {
		return err
	}
	return e.withTenant(ctx, db, *tenant, func(ctx context.Context, svc *directory.Service, t *directory.Tenant) error {
		tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
		if *deleted {
			fmt.Fprintln(tw, "UPN\tNAME\tTYPE\tDELETED\tPURGED AFTER\tID")
		} else {
			fmt.Fprintln(tw, "UPN\tNAME\tTYPE\tENABLED\tSTATE\tID")
		}
		q := directory.UserQuery{Deleted: *deleted, Search: *search, Limit: directory.MaxPageSize}
		for {
			users, err := svc.ListUsers(ctx, t.ID, q)
			if err != nil {
				return err
			}
			for _, u := range users {
				if *deleted {
					fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", u.UserPrincipalName, u.DisplayName, u.UserType,
						timeOrDash(u.DeletedAt), timeOrDash(u.PurgeAt), u.ID)
				} else {
					fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", u.UserPrincipalName, u.DisplayName, u.UserType,
						yesNo(u.AccountEnabled), orDash(string(u.ExternalUserState)), u.ID)
				}
			}
			if len(users) < q.Limit {
				break
			}
			q.After = users[len(users)-1]
		}
		return tw.Flush()
	})
}

func timeOrDash(t *time.Time) string {
	if t == nil {
		return "-"
	}
	return t.UTC().Format(time.RFC3339)
}

func runUserSetPassword(ctx context.Context, e *env, args []string) error {
	f := newFlags("user set-password", "Sets a member's password.")
	db := addDBFlags(f)
	tenant := tenantFlag(f)
	user := userFlag(f)
	pw := addPasswordFlags(f)
	if err := f.parse(e, args); err != nil {
		return err
	}
	password, err := pw.read(e)
	if err != nil {
		return err
	}
	if password == "" {
		return usageErrorf("user set-password: give --password or --password-stdin")
	}
	return e.withUser(ctx, db, *tenant, *user, func(ctx context.Context, svc *directory.Service, t *directory.Tenant, u *directory.User) error {
		if err := svc.SetPassword(ctx, t.ID, u.ID, password); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "password set for %s\n", u.UserPrincipalName)
		return nil
	})
}

func runUserEnable(ctx context.Context, e *env, args []string) error {
	return setAccountEnabled(ctx, e, args, true)
}

func runUserDisable(ctx context.Context, e *env, args []string) error {
	return setAccountEnabled(ctx, e, args, false)
}

func setAccountEnabled(ctx context.Context, e *env, args []string, enabled bool) error {
	verb := map[bool]string{true: "enable", false: "disable"}[enabled]
	f := newFlags("user "+verb, map[bool]string{
		true:  "Enables a user's account: it can sign in and act again.",
		false: "Disables a user's account: it can no longer sign in, and a disabled guest cannot leave on its own.",
	}[enabled])
	db := addDBFlags(f)
	tenant := tenantFlag(f)
	user := userFlag(f)
	if err := f.parse(e, args); err != nil {
		return err
	}
	return e.withUser(ctx, db, *tenant, *user, func(ctx context.Context, svc *directory.Service, t *directory.Tenant, u *directory.User) error {
		if _, err := svc.UpdateUser(ctx, t.ID, u.ID, directory.UserPatch{AccountEnabled: &enabled}); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "%sd %s\n", verb, u.UserPrincipalName)
		return nil
	})
}

func runUserRevokeSessions(ctx context.Context, e *env, args []string) error {
	f := newFlags("user revoke-sessions", `Ends every browser session and API token of a user issued until now, for
good, on every instance (Graph's revokeSignInSessions). The user signs in
again; tokens made after this work. For a guest it ends their sign-in to
this tenant only.`)
	db := addDBFlags(f)
	tenant := tenantFlag(f)
	user := userFlag(f)
	if err := f.parse(e, args); err != nil {
		return err
	}
	return e.withUser(ctx, db, *tenant, *user, func(ctx context.Context, svc *directory.Service, t *directory.Tenant, u *directory.User) error {
		if err := svc.RevokeSignInSessions(ctx, t.ID, u.ID); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "revoked every session and token of %s\n", u.UserPrincipalName)
		return nil
	})
}

func runUserDelete(ctx context.Context, e *env, args []string) error {
	f := newFlags("user delete", `Deletes a user: it moves to Deleted users, where it can be restored with its
groups and app roles until the tenant's retention ends; then it is purged.`)
	db := addDBFlags(f)
	tenant := tenantFlag(f)
	user := userFlag(f)
	if err := f.parse(e, args); err != nil {
		return err
	}
	return e.withUser(ctx, db, *tenant, *user, func(ctx context.Context, svc *directory.Service, t *directory.Tenant, u *directory.User) error {
		if err := svc.DeleteUser(ctx, t.ID, u.ID); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "deleted %s (id %s); restorable for %d days with 'orgdir user restore'\n",
			u.UserPrincipalName, u.ID, t.Settings.RetentionDays)
		return nil
	})
}

func runUserRestore(ctx context.Context, e *env, args []string) error {
	f := newFlags("user restore", "Restores a deleted user with its group memberships and app role assignments.")
	db := addDBFlags(f)
	tenant := tenantFlag(f)
	user := userFlagOf(f, "the deleted user")
	newUPN := f.String("new-upn", "", "a new user principal `name`, when a live user now holds the old one")
	if err := f.parse(e, args); err != nil {
		return err
	}
	return e.withTenantUser(ctx, db, *tenant, *user, findDeletedUser, func(ctx context.Context, svc *directory.Service, t *directory.Tenant, u *directory.User) error {
		restored, err := svc.RestoreUser(ctx, t.ID, u.ID, *newUPN)
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "restored %s (id %s)\n", restored.UserPrincipalName, restored.ID)
		return nil
	})
}

func runUserPurge(ctx context.Context, e *env, args []string) error {
	f := newFlags("user purge", `Permanently deletes a user from Deleted users: the user, its memberships,
assignments and personal data are gone. This cannot be undone.`)
	db := addDBFlags(f)
	tenant := tenantFlag(f)
	user := userFlagOf(f, "the deleted user")
	if err := f.parse(e, args); err != nil {
		return err
	}
	return e.withTenantUser(ctx, db, *tenant, *user, findDeletedUser, func(ctx context.Context, svc *directory.Service, t *directory.Tenant, u *directory.User) error {
		if err := svc.PermanentlyDeleteUser(ctx, t.ID, u.ID); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "permanently deleted user %s\n", u.ID)
		return nil
	})
}
