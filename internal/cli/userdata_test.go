package cli

import (
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/orgdir/orgdir/internal/directory"
	"github.com/orgdir/orgdir/internal/store/sqlite"
)

// runOK runs the program and fails the test unless it succeeds.
func runOK(t *testing.T, args ...string) string {
	t.Helper()
	out, stderr, err := run(t, args...)
	if err != nil {
		t.Fatalf("%v: %v\n%s", args, err, stderr)
	}
	return out
}

// auditOf is the tenant's audit log in db, as JSON.
func auditOf(t *testing.T, db, domain string) string {
	t.Helper()
	ctx := directory.WithActor(context.Background(), directory.SystemActor("test"))
	st, err := sqlite.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	svc := directory.NewService(st, directory.Options{})
	tn, err := svc.GetTenantByDomain(ctx, domain)
	if err != nil {
		t.Fatal(err)
	}
	events, err := svc.ListAudit(ctx, tn.ID, directory.AuditQuery{Limit: directory.MaxPageSize})
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(events)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// exportDoc is what the tests read of an export document (internal/export):
// Graph's names, as the API's exportPersonalData writes them.
type exportDoc struct {
	Context       string `json:"@odata.context"`
	Organizations []struct {
		User *struct {
			ID                string  `json:"id"`
			UserPrincipalName string  `json:"userPrincipalName"`
			DeletedDateTime   *string `json:"deletedDateTime"`
		} `json:"user"`
		MemberOf []struct {
			DisplayName string `json:"displayName"`
		} `json:"memberOf"`
	} `json:"organizations"`
}

func TestUserExportThenEraseOfALiveUser(t *testing.T) {
	db := filepath.Join(t.TempDir(), "orgdir.db")
	on := []string{"--database", db, "--tenant", "contoso.example"}
	runOK(t, "tenant", "create", "--database", db, "--name", "Contoso", "--domain", "contoso.example")
	runOK(t, append([]string{"user", "create", "--upn", "bob@contoso.example", "--name", "Bob Builder", "--mail", "bob@example.net"}, on...)...)
	runOK(t, append([]string{"group", "create", "--name", "Builders"}, on...)...)
	runOK(t, append([]string{"group", "add-member", "--group", "Builders", "--user", "bob@contoso.example"}, on...)...)

	out := runOK(t, append([]string{"user", "export", "--user", "bob@contoso.example"}, on...)...)
	var data exportDoc
	if err := json.Unmarshal([]byte(out), &data); err != nil {
		t.Fatalf("user export printed no JSON: %v\n%s", err, out)
	}
	if len(data.Organizations) != 1 {
		t.Fatalf("the export has %d organizations, want 1:\n%s", len(data.Organizations), out)
	}
	m := data.Organizations[0]
	if m.User == nil || m.User.UserPrincipalName != "bob@contoso.example" || len(m.MemberOf) != 1 || m.MemberOf[0].DisplayName != "Builders" {
		t.Fatalf("the export: user %+v, groups %+v", m.User, m.MemberOf)
	}
	// Graph's names, never Go's, and no secret's hash; the context is the
	// default public URL.
	if strings.Contains(out, `"DisplayName"`) || strings.Contains(strings.ToLower(out), "hash") || data.Context != "http://localhost:8080/v1.0/$metadata#orgdir.personalData" {
		t.Fatalf("the export is not the API's document:\n%s", out)
	}
	bobID := m.User.ID

	out = runOK(t, append([]string{"user", "erase", "--user", "bob@contoso.example"}, on...)...)
	if !strings.Contains(out, "erased user "+bobID) {
		t.Fatalf("user erase said %q", out)
	}
	for _, list := range [][]string{{"user", "list"}, {"user", "list", "--deleted"}} {
		if out := runOK(t, append(list, on...)...); strings.Contains(out, "bob@contoso.example") || strings.Contains(out, bobID) {
			t.Fatalf("%v still shows the erased user:\n%s", list, out)
		}
	}
	audit := auditOf(t, db, "contoso.example")
	for _, personal := range []string{"bob@contoso.example", "Bob Builder", "bob@example.net"} {
		if strings.Contains(audit, personal) {
			t.Fatalf("the audit log still names %q", personal)
		}
	}
	for _, want := range []string{directory.ActivityExportPersonalData, directory.ActivityHardDeleteUser, bobID} {
		if !strings.Contains(audit, want) {
			t.Fatalf("the audit log lacks %q", want)
		}
	}
	// Nothing is left to export or erase.
	for _, cmd := range []string{"export", "erase"} {
		_, stderr, err := run(t, append([]string{"user", cmd, "--user", bobID}, on...)...)
		if ExitCode(err) != 1 || !strings.Contains(stderr, "--user "+bobID+": no live or deleted user of contoso.example") {
			t.Fatalf("user %s of the erased user: exit %d, %q", cmd, ExitCode(err), stderr)
		}
	}
}

func TestUserEraseOfADeletedUserByUPN(t *testing.T) {
	db := filepath.Join(t.TempDir(), "orgdir.db")
	on := []string{"--database", db, "--tenant", "contoso.example"}
	runOK(t, "tenant", "create", "--database", db, "--name", "Contoso", "--domain", "contoso.example")
	runOK(t, append([]string{"user", "create", "--upn", "carol@contoso.example", "--name", "Carol"}, on...)...)
	runOK(t, append([]string{"user", "delete", "--user", "carol@contoso.example"}, on...)...)
	if out := runOK(t, append([]string{"user", "list", "--deleted"}, on...)...); !strings.Contains(out, "carol@contoso.example") {
		t.Fatalf("Carol is not in Deleted users:\n%s", out)
	}

	out := runOK(t, append([]string{"user", "export", "--user", "carol@contoso.example"}, on...)...)
	var data exportDoc
	if err := json.Unmarshal([]byte(out), &data); err != nil || len(data.Organizations) != 1 || data.Organizations[0].User == nil || data.Organizations[0].User.DeletedDateTime == nil {
		t.Fatalf("the export of a deleted user (%v):\n%s", err, out)
	}
	runOK(t, append([]string{"user", "erase", "--user", "carol@contoso.example"}, on...)...)
	if out := runOK(t, append([]string{"user", "list", "--deleted"}, on...)...); strings.Contains(out, "carol@contoso.example") {
		t.Fatalf("the erased user is still in Deleted users:\n%s", out)
	}
}

func TestUserEraseNeedsTheUserAndTheTenant(t *testing.T) {
	for _, args := range [][]string{
		{"user", "erase", "--tenant", "contoso.example"},
		{"user", "export", "--tenant", "contoso.example"},
		{"user", "erase", "--user", "bob@contoso.example"},
	} {
		_, stderr, err := run(t, args...)
		if ExitCode(err) != 2 || !strings.Contains(stderr, "is required") {
			t.Errorf("%v: exit %d, %q; want 2 and which flag is required", args, ExitCode(err), stderr)
		}
	}
	out, _, err := run(t, "user", "erase", "--help")
	if err != nil || !strings.Contains(out, "This cannot be undone") || !strings.Contains(out, "orgdir user export") {
		t.Fatalf("user erase --help (%v):\n%s", err, out)
	}
}

func TestUserExportRefusesABadBaseURLAndExportsNothing(t *testing.T) {
	db := filepath.Join(t.TempDir(), "orgdir.db")
	on := []string{"--database", db, "--tenant", "contoso.example"}
	runOK(t, "tenant", "create", "--database", db, "--name", "Contoso", "--domain", "contoso.example")
	runOK(t, append([]string{"user", "create", "--upn", "bob@contoso.example", "--name", "Bob"}, on...)...)
	out, stderr, err := run(t, append([]string{"user", "export", "--user", "bob@contoso.example", "--base-url", "ftp://orgdir.example"}, on...)...)
	if ExitCode(err) != 2 || out != "" || !strings.Contains(stderr, `--base-url "ftp://orgdir.example"`) {
		t.Fatalf("exit %d, stdout %q, stderr %q; want 2, nothing, and the bad flag named", ExitCode(err), out, stderr)
	}
	if strings.Contains(auditOf(t, db, "contoso.example"), directory.ActivityExportPersonalData) {
		t.Fatal("a refused export is in the audit log")
	}
	out = runOK(t, append([]string{"user", "export", "--user", "bob@contoso.example", "--base-url", "https://orgdir.example/"}, on...)...)
	var data exportDoc
	if err := json.Unmarshal([]byte(out), &data); err != nil || data.Context != "https://orgdir.example/v1.0/$metadata#orgdir.personalData" {
		t.Fatalf("the export with --base-url (%v): context %q", err, data.Context)
	}
}
