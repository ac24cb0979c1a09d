package ruletest

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"strings"
	"testing"
	"time"

	"github.com/orgdir/orgdir/internal/directory"
)

func testInvite(t *testing.T, ns NewStore) {
	t.Run("CreatesPendingGuest", func(t *testing.T) {
		w := newWorld(t, ns)
		res := must(w.svc.Invite(w.as(w.contosoAdmin), w.contoso.ID, directory.InviteRequest{
			InvitedUserEmailAddress: "Grace.Hopper@Navy.example", InvitedUserDisplayName: "Grace Hopper",
			InviteRedirectURL: "https://apps.example/", SendInvitationMessage: true, CustomizedMessageBody: "Welcome aboard",
		}))(t)
		u := res.User
		if u.UserPrincipalName != "Grace.Hopper_Navy.example#EXT#@contoso.example" {
			t.Errorf("UPN = %s", u.UserPrincipalName)
		}
		if u.UserType != directory.Guest || !u.AccountEnabled || u.CreationType != directory.CreationTypeInvitation ||
			u.ExternalUserState != directory.PendingAcceptance || u.ExternalUserStateChangeDateTime == nil ||
			!u.ExternalUserStateChangeDateTime.Equal(w.clock.Now()) || u.Mail != "Grace.Hopper@Navy.example" || u.DisplayName != "Grace Hopper" {
			t.Errorf("guest = %+v", u)
		}
		if len(u.Identities) != 1 || u.Identities[0].Issuer != "contoso.example" {
			t.Errorf("identities before redemption = %+v, want the inviting tenant as issuer", u.Identities)
		}
		if res.Resent || res.Invitation.Status != directory.InvitationPending || res.Invitation.UserID != u.ID ||
			!res.Invitation.ExpiresAt.Equal(w.clock.Now().Add(directory.DefaultInvitationTTL)) || res.Invitation.InvitedByUserID != w.contosoAdmin.ID {
			t.Errorf("invitation = %+v", res.Invitation)
		}
		raw, err := base64.RawURLEncoding.DecodeString(res.RedeemToken)
		if err != nil || len(raw) < 32 {
			t.Errorf("token %q is not >= 32 random bytes in base64url", res.RedeemToken)
		}
		if res.RedeemURL != baseURL+"/redeem?token="+res.RedeemToken {
			t.Errorf("redeem URL = %s", res.RedeemURL)
		}
		// Only the hash is stored.
		var stored *directory.Invitation
		ok(t, w.store.Read(context.Background(), func(tx directory.Tx) error {
			var err error
			stored, err = tx.GetInvitation(context.Background(), w.contoso.ID, res.Invitation.ID)
			return err
		}))
		want := sha256.Sum256([]byte(res.RedeemToken))
		if !bytes.Equal(stored.TokenHash, want[:]) {
			t.Errorf("stored hash = %x, want SHA-256 of the token", stored.TokenHash)
		}
		if strings.Contains(jsonOf(t, stored), res.RedeemToken) || strings.Contains(jsonOf(t, w.audit(w.contoso.ID)), res.RedeemToken) ||
			strings.Contains(jsonOf(t, w.rawUser(w.contoso.ID, u.ID)), res.RedeemToken) {
			t.Error("the token itself is stored outside the invitation e-mail")
		}
		// The e-mail waits in the outbox, written in the same transaction.
		box := must(w.svc.ListOutbox(w.as(w.contosoAdmin), w.contoso.ID, directory.Page{}))(t)
		if len(box) != 1 || box[0].To != u.Mail || !strings.Contains(box[0].Body, res.RedeemURL) || !strings.Contains(box[0].Body, "Welcome aboard") {
			t.Errorf("outbox = %+v", box)
		}
		if len(w.events(w.contoso.ID, directory.ActivityInviteExternalUser, u.ID)) != 1 || len(w.events(w.contoso.ID, directory.ActivityAddUser, u.ID)) != 1 {
			t.Error("invite not audited as Invite external user and Add user")
		}
	})

	t.Run("NoMessageUnlessAsked", func(t *testing.T) {
		w := newWorld(t, ns)
		w.invite(w.contoso, "quiet@elsewhere.example")
		if box := must(w.svc.ListOutbox(w.as(w.contosoAdmin), w.contoso.ID, directory.Page{}))(t); len(box) != 0 {
			t.Errorf("outbox = %d messages, want none", len(box))
		}
	})

	t.Run("InvitedAsMember", func(t *testing.T) {
		w := newWorld(t, ns)
		res := must(w.svc.Invite(w.as(w.contosoAdmin), w.contoso.ID, directory.InviteRequest{
			InvitedUserEmailAddress: "ext@elsewhere.example", InvitedUserType: directory.Member,
		}))(t)
		if res.User.UserType != directory.Member || !res.User.External() {
			t.Errorf("external member = %+v", res.User)
		}
	})

	// As in Graph, only administrators invite someone as a Member; a
	// Guest Inviter invites guests.
	t.Run("GuestInviterCannotInviteMember", func(t *testing.T) {
		w := newWorld(t, ns)
		gi := w.as(w.member(w.contoso, "inviter", "Inviter", directory.RoleGuestInviter))
		w.unchanged(func() {
			_, err := w.svc.Invite(gi, w.contoso.ID, directory.InviteRequest{
				InvitedUserEmailAddress: "ext@elsewhere.example", InvitedUserType: directory.Member,
			})
			if e := wantKind(t, err, directory.KindForbidden); !strings.Contains(e.Message, "Member") {
				t.Errorf("refusal %q does not say what was refused", e.Message)
			}
		})
		res := must(w.svc.Invite(gi, w.contoso.ID, directory.InviteRequest{
			InvitedUserEmailAddress: "ext@elsewhere.example", InvitedUserType: directory.Guest,
		}))(t)
		if res.User.UserType != directory.Guest {
			t.Errorf("Guest Inviter's invitation made a %s", res.User.UserType)
		}
		ua := w.as(w.member(w.contoso, "ua", "User Admin", directory.RoleUserAdministrator))
		res = must(w.svc.Invite(ua, w.contoso.ID, directory.InviteRequest{
			InvitedUserEmailAddress: "ext2@elsewhere.example", InvitedUserType: directory.Member,
		}))(t)
		if res.User.UserType != directory.Member {
			t.Errorf("User Administrator's Member invitation made a %s", res.User.UserType)
		}
	})

	t.Run("ResendPendingReplacesToken", func(t *testing.T) {
		w := newWorld(t, ns)
		first := w.invite(w.contoso, "grace@mail.example")
		w.clock.Advance(time.Hour)
		second := w.invite(w.contoso, "GRACE@mail.example")
		if !second.Resent || second.User.ID != first.User.ID || second.RedeemToken == "" || second.RedeemToken == first.RedeemToken {
			t.Fatalf("resend = %+v", second)
		}
		e := must(w.svc.EnsureEmailIdentity(w.sys, "grace@mail.example"))(t)
		_, err := w.svc.Redeem(w.asEmail(e), first.RedeemToken)
		wantKind(t, err, directory.KindInvitationSuperseded)
		u := must(w.svc.Redeem(w.asEmail(e), second.RedeemToken))(t)
		if u.ID != first.User.ID || u.ExternalUserState != directory.Accepted {
			t.Errorf("redeemed = %+v", u)
		}
	})

	t.Run("ResendAcceptedReturnsUser", func(t *testing.T) {
		w := newWorld(t, ns)
		w.unchanged(func() {
			res := w.invite(w.contoso, w.ada.Mail)
			if !res.Resent || res.User.ID != w.adaGuest.ID || res.RedeemToken != "" || res.RedeemURL != "" ||
				res.Invitation == nil || res.Invitation.Status != directory.InvitationCompleted {
				t.Errorf("resend to accepted = %+v / %+v", res, res.Invitation)
			}
		})
	})

	t.Run("MemberRefused", func(t *testing.T) {
		w := newWorld(t, ns)
		w.unchanged(func() {
			for _, addr := range []string{w.contosoAdmin.Mail, strings.ToUpper(w.contosoAdmin.Mail)} {
				_, err := w.svc.Invite(w.as(w.contosoAdmin), w.contoso.ID, directory.InviteRequest{InvitedUserEmailAddress: addr})
				wantKind(t, err, directory.KindConflict)
			}
		})
	})

	t.Run("DeletedGuestGetsNewGuest", func(t *testing.T) {
		w := newWorld(t, ns)
		ok(t, w.svc.Leave(w.as(w.ada), w.contoso.ID))
		res := w.invite(w.contoso, w.ada.Mail)
		if res.Resent || res.User.ID == w.adaGuest.ID || res.User.ExternalUserState != directory.PendingAcceptance {
			t.Fatalf("re-invite after leave = %+v", res.User)
		}
		must(w.svc.GetDeletedUser(w.as(w.contosoAdmin), w.contoso.ID, w.adaGuest.ID))(t)
	})
}

