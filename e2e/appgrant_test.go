package e2e

import (
	"strings"
	"testing"
)

// An administrator grants a daemon app a permission of orgdir's API, and
// an app role to a group, from the shell.
func TestAppGrantAndAssignGroupFromTheShell(t *testing.T) {
	t.Parallel()
	in := newInstance(t)
	in.must("tenant", "create", "--name", "Contoso", "--domain", "contoso.example")
	in.must("app", "create", "--tenant", "contoso.example", "--name", "Nightly Sync")
	out := in.must("app", "grant", "--tenant", "contoso.example", "--app", "Nightly Sync", "--permission", "user.read.all")
	if !strings.Contains(out, "granted Nightly Sync the permission User.Read.All") {
		t.Errorf("app grant output:\n%s", out)
	}
	if r := in.run("app", "grant", "--tenant", "contoso.example", "--app", "Nightly Sync", "--permission", "User.Read.All"); r.exitCode() != 1 ||
		!strings.Contains(r.stderr, "already has the permission") {
		t.Errorf("the same grant twice: exit %d, stderr %q", r.exitCode(), r.stderr)
	}
	if r := in.run("app", "grant", "--tenant", "contoso.example", "--app", "Nightly Sync", "--permission", "Mail.Send"); r.exitCode() != 1 ||
		!strings.Contains(r.stderr, "no permission of orgdir's API") {
		t.Errorf("an unknown permission: exit %d, stderr %q", r.exitCode(), r.stderr)
	}

	in.must("group", "create", "--tenant", "contoso.example", "--name", "Project Falcon")
	in.must("app", "create", "--tenant", "contoso.example", "--name", "Falcon Portal", "--role", "Falcon.Read=Falcon Reader")
	out = in.must("app", "assign-group", "--tenant", "contoso.example", "--app", "Falcon Portal", "--group", "Project Falcon", "--role", "Falcon.Read")
	if !strings.Contains(out, "assigned the group Project Falcon the role") {
		t.Errorf("app assign-group output:\n%s", out)
	}
	if r := in.run("app", "assign-group", "--tenant", "contoso.example", "--app", "Falcon Portal", "--group", "Project Falcon", "--role", "Falcon.Read"); r.exitCode() != 1 {
		t.Errorf("the same group assignment twice: exit %d, stderr %q", r.exitCode(), r.stderr)
	}
}
