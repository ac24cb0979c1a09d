package bulkcsv

import (
	"strings"
	"testing"

	"github.com/orgdir/orgdir/internal/directory"
)

// Entra's downloaded template: a version line, the headings, the rows.
const entraCreate = "version:v1.0\r\n" +
	"Name [displayName] Required,User name [userPrincipalName] Required,Initial password [passwordProfile] Required,Block sign in (Yes/No) [accountEnabled] Required,Job title [jobTitle]\r\n" +
	"Chris Green,chris@contoso.example,myPassword1234,No,Clerk\r\n" +
	",,,,\r\n" +
	"\"Lee, Sam\",sam@contoso.example,,Yes,\r\n" +
	"Bad Flag,bad@contoso.example,,Maybe,\r\n"

func TestUsersReadsEntrasTemplate(t *testing.T) {
	rows, bad, err := Users(strings.NewReader(entraCreate))
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 2 || len(bad) != 1 {
		t.Fatalf("rows %+v, bad %+v", rows, bad)
	}
	c, s := rows[0], rows[1]
	if c.Row != 3 || c.User.DisplayName != "Chris Green" || c.User.UserPrincipalName != "chris@contoso.example" ||
		c.User.Password != "myPassword1234" || c.User.AccountEnabled != nil {
		t.Errorf("row 3: %+v", c)
	}
	if s.Row != 5 || s.User.DisplayName != "Lee, Sam" || s.User.AccountEnabled == nil || *s.User.AccountEnabled {
		t.Errorf("row 5 (Block sign in Yes): %+v", s)
	}
	if bad[0].Row != 6 || bad[0].Key != "bad@contoso.example" || !directory.IsKind(bad[0].Err, directory.KindInvalid) {
		t.Errorf("row 6: %+v", bad[0])
	}
}

func TestInvitesReadsEntrasTemplateAndBareNames(t *testing.T) {
	for name, file := range map[string]string{
		"entra": "version:v1.0\nEmail address to invite [inviteeEmail] Required,Redirection url [inviteRedirectURL] Required,Send invitation message (true or false) [sendEmail],Customized invitation message [customizedMessageBody]\n" +
			"ana@partner.example,https://myapps.example,false,Welcome\nbo@partner.example,,,\n",
		"bare": "inviteeEmail,inviteRedirectURL,sendEmail,customizedMessageBody\nana@partner.example,https://myapps.example,FALSE,Welcome\nbo@partner.example,,,\n",
	} {
		rows, bad, err := Invites(strings.NewReader(file))
		if err != nil || len(bad) != 0 || len(rows) != 2 {
			t.Fatalf("%s: %+v %+v %v", name, rows, bad, err)
		}
		a, b := rows[0].Invite, rows[1].Invite
		if a.InvitedUserEmailAddress != "ana@partner.example" || a.InviteRedirectURL != "https://myapps.example" || a.SendInvitationMessage || a.CustomizedMessageBody != "Welcome" {
			t.Errorf("%s: first row %+v", name, a)
		}
		if !b.SendInvitationMessage {
			t.Errorf("%s: an empty Send invitation message sends, as in Entra", name)
		}
	}
}

func TestAFileWithoutTheColumnsIsRefused(t *testing.T) {
	for _, file := range []string{"", "version:v1.0\n", "name,mail\nA,a@x.example\n", "a,\"b\n"} {
		if _, _, err := Users(strings.NewReader(file)); !directory.IsKind(err, directory.KindInvalid) {
			t.Errorf("%q: %v, want KindInvalid", file, err)
		}
	}
}
