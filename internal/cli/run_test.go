package cli

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"testing"

	"github.com/orgdir/orgdir/internal/directory"
)

// run runs the program with no environment and returns its output.
func run(t *testing.T, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	var out, errOut bytes.Buffer
	err = Run(context.Background(), args, func(string) string { return "" }, strings.NewReader(""), &out, &errOut)
	return out.String(), errOut.String(), err
}

func TestProgramHelpListsEveryCommand(t *testing.T) {
	for _, args := range [][]string{{"--help"}, {"-h"}, {"help"}} {
		out, _, err := run(t, args...)
		if err != nil {
			t.Fatalf("%v: %v", args, err)
		}
		for _, c := range commands() {
			if !strings.Contains(out, c.path) {
				t.Errorf("%v: help lacks the command %q", args, c.path)
			}
		}
	}
}

func TestEveryCommandHasHelpThatNamesEachFlagsVariable(t *testing.T) {
	for _, c := range commands() {
		args := append(strings.Fields(c.path), "--help")
		out, _, err := run(t, args...)
		if err != nil {
			t.Errorf("%s --help: %v", c.path, err)
			continue
		}
		if !strings.HasPrefix(out, "Usage: orgdir "+c.path) {
			t.Errorf("%s --help does not start with its usage:\n%s", c.path, out)
		}
		for _, line := range strings.Split(out, "\n") {
			name, ok := strings.CutPrefix(line, "  --")
			if !ok || name == "help" {
				continue
			}
			name, _, _ = strings.Cut(name, " ")
			if !strings.Contains(out, "env "+envName(name)) {
				t.Errorf("%s --help: flag --%s lacks its variable %s", c.path, name, envName(name))
			}
		}
	}
}

func TestHelpSubcommandShowsTheCommandsHelp(t *testing.T) {
	out, _, err := run(t, "help", "tenant", "create")
	if err != nil || !strings.Contains(out, "Usage: orgdir tenant create") {
		t.Fatalf("help tenant create = %v:\n%s", err, out)
	}
}

func TestCommandLineMistakesExitTwoWithOneLine(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{nil, "no command"},
		{[]string{"frobnicate"}, `unknown command "frobnicate"`},
		{[]string{"tenant"}, "create, list, set"},
		{[]string{"tenant", "explode"}, `unknown command "tenant explode"`},
		{[]string{"tenant", "create", "--bogus"}, "-bogus"},
		{[]string{"tenant", "create", "--domain", "x.example"}, "--name is required"},
		{[]string{"serve", "--purge-batch", "0"}, "--purge-batch must be at least 1"},
		{[]string{"serve", "--log-level", "loud"}, "--log-level"},
		{[]string{"serve", "--trusted-proxies", "10.0.0.0/33"}, `--trusted-proxies: "10.0.0.0/33" is neither a network in CIDR notation`},
		{[]string{"serve", "--trusted-proxies", "10.0.0.0/8,proxy.internal"}, `--trusted-proxies: "proxy.internal"`},
		{[]string{"role", "add", "--tenant", "t.example", "--user", "u", "--role", "Emperor"}, `unknown role "Emperor"`},
		{[]string{"invitation", "redeem", "--token", "x"}, "exactly one of --home-user and --email"},
		{[]string{"tenant", "set", "--tenant", "t.example"}, "nothing to change"},
		{[]string{"serve", "--base-url", "localhost:8080"}, `--base-url "localhost:8080": want an absolute http or https URL`},
		{[]string{"invite", "--tenant", "t.example", "--email", "a@b.example", "--base-url", "/relative"}, "--base-url"},
	} {
		_, stderr, err := run(t, tc.args...)
		if ExitCode(err) != 2 {
			t.Errorf("%v: exit %d (%v), want 2", tc.args, ExitCode(err), err)
		}
		lines := strings.Split(strings.TrimRight(stderr, "\n"), "\n")
		if !strings.Contains(stderr, tc.want) || !strings.HasPrefix(stderr, "orgdir: ") {
			t.Errorf("%v: stderr %q, want one line starting 'orgdir: ' with %q", tc.args, stderr, tc.want)
		}
		if tc.args != nil && len(lines) != 1 {
			t.Errorf("%v: stderr has %d lines, want one:\n%s", tc.args, len(lines), stderr)
		}
	}
}

