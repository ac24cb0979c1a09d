package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"time"

	"github.com/orgdir/orgdir/internal/directory"
)

// Program is the orgdir command with what a test may replace. The zero value
// is the production program.
type Program struct {
	// Clock is the time of every operation; nil means time.Now.
	Clock directory.Clock
	// OnListen, when set, is told the address `serve` listens on once it
	// accepts connections (tests listen on 127.0.0.1:0).
	OnListen func(addr net.Addr)
	// OnMetricsListen, when set, is told the address of serve's metrics
	// listener (--metrics-addr).
	OnMetricsListen func(addr net.Addr)
}

// Run runs orgdir with args (without the program name) and returns nil on
// success. Any error has already been printed to stderr as one line; pass it
// to ExitCode for the process's exit status.
func Run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	return Program{}.Run(ctx, args, getenv, stdin, stdout, stderr)
}

// Run is the package-level Run for this Program.
func (p Program) Run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	if p.Clock == nil {
		p.Clock = time.Now
	}
	e := &env{prog: p, getenv: getenv, stdin: stdin, stdout: stdout, stderr: stderr}
	err := e.dispatch(ctx, args)
	if err != nil && !errors.Is(err, errHelp) {
		fmt.Fprintln(stderr, "orgdir: "+oneLine(e.inFlagTerms(errorMessage(err), err)))
	}
	if errors.Is(err, errHelp) {
		return nil
	}
	return err
}

// ExitCode maps Run's error to a process exit status: 0 for success, 2 for
// a command line that could not be understood, 1 for every other failure.
func ExitCode(err error) int {
	var ue *usageError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &ue):
		return 2
	default:
		return 1
	}
}

// env is one invocation: its streams and environment.
type env struct {
	prog   Program
	getenv func(string) string
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
	// flags are the parsed flags of the command, so that an error about a
	// value can name the flag that gave it.
	flags *flagSet
}

// command is one subcommand: a path of words, a one-line summary for the
// program's help, and the function that parses its own flags and runs it.
type command struct {
	path    string
	summary string
	run     func(ctx context.Context, e *env, args []string) error
}

func commands() []command {
	return []command{
		{"serve", "run the HTTP server and the retention purge", runServe},
		{"migrate", "create or upgrade the database schema", runMigrate},
		{"purge", "purge once the deleted users whose retention has ended", runPurge},
		{"tenant create", "create a tenant (organization)", runTenantCreate},
		{"tenant list", "list the tenants", runTenantList},
		{"tenant set", "change a tenant's name and settings", runTenantSet},
		{"user create", "create a member user", runUserCreate},
		{"user import", "create the member users of a CSV file (Entra's bulk create template)", runUserImport},
		{"user list", "list a tenant's users, or its deleted users", runUserList},
		{"user set-password", "set a member's password", runUserSetPassword},
		{"user enable", "enable a user's account", runUserEnable},
		{"user disable", "disable a user's account", runUserDisable},
		{"user revoke-sessions", "end every session and API token of a user (Graph's revokeSignInSessions)", runUserRevokeSessions},
		{"user delete", "delete a user (to Deleted users, restorable)", runUserDelete},
		{"user restore", "restore a deleted user", runUserRestore},
		{"user purge", "permanently delete a deleted user (irreversible)", runUserPurge},
		{"user export", "print a user's personal data as JSON", runUserExport},
		{"user erase", "erase a live or deleted user and its personal data (irreversible)", runUserErase},
		{"role add", "give a user a directory role", runRoleAdd},
		{"group create", "create a group", runGroupCreate},
		{"group add-member", "add a user to a group", runGroupAddMember},
		{"app create", "create an application with its app roles", runAppCreate},
		{"app assign", "assign an app role to a user", runAppAssign},
		{"app assignments", "list who is assigned to an application", runAppAssignments},
		{"app set", "set an application's home page and whether it needs an assignment", runAppSet},
		{"app redirect-uri add", "add a redirect URI to an application", runAppRedirectURIAdd},
		{"app redirect-uri remove", "remove a redirect URI from an application", runAppRedirectURIRemove},
		{"app secret add", "add a client secret to an application; prints it once", runAppSecretAdd},
		{"app secret list", "list an application's client secrets (hint and expiry)", runAppSecretList},
		{"app secret remove", "remove a client secret of an application", runAppSecretRemove},
		{"app assign-group", "assign an app role to a group (its members hold it)", runAppAssignGroup},
		{"app grant", "grant an application a permission of orgdir's API (User.Read.All, …)", runAppGrant},
		{"invite", "invite an e-mail address as a guest (prints the redeem URL), or every row of a CSV file", runInvite},
		{"invitation redeem", "redeem an invitation on behalf of a home identity", runInvitationRedeem},
		// API tokens (token.go).
		{"token create", "create a bearer token for the JSON API", runTokenCreate},
		{"token revoke", "revoke a bearer token of the JSON API", runTokenRevoke},
		{"bench", "measure throughput, latency and heap on a throwaway database", runBench},
	}
}

