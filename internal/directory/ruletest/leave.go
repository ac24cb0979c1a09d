package ruletest

import (
	"testing"
	"time"

	"github.com/orgdir/orgdir/internal/directory"
)

func testLeave(t *testing.T, ns NewStore) {
	t.Run("GuestLeavesAndIsSoftDeleted", func(t *testing.T) {
		w := newWorld(t, ns)
		before := w.holdings(w.contoso.ID, w.adaGuest.ID)
		ok(t, w.svc.Leave(w.as(w.ada), w.contoso.ID))

		u := w.rawUser(w.contoso.ID, w.adaGuest.ID)
		if u == nil || !u.Deleted() {
			t.Fatalf("guest after leave = %+v, want soft-deleted", u)
		}
		if !u.DeletedAt.Equal(w.clock.Now()) {
			t.Errorf("DeletedAt = %v, want %v", u.DeletedAt, w.clock.Now())
		}
		if want := w.clock.Now().Add(30 * 24 * time.Hour); !u.PurgeAt.Equal(want) {
			t.Errorf("PurgeAt = %v, want %v (30 days)", u.PurgeAt, want)
		}
		if got := w.holdings(w.contoso.ID, w.adaGuest.ID); !equalStrings(got, before) {
			t.Errorf("holdings after leave = %v, want kept %v", got, before)
		}
		_, err := w.svc.GetUser(w.as(w.contosoAdmin), w.contoso.ID, w.adaGuest.ID)
		wantKind(t, err, directory.KindNotFound)
		deleted := must(w.svc.ListUsers(w.as(w.contosoAdmin), w.contoso.ID, directory.UserQuery{Deleted: true}))(t)
		if len(deleted) != 1 || deleted[0].ID != w.adaGuest.ID {
			t.Errorf("Deleted users = %v, want only Ada's guest", ids(deleted))
		}
		members := must(w.svc.ListGroupMembers(w.as(w.contosoAdmin), w.contoso.ID, w.team.ID, directory.Page{}))(t)
		if len(members) != 0 {
			t.Errorf("group members after leave = %v, want none shown", ids(members))
		}
		orgs := must(w.svc.Organizations(w.as(w.ada)))(t)
		if len(orgs) != 1 || orgs[0].Tenant.ID != w.fabrikam.ID {
			t.Errorf("organizations after leave = %v, want Fabrikam only", orgNames(orgs))
		}
		ev := w.events(w.contoso.ID, directory.ActivityLeaveOrganization, w.adaGuest.ID)
		if len(ev) != 1 || ev[0].Result != directory.ResultSuccess || ev[0].Initiator.UserID != w.adaGuest.ID {
			t.Errorf("leave audit = %+v, want one success initiated by the guest", ev)
		}
	})

	t.Run("AsGuestObjectInTenant", func(t *testing.T) {
		w := newWorld(t, ns)
		ok(t, w.svc.Leave(w.as(w.adaGuest), w.contoso.ID))
		if u := w.rawUser(w.contoso.ID, w.adaGuest.ID); !u.Deleted() {
			t.Fatal("guest not deleted")
		}
	})

	t.Run("EmailGuestLeaves", func(t *testing.T) {
		w := newWorld(t, ns)
		g, e := w.emailGuest(w.contoso, "grace@mail.example")
		ok(t, w.svc.Leave(w.asEmail(e), w.contoso.ID))
		if u := w.rawUser(w.contoso.ID, g.ID); !u.Deleted() {
			t.Fatal("guest not deleted")
		}
	})

	t.Run("UsesTenantRetention", func(t *testing.T) {
		w := newWorld(t, ns)
		days := 7
		must(w.svc.UpdateTenant(w.as(w.contosoAdmin), w.contoso.ID, directory.TenantPatch{RetentionDays: &days}))(t)
		ok(t, w.svc.Leave(w.as(w.ada), w.contoso.ID))
		u := w.rawUser(w.contoso.ID, w.adaGuest.ID)
		if want := w.clock.Now().Add(7 * 24 * time.Hour); !u.PurgeAt.Equal(want) {
			t.Errorf("PurgeAt = %v, want %v", u.PurgeAt, want)
		}
	})

	t.Run("NotInTenant", func(t *testing.T) {
		w := newWorld(t, ns)
		w.unchanged(func() {
			wantKind(t, w.svc.Leave(w.as(w.contosoAdmin), w.fabrikam.ID), directory.KindNotFound)
			wantKind(t, w.svc.Leave(w.as(w.ada), directory.NewID()), directory.KindNotFound)
		})
	})

	t.Run("AfterLeavingCannotAct", func(t *testing.T) {
		w := newWorld(t, ns)
		ok(t, w.svc.Leave(w.as(w.ada), w.contoso.ID))
		_, err := w.svc.GetUser(w.as(w.adaGuest), w.contoso.ID, w.adaGuest.ID)
		wantKind(t, err, directory.KindUnauthenticated)
		_, err = w.svc.SignInToTenant(w.as(w.ada), w.contoso.ID)
		wantKind(t, err, directory.KindNotFound)
		wantKind(t, w.svc.Leave(w.as(w.ada), w.contoso.ID), directory.KindNotFound)
	})

	// refusal checks one refused leave: its kind, the contact it carries,
	// nothing changed but one failure record in the resource tenant.
	refusal := func(t *testing.T, w *world, ctxUser *directory.User, kind directory.Kind, contact *directory.Tenant) {
		t.Helper()
		before := len(w.events(w.contoso.ID, directory.ActivityLeaveOrganization, w.adaGuest.ID))
		userBefore := w.rawUser(w.contoso.ID, w.adaGuest.ID)
		e := wantKind(t, w.svc.Leave(w.as(ctxUser), w.contoso.ID), kind)
		if e.Contact == nil || e.Contact.TenantID != contact.ID || e.Contact.PrivacyContactEmail != contact.Settings.PrivacyContactEmail ||
			e.Contact.PrivacyStatementURL != contact.Settings.PrivacyStatementURL || e.Contact.TenantName != contact.DisplayName {
			t.Errorf("contact = %+v, want %s's with privacy %q", e.Contact, contact.DisplayName, contact.Settings.PrivacyContactEmail)
		}
		if after := w.rawUser(w.contoso.ID, w.adaGuest.ID); after.Deleted() || !sameUser(after, userBefore) {
			t.Errorf("guest changed by a refused leave: %+v", after)
		}
		ev := w.events(w.contoso.ID, directory.ActivityLeaveOrganization, w.adaGuest.ID)
		if len(ev) != before+1 || ev[0].Result != directory.ResultFailure || ev[0].ResultReason != kind.String() {
			t.Errorf("refused leave audit = %+v, want one failure %s", ev, kind)
		}
	}

	t.Run("HomeOrganization", func(t *testing.T) {
		w := newWorld(t, ns)
		fab := w.setPrivacy(w.fabrikam)
		e := wantKind(t, w.svc.Leave(w.as(w.ada), w.fabrikam.ID), directory.KindLeaveHomeOrganization)
		if e.Contact == nil || e.Contact.TenantID != fab.ID || e.Contact.PrivacyContactEmail != fab.Settings.PrivacyContactEmail {
			t.Errorf("contact = %+v, want Fabrikam's", e.Contact)
		}
		if u := w.rawUser(w.fabrikam.ID, w.ada.ID); u.Deleted() {
			t.Error("home user deleted")
		}
	})

	t.Run("NotGuest", func(t *testing.T) {
		w := newWorld(t, ns)
		w.contoso = w.setPrivacy(w.contoso)
		bob := w.member(w.fabrikam, "bob", "Bob Builder")
		res := must(w.svc.Invite(w.as(w.contosoAdmin), w.contoso.ID, directory.InviteRequest{
			InvitedUserEmailAddress: bob.Mail, InvitedUserType: directory.Member,
		}))(t)
		ext := must(w.svc.Redeem(w.as(bob), res.RedeemToken))(t)
		e := wantKind(t, w.svc.Leave(w.as(bob), w.contoso.ID), directory.KindLeaveNotGuest)
		if e.Contact == nil || e.Contact.TenantID != w.contoso.ID || e.Contact.PrivacyContactEmail == "" {
			t.Errorf("contact = %+v, want Contoso's with its privacy contact", e.Contact)
		}
		if u := w.rawUser(w.contoso.ID, ext.ID); u.Deleted() {
			t.Error("external member deleted")
		}
	})

	t.Run("NotGuestAsTheObjectItselfIsRefusedAndAudited", func(t *testing.T) {
		w := newWorld(t, ns)
		bob := w.member(w.fabrikam, "bob", "Bob Builder")
		res := must(w.svc.Invite(w.as(w.contosoAdmin), w.contoso.ID, directory.InviteRequest{
			InvitedUserEmailAddress: bob.Mail, InvitedUserType: directory.Member,
		}))(t)
		ext := must(w.svc.Redeem(w.as(bob), res.RedeemToken))(t)
		// Even disabled at home, what the person is comes first.
		w.disable(bob)
		wantKind(t, w.svc.Leave(w.as(ext), w.contoso.ID), directory.KindLeaveNotGuest)
		if u := w.rawUser(w.contoso.ID, ext.ID); u.Deleted() {
			t.Error("external member deleted")
		}
		ev := w.events(w.contoso.ID, directory.ActivityLeaveOrganization, ext.ID)
		if len(ev) != 1 || ev[0].Result != directory.ResultFailure || ev[0].ResultReason != directory.KindLeaveNotGuest.String() {
			t.Errorf("refused leave audit = %+v", ev)
		}
	})

	t.Run("MemberWhoIsAGuestElsewhereCannotLeaveHome", func(t *testing.T) {
		w := newWorld(t, ns)
		wantKind(t, w.svc.Leave(w.as(w.contosoAdmin), w.contoso.ID), directory.KindLeaveHomeOrganization)
		if u := w.rawUser(w.contoso.ID, w.contosoAdmin.ID); u.Deleted() {
			t.Error("a member left their home organization")
		}
	})

	t.Run("DisabledAtHome", func(t *testing.T) {
		w := newWorld(t, ns)
		w.fabrikam = w.setPrivacy(w.fabrikam)
		w.disable(w.ada)
		refusal(t, w, w.ada, directory.KindLeaveDisabledAtHome, w.fabrikam)
		// Also when the guest object itself asks.
		e := wantKind(t, w.svc.Leave(w.as(w.adaGuest), w.contoso.ID), directory.KindLeaveDisabledAtHome)
		if e.Contact == nil || e.Contact.TenantID != w.fabrikam.ID {
			t.Errorf("contact = %+v, want Fabrikam's", e.Contact)
		}
	})

	t.Run("DisabledInTenant", func(t *testing.T) {
		w := newWorld(t, ns)
		w.contoso = w.setPrivacy(w.contoso)
		w.disable(w.adaGuest)
		refusal(t, w, w.ada, directory.KindLeaveDisabledInTenant, w.contoso)
	})

	t.Run("DisabledInTenantWithoutPrivacyInfo", func(t *testing.T) {
		w := newWorld(t, ns)
		w.disable(w.adaGuest)
		refusal(t, w, w.ada, directory.KindLeaveDisabledInTenant, w.contoso)
	})

	t.Run("PolicyOff", func(t *testing.T) {
		w := newWorld(t, ns)
		w.setPrivacy(w.contoso)
		w.contoso = must(w.svc.UpdateTenant(w.as(w.contosoAdmin), w.contoso.ID, directory.TenantPatch{AllowExternalUsersToLeave: ptr(false)}))(t)
		refusal(t, w, w.ada, directory.KindLeavePolicyOff, w.contoso)
	})

	t.Run("OrderDisabledAtHomeBeforeDisabledInTenantBeforePolicy", func(t *testing.T) {
		w := newWorld(t, ns)
		w.setPrivacy(w.contoso)
		must(w.svc.UpdateTenant(w.as(w.contosoAdmin), w.contoso.ID, directory.TenantPatch{AllowExternalUsersToLeave: ptr(false)}))(t)
		w.disable(w.adaGuest)
		wantKind(t, w.svc.Leave(w.as(w.ada), w.contoso.ID), directory.KindLeaveDisabledInTenant)
		w.disable(w.ada)
		wantKind(t, w.svc.Leave(w.as(w.ada), w.contoso.ID), directory.KindLeaveDisabledAtHome)
	})

	t.Run("SystemCannotLeave", func(t *testing.T) {
		w := newWorld(t, ns)
		wantKind(t, w.svc.Leave(w.sys, w.contoso.ID), directory.KindInvalid)
	})
}

func sameUser(a, b *directory.User) bool {
	return a.ID == b.ID && a.AccountEnabled == b.AccountEnabled && a.UserPrincipalName == b.UserPrincipalName &&
		a.DisplayName == b.DisplayName && a.Deleted() == b.Deleted()
}

func ids(users []*directory.User) []string {
	var out []string
	for _, u := range users {
		out = append(out, u.ID)
	}
	return out
}

func orgNames(orgs []directory.Organization) []string {
	var out []string
	for _, o := range orgs {
		n := o.Tenant.DisplayName
		if o.Home {
			n += " (home)"
		}
		out = append(out, n)
	}
	return out
}

func equalStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
