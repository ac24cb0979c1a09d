package ruletest

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/orgdir/orgdir/internal/directory"
)

// testValidation pins that bad input gets KindInvalid naming the field and
// changes nothing.
func testValidation(t *testing.T, ns NewStore) {
	t.Run("EmailAddressesOneRule", func(t *testing.T) { testEmailAddressesOneRule(t, ns) })
	t.Run("ControlCharactersRefused", func(t *testing.T) { testControlCharactersRefused(t, ns) })

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

// testEmailAddressesOneRule: every place an address enters orgdir applies
// the same rule, so that no entry point takes what another refuses (a
// passcode sent to an address that sign-in then refuses would be spent
// for nothing).
func testEmailAddressesOneRule(t *testing.T, ns NewStore) {
	bad := []string{
		"a@b", "x@[127.0.0.1]", "x@127.0.0.1", strings.Repeat("l", 300) + "@x.example", strings.Repeat("l", 65) + "@x.example",
		"a..b@x.example", ".a@x.example", "a.@x.example", " a@x.example", "a@x.example ", "a b@x.example", "a\t@x.example",
		"Ada <ada@x.example>", `"ada"@x.example`, "ada@x_y.example", "ada@-x.example", "ada@localhost", "a@b@x.example",
		"ad\u00e9@x.example", "ada@b\u00fccher.example", "a\u202e@x.example", "a@" + strings.Repeat("d", 64) + ".example",
	}
	w := newWorld(t, ns)
	admin := w.as(w.contosoAdmin)
	c := w.contoso.ID
	entries := []struct {
		name, field string
		run         func(addr string) error
	}{
		{"Invite", "invitedUserEmailAddress", func(addr string) error {
			return errOnly(w.svc.Invite(admin, c, directory.InviteRequest{InvitedUserEmailAddress: addr}))
		}},
		{"CreateUserMail", "mail", func(addr string) error {
			return errOnly(w.svc.CreateUser(admin, c, directory.NewUser{UserPrincipalName: "new@contoso.example", DisplayName: "New", Mail: addr}))
		}},
		{"UpdateUserMail", "mail", func(addr string) error {
			return errOnly(w.svc.UpdateUser(admin, c, w.adaGuest.ID, directory.UserPatch{Mail: &addr}))
		}},
		{"PrivacyContactEmail", "privacyContactEmail", func(addr string) error {
			return errOnly(w.svc.UpdateTenant(admin, c, directory.TenantPatch{PrivacyContactEmail: &addr}))
		}},
		{"EnsureEmailIdentity", "email", func(addr string) error { return errOnly(w.svc.EnsureEmailIdentity(w.sys, addr)) }},
		{"PasscodeSend", "email", func(addr string) error {
			return w.svc.SendPasscode(context.Background(), addr, "192.0.2.1", directory.PasscodeMail{})
		}},
		// Refused before the store is asked, so no code is spent.
		{"PasscodeVerify", "email", func(addr string) error {
			return w.svc.VerifyPasscode(context.Background(), addr, "12345678", "192.0.2.1")
		}},
	}
	w.unchanged(func() {
		for _, e := range entries {
			t.Run(e.name, func(t *testing.T) {
				for _, addr := range bad {
					err := e.run(addr)
					if err == nil {
						t.Errorf("%q accepted", addr)
						continue
					}
					if de := directory.AsError(err); de.Kind != directory.KindInvalid || de.Field != e.field || !strings.Contains(de.Message, e.field) {
						t.Errorf("%q: %v, want KindInvalid naming %s", addr, err, e.field)
					}
				}
			})
		}
	})
	ok(t, w.store.Read(context.Background(), func(tx directory.Tx) error {
		for _, addr := range bad {
			if n, err := tx.CountOneTimeCodesSince(context.Background(), strings.ToLower(addr), epoch().Add(-time.Hour)); err != nil || n != 0 {
				t.Errorf("%d codes for %q (%v), want none", n, addr, err)
			}
		}
		return nil
	}))

	// What one entry point accepts, the others accept: a passcode sent to
	// an unusual but valid address signs in and redeems an invitation.
	t.Run("AcceptedBySendIsAcceptedBySignIn", func(t *testing.T) {
		w := newWorld(t, ns)
		addr := "O'Brien+tag.x!#$%&*/=?^_`{|}~-@Mail.xn--bcher-kva.example"
		var mailed string
		mail := directory.PasscodeMail{Echo: func(m *directory.OutboxMessage) { mailed = m.Body }}
		res := must(w.svc.Invite(w.as(w.contosoAdmin), w.contoso.ID, directory.InviteRequest{InvitedUserEmailAddress: addr}))(t)
		ok(t, w.svc.SendPasscode(context.Background(), addr, "192.0.2.1", mail))
		code := strings.TrimSpace(strings.TrimPrefix(strings.SplitN(mailed, "\n", 2)[0], "Your one-time code is"))
		ok(t, w.svc.VerifyPasscode(context.Background(), addr, code, "192.0.2.1"))
		e := must(w.svc.EnsureEmailIdentity(w.sys, addr))(t)
		u := must(w.svc.Redeem(w.asEmail(e), res.RedeemToken))(t)
		if u.ExternalUserState != directory.Accepted || !strings.EqualFold(u.Mail, addr) {
			t.Errorf("redeemed guest = %+v", u)
		}
		must(w.svc.CreateUser(w.as(w.contosoAdmin), w.contoso.ID, directory.NewUser{UserPrincipalName: "ob@contoso.example", DisplayName: "O", Mail: "x" + addr}))(t)
		must(w.svc.UpdateTenant(w.as(w.contosoAdmin), w.contoso.ID, directory.TenantPatch{PrivacyContactEmail: ptr(addr)}))(t)
	})
}
