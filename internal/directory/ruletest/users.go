package ruletest

import (
	"testing"
	"time"

	"github.com/orgdir/orgdir/internal/directory"
)

func testTenant(t *testing.T, ns NewStore) {
	t.Run("NewTenantHasDefaults", func(t *testing.T) {
		w := newWorld(t, ns)
		tn := must(w.svc.CreateTenant(w.sys, "  Northwind  ", "NorthWind.Example"))(t)
		if tn.DisplayName != "Northwind" || tn.InitialDomain != "northwind.example" || !directory.ValidID(tn.ID) {
			t.Errorf("tenant = %+v", tn)
		}
		if tn.Settings != directory.DefaultTenantSettings() {
			t.Errorf("settings = %+v, want defaults", tn.Settings)
		}
		got := must(w.svc.GetTenantByDomain(w.sys, "northwind.example"))(t)
		if got.ID != tn.ID {
			t.Errorf("by domain = %s", got.ID)
		}
	})

	t.Run("SettingsAreAuditedWithOldAndNewValues", func(t *testing.T) {
		w := newWorld(t, ns)
		w.clock.Advance(time.Second) // newest first: one second per change
		w.setPrivacy(w.contoso)
		w.clock.Advance(time.Second)
		must(w.svc.UpdateTenant(w.as(w.contosoAdmin), w.contoso.ID, directory.TenantPatch{AllowExternalUsersToLeave: ptr(false)}))(t)
		ev := w.audit(w.contoso.ID)
		if ev[0].Activity != directory.ActivityUpdatePolicy || len(ev[0].Targets) != 1 ||
			ev[0].Targets[0].ModifiedProperties[0].OldValue != "true" || ev[0].Targets[0].ModifiedProperties[0].NewValue != "false" {
			t.Errorf("policy audit = %+v", ev[0])
		}
		if ev[1].Activity != directory.ActivityUpdateTenant || len(ev[1].Targets[0].ModifiedProperties) != 2 {
			t.Errorf("company settings audit = %+v", ev[1])
		}
		tn := must(w.svc.GetTenant(w.as(w.contosoAdmin), w.contoso.ID))(t)
		if tn.Settings.AllowExternalUsersToLeave || tn.Settings.PrivacyContactEmail != "privacy@contoso.example" {
			t.Errorf("settings = %+v", tn.Settings)
		}
	})
}

func testUsers(t *testing.T, ns NewStore) {
	t.Run("CreateMember", func(t *testing.T) {
		w := newWorld(t, ns)
		u := must(w.svc.CreateUser(w.as(w.contosoAdmin), w.contoso.ID, directory.NewUser{
			UserPrincipalName: "bob@Contoso.example", DisplayName: " Bob ", Mail: "bob@contoso.example",
		}))(t)
		if u.UserType != directory.Member || !u.AccountEnabled || u.CreationType != "" || u.ExternalUserState != "" ||
			u.DisplayName != "Bob" || u.UserPrincipalName != "bob@contoso.example" || !u.CreatedAt.Equal(w.clock.Now()) {
			t.Errorf("member = %+v", u)
		}
		got := must(w.svc.GetUser(w.as(w.contosoAdmin), w.contoso.ID, "BOB@contoso.example"))(t)
		if got.ID != u.ID {
			t.Errorf("UPN lookup is not case-insensitive")
		}
		_, err := w.svc.CreateUser(w.as(w.contosoAdmin), w.contoso.ID, directory.NewUser{UserPrincipalName: "BOB@contoso.example", DisplayName: "Bob 2"})
		wantKind(t, err, directory.KindConflict)
		if len(w.events(w.contoso.ID, directory.ActivityAddUser, u.ID)) != 1 {
			t.Error("no Add user audit")
		}
	})

	t.Run("DisableAndEnableAreAudited", func(t *testing.T) {
		w := newWorld(t, ns)
		admin := w.as(w.contosoAdmin)
		must(w.svc.UpdateUser(admin, w.contoso.ID, w.adaGuest.ID, directory.UserPatch{AccountEnabled: ptr(false)}))(t)
		if u := w.rawUser(w.contoso.ID, w.adaGuest.ID); u.AccountEnabled {
			t.Fatal("not disabled")
		}
		must(w.svc.UpdateUser(admin, w.contoso.ID, w.adaGuest.ID, directory.UserPatch{AccountEnabled: ptr(true)}))(t)
		if len(w.events(w.contoso.ID, directory.ActivityDisableAccount, w.adaGuest.ID)) != 1 ||
			len(w.events(w.contoso.ID, directory.ActivityEnableAccount, w.adaGuest.ID)) != 1 {
			t.Error("disable/enable not audited once each")
		}
		// No change, no record.
		n := len(w.audit(w.contoso.ID))
		must(w.svc.UpdateUser(admin, w.contoso.ID, w.adaGuest.ID, directory.UserPatch{AccountEnabled: ptr(true)}))(t)
		if len(w.audit(w.contoso.ID)) != n {
			t.Error("a no-op update was audited")
		}
	})

	t.Run("UpdateRecordsOldAndNewValues", func(t *testing.T) {
		w := newWorld(t, ns)
		must(w.svc.UpdateUser(w.as(w.contosoAdmin), w.contoso.ID, w.adaGuest.ID, directory.UserPatch{DisplayName: ptr("Ada L.")}))(t)
		ev := w.events(w.contoso.ID, directory.ActivityUpdateUser, w.adaGuest.ID)
		if len(ev) != 1 {
			t.Fatalf("update audit = %+v", ev)
		}
		m := ev[0].Targets[0].ModifiedProperties
		if len(m) != 1 || m[0].OldValue != `"Ada Lovelace"` || m[0].NewValue != `"Ada L."` {
			t.Errorf("modified = %+v", m)
		}
	})

	t.Run("AdminCannotDeleteOrDisableThemselves", func(t *testing.T) {
		w := newWorld(t, ns)
		admin := w.as(w.contosoAdmin)
		w.unchanged(func() {
			wantKind(t, w.svc.DeleteUser(admin, w.contoso.ID, w.contosoAdmin.ID), directory.KindConflict)
			_, err := w.svc.UpdateUser(admin, w.contoso.ID, w.contosoAdmin.ID, directory.UserPatch{AccountEnabled: ptr(false)})
			wantKind(t, err, directory.KindConflict)
		})
	})
}

