package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestUserImportCreatesTheGoodRowsAndReportsEachRow: the file of Entra's
// template with a bad row among good ones; the good rows become users,
// the result CSV has one line per row with "done" or the reason, and no
// progress bar is drawn when stderr is not a terminal.
func TestUserImportCreatesTheGoodRowsAndReportsEachRow(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "orgdir.db")
	runOK(t, "tenant", "create", "--database", db, "--name", "Contoso", "--domain", "contoso.example")
	file := filepath.Join(dir, "users.csv")
	if err := os.WriteFile(file, []byte("version:v1.0\n"+
		"Name [displayName] Required,User name [userPrincipalName] Required,Initial password [passwordProfile] Required,Block sign in (Yes/No) [accountEnabled] Required\n"+
		"Ann Bulk,ann@contoso.example,Ann-password-2026,No\n"+
		"Out Side,out@fabrikam.example,,No\n"+
		"Bo Bulk,bo@contoso.example,,Yes\n"+
		"Ann Again,ann@contoso.example,,No\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	out, stderr, err := run(t, "user", "import", file, "--database", db, "--tenant", "contoso.example")
	if err != nil {
		t.Fatalf("%v\n%s", err, stderr)
	}
	if !strings.Contains(out, "created 2 of 4 rows; 2 failed") || stderr != "" {
		t.Errorf("stdout %q, stderr %q", out, stderr)
	}
	res, err := os.ReadFile(filepath.Join(dir, "users.result.csv"))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(res)), "\n")
	if len(lines) != 5 || lines[0] != "row,key,result" || lines[1] != "3,ann@contoso.example,done" ||
		!strings.HasPrefix(lines[2], "4,out@fabrikam.example,") || strings.HasSuffix(lines[2], ",done") ||
		lines[3] != "5,bo@contoso.example,done" || !strings.Contains(lines[4], "already exists") {
		t.Errorf("result CSV:\n%s", res)
	}
	list := runOK(t, "user", "list", "--database", db, "--tenant", "contoso.example")
	if !strings.Contains(list, "ann@contoso.example") || !strings.Contains(list, "bo@contoso.example") || strings.Contains(list, "out@") {
		t.Errorf("user list:\n%s", list)
	}
	if strings.Count(auditOf(t, db, "contoso.example"), `"Add user"`) != 2 {
		t.Error("want one Add user record per created row")
	}
}

// TestInviteCSVInvitesEachRow: --csv invites the rows of Entra's bulk
// invite template; a bad address is its row's reason.
func TestInviteCSVInvitesEachRow(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "orgdir.db")
	runOK(t, "tenant", "create", "--database", db, "--name", "Contoso", "--domain", "contoso.example")
	file := filepath.Join(dir, "guests.csv")
	if err := os.WriteFile(file, []byte("version:v1.0\n"+
		"Email address to invite [inviteeEmail] Required,Redirection url [inviteRedirectURL] Required,Send invitation message (true or false) [sendEmail],Customized invitation message [customizedMessageBody]\n"+
		"ana@partner.example,https://apps.example/,true,Welcome\n"+
		"not-an-address,https://apps.example/,true,\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	result := filepath.Join(dir, "out.csv")
	out := runOK(t, "invite", "--csv", file, "--result", result, "--database", db, "--tenant", "contoso.example")
	if !strings.Contains(out, "invited 1 of 2 rows; 1 failed") {
		t.Errorf("stdout %q", out)
	}
	res, _ := os.ReadFile(result)
	if !strings.Contains(string(res), "3,ana@partner.example,done\n4,not-an-address,") {
		t.Errorf("result CSV:\n%s", res)
	}
	if _, _, err := run(t, "invite", "--csv", file, "--email", "x@partner.example", "--database", db, "--tenant", "contoso.example"); err == nil {
		t.Error("--csv and --email together were accepted")
	}
}

// TestProgressLineRedrawsItselfOnATerminalOnly: on a terminal the line is
// redrawn in place (\r) with a bar, the counts and the failures; off one,
// nothing is drawn.
func TestProgressLineRedrawsItselfOnATerminalOnly(t *testing.T) {
	var b strings.Builder
	p := &progress{w: &b, verb: "creating", on: true}
	p.report(500, 2, 1000)
	p.report(998, 2, 1000)
	p.end()
	want := "\rcreating [###############               ] 502/1000 rows, 2 failed" +
		"\rcreating [##############################] 1000/1000 rows, 2 failed\n"
	if b.String() != want {
		t.Errorf("drew %q, want %q", b.String(), want)
	}
	b.Reset()
	off := &progress{w: &b, verb: "creating"}
	off.report(1, 0, 1)
	off.end()
	if b.Len() != 0 {
		t.Errorf("drew %q off a terminal", b.String())
	}
}