// dispatch finds the longest command path that prefixes args and runs it.
func (e *env) dispatch(ctx context.Context, args []string) error {
	if len(args) == 0 {
		e.programHelp(e.stderr)
		return usageErrorf("no command given")
	}
	if isHelp(args[0]) || args[0] == "help" {
		if len(args) > 1 && args[0] == "help" {
			return e.dispatch(ctx, append(args[1:], "--help"))
		}
		e.programHelp(e.stdout)
		return errHelp
	}
	var best *command
	for _, c := range commands() {
		words := strings.Fields(c.path)
		if len(words) <= len(args) && strings.Join(args[:len(words)], " ") == c.path {
			if best == nil || len(words) > len(strings.Fields(best.path)) {
				best = &c
			}
		}
	}
	if best == nil {
		// A group word alone ("orgdir tenant") lists what it holds.
		var sub []string
		for _, c := range commands() {
			if strings.HasPrefix(c.path, args[0]+" ") {
				sub = append(sub, strings.TrimPrefix(c.path, args[0]+" "))
			}
		}
		if len(sub) > 0 {
			if len(args) > 1 {
				return usageErrorf("unknown command %q; %q has: %s", args[0]+" "+args[1], args[0], strings.Join(sub, ", "))
			}
			return usageErrorf("%q needs one of: %s", args[0], strings.Join(sub, ", "))
		}
		return usageErrorf("unknown command %q (run 'orgdir --help' for the list)", args[0])
	}
	return best.run(ctx, e, args[len(strings.Fields(best.path)):])
}

func (e *env) programHelp(w io.Writer) {
	fmt.Fprint(w, `orgdir: a multi-tenant organization directory with B2B guest collaboration.

Usage: orgdir COMMAND [flags]

Commands:
`)
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-20s %s\n", c.path, c.summary)
	}
	fmt.Fprint(w, `
Run 'orgdir COMMAND --help' for the flags of a command. Every flag --some-name
can also be set by the environment variable ORGDIR_SOME_NAME; the flag wins.
`)
}

func isHelp(a string) bool { return a == "-h" || a == "--help" || a == "-help" }

// errHelp is returned after help was printed on request: not a failure.
var errHelp = errors.New("help requested")

// usageError is a command line that could not be understood (exit 2).
type usageError struct{ msg string }

func (u *usageError) Error() string { return u.msg }

func usageErrorf(format string, args ...any) error {
	return &usageError{msg: fmt.Sprintf(format, args...)}
}

// errorMessage is what the operator reads. A domain error shows its
// client-safe Message, after whatever context wrapped it; for an internal
// error the operator is the one who can act on the cause, so it is shown.
func errorMessage(err error) string {
	var de *directory.Error
	if !errors.As(err, &de) {
		return err.Error()
	}
	msg := de.Message
	if de.Kind == directory.KindInternal && de.Err != nil {
		msg += ": " + de.Err.Error()
	}
	if de.Contact != nil && de.Contact.PrivacyContactEmail != "" {
		msg += " (contact " + de.Contact.PrivacyContactEmail + ")"
	}
	if full, inner := err.Error(), de.Error(); full != inner && strings.HasSuffix(full, inner) {
		msg = full[:len(full)-len(inner)] + msg
	}
	return msg
}

// flagOfField is the flag that gives a domain field's value, in every
// command that has it; "" when none does.
func flagOfField(field string) string {
	switch field {
	case "displayName", "invitedUserDisplayName":
		return "name"
	case "initialDomain":
		return "domain"
	case "retentionDays":
		return "retention-days"
	case "privacyContactEmail":
		return "privacy-email"
	case "privacyStatementUrl":
		return "privacy-url"
	case "userPrincipalName":
		return "upn"
	case "newUserPrincipalName":
		return "new-upn"
	case "mail":
		return "mail"
	case "password":
		return "password"
	case "invitedUserEmailAddress", "email":
		return "email"
	case "inviteRedirectUrl":
		return "redirect-url"
	case "invitedUserMessageInfo.customizedMessageBody":
		return "message"
	case "description":
		return "description"
	case "role", "appRoleId":
		return "role"
	case "web.redirectUris", "spa.redirectUris", "publicClient.redirectUris":
		return "uri"
	case "web.homePageUrl":
		return "home-page"
	case "platform":
		return "platform"
	case "passwordCredential.endDateTime":
		return "end"
	}
	return ""
}

// inFlagTerms rewrites msg, the message of a validation error, to name the
// flag the user typed rather than the domain's field (which is the API's
// property name): "--name must not be empty", not "displayName must not be
// empty". Other messages stay as they are.
func (e *env) inFlagTerms(msg string, err error) string {
	var de *directory.Error
	if !errors.As(err, &de) || de.Kind != directory.KindInvalid || de.Field == "" || e.flags == nil {
		return msg
	}
	name := flagOfField(de.Field)
	if name == "" || e.flags.Lookup(name) == nil {
		return msg
	}
	if rest, ok := strings.CutPrefix(msg, de.Field+" "); ok {
		return "--" + name + " " + rest
	}
	return "--" + name + ": " + msg
}

func oneLine(s string) string {
	return strings.Join(strings.Fields(strings.ReplaceAll(s, "\n", " ")), " ")
}