func testRedeem(t *testing.T, ns NewStore) {
	t.Run("BindsHomeUser", func(t *testing.T) {
		w := newWorld(t, ns)
		u := w.adaGuest
		if u.HomeUserID != w.ada.ID || u.HomeEmailIdentityID != "" || u.ExternalUserState != directory.Accepted {
			t.Errorf("guest = %+v", u)
		}
		if len(u.Identities) != 1 || u.Identities[0].Issuer != "fabrikam.example" || u.Identities[0].IssuerAssignedID != w.ada.UserPrincipalName {
			t.Errorf("identities = %+v, want Fabrikam's", u.Identities)
		}
		ev := w.events(w.contoso.ID, directory.ActivityRedeemInvite, u.ID)
		if len(ev) != 1 || ev[0].Initiator.UserID != u.ID {
			t.Errorf("redeem audit = %+v", ev)
		}
		invs := must(w.svc.ExportUserData(w.as(w.contosoAdmin), w.contoso.ID, u.ID))(t).Memberships[0].Invitations
		if len(invs) != 1 || invs[0].Status != directory.InvitationCompleted || invs[0].RedeemedAt == nil {
			t.Errorf("invitation after redeem = %+v", invs)
		}
	})

	t.Run("BindsEmailIdentity", func(t *testing.T) {
		w := newWorld(t, ns)
		g, e := w.emailGuest(w.contoso, "grace@mail.example")
		if g.HomeEmailIdentityID != e.ID || g.HomeUserID != "" || g.ExternalUserState != directory.Accepted {
			t.Errorf("guest = %+v", g)
		}
		if len(g.Identities) != 1 || g.Identities[0].Issuer != directory.IssuerMail || g.Identities[0].IssuerAssignedID != "grace@mail.example" {
			t.Errorf("identities = %+v", g.Identities)
		}
		again := must(w.svc.EnsureEmailIdentity(w.sys, "Grace@Mail.example"))(t)
		if again.ID != e.ID {
			t.Error("EnsureEmailIdentity made a second identity for the same address")
		}
	})

	t.Run("UnknownToken", func(t *testing.T) {
		w := newWorld(t, ns)
		w.unchanged(func() {
			for _, tok := range []string{"", "nope", strings.Repeat("A", 43)} {
				_, err := w.svc.Redeem(w.as(w.ada), tok)
				wantKind(t, err, directory.KindNotFound)
				_, _, err = w.svc.LookupInvitation(context.Background(), tok)
				wantKind(t, err, directory.KindNotFound)
			}
		})
	})

	t.Run("UsedToken", func(t *testing.T) {
		w := newWorld(t, ns)
		bob := w.member(w.fabrikam, "bob", "Bob")
		res := w.invite(w.contoso, bob.Mail)
		must(w.svc.Redeem(w.as(bob), res.RedeemToken))(t)
		_, err := w.svc.Redeem(w.as(bob), res.RedeemToken)
		wantKind(t, err, directory.KindInvitationUsed)
		// Used is checked before expired.
		w.clock.Advance(60 * 24 * time.Hour)
		_, err = w.svc.Redeem(w.as(bob), res.RedeemToken)
		wantKind(t, err, directory.KindInvitationUsed)
	})

	t.Run("ExpiredToken", func(t *testing.T) {
		w := newWorld(t, ns)
		bob := w.member(w.fabrikam, "bob", "Bob")
		res := w.invite(w.contoso, bob.Mail)
		w.clock.Advance(directory.DefaultInvitationTTL - time.Second)
		inv, tn := must2(w.svc.LookupInvitation(context.Background(), res.RedeemToken))(t)
		if inv.ID != res.Invitation.ID || tn.ID != w.contoso.ID || len(inv.TokenHash) != 0 {
			t.Errorf("lookup = %+v in %s", inv, tn.DisplayName)
		}
		w.clock.Advance(time.Second)
		w.unchanged(func() {
			_, err := w.svc.Redeem(w.as(bob), res.RedeemToken)
			wantKind(t, err, directory.KindInvitationExpired)
		})
	})

	t.Run("MemberOfInvitingTenantRefused", func(t *testing.T) {
		w := newWorld(t, ns)
		res := w.invite(w.contoso, "someone@elsewhere.example")
		w.unchanged(func() {
			_, err := w.svc.Redeem(w.as(w.contosoAdmin), res.RedeemToken)
			wantKind(t, err, directory.KindConflict)
		})
	})

	t.Run("GuestAccountCannotRedeem", func(t *testing.T) {
		w := newWorld(t, ns)
		res := w.invite(w.fabrikam, "someone@elsewhere.example")
		w.unchanged(func() {
			_, err := w.svc.Redeem(w.as(w.adaGuest), res.RedeemToken)
			wantKind(t, err, directory.KindInvalid)
			_, err = w.svc.Redeem(w.sys, res.RedeemToken)
			wantKind(t, err, directory.KindInvalid)
			_, err = w.svc.Redeem(context.Background(), res.RedeemToken)
			wantKind(t, err, directory.KindUnauthenticated)
		})
	})

	t.Run("PersonAlreadyBoundRefused", func(t *testing.T) {
		w := newWorld(t, ns)
		// Ada already is a guest in Contoso; an invitation to her other
		// address (her own-domain mail, which she proved like her UPN)
		// cannot make her a second one.
		mail := "ada.lovelace@fabrikam.example"
		w.ada = must(w.svc.UpdateUser(w.as(w.fabrikamAdmin), w.fabrikam.ID, w.ada.ID, directory.UserPatch{Mail: &mail}))(t)
		res := w.invite(w.contoso, mail)
		w.unchanged(func() {
			_, err := w.svc.Redeem(w.as(w.ada), res.RedeemToken)
			wantKind(t, err, directory.KindConflict)
		})
	})

	t.Run("DisabledOrDeletedInvitedUserRefused", func(t *testing.T) {
		w := newWorld(t, ns)
		w.contoso = w.setPrivacy(w.contoso)
		bob := w.member(w.fabrikam, "bob", "Bob")
		res := w.invite(w.contoso, bob.Mail)
		w.disable(res.User)
		e := wantKind(t, func() error { _, err := w.svc.Redeem(w.as(bob), res.RedeemToken); return err }(), directory.KindAccountDisabled)
		if e.Contact == nil || e.Contact.TenantID != w.contoso.ID {
			t.Errorf("contact = %+v", e.Contact)
		}
		ok(t, w.svc.DeleteUser(w.as(w.contosoAdmin), w.contoso.ID, res.User.ID))
		_, err := w.svc.Redeem(w.as(bob), res.RedeemToken)
		wantKind(t, err, directory.KindConflict)
	})

	testRedeemByProvenAddress(t, ns)
}

