package cli

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestValidationErrorsNameTheFlagNotTheDomainField: a shell user typed
// --retention-days, not retentionDays; the message names what they typed,
// and the refused command changes nothing.
func TestValidationErrorsNameTheFlagNotTheDomainField(t *testing.T) {
	db := filepath.Join(t.TempDir(), "o.db")
	if _, stderr, err := run(t, "tenant", "create", "--database", db, "--name", "Contoso", "--domain", "contoso.example"); err != nil {
		t.Fatalf("tenant create: %v %s", err, stderr)
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"tenant", "create", "--name", "Fabrikam", "--domain", "fabrikam.example", "--retention-days", "0"},
			"orgdir: --retention-days must be between 1 and 365 days, not 0\n"},
		{[]string{"tenant", "set", "--tenant", "contoso.example", "--retention-days", "10000"},
			"orgdir: --retention-days must be between 1 and 365 days, not 10000\n"},
		{[]string{"tenant", "set", "--tenant", "contoso.example", "--privacy-email", "bad"},
			`orgdir: --privacy-email "bad" is not an e-mail address: it has no @` + "\n"},
		{[]string{"tenant", "set", "--tenant", "contoso.example", "--name", " "},
			"orgdir: --name must not be empty\n"},
		{[]string{"user", "create", "--tenant", "contoso.example", "--upn", "bob@other.example", "--name", "Bob"},
			`orgdir: --upn "bob@other.example" must end in @contoso.example, the organization's domain` + "\n"},
		{[]string{"invite", "--tenant", "contoso.example", "--email", "a@b"},
			`orgdir: --email "a@b" is not an e-mail address: the domain after the @, such as example.com, is not valid (needs at least one dot)` + "\n"},
		{[]string{"tenant", "set", "--tenant", "contoso.example", "--name", "Contoso\u202e"},
			"orgdir: --name must not contain the control or formatting character U+202E\n"},
		{[]string{"invite", "--tenant", "contoso.example", "--email", "not-an-address"},
			`orgdir: --email "not-an-address" is not an e-mail address: it has no @` + "\n"},
	} {
		_, stderr, err := run(t, append(tc.args, "--database", db)...)
		if ExitCode(err) != 1 || stderr != tc.want {
			t.Errorf("%v: exit %d, stderr %q; want exit 1 and %q", tc.args, ExitCode(err), stderr, tc.want)
		}
	}
	out, _, err := run(t, "tenant", "list", "--database", db)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(out, "fabrikam") || !strings.Contains(out, "Contoso  ") || !strings.Contains(out, " 30 ") {
		t.Errorf("a refused command changed the tenants:\n%s", out)
	}
	if out, _, _ := run(t, "user", "list", "--database", db, "--tenant", "contoso.example"); strings.Contains(out, "bob") || strings.Contains(out, "not-an-address") {
		t.Errorf("a refused command added a user:\n%s", out)
	}
}

// TestInFlagTermsLeavesOtherMessagesAlone: an error without a field, or
// with a field no flag of the command gives, keeps its own words.
func TestInFlagTermsLeavesOtherMessagesAlone(t *testing.T) {
	e := &env{flags: newFlags("x", "")}
	e.flags.String("name", "", "")
	for _, msg := range []string{"disk full", "mail \"x\" is not an e-mail address"} {
		if got := e.inFlagTerms(msg, errString(msg)); got != msg {
			t.Errorf("inFlagTerms(%q) = %q; want it unchanged", msg, got)
		}
	}
}

type errString string

func (e errString) Error() string { return string(e) }

// TestTenantSetHelpDoesNotClaimDefaultsItNeverApplies: tenant set changes
// only what it is given, so its help must not say --allow-leave defaults
// to true or --retention-days to 0.
func TestTenantSetHelpDoesNotClaimDefaultsItNeverApplies(t *testing.T) {
	out, _, err := run(t, "tenant", "set", "--help")
	if err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{"default true", "default 0"} {
		if strings.Contains(out, bad) {
			t.Errorf("tenant set --help says %q:\n%s", bad, out)
		}
	}
	if strings.Count(out, "unchanged if not given") != 6 {
		t.Errorf("tenant set --help should say of each setting that it stays unchanged if not given:\n%s", out)
	}
	create, _, _ := run(t, "tenant", "create", "--help")
	if !strings.Contains(create, "default 30") {
		t.Errorf("tenant create --help lost its real default retention:\n%s", create)
	}
	invite, _, _ := run(t, "invite", "--help")
	if strings.Contains(invite, "(optional) (") || !strings.Contains(invite, "(optional; env ORGDIR_NAME)") {
		t.Errorf("invite --help should fold (optional) into the notes:\n%s", invite)
	}
}

// TestPasswordStdinAsksWhenStdinIsATerminal: typed at a terminal,
// --password-stdin says what it waits for instead of seeming to hang; from
// a pipe it stays silent, so that scripts' output is not cluttered.
func TestPasswordStdinAsksWhenStdinIsATerminal(t *testing.T) {
	dev, err := os.Open(os.DevNull) // a character device, as a terminal is
	if err != nil {
		t.Skipf("no %s: %v", os.DevNull, err)
	}
	defer dev.Close()
	db := filepath.Join(t.TempDir(), "o.db")
	if _, stderr, err := run(t, "tenant", "create", "--database", db, "--name", "Contoso", "--domain", "contoso.example"); err != nil {
		t.Fatalf("tenant create: %v %s", err, stderr)
	}
	args := []string{"user", "create", "--database", db, "--tenant", "contoso.example", "--upn", "a@contoso.example", "--name", "A", "--password-stdin"}
	var out, errOut bytes.Buffer
	err = Run(context.Background(), args, func(string) string { return "" }, dev, &out, &errOut)
	if !strings.HasPrefix(errOut.String(), "Password (one line") || !strings.Contains(errOut.String(), "no password on standard input") {
		t.Errorf("at a terminal with nothing typed: %v, stderr %q; want the prompt, then the refusal", err, errOut.String())
	}
	errOut.Reset()
	err = Run(context.Background(), args, func(string) string { return "" }, strings.NewReader("Long-enough-2026\n"), &out, &errOut)
	if err != nil || strings.Contains(errOut.String(), "Password (") {
		t.Errorf("from a pipe: %v, stderr %q; want success without a prompt", err, errOut.String())
	}
}