func TestExitCode(t *testing.T) {
	for _, tc := range []struct {
		err  error
		want int
	}{
		{nil, 0},
		{usageErrorf("bad flag"), 2},
		{fmt.Errorf("wrapped: %w", usageErrorf("bad flag")), 2},
		{directory.Invalidf("displayName", "displayName must not be empty"), 1},
		{errors.New("disk full"), 1},
	} {
		if got := ExitCode(tc.err); got != tc.want {
			t.Errorf("ExitCode(%v) = %d, want %d", tc.err, got, tc.want)
		}
	}
}

func TestErrorMessageShowsTheDomainMessageNotItsKind(t *testing.T) {
	for _, tc := range []struct {
		err  error
		want string
	}{
		{directory.Invalidf("initialDomain", `initialDomain "x" is not a valid domain`), `initialDomain "x" is not a valid domain`},
		{fmt.Errorf("seed the demo: %w", directory.Errorf(directory.KindConflict, "already there")), "seed the demo: already there"},
		{directory.Internal(errors.New("database is locked")), "internal error: database is locked"},
		{&directory.Error{Kind: directory.KindLeavePolicyOff, Message: "leaving is off",
			Contact: &directory.Contact{PrivacyContactEmail: "privacy@contoso.example"}}, "leaving is off (contact privacy@contoso.example)"},
		{errors.New("listen tcp: address in use"), "listen tcp: address in use"},
	} {
		if got := errorMessage(tc.err); got != tc.want {
			t.Errorf("errorMessage(%v) = %q, want %q", tc.err, got, tc.want)
		}
	}
}

func TestLocalURLNamesAHostABrowserCanReach(t *testing.T) {
	for addr, want := range map[string]string{
		"0.0.0.0:8080":   "http://localhost:8080",
		"[::]:8080":      "http://localhost:8080",
		"127.0.0.1:4000": "http://127.0.0.1:4000",
		"[::1]:4000":     "http://[::1]:4000",
	} {
		a, err := net.ResolveTCPAddr("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		if got := localURL(a); got != want {
			t.Errorf("localURL(%s) = %q, want %q", addr, got, want)
		}
	}
}

func TestDatabaseChoice(t *testing.T) {
	for _, tc := range []struct {
		d        dbFlags
		postgres bool
		describe string
	}{
		{dbFlags{dataDir: "/var/lib/orgdir"}, false, "SQLite at /var/lib/orgdir/orgdir.db"},
		{dbFlags{dataDir: "ignored", database: "/srv/o.db"}, false, "SQLite at /srv/o.db"},
		{dbFlags{database: "postgres://orgdir:s3cret@db:5432/orgdir"}, true, "PostgreSQL at postgres://orgdir:xxxxx@db:5432/orgdir"},
		{dbFlags{database: "postgresql://db/orgdir"}, true, "PostgreSQL at postgresql://db/orgdir"},
	} {
		if got := isPostgres(tc.d.database); got != tc.postgres {
			t.Errorf("isPostgres(%q) = %v", tc.d.database, got)
		}
		if got := tc.d.describe(); got != tc.describe {
			t.Errorf("describe(%+v) = %q, want %q (never the password)", tc.d, got, tc.describe)
		}
	}
}

// TestServeRefusesBadTrustedProxiesFromTheEnvironment: the variable is
// read like the flag and refused before anything starts.
func TestServeRefusesBadTrustedProxiesFromTheEnvironment(t *testing.T) {
	var out, errOut bytes.Buffer
	env := func(k string) string {
		if k == "ORGDIR_TRUSTED_PROXIES" {
			return "10.0.0.1/8"
		}
		return ""
	}
	err := Run(context.Background(), []string{"serve", "--database", t.TempDir() + "/o.db", "--addr", "127.0.0.1:0"}, env, strings.NewReader(""), &out, &errOut)
	if ExitCode(err) != 2 || !strings.Contains(errOut.String(), `--trusted-proxies: "10.0.0.1/8" has bits set beyond its prefix length; write 10.0.0.0/8`) {
		t.Fatalf("exit %d, stderr %q; want 2 naming --trusted-proxies", ExitCode(err), errOut.String())
	}
	if strings.Contains(out.String(), "listening") {
		t.Fatal("serve started with a bad --trusted-proxies")
	}
}
