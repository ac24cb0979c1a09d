package cli

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/orgdir/orgdir/internal/directory"
	"github.com/orgdir/orgdir/internal/store/sqlite"
)

func TestAppClientCommands(t *testing.T) {
	db := filepath.Join(t.TempDir(), "o.db")
	ok := func(args ...string) string {
		t.Helper()
		out, stderr, err := run(t, append(args, "--database", db)...)
		if err != nil {
			t.Fatalf("%v: %v %s", args, err, stderr)
		}
		return out
	}
	refused := func(want string, args ...string) {
		t.Helper()
		_, stderr, err := run(t, append(args, "--database", db)...)
		if err == nil || !strings.Contains(stderr, want) {
			t.Fatalf("%v: err %v, stderr %q, want it to say %q", args, err, stderr, want)
		}
	}
	ok("tenant", "create", "--name", "Contoso", "--domain", "contoso.example")
	ok("user", "create", "--tenant", "contoso.example", "--upn", "bob@contoso.example", "--name", "Bob", "--password", "Bob-password-2026")
	ok("app", "create", "--tenant", "contoso.example", "--name", "Wiki")
	ok("app", "assign", "--tenant", "contoso.example", "--app", "Wiki", "--user", "bob@contoso.example")
	app := []string{"--tenant", "contoso.example", "--app", "Wiki"}

	ok(append([]string{"app", "redirect-uri", "add", "--uri", "http://localhost:8081/callback"}, app...)...)
	ok(append([]string{"app", "redirect-uri", "add", "--platform", "spa", "--uri", "https://wiki.contoso.example/"}, app...)...)
	refused(`--uri "http://wiki.contoso.example/cb" must use https`, append([]string{"app", "redirect-uri", "add", "--uri", "http://wiki.contoso.example/cb"}, app...)...)
	refused(`platform "desktop" is not one of web, spa, publicClient`, append([]string{"app", "redirect-uri", "add", "--platform", "desktop", "--uri", "https://x.example/"}, app...)...)
	refused("has no web redirect URI", append([]string{"app", "redirect-uri", "remove", "--uri", "https://nope.example/"}, app...)...)
	ok(append([]string{"app", "redirect-uri", "remove", "--platform", "spa", "--uri", "https://wiki.contoso.example/"}, app...)...)

	refused("--end may be at most 2 years away", append([]string{"app", "secret", "add", "--end", "2099-01-01"}, app...)...)
	out := ok(append([]string{"app", "secret", "add", "--name", "ci"}, app...)...)
	lines := strings.Split(strings.TrimSpace(out), "\n")
	secret := lines[len(lines)-1]
	if !strings.HasPrefix(secret, directory.ClientSecretPrefix) {
		t.Fatalf("secret add printed %q", out)
	}
	list := ok(append([]string{"app", "secret", "list"}, app...)...)
	if !strings.Contains(list, secret[:3]+"…") || strings.Contains(list, secret) {
		t.Fatalf("secret list = %q: want the hint, never the secret", list)
	}
	keyID := strings.Fields(list)[0]

	ok(append([]string{"app", "set", "--assignment-required", "true", "--home-page", "https://wiki.contoso.example/"}, app...)...)
	refused("want true or false", append([]string{"app", "set", "--assignment-required", "maybe"}, app...)...)
	refused("--home-page", append([]string{"app", "set", "--home-page", "ftp://x.example/"}, app...)...)
	if got := ok(append([]string{"app", "assignments"}, app...)...); !strings.Contains(got, "bob@contoso.example") {
		t.Errorf("assignments = %q", got)
	}

	// What the commands did is in the store, read through the domain.
	st, err := sqlite.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	svc := directory.NewService(st, directory.Options{})
	ctx := directory.WithActor(context.Background(), directory.SystemActor("test"))
	tn, err := svc.GetTenantByDomain(ctx, "contoso.example")
	if err != nil {
		t.Fatal(err)
	}
	apps, err := svc.ListApplications(ctx, tn.ID, directory.Page{Limit: 10})
	if err != nil || len(apps) != 1 {
		t.Fatalf("apps %v %v", apps, err)
	}
	a := apps[0]
	if strings.Join(a.WebRedirectURIs, " ") != "http://localhost:8081/callback" || len(a.SPARedirectURIs) != 0 ||
		!a.AppRoleAssignmentRequired || a.WebHomePageURL != "https://wiki.contoso.example/" {
		t.Errorf("app = %+v", a)
	}
	if _, err := svc.AuthenticateClient(ctx, tn.ID, a.ID, secret); err != nil {
		t.Errorf("the printed secret does not authenticate: %v", err)
	}
	st.Close()
	ok(append([]string{"app", "secret", "remove", "--key-id", keyID}, app...)...)
	refused("not found", append([]string{"app", "secret", "remove", "--key-id", keyID}, app...)...)
}
