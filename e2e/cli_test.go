package e2e

import (
	"strings"
	"testing"
	"time"
)

func TestTenantCreateRefusesBadInputAndChangesNothing(t *testing.T) {
	t.Parallel()
	in := newInstance(t)
	empty := in.must("tenant", "list")

	for _, tc := range []struct {
		name string
		args []string
		want string // in the one line on stderr
	}{
		{"EmptyName", []string{"--name", "", "--domain", "contoso.example"}, "--name"},
		{"BlankName", []string{"--name", "   ", "--domain", "contoso.example"}, "--name must not be empty"},
		{"DomainWithoutDot", []string{"--name", "Contoso", "--domain", "contoso"}, `"contoso" is not a valid domain`},
		{"DomainWithSpace", []string{"--name", "Contoso", "--domain", "contoso example.com"}, "is not a valid domain"},
		{"RetentionZero", []string{"--name", "Contoso", "--domain", "contoso.example", "--retention-days", "0"}, "--retention-days must be between 1 and 365 days, not 0"},
		{"Retention10000", []string{"--name", "Contoso", "--domain", "contoso.example", "--retention-days", "10000"}, "--retention-days must be between 1 and 365 days, not 10000"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := in.run(append([]string{"tenant", "create"}, tc.args...)...)
			if r.exitCode() == 0 {
				t.Fatalf("exit 0, want a failure; stdout: %s", r.stdout)
			}
			if !strings.HasPrefix(r.stderr, "orgdir: ") || strings.Count(r.stderr, "\n") != 1 || !strings.Contains(r.stderr, tc.want) {
				t.Errorf("stderr = %q, want one line 'orgdir: …%s…'", r.stderr, tc.want)
			}
			if r.stdout != "" {
				t.Errorf("stdout = %q, want nothing", r.stdout)
			}
			if now := in.must("tenant", "list"); now != empty {
				t.Errorf("the tenants changed:\n%s", now)
			}
		})
	}
}

func TestTenantCreateThenSetRefusesBadSettingsAndKeepsTheOldOnes(t *testing.T) {
	t.Parallel()
	in := newInstance(t)
	in.must("tenant", "create", "--name", "Contoso", "--domain", "Contoso.Example", "--retention-days", "45")
	before := in.must("tenant", "list")
	if !strings.Contains(before, "contoso.example") || !strings.Contains(before, "45") {
		t.Fatalf("tenant list after create:\n%s", before)
	}
	for _, args := range [][]string{
		{"--retention-days", "0"},
		{"--retention-days", "366"},
		{"--privacy-email", "not-an-address"},
		{"--privacy-url", "ftp://contoso.example/privacy"},
		{"--name", " "},
	} {
		r := in.run(append([]string{"tenant", "set", "--tenant", "contoso.example"}, args...)...)
		if r.exitCode() != 1 || strings.Count(r.stderr, "\n") != 1 {
			t.Errorf("tenant set %v: exit %d, stderr %q; want 1 and one line", args, r.exitCode(), r.stderr)
		}
	}
	if after := in.must("tenant", "list"); after != before {
		t.Errorf("bad settings changed the tenant:\nbefore:\n%s\nafter:\n%s", before, after)
	}
	out := in.must("tenant", "set", "--tenant", "contoso.example", "--allow-leave=false", "--privacy-email", "privacy@contoso.example")
	if !strings.Contains(out, "guests may leave: no") || !strings.Contains(out, "privacy@contoso.example") || !strings.Contains(out, "45 days") {
		t.Errorf("tenant set output:\n%s", out)
	}
}

// TestInvitationRedeemOnlyByTheInvitedAddress: the CLI redeems on behalf
// of the invited person only; another member, or another e-mail address,
// is refused and the guest stays pending.
func TestInvitationRedeemOnlyByTheInvitedAddress(t *testing.T) {
	t.Parallel()
	in := newInstance(t)
	in.must("tenant", "create", "--name", "Contoso", "--domain", "contoso.example")
	in.must("tenant", "create", "--name", "Fabrikam", "--domain", "fabrikam.example")
	in.must("user", "create", "--tenant", "fabrikam.example", "--upn", "bob@fabrikam.example", "--name", "Bob",
		"--mail", "grace@example.org")
	token := lineAfter(t, in.must("invite", "--tenant", "contoso.example", "--email", "grace@example.org"), "redeem token:")
	for _, who := range [][]string{{"--home-user", "bob@fabrikam.example"}, {"--email", "mallory@example.org"}} {
		r := in.run(append([]string{"invitation", "redeem", "--token", token}, who...)...)
		if r.exitCode() != 1 || !strings.Contains(r.stderr, "another") {
			t.Errorf("redeem as %v: exit %d, stderr %q; want 1 saying the invitation is for another address", who, r.exitCode(), r.stderr)
		}
	}
	if users := in.must("user", "list", "--tenant", "contoso.example"); !strings.Contains(users, "PendingAcceptance") {
		t.Errorf("after the refusals, the guest is not pending:\n%s", users)
	}
	if out := in.must("invitation", "redeem", "--token", token, "--email", "Grace@example.org"); !strings.Contains(out, "is now Accepted") {
		t.Errorf("redeem by the invited address:\n%s", out)
	}
}