// must2 is must for two results.
func must2[A, B any](a A, b B, err error) func(t *testing.T) (A, B) {
	return func(t *testing.T) (A, B) {
		t.Helper()
		if err != nil {
			t.Fatalf("unexpected error: %v", err)
		}
		return a, b
	}
}

func testOrganizations(t *testing.T, ns NewStore) {
	t.Run("HomeFirstThenGuests", func(t *testing.T) {
		w := newWorld(t, ns)
		north := must(w.svc.CreateTenant(w.sys, "Adatum", "adatum.example"))(t)
		adatumAdmin := must(w.svc.CreateUser(w.sys, north.ID, directory.NewUser{UserPrincipalName: "admin@adatum.example", DisplayName: "Adatum Admin"}))(t)
		ok(t, w.svc.AddRole(w.sys, north.ID, adatumAdmin.ID, directory.RoleGlobalAdministrator))
		res := must(w.svc.Invite(w.as(adatumAdmin), north.ID, directory.InviteRequest{InvitedUserEmailAddress: w.ada.Mail}))(t)
		must(w.svc.Redeem(w.as(w.ada), res.RedeemToken))(t)
		// A pending invitation is not an organization yet.
		w.invite(w.contoso, "ada.other@fabrikam.example")

		orgs := must(w.svc.Organizations(w.as(w.ada)))(t)
		if got := orgNames(orgs); !equalStrings(got, []string{"Fabrikam (home)", "Adatum", "Contoso"}) {
			t.Errorf("organizations = %v", got)
		}
		// Signed in to Contoso as the guest, the list is the same.
		if got := orgNames(must(w.svc.Organizations(w.as(w.adaGuest)))(t)); !equalStrings(got, []string{"Fabrikam (home)", "Adatum", "Contoso"}) {
			t.Errorf("organizations as the guest object = %v", got)
		}
	})

	t.Run("EmailPersonHasNoHome", func(t *testing.T) {
		w := newWorld(t, ns)
		_, e := w.emailGuest(w.contoso, "grace@mail.example")
		w.inviteAndRedeem(w.fabrikam, "grace@mail.example", w.asEmail(e))
		orgs := must(w.svc.Organizations(w.asEmail(e)))(t)
		if got := orgNames(orgs); !equalStrings(got, []string{"Contoso", "Fabrikam"}) {
			t.Errorf("organizations = %v", got)
		}
	})

	t.Run("SignInToTenant", func(t *testing.T) {
		w := newWorld(t, ns)
		w.contoso = w.setPrivacy(w.contoso)
		u := must(w.svc.SignInToTenant(w.as(w.ada), w.contoso.ID))(t)
		if u.ID != w.adaGuest.ID {
			t.Errorf("signed in as %s, want the guest", u.ID)
		}
		if u := must(w.svc.SignInToTenant(w.as(w.ada), w.fabrikam.ID))(t); u.ID != w.ada.ID {
			t.Errorf("home sign-in as %s", u.ID)
		}
		other := must(w.svc.CreateTenant(w.sys, "Adatum", "adatum.example"))(t)
		_, err := w.svc.SignInToTenant(w.as(w.ada), other.ID)
		wantKind(t, err, directory.KindNotFound)
		w.disable(w.adaGuest)
		_, err = w.svc.SignInToTenant(w.as(w.ada), w.contoso.ID)
		e := wantKind(t, err, directory.KindAccountDisabled)
		if e.Contact == nil || e.Contact.TenantID != w.contoso.ID || e.Contact.PrivacyContactEmail != "privacy@contoso.example" {
			t.Errorf("contact = %+v", e.Contact)
		}
	})

	testOrganizationsByProvenAddress(t, ns)
}