func testPassword(t *testing.T, ns NewStore) {
	t.Run("SignInChecksPassword", func(t *testing.T) {
		w := newWorld(t, ns)
		ok(t, w.svc.SetPassword(w.as(w.contosoAdmin), w.contoso.ID, w.contosoAdmin.ID, "correct horse battery"))
		u := must(w.svc.CheckPassword(w.sys, "ADMIN@contoso.example", "correct horse battery"))(t)
		if u.ID != w.contosoAdmin.ID {
			t.Errorf("signed in as %s", u.ID)
		}
		var msgs []string
		for _, c := range [][2]string{
			{"admin@contoso.example", "wrong horse battery"},
			{"nobody@contoso.example", "correct horse battery"},
			{"admin@nowhere.example", "correct horse battery"},
			{"admin@contoso.example", ""},
			{"garbage", "correct horse battery"},
			{w.ada.UserPrincipalName, "correct horse battery"}, // no password set
		} {
			_, err := w.svc.CheckPassword(w.sys, c[0], c[1])
			msgs = append(msgs, wantKind(t, err, directory.KindUnauthenticated).Message)
		}
		for _, m := range msgs[1:] {
			if m != msgs[0] {
				t.Errorf("sign-in failures differ (%q vs %q): they must not tell which part was wrong", m, msgs[0])
			}
		}
	})

	t.Run("DisabledAccountSaysSoOnlyWithRightPassword", func(t *testing.T) {
		w := newWorld(t, ns)
		w.contoso = w.setPrivacy(w.contoso)
		bob := w.member(w.contoso, "bob", "Bob")
		ok(t, w.svc.SetPassword(w.as(bob), w.contoso.ID, bob.ID, "bobs password"))
		w.disable(bob)
		e := wantKind(t, func() error { _, err := w.svc.CheckPassword(w.sys, bob.UserPrincipalName, "bobs password"); return err }(), directory.KindAccountDisabled)
		if e.Contact == nil || e.Contact.PrivacyContactEmail != "privacy@contoso.example" {
			t.Errorf("contact = %+v", e.Contact)
		}
		_, err := w.svc.CheckPassword(w.sys, bob.UserPrincipalName, "not bobs password")
		wantKind(t, err, directory.KindUnauthenticated)
	})

	t.Run("GuestsHaveNoPassword", func(t *testing.T) {
		w := newWorld(t, ns)
		wantField(t, w.svc.SetPassword(w.as(w.contosoAdmin), w.contoso.ID, w.adaGuest.ID, "guest password"), "userId")
	})

	t.Run("OthersCannotSetMyPassword", func(t *testing.T) {
		w := newWorld(t, ns)
		plain := w.member(w.contoso, "plain", "Plain")
		wantKind(t, w.svc.SetPassword(w.as(plain), w.contoso.ID, w.contosoAdmin.ID, "stolen password"), directory.KindForbidden)
		wantField(t, w.svc.SetPassword(w.as(plain), w.contoso.ID, plain.ID, "short"), "password")
	})
}