func TestAGuestsLifecycleThroughTheCLI(t *testing.T) {
	t.Parallel()
	in := newInstance(t)
	in.must("tenant", "create", "--name", "Contoso", "--domain", "contoso.example")
	in.must("tenant", "create", "--name", "Fabrikam", "--domain", "fabrikam.example")
	r := in.runStdin("Ada-secret-1\n", "user", "create", "--tenant", "fabrikam.example",
		"--upn", "ada@fabrikam.example", "--name", "Ada Lovelace", "--mail", "ada@fabrikam.example", "--password-stdin")
	if r.err != nil {
		t.Fatalf("user create: %v %s", r.err, r.stderr)
	}

	inv := in.must("invite", "--tenant", "contoso.example", "--email", "ada@fabrikam.example", "--name", "Ada Lovelace", "--base-url", "https://dir.example.com")
	url := lineAfter(t, inv, "redeem URL:")
	token := lineAfter(t, inv, "redeem token:")
	if !strings.HasPrefix(url, "https://dir.example.com/") || !strings.Contains(url, token) {
		t.Errorf("redeem URL %q does not point to --base-url with the token %q", url, token)
	}
	const guestUPN = "ada_fabrikam.example#EXT#@contoso.example"
	if !strings.Contains(inv, guestUPN) {
		t.Errorf("invite output lacks the guest's UPN %s:\n%s", guestUPN, inv)
	}
	if users := in.must("user", "list", "--tenant", "contoso.example"); !strings.Contains(users, "PendingAcceptance") {
		t.Errorf("before redeeming, the guest is not pending:\n%s", users)
	}

	out := in.must("invitation", "redeem", "--token", token, "--home-user", "ada@fabrikam.example")
	if !strings.Contains(out, guestUPN+" is now Accepted") {
		t.Errorf("redeem output:\n%s", out)
	}
	again := in.run("invitation", "redeem", "--token", token, "--home-user", "ada@fabrikam.example")
	if again.exitCode() != 1 || !strings.Contains(again.stderr, "already") {
		t.Errorf("redeeming a used token: exit %d, stderr %q; want 1 saying it was used", again.exitCode(), again.stderr)
	}
	if users := in.must("user", "list", "--tenant", "contoso.example"); !strings.Contains(users, "Accepted") {
		t.Errorf("after redeeming, the guest is not accepted:\n%s", users)
	}

	// Deleted on day 0; the retention (30 days) ends on day 30.
	in.must("user", "delete", "--tenant", "contoso.example", "--user", guestUPN)
	if deleted := in.must("user", "list", "--tenant", "contoso.example", "--deleted"); !strings.Contains(deleted, guestUPN) {
		t.Fatalf("the deleted guest is not in Deleted users:\n%s", deleted)
	}
	if out := in.must("purge"); !strings.Contains(out, "purged 0 deleted users") {
		t.Errorf("purge on the day of deletion:\n%s", out)
	}
	in.clock.Advance(29 * 24 * time.Hour)
	if out := in.must("purge"); !strings.Contains(out, "purged 0 deleted users") {
		t.Errorf("purge on day 29, before the retention ends:\n%s", out)
	}
	in.clock.Advance(24 * time.Hour)
	if out := in.must("purge", "--batch", "1"); !strings.Contains(out, "purged 1 deleted user ") {
		t.Errorf("purge on day 30:\n%s", out)
	}
	if deleted := in.must("user", "list", "--tenant", "contoso.example", "--deleted"); strings.Contains(deleted, "ada") {
		t.Errorf("the purged guest is still in Deleted users:\n%s", deleted)
	}
	r = in.run("user", "restore", "--tenant", "contoso.example", "--user", guestUPN)
	if r.exitCode() != 1 || !strings.Contains(r.stderr, "no deleted user") {
		t.Errorf("restoring a purged user: exit %d, stderr %q", r.exitCode(), r.stderr)
	}
}

