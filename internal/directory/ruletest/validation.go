package ruletest

import (
	"strings"
	"testing"

	"github.com/orgdir/orgdir/internal/directory"
)

// testValidation pins that bad input gets KindInvalid naming the field and
// changes nothing.
func testValidation(t *testing.T, ns NewStore) {
	t.Run("TenantNameAndDomain", func(t *testing.T) {
		w := newWorld(t, ns)
		cases := []struct{ name, domain, field string }{
			{"", "new.example", "displayName"},
			{"   ", "new.example", "displayName"},
			{strings.Repeat("x", 257), "new.example", "displayName"},
			{"New", "", "initialDomain"},
			{"New", "nodot", "initialDomain"},
			{"New", "under_score.example", "initialDomain"},
			{"New", "-lead.example", "initialDomain"},
			{"New", "a..b.example", "initialDomain"},
			{"New", "spa ce.example", "initialDomain"},
			{"New", strings.Repeat("a", 250) + ".example", "initialDomain"},
		}
		w.unchanged(func() {
			for _, c := range cases {
				_, err := w.svc.CreateTenant(w.sys, c.name, c.domain)
				wantField(t, err, c.field)
			}
		})
		if ts := must(w.svc.ListTenants(w.sys))(t); len(ts) != 2 {
			t.Errorf("%d tenants after bad input, want 2", len(ts))
		}
		_, err := w.svc.CreateTenant(w.sys, "Contoso Again", "CONTOSO.example")
		wantKind(t, err, directory.KindConflict)
	})

	t.Run("RetentionOutOfRange", func(t *testing.T) {
		w := newWorld(t, ns)
		w.unchanged(func() {
			for _, days := range []int{0, -1, 366, 10000} {
				_, err := w.svc.UpdateTenant(w.as(w.contosoAdmin), w.contoso.ID, directory.TenantPatch{RetentionDays: ptr(days), DisplayName: ptr("Renamed")})
				wantField(t, err, "retentionDays")
			}
		})
		for _, days := range []int{1, 365} {
			got := must(w.svc.UpdateTenant(w.as(w.contosoAdmin), w.contoso.ID, directory.TenantPatch{RetentionDays: ptr(days)}))(t)
			if got.Settings.RetentionDays != days {
				t.Errorf("retention = %d, want %d", got.Settings.RetentionDays, days)
			}
		}
	})

	t.Run("PrivacyProfile", func(t *testing.T) {
		w := newWorld(t, ns)
		admin := w.as(w.contosoAdmin)
		w.unchanged(func() {
			for _, bad := range []string{"not-mail", "Privacy <p@contoso.example>", "p@localhost"} {
				_, err := w.svc.UpdateTenant(admin, w.contoso.ID, directory.TenantPatch{PrivacyContactEmail: ptr(bad)})
				wantField(t, err, "privacyContactEmail")
			}
			for _, bad := range []string{"ftp://contoso.example/p", "/privacy", "https://", "https://contoso.example/" + strings.Repeat("p", 240)} {
				_, err := w.svc.UpdateTenant(admin, w.contoso.ID, directory.TenantPatch{PrivacyStatementURL: ptr(bad)})
				wantField(t, err, "privacyStatementUrl")
			}
			// Entra: the leave policy needs privacy information first.
			_, err := w.svc.UpdateTenant(admin, w.contoso.ID, directory.TenantPatch{AllowExternalUsersToLeave: ptr(false)})
			wantField(t, err, "allowExternalUsersToLeave")
		})
		w.setPrivacy(w.contoso)
		must(w.svc.UpdateTenant(admin, w.contoso.ID, directory.TenantPatch{AllowExternalUsersToLeave: ptr(false)}))(t)
		w.unchanged(func() {
			_, err := w.svc.UpdateTenant(admin, w.contoso.ID, directory.TenantPatch{PrivacyContactEmail: ptr(""), PrivacyStatementURL: ptr("")})
			wantField(t, err, "privacyContactEmail")
		})
	})

	t.Run("UserInput", func(t *testing.T) {
		w := newWorld(t, ns)
		admin := w.as(w.contosoAdmin)
		cases := []struct {
			nu    directory.NewUser
			field string
		}{
			{directory.NewUser{UserPrincipalName: "x@contoso.example", DisplayName: ""}, "displayName"},
			{directory.NewUser{UserPrincipalName: "x@contoso.example", DisplayName: strings.Repeat("é", 257)}, "displayName"},
			{directory.NewUser{UserPrincipalName: "x@fabrikam.example", DisplayName: "X"}, "userPrincipalName"},
			{directory.NewUser{UserPrincipalName: "x", DisplayName: "X"}, "userPrincipalName"},
			{directory.NewUser{UserPrincipalName: "x y@contoso.example", DisplayName: "X"}, "userPrincipalName"},
			{directory.NewUser{UserPrincipalName: "x#EXT#@contoso.example", DisplayName: "X"}, "userPrincipalName"},
			{directory.NewUser{UserPrincipalName: "x@contoso.example", DisplayName: "X", Mail: "x@"}, "mail"},
			{directory.NewUser{UserPrincipalName: "x@contoso.example", DisplayName: "X", Password: "short"}, "password"},
		}
		w.unchanged(func() {
			for _, c := range cases {
				_, err := w.svc.CreateUser(admin, w.contoso.ID, c.nu)
				wantField(t, err, c.field)
			}
			_, err := w.svc.UpdateUser(admin, w.contoso.ID, w.adaGuest.ID, directory.UserPatch{DisplayName: ptr(" ")})
			wantField(t, err, "displayName")
			_, err = w.svc.UpdateUser(admin, w.contoso.ID, w.adaGuest.ID, directory.UserPatch{Mail: ptr("bad mail@x.example")})
			wantField(t, err, "mail")
			_, err = w.svc.CreateGroup(admin, w.contoso.ID, "", "")
			wantField(t, err, "displayName")
			_, err = w.svc.CreateApplication(admin, w.contoso.ID, "App", []directory.AppRole{{ID: "nope", DisplayName: "R"}})
			wantField(t, err, "appRoles[0].id")
			_, err = w.svc.CreateApplication(admin, w.contoso.ID, "App", []directory.AppRole{{DisplayName: ""}})
			wantField(t, err, "appRoles[0].displayName")
			_, err = w.svc.ListUsers(admin, w.contoso.ID, directory.UserQuery{Limit: 1000})
			wantField(t, err, "limit")
			_, err = w.svc.ListUsers(admin, w.contoso.ID, directory.UserQuery{OrderBy: "mail"})
			wantField(t, err, "orderBy")
			wantField(t, w.svc.AddRole(admin, w.contoso.ID, w.adaGuest.ID, "Emperor"), "role")
		})
	})

	t.Run("InviteInput", func(t *testing.T) {
		w := newWorld(t, ns)
		admin := w.as(w.contosoAdmin)
		cases := []struct {
			r     directory.InviteRequest
			field string
		}{
			{directory.InviteRequest{}, "invitedUserEmailAddress"},
			{directory.InviteRequest{InvitedUserEmailAddress: "not-an-email"}, "invitedUserEmailAddress"},
			{directory.InviteRequest{InvitedUserEmailAddress: "Ada <ada@x.example>"}, "invitedUserEmailAddress"},
			{directory.InviteRequest{InvitedUserEmailAddress: "<ada@x.example>"}, "invitedUserEmailAddress"},
			{directory.InviteRequest{InvitedUserEmailAddress: "ada@localhost"}, "invitedUserEmailAddress"},
			{directory.InviteRequest{InvitedUserEmailAddress: "ada@x_y.example"}, "invitedUserEmailAddress"},
			{directory.InviteRequest{InvitedUserEmailAddress: "ada@x.example", InviteRedirectURL: "javascript:alert(1)"}, "inviteRedirectUrl"},
			{directory.InviteRequest{InvitedUserEmailAddress: "ada@x.example", InvitedUserType: "Owner"}, "invitedUserType"},
			{directory.InviteRequest{InvitedUserEmailAddress: "ada@x.example", InvitedUserDisplayName: strings.Repeat("n", 257)}, "invitedUserDisplayName"},
		}
		w.unchanged(func() {
			for _, c := range cases {
				_, err := w.svc.Invite(admin, w.contoso.ID, c.r)
				wantField(t, err, c.field)
			}
		})
	})

	t.Run("UnknownOrMalformedIDIsNotFound", func(t *testing.T) {
		w := newWorld(t, ns)
		admin := w.as(w.contosoAdmin)
		c := w.contoso.ID
		w.unchanged(func() {
			for _, id := range []string{directory.NewID(), "123", "", "'; drop table users; --"} {
				_, err := w.svc.GetUser(admin, c, id)
				wantKind(t, err, directory.KindNotFound)
				wantKind(t, w.svc.DeleteUser(admin, c, id), directory.KindNotFound)
				_, err = w.svc.UpdateUser(admin, c, id, directory.UserPatch{DisplayName: ptr("X")})
				wantKind(t, err, directory.KindNotFound)
				_, err = w.svc.GetGroup(admin, c, id)
				wantKind(t, err, directory.KindNotFound)
				wantKind(t, w.svc.AddGroupMember(admin, c, w.team.ID, id), directory.KindNotFound)
				wantKind(t, w.svc.AddGroupMember(admin, c, id, w.adaGuest.ID), directory.KindNotFound)
				_, err = w.svc.AssignAppRole(admin, c, w.adaGuest.ID, id, "")
				wantKind(t, err, directory.KindNotFound)
				_, err = w.svc.GetDeletedUser(admin, c, id)
				wantKind(t, err, directory.KindNotFound)
				_, err = w.svc.GetAudit(admin, c, id)
				wantKind(t, err, directory.KindNotFound)
				_, err = w.svc.GetTenant(w.sys, id)
				wantKind(t, err, directory.KindNotFound)
				_, err = w.svc.ListUsers(w.sys, id, directory.UserQuery{})
				wantKind(t, err, directory.KindNotFound)
			}
		})
	})
}
