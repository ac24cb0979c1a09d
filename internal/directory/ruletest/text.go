package ruletest

import (
	"context"
	"strings"
	"testing"

	"github.com/orgdir/orgdir/internal/directory"
)

// testControlCharactersRefused puts NUL, a bidirectional override, a bell
// and malformed UTF-8 into every text field and checks each is refused
// with KindInvalid naming the field, before any store sees it: PostgreSQL
// cannot keep NUL or malformed UTF-8 in text where SQLite can, and this
// suite runs on both, so both must answer the same. Lookups by such text
// find nothing, and searches by it are refused.
func testControlCharactersRefused(t *testing.T, ns NewStore) {
	w := newWorld(t, ns)
	admin := w.as(w.contosoAdmin)
	c := w.contoso.ID
	gone := w.member(w.contoso, "gone", "Gone")
	ok(t, w.svc.DeleteUser(admin, c, gone.ID))

	type call func(x string) error
	fields := []struct {
		name, field string
		run         call
	}{
		{"CreateTenant/DisplayName", "displayName", func(x string) error { return errOnly(w.svc.CreateTenant(w.sys, "New"+x+"Org", "new.example")) }},
		{"CreateTenant/InitialDomain", "initialDomain", func(x string) error { return errOnly(w.svc.CreateTenant(w.sys, "New", "new"+x+".example")) }},
		{"UpdateTenant/DisplayName", "displayName", func(x string) error {
			return errOnly(w.svc.UpdateTenant(admin, c, directory.TenantPatch{DisplayName: ptr("Contoso" + x)}))
		}},
		{"UpdateTenant/PrivacyStatementURL", "privacyStatementUrl", func(x string) error {
			return errOnly(w.svc.UpdateTenant(admin, c, directory.TenantPatch{PrivacyStatementURL: ptr("https://contoso.example/p" + x)}))
		}},
		{"UpdateTenant/PrivacyContactEmail", "privacyContactEmail", func(x string) error {
			return errOnly(w.svc.UpdateTenant(admin, c, directory.TenantPatch{PrivacyContactEmail: ptr("p" + x + "@contoso.example")}))
		}},
		{"CreateUser/DisplayName", "displayName", func(x string) error {
			return errOnly(w.svc.CreateUser(admin, c, directory.NewUser{UserPrincipalName: "n@contoso.example", DisplayName: "N" + x + "N"}))
		}},
		{"CreateUser/UserPrincipalName", "userPrincipalName", func(x string) error {
			return errOnly(w.svc.CreateUser(admin, c, directory.NewUser{UserPrincipalName: "n" + x + "@contoso.example", DisplayName: "N"}))
		}},
		{"CreateUser/Mail", "mail", func(x string) error {
			return errOnly(w.svc.CreateUser(admin, c, directory.NewUser{UserPrincipalName: "n@contoso.example", DisplayName: "N", Mail: "n" + x + "@x.example"}))
		}},
		{"UpdateUser/DisplayName", "displayName", func(x string) error {
			return errOnly(w.svc.UpdateUser(admin, c, w.adaGuest.ID, directory.UserPatch{DisplayName: ptr("Ada" + x)}))
		}},
		{"UpdateUser/Mail", "mail", func(x string) error {
			return errOnly(w.svc.UpdateUser(admin, c, w.adaGuest.ID, directory.UserPatch{Mail: ptr("ada" + x + "@x.example")}))
		}},
		{"RestoreUser/NewUserPrincipalName", "newUserPrincipalName", func(x string) error {
			return errOnly(w.svc.RestoreUser(admin, c, gone.ID, "gone"+x+"@contoso.example"))
		}},
		{"CreateGroup/DisplayName", "displayName", func(x string) error { return errOnly(w.svc.CreateGroup(admin, c, "G"+x, "")) }},
		{"CreateGroup/Description", "description", func(x string) error { return errOnly(w.svc.CreateGroup(admin, c, "G", "about"+x)) }},
		{"CreateApplication/DisplayName", "displayName", func(x string) error { return errOnly(w.svc.CreateApplication(admin, c, "A"+x, nil)) }},
		{"CreateApplication/RoleDisplayName", "appRoles[0].displayName", func(x string) error {
			return errOnly(w.svc.CreateApplication(admin, c, "A", []directory.AppRole{{DisplayName: "R" + x}}))
		}},
		{"CreateApplication/RoleValue", "appRoles[0].value", func(x string) error {
			return errOnly(w.svc.CreateApplication(admin, c, "A", []directory.AppRole{{DisplayName: "R", Value: "App" + x + ".Read"}}))
		}},
		{"CreateApplication/RoleDescription", "appRoles[0].description", func(x string) error {
			return errOnly(w.svc.CreateApplication(admin, c, "A", []directory.AppRole{{DisplayName: "R", Description: "reads" + x}}))
		}},
		{"Invite/EmailAddress", "invitedUserEmailAddress", func(x string) error {
			return errOnly(w.svc.Invite(admin, c, directory.InviteRequest{InvitedUserEmailAddress: "g" + x + "@x.example"}))
		}},
		{"Invite/DisplayName", "invitedUserDisplayName", func(x string) error {
			return errOnly(w.svc.Invite(admin, c, directory.InviteRequest{InvitedUserEmailAddress: "g@x.example", InvitedUserDisplayName: "G" + x}))
		}},
		{"Invite/RedirectURL", "inviteRedirectUrl", func(x string) error {
			return errOnly(w.svc.Invite(admin, c, directory.InviteRequest{InvitedUserEmailAddress: "g@x.example", InviteRedirectURL: "https://apps.example/" + x}))
		}},
		{"Invite/MessageBody", "invitedUserMessageInfo.customizedMessageBody", func(x string) error {
			return errOnly(w.svc.Invite(admin, c, directory.InviteRequest{InvitedUserEmailAddress: "g@x.example", CustomizedMessageBody: "Hello\n" + x + "there"}))
		}},
		{"EnsureEmailIdentity/Email", "email", func(x string) error { return errOnly(w.svc.EnsureEmailIdentity(w.sys, "e"+x+"@x.example")) }},
		{"ListUsers/Search", "search", func(x string) error {
			return errOnly(w.svc.ListUsers(admin, c, directory.UserQuery{Search: "ada" + x}))
		}},
		{"CountUsers/Search", "search", func(x string) error {
			return errOnly(w.svc.CountUsers(admin, c, directory.UserQuery{Search: "ada" + x, SearchIn: "displayName"}))
		}},
		{"ListUsers/Filter", "displayName", func(x string) error {
			f := directory.Or{Left: directory.Compare{Property: "mail", Op: directory.OpEq, Value: "a@x.example"},
				Right: directory.Not{X: directory.Compare{Property: "displayName", Op: directory.OpStartsWith, Value: "Ada" + x}}}
			return errOnly(w.svc.ListUsers(admin, c, directory.UserQuery{Filter: f}))
		}},
		{"ListUsers/After", "after", func(x string) error {
			return errOnly(w.svc.ListUsers(admin, c, directory.UserQuery{OrderBy: directory.OrderByDisplayName, After: &directory.User{ID: w.adaGuest.ID, DisplayName: "Ada" + x}}))
		}},
		{"ListGroups/Filter", "displayName", func(x string) error {
			return errOnly(w.svc.ListGroups(admin, c, directory.GroupQuery{Filter: directory.Compare{Property: "displayName", Op: directory.OpEq, Value: "R" + x}}))
		}},
		{"ListGroupMembers/After", "after", func(x string) error {
			return errOnly(w.svc.ListGroupMembers(admin, c, w.team.ID, directory.Page{AfterID: "a" + x}))
		}},
		{"ListAudit/Filter", "activityDisplayName", func(x string) error {
			return errOnly(w.svc.ListAudit(admin, c, directory.AuditQuery{Filter: directory.Compare{Property: "activityDisplayName", Op: directory.OpEq, Value: "Add user" + x}}))
		}},
	}
	chars := map[string]string{"NUL": "\x00", "RightToLeftOverride": "\u202e", "Bell": "\a", "MalformedUTF8": "\xff"}
	w.unchanged(func() {
		for _, f := range fields {
			t.Run(f.name, func(t *testing.T) {
				for _, name := range sortedNames(chars) {
					err := f.run(chars[name])
					if err == nil {
						t.Errorf("%s accepted", name)
						continue
					}
					if e := directory.AsError(err); e.Kind != directory.KindInvalid || e.Field != f.field || !strings.Contains(e.Message, f.field) {
						t.Errorf("%s: %v, want KindInvalid naming %s", name, err, f.field)
					}
				}
			})
		}
		// Lookups by such text find nothing: no store is asked to compare
		// with it.
		t.Run("Lookups", func(t *testing.T) {
			for _, name := range sortedNames(chars) {
				x := chars[name]
				_, err := w.svc.GetUser(admin, c, "admin"+x+"@contoso.example")
				wantKind(t, err, directory.KindNotFound)
				_, err = w.svc.GetTenantByDomain(w.sys, "contoso"+x+".example")
				wantKind(t, err, directory.KindNotFound)
				_, err = w.svc.CheckPassword(context.Background(), "admin"+x+"@contoso.example", "correct horse battery")
				wantKind(t, err, directory.KindUnauthenticated)
				_, err = w.svc.CheckPassword(context.Background(), "admin@contoso"+x+".example", "correct horse battery")
				wantKind(t, err, directory.KindUnauthenticated)
			}
		})
	})

	// A multi-line message keeps its line breaks and tabs.
	t.Run("MessageBodyKeepsLineBreaks", func(t *testing.T) {
		body := "Hello Grace,\r\n\tsee you on Monday.\nAda"
		res := must(w.svc.Invite(admin, c, directory.InviteRequest{InvitedUserEmailAddress: "grace@x.example", CustomizedMessageBody: body}))(t)
		if res.Invitation.CustomizedMessageBody != body {
			t.Errorf("message body = %q, want %q", res.Invitation.CustomizedMessageBody, body)
		}
	})
}