func TestRestoreBringsBackGroupsAndAppRoles(t *testing.T) {
	t.Parallel()
	in := newInstance(t)
	in.must("tenant", "create", "--name", "Contoso", "--domain", "contoso.example")
	in.must("user", "create", "--tenant", "contoso.example", "--upn", "bob@contoso.example", "--name", "Bob")
	in.must("group", "create", "--tenant", "contoso.example", "--name", "Project Falcon")
	in.must("group", "add-member", "--tenant", "contoso.example", "--group", "Project Falcon", "--user", "bob@contoso.example")
	in.must("app", "create", "--tenant", "contoso.example", "--name", "Falcon Portal", "--role", "Falcon.Read=Falcon Reader")
	in.must("app", "assign", "--tenant", "contoso.example", "--app", "Falcon Portal", "--role", "Falcon.Read", "--user", "bob@contoso.example")
	in.must("user", "delete", "--tenant", "contoso.example", "--user", "bob@contoso.example")

	// A new Bob takes the UPN: the restore clashes until it gets a new one.
	in.must("user", "create", "--tenant", "contoso.example", "--upn", "bob@contoso.example", "--name", "Bob Two")
	r := in.run("user", "restore", "--tenant", "contoso.example", "--user", "bob@contoso.example")
	if r.exitCode() != 1 {
		t.Fatalf("restore onto a taken UPN: exit %d, stderr %q; want 1", r.exitCode(), r.stderr)
	}
	out := in.must("user", "restore", "--tenant", "contoso.example", "--user", "bob@contoso.example", "--new-upn", "bob.one@contoso.example")
	if !strings.Contains(out, "restored bob.one@contoso.example") {
		t.Errorf("restore output:\n%s", out)
	}
	// Adding him again to the group he is back in is a clash, which proves
	// the membership came back.
	r = in.run("group", "add-member", "--tenant", "contoso.example", "--group", "Project Falcon", "--user", "bob.one@contoso.example")
	if r.exitCode() != 1 {
		t.Errorf("adding the restored user to his old group again: exit %d, stderr %q; want a clash", r.exitCode(), r.stderr)
	}
}

func TestEnvironmentVariablesConfigureCommands(t *testing.T) {
	t.Parallel()
	in := newInstance(t)
	in.env["ORGDIR_NAME"] = "Contoso"
	in.env["ORGDIR_DOMAIN"] = "contoso.example"
	in.env["ORGDIR_RETENTION_DAYS"] = "12"
	out := in.must("tenant", "create")
	if !strings.Contains(out, "Contoso (contoso.example)") || !strings.Contains(out, "12 days") {
		t.Errorf("tenant create from the environment:\n%s", out)
	}
	// The flag wins over the variable.
	out = in.must("tenant", "create", "--name", "Fabrikam", "--domain", "fabrikam.example")
	if !strings.Contains(out, "Fabrikam (fabrikam.example)") {
		t.Errorf("tenant create with flags and variables:\n%s", out)
	}
	in.env["ORGDIR_RETENTION_DAYS"] = "a fortnight"
	r := in.run("tenant", "create", "--domain", "x.example")
	if r.exitCode() != 2 || !strings.Contains(r.stderr, "ORGDIR_RETENTION_DAYS") {
		t.Errorf("a bad variable: exit %d, stderr %q; want 2 naming the variable", r.exitCode(), r.stderr)
	}
}

func TestHelpMentionsEveryFlagAndItsVariable(t *testing.T) {
	t.Parallel()
	in := newInstance(t)
	for cmd, flags := range map[string][]string{
		"serve":             {"addr", "data-dir", "database", "demo", "base-url", "purge-interval", "purge-batch", "trusted-proxies"},
		"migrate":           {"data-dir", "database"},
		"purge":             {"data-dir", "database", "batch"},
		"tenant create":     {"name", "domain", "retention-days"},
		"tenant set":        {"tenant", "name", "allow-leave", "privacy-email", "privacy-url", "retention-days"},
		"user create":       {"tenant", "upn", "name", "mail", "password", "password-stdin", "disabled"},
		"user restore":      {"tenant", "user", "new-upn"},
		"invite":            {"tenant", "email", "name", "base-url", "redirect-url", "send", "message"},
		"invitation redeem": {"token", "home-user", "email"},
		"app create":        {"tenant", "name", "role"},
		"app assign":        {"tenant", "app", "user", "role"},
	} {
		r := in.run(append(strings.Fields(cmd), "--help")...)
		if r.err != nil {
			t.Errorf("%s --help: %v", cmd, r.err)
			continue
		}
		for _, f := range flags {
			env := "ORGDIR_" + strings.ToUpper(strings.ReplaceAll(f, "-", "_"))
			if !strings.Contains(r.stdout, "--"+f) || !strings.Contains(r.stdout, env) {
				t.Errorf("%s --help lacks --%s or %s:\n%s", cmd, f, env, r.stdout)
			}
		}
	}
}

func TestAnUnknownNameSaysWhichFlagWasWrong(t *testing.T) {
	t.Parallel()
	in := newInstance(t)
	in.must("tenant", "create", "--name", "Contoso", "--domain", "contoso.example")
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"user", "list", "--tenant", "nowhere.example"}, "--tenant nowhere.example: "},
		{[]string{"user", "disable", "--tenant", "contoso.example", "--user", "nobody@contoso.example"}, "--user nobody@contoso.example: "},
		{[]string{"user", "purge", "--tenant", "contoso.example", "--user", "nobody@contoso.example"}, `no deleted user "nobody@contoso.example"`},
	} {
		r := in.run(tc.args...)
		if r.exitCode() != 1 || !strings.Contains(r.stderr, tc.want) {
			t.Errorf("%v: exit %d, stderr %q; want 1 and %q", tc.args, r.exitCode(), r.stderr, tc.want)
		}
	}
}
