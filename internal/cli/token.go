package cli

// The `orgdir token` commands and the demo's API tokens: the API bearer
// tokens that the directory service issues and revokes.

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/orgdir/orgdir/internal/demo"
	"github.com/orgdir/orgdir/internal/directory"
)

// demoTokenTTL is how long the tokens printed by serve --demo last.
const demoTokenTTL = 7 * 24 * time.Hour

func runTokenCreate(ctx context.Context, e *env, args []string) error {
	f := newFlags("token create", `Creates a bearer token for the JSON API (/v1.0) that acts as one user in one
tenant, with that user's roles. The token is printed once, alone on stdout;
orgdir keeps only its hash. It stops working when it expires, is revoked
(orgdir token revoke), or its user is disabled, deleted or purged.

  TOKEN=$(orgdir token create --tenant contoso.example --user admin@contoso.example)
  curl -H "Authorization: Bearer $TOKEN" http://localhost:8080/v1.0/users`)
	db := addDBFlags(f)
	tenant := tenantFlag(f)
	user := f.String("user", "", "the user the token acts as, by `UPN` or id")
	expires := f.String("expires", "90d", "lifetime of the token: a `duration` such as 12h, 30d (at most 730d)")
	f.require("user")
	if err := f.parse(e, args); err != nil {
		return err
	}
	ttl, err := parseLifetime(*expires)
	if err != nil {
		return usageErrorf("token create: --expires: %v", err)
	}
	return e.withUser(ctx, db, *tenant, *user, func(ctx context.Context, svc *directory.Service, t *directory.Tenant, u *directory.User) error {
		secret, tok, err := svc.CreateAccessToken(ctx, t.ID, u.ID, "orgdir token create", ttl)
		if err != nil {
			return err
		}
		fmt.Fprintln(e.stdout, secret)
		fmt.Fprintf(e.stderr, "token %s acts as %s in %s until %s\n", tok.ID, u.UserPrincipalName, t.InitialDomain,
			tok.ExpiresAt.UTC().Format("2006-01-02 15:04 MST"))
		return nil
	})
}

func runTokenRevoke(ctx context.Context, e *env, args []string) error {
	f := newFlags("token revoke", `Revokes an API token at once, named by its id (printed by token create) or by
the token itself.`)
	db := addDBFlags(f)
	token := f.String("token", "", "the token's `id`, or the token (odt_…)")
	f.require("token")
	if err := f.parse(e, args); err != nil {
		return err
	}
	return e.withService(ctx, db, defaultBaseURL, func(ctx context.Context, svc *directory.Service) error {
		if err := svc.RevokeAccessToken(ctx, *token); err != nil {
			return err
		}
		fmt.Fprintln(e.stdout, "token revoked")
		return nil
	})
}

// parseLifetime reads a Go duration, or a whole number of days ("30d").
func parseLifetime(s string) (time.Duration, error) {
	s = strings.TrimSpace(s)
	maxDays := int(directory.MaxTokenTTL / (24 * time.Hour))
	tooLong := fmt.Errorf("%q is longer than a token may live: at most %dd", s, maxDays)
	if days, ok := strings.CutSuffix(s, "d"); ok {
		n, err := strconv.Atoi(days)
		switch {
		case err != nil || n <= 0:
			return 0, fmt.Errorf("%q is not a number of days such as 30d", s)
		case n > maxDays: // checked before multiplying, which could overflow
			return 0, tooLong
		}
		return time.Duration(n) * 24 * time.Hour, nil
	}
	d, err := time.ParseDuration(s)
	switch {
	case err != nil || d <= 0:
		return 0, fmt.Errorf("%q is not a duration such as 12h or 30d", s)
	case d > directory.MaxTokenTTL:
		return 0, tooLong
	}
	return d, nil
}

// printDemoTokens creates and prints API tokens for the demo's Contoso
// administrator and for Ada's guest account in Contoso.
func (e *env) printDemoTokens(ctx context.Context, svc *directory.Service, d *demo.Demo, public string) error {
	ctx = directory.WithActor(ctx, directory.SystemActor("orgdir serve --demo"))
	mint := func(t *directory.Tenant, u *directory.User) (string, error) {
		secret, _, err := svc.CreateAccessToken(ctx, t.ID, u.ID, "serve --demo", demoTokenTTL)
		return secret, err
	}
	admin, err := mint(d.Contoso, d.ContosoAdmin)
	if err != nil {
		return fmt.Errorf("demo API token: %w", err)
	}
	fmt.Fprintf(e.stdout, "API tokens for %s/v1.0 (valid 7 days; see docs/api.md):\n", strings.TrimRight(public, "/"))
	fmt.Fprintf(e.stdout, "  Contoso administrator:  export ADMIN_TOKEN=%s\n", admin)
	if d.AdaGuest != nil && !d.AdaGuest.Deleted() && d.AdaGuest.AccountEnabled {
		guest, err := mint(d.Contoso, d.AdaGuest)
		if err != nil {
			return fmt.Errorf("demo API token: %w", err)
		}
		fmt.Fprintf(e.stdout, "  Ada, guest in Contoso:  export GUEST_TOKEN=%s\n", guest)
	}
	home, err := mint(d.Fabrikam, d.Ada)
	if err != nil {
		return fmt.Errorf("demo API token: %w", err)
	}
	fmt.Fprintf(e.stdout, "  Ada at home (Fabrikam): export ADA_TOKEN=%s\n", home)
	return nil
}
