package cli

import (
	"context"
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/orgdir/orgdir/internal/directory"
)

func runTenantCreate(ctx context.Context, e *env, args []string) error {
	f := newFlags("tenant create", "Creates a tenant (an organization) with default settings.")
	db := addDBFlags(f)
	name := f.String("name", "", "display `name` of the organization, e.g. Contoso")
	domain := f.String("domain", "", "initial `domain`, unique on this instance, e.g. contoso.example")
	retention := f.Int("retention-days", directory.DefaultRetentionDays, fmt.Sprintf("`days` a deleted user stays restorable before it is purged (%d to %d)", directory.MinRetentionDays, directory.MaxRetentionDays))
	f.require("name", "domain")
	if err := f.parse(e, args); err != nil {
		return err
	}
	// Checked before anything is written: the tenant and its retention are
	// two operations, and a bad retention must not leave a tenant behind.
	if *retention < directory.MinRetentionDays || *retention > directory.MaxRetentionDays {
		return directory.Invalidf("retentionDays", "retentionDays must be between %d and %d days, not %d",
			directory.MinRetentionDays, directory.MaxRetentionDays, *retention)
	}
	return e.withService(ctx, db, defaultBaseURL, func(ctx context.Context, svc *directory.Service) error {
		t, err := svc.CreateTenant(ctx, *name, *domain)
		if err != nil {
			return err
		}
		if *retention != t.Settings.RetentionDays {
			if t, err = svc.UpdateTenant(ctx, t.ID, directory.TenantPatch{RetentionDays: retention}); err != nil {
				return err
			}
		}
		fmt.Fprintf(e.stdout, "created tenant %s (%s), id %s\n", t.DisplayName, t.InitialDomain, t.ID)
		printTenantSettings(e.stdout, t)
		return nil
	})
}

func runTenantList(ctx context.Context, e *env, args []string) error {
	f := newFlags("tenant list", "Lists every tenant of this instance with its settings.")
	db := addDBFlags(f)
	if err := f.parse(e, args); err != nil {
		return err
	}
	return e.withService(ctx, db, defaultBaseURL, func(ctx context.Context, svc *directory.Service) error {
		tenants, err := svc.ListTenants(ctx)
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "DOMAIN\tNAME\tID\tGUESTS MAY LEAVE\tRETENTION DAYS\tPRIVACY CONTACT")
		for _, t := range tenants {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%d\t%s\n", t.InitialDomain, t.DisplayName, t.ID,
				yesNo(t.Settings.AllowExternalUsersToLeave), t.Settings.RetentionDays, orDash(t.Settings.PrivacyContactEmail))
		}
		return tw.Flush()
	})
}

func runTenantSet(ctx context.Context, e *env, args []string) error {
	f := newFlags("tenant set", "Changes a tenant's name and settings; flags not given stay as they are.")
	db := addDBFlags(f)
	tenant := tenantFlag(f)
	name := f.String("name", "", "new display `name`")
	allowLeave := f.Bool("allow-leave", true, "allow external users (guests) to leave the organization on their own (--allow-leave=false turns it off)")
	email := f.String("privacy-email", "", "privacy contact `address` shown to guests who need the administrator (empty clears it)")
	statement := f.String("privacy-url", "", "privacy statement `URL`, http or https (empty clears it)")
	retention := f.Int("retention-days", 0, fmt.Sprintf("`days` a deleted user stays restorable (%d to %d); applies to users deleted from now on", directory.MinRetentionDays, directory.MaxRetentionDays))
	tokenMinutes := f.Int("access-token-minutes", 0, fmt.Sprintf("`minutes` the access and ID tokens of the tenant's apps live (%d to %d); applies to tokens issued from now on", directory.MinAccessTokenMinutes, directory.MaxAccessTokenMinutes))
	f.keepUnlessGiven("name", "allow-leave", "privacy-email", "privacy-url", "retention-days", "access-token-minutes")
	if err := f.parse(e, args); err != nil {
		return err
	}
	var p directory.TenantPatch
	if f.given("name") {
		p.DisplayName = name
	}
	if f.given("allow-leave") {
		p.AllowExternalUsersToLeave = allowLeave
	}
	if f.given("privacy-email") {
		p.PrivacyContactEmail = email
	}
	if f.given("privacy-url") {
		p.PrivacyStatementURL = statement
	}
	if f.given("retention-days") {
		p.RetentionDays = retention
	}
	if f.given("access-token-minutes") {
		p.AccessTokenMinutes = tokenMinutes
	}
	if p == (directory.TenantPatch{}) {
		return usageErrorf("tenant set: nothing to change; give at least one of --name, --allow-leave, --privacy-email, --privacy-url, --retention-days, --access-token-minutes")
	}
	return e.withTenant(ctx, db, *tenant, func(ctx context.Context, svc *directory.Service, t *directory.Tenant) error {
		t, err := svc.UpdateTenant(ctx, t.ID, p)
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "updated tenant %s (%s)\n", t.DisplayName, t.InitialDomain)
		printTenantSettings(e.stdout, t)
		return nil
	})
}

func printTenantSettings(w io.Writer, t *directory.Tenant) {
	s := t.Settings
	fmt.Fprintf(w, "  guests may leave: %s\n  retention of deleted users: %d days\n  access and ID tokens live: %d minutes\n  privacy contact: %s\n  privacy statement: %s\n",
		yesNo(s.AllowExternalUsersToLeave), s.RetentionDays, s.AccessTokenMinutes, orDash(s.PrivacyContactEmail), orDash(s.PrivacyStatementURL))
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
