package ruletest

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/orgdir/orgdir/internal/directory"
)

// The rule of proven addresses (security review, items 1 and 2): nothing
// ties a person to another tenant's objects by an address an administrator
// typed. An invitation is redeemed only by the person whose proven address
// (a member's userPrincipalName, their mail when it is in their own
// tenant's domain, or a passcode-verified e-mail identity) it was sent to,
// and only bindings made so count across tenants.

// typedMailMember is what Fabrikam's administrator can make: a member whose
// mail, typed freely, is someone else's address elsewhere.
func (w *world) typedMailMember(local, mail string) *directory.User {
	w.t.Helper()
	return must(w.svc.CreateUser(w.as(w.fabrikamAdmin), w.fabrikam.ID, directory.NewUser{
		UserPrincipalName: local + "@" + w.fabrikam.InitialDomain, DisplayName: "Mallory " + local, Mail: mail,
	}))(w.t)
}

// invitedWithHoldings invites addr into Contoso with a message and puts the
// pending guest in the Research group with the notebook's Reader role, as
// an admin prepares a guest before it accepts.
func (w *world) invitedWithHoldings(addr string) *directory.InviteResult {
	w.t.Helper()
	admin := w.as(w.contosoAdmin)
	res := must(w.svc.Invite(admin, w.contoso.ID, directory.InviteRequest{
		InvitedUserEmailAddress: addr, InviteRedirectURL: "https://apps.example/", SendInvitationMessage: true,
		CustomizedMessageBody: "Secret project Falcon starts Monday",
	}))(w.t)
	ok(w.t, w.svc.AddGroupMember(admin, w.contoso.ID, w.team.ID, res.User.ID))
	must(w.svc.AssignAppRole(admin, w.contoso.ID, res.User.ID, w.app.ID, w.app.AppRoles[0].ID))(w.t)
	return res
}

// wantOtherAddress fails unless err refuses an invitation for addr as
// being for another address, naming it only masked.
func wantOtherAddress(t *testing.T, err error, addr string) {
	t.Helper()
	e := wantKind(t, err, directory.KindInvitationOtherAddress)
	local, domain, _ := strings.Cut(addr, "@")
	if strings.Contains(strings.ToLower(e.Message), strings.ToLower(addr)) {
		t.Errorf("the refusal reveals the invited address: %q", e.Message)
	}
	if masked := local[:1] + "***@" + domain; !strings.Contains(e.Message, masked) {
		t.Errorf("the refusal %q does not give the hint %q", e.Message, masked)
	}
	if !strings.Contains(e.Message, "another e-mail address") {
		t.Errorf("the refusal %q does not say the invitation is for another address", e.Message)
	}
}

func testRedeemByProvenAddress(t *testing.T, ns NewStore) {
	t.Run("OtherAddressRefused", func(t *testing.T) {
		w := newWorld(t, ns)
		res := w.invitedWithHoldings("grace@mail.example")
		bob := w.member(w.fabrikam, "bob", "Bob")
		mallory := must(w.svc.EnsureEmailIdentity(w.sys, "mallory@mail.example"))(t)
		w.unchangedButAudit(func() {
			for _, as := range []context.Context{w.as(bob), w.asEmail(mallory)} {
				wantOtherAddress(t, w.svc.CheckRedeemer(as, res.RedeemToken), "grace@mail.example")
				_, err := w.svc.Redeem(as, res.RedeemToken)
				wantOtherAddress(t, err, "grace@mail.example")
			}
		})
		// Each refusal is in Contoso's audit log, as a failure naming who
		// tried; no redemption succeeded.
		ev := w.events(w.contoso.ID, directory.ActivityRedeemInvite, res.User.ID)
		if len(ev) != 2 {
			t.Fatalf("redeem audit = %+v, want two refusals", ev)
		}
		for _, e := range ev {
			if e.Result != directory.ResultFailure || e.ResultReason != directory.KindInvitationOtherAddress.String() {
				t.Errorf("refusal audited as %s (%s)", e.Result, e.ResultReason)
			}
		}
		// Both at one instant of the fixed clock: their order is the ids'.
		if a, b := ev[0].Initiator.UserID, ev[1].Initiator.UserID; a != bob.ID && b != bob.ID {
			t.Errorf("the refusals name %+v and %+v, neither Bob", ev[0].Initiator, ev[1].Initiator)
		}
		// The link still works for the person it was sent to.
		grace := must(w.svc.EnsureEmailIdentity(w.sys, "Grace@Mail.example"))(t)
		ok(t, w.svc.CheckRedeemer(w.asEmail(grace), res.RedeemToken))
		g := must(w.svc.Redeem(w.asEmail(grace), res.RedeemToken))(t)
		if g.ID != res.User.ID || g.HomeEmailIdentityID != grace.ID {
			t.Errorf("redeemed = %+v", g)
		}
	})

	t.Run("AdminTypedMailRefused", func(t *testing.T) {
		// The repro of the review: Fabrikam's admin types Contoso's invited
		// address as a member's mail; that member holds the link.
		w := newWorld(t, ns)
		res := w.invitedWithHoldings("grace@mail.example")
		mallory := w.typedMailMember("mallory", "grace@mail.example")
		w.unchangedButAudit(func() {
			_, err := w.svc.Redeem(w.as(mallory), res.RedeemToken)
			wantOtherAddress(t, err, "grace@mail.example")
		})
		if g := w.rawUser(w.contoso.ID, res.User.ID); g.HomeUserID != "" || g.ExternalUserState != directory.PendingAcceptance {
			t.Errorf("guest after the refusal = %+v", g)
		}
	})

	t.Run("ReinvitedLinkHandedToOutsiderRefused", func(t *testing.T) {
		// A Guest Inviter re-invites a pending guest: the fresh link is the
		// only one that works, and it works only for the invitee.
		w := newWorld(t, ns)
		inviter := w.member(w.contoso, "inviter", "Ivy Inviter", directory.RoleGuestInviter)
		first := w.invitedWithHoldings("grace@mail.example")
		w.clock.Advance(time.Minute)
		again := must(w.svc.Invite(w.as(inviter), w.contoso.ID, directory.InviteRequest{InvitedUserEmailAddress: "grace@mail.example"}))(t)
		if !again.Resent || again.User.ID != first.User.ID {
			t.Fatalf("re-invite = %+v", again)
		}
		outsider := w.member(w.fabrikam, "eve", "Eve")
		w.unchangedButAudit(func() {
			_, err := w.svc.Redeem(w.as(outsider), again.RedeemToken)
			wantOtherAddress(t, err, "grace@mail.example")
		})
		if h := w.holdings(w.contoso.ID, first.User.ID); len(h) != 2 {
			t.Errorf("pre-assigned holdings = %v", h)
		}
		grace := must(w.svc.EnsureEmailIdentity(w.sys, "grace@mail.example"))(t)
		_, err := w.svc.Redeem(w.asEmail(grace), first.RedeemToken)
		wantKind(t, err, directory.KindInvitationSuperseded)
		must(w.svc.Redeem(w.asEmail(grace), again.RedeemToken))(t)
	})

	t.Run("HomeUserWithMatchingUPN", func(t *testing.T) {
		// Bob's mail was typed to an address of another domain: his
		// userPrincipalName still counts, the typed mail does not.
		w := newWorld(t, ns)
		bob := w.typedMailMember("bob", "robert@elsewhere.example")
		res := w.invite(w.contoso, "Bob@FABRIKAM.example")
		g := must(w.svc.Redeem(w.as(bob), res.RedeemToken))(t)
		if g.HomeUserID != bob.ID || g.ExternalUserState != directory.Accepted {
			t.Errorf("guest = %+v", g)
		}
		adatum := must(w.svc.CreateTenant(w.sys, "Adatum", "adatum.example"))(t)
		adatumAdmin := must(w.svc.CreateUser(w.sys, adatum.ID, directory.NewUser{UserPrincipalName: "admin@adatum.example", DisplayName: "Adatum Admin"}))(t)
		ok(t, w.svc.AddRole(w.sys, adatum.ID, adatumAdmin.ID, directory.RoleGlobalAdministrator))
		typed := must(w.svc.Invite(w.as(adatumAdmin), adatum.ID, directory.InviteRequest{InvitedUserEmailAddress: "robert@elsewhere.example"}))(t)
		_, err := w.svc.Redeem(w.as(bob), typed.RedeemToken)
		wantOtherAddress(t, err, "robert@elsewhere.example")
	})

	t.Run("HomeUserWithMailInOwnDomain", func(t *testing.T) {
		// A mail in the member's own tenant's domain is the tenant's to
		// give, like the userPrincipalName.
		w := newWorld(t, ns)
		bob := w.typedMailMember("bob", "robert.b@fabrikam.example")
		res := w.invite(w.contoso, "robert.b@fabrikam.example")
		g := must(w.svc.Redeem(w.as(bob), res.RedeemToken))(t)
		if g.HomeUserID != bob.ID {
			t.Errorf("guest = %+v", g)
		}
	})

	t.Run("SupersededLinkSaysSuperseded", func(t *testing.T) {
		w := newWorld(t, ns)
		first := w.invite(w.contoso, "grace@mail.example")
		w.clock.Advance(time.Hour)
		second := w.invite(w.contoso, "grace@mail.example")
		grace := must(w.svc.EnsureEmailIdentity(w.sys, "grace@mail.example"))(t)
		check := func() {
			t.Helper()
			_, _, err := w.svc.LookupInvitation(context.Background(), first.RedeemToken)
			e := wantKind(t, err, directory.KindInvitationSuperseded)
			if !strings.Contains(e.Message, "superseded by a newer invitation") || strings.Contains(e.Message, "expired") {
				t.Errorf("message = %q", e.Message)
			}
			_, err = w.svc.Redeem(w.asEmail(grace), first.RedeemToken)
			wantKind(t, err, directory.KindInvitationSuperseded)
		}
		w.unchanged(check)
		// Kept as it was, but marked: its own expiry is not rewritten.
		invs := must(w.svc.ExportUserData(w.as(w.contosoAdmin), w.contoso.ID, first.User.ID))(t).Memberships[0].Invitations
		if len(invs) != 2 || invs[0].ID != first.Invitation.ID || invs[0].SupersededAt == nil || !invs[0].SupersededAt.Equal(second.Invitation.CreatedAt) ||
			!invs[0].ExpiresAt.Equal(first.Invitation.ExpiresAt) || invs[1].SupersededAt != nil {
			t.Errorf("invitations = %+v, %+v", invs[0], invs[1])
		}
		// Superseded says so even once it would have expired.
		w.clock.Advance(directory.DefaultInvitationTTL)
		check()
		w.clock.Set(second.Invitation.CreatedAt.Add(time.Minute))
		must(w.svc.Redeem(w.asEmail(grace), second.RedeemToken))(t)
		_, err := w.svc.Redeem(w.asEmail(grace), first.RedeemToken)
		wantKind(t, err, directory.KindInvitationSuperseded)
	})

	t.Run("ConcurrentTwoInvitationsOneWins", func(t *testing.T) {
		// Bob's userPrincipalName and his own-domain mail were both invited
		// into Contoso; he opens both links at the same moment.
		w := newWorld(t, ns)
		const rounds = 6
		for i := range rounds {
			bob := w.typedMailMember(fmt.Sprintf("bob%d", i), fmt.Sprintf("robert%d@fabrikam.example", i))
			a := w.invite(w.contoso, bob.UserPrincipalName)
			b := w.invite(w.contoso, bob.Mail)
			var errs [2]error
			var wg sync.WaitGroup
			start := make(chan struct{})
			for j, tok := range []string{a.RedeemToken, b.RedeemToken} {
				wg.Add(1)
				go func() {
					defer wg.Done()
					<-start
					_, errs[j] = w.svc.Redeem(w.as(bob), tok)
				}()
			}
			close(start)
			wg.Wait()
			w.wantOneBinding(fmt.Sprintf("round %d", i), bob, errs[:], a.User.ID, b.User.ID)
		}
	})

	t.Run("StoreRefusesASecondBindingTheCheckMissed", func(t *testing.T) {
		// The rule is the store's, not only Redeem's check: with the check
		// blinded (as a concurrent redemption not yet committed would blind
		// it, on a store that does not serialize the two), the second
		// binding of Bob into Contoso is still refused.
		w := newWorld(t, ns)
		bob := w.typedMailMember("bob", "robert@fabrikam.example")
		a := w.invite(w.contoso, bob.UserPrincipalName)
		b := w.invite(w.contoso, bob.Mail)
		_, errA := w.svc.Redeem(w.as(bob), a.RedeemToken)
		blind := directory.NewService(blindStore{w.store}, directory.Options{Clock: w.clock.Now, PublicBaseURL: baseURL, PasswordHasher: plainHasher{}})
		_, errB := blind.Redeem(w.as(bob), b.RedeemToken)
		w.wantOneBinding("blind check", bob, []error{errA, errB}, a.User.ID, b.User.ID)
		if errA != nil {
			t.Fatalf("the first redemption failed: %v", errA)
		}
		if ev := w.events(w.contoso.ID, directory.ActivityRedeemInvite, b.User.ID); len(ev) != 0 {
			t.Errorf("the refused binding was audited: %+v", ev)
		}
	})
}

// wantOneBinding fails unless exactly one of the redemptions of Bob's
// invited users guests succeeded, the other refused as "you already have an
// account", and exactly one of them is bound to him, the other pending.
func (w *world) wantOneBinding(what string, bob *directory.User, errs []error, guests ...string) {
	w.t.Helper()
	won := 0
	for _, err := range errs {
		switch {
		case err == nil:
			won++
		case directory.IsKind(err, directory.KindConflict):
			if !strings.Contains(err.Error(), "you already have an account in Contoso") {
				w.t.Errorf("%s: refusal %v", what, err)
			}
		default:
			w.t.Fatalf("%s: redeem failed oddly: %v", what, err)
		}
	}
	if won != 1 {
		w.t.Fatalf("%s: %d redemptions succeeded (%v), want exactly one", what, won, errs)
	}
	bound := 0
	for _, id := range guests {
		if u := w.rawUser(w.contoso.ID, id); u.HomeUserID == bob.ID {
			bound++
		} else if u.ExternalUserState != directory.PendingAcceptance || u.HomeUserID != "" {
			w.t.Errorf("%s: the losing guest is %+v", what, u)
		}
	}
	if bound != 1 {
		w.t.Errorf("%s: %d Contoso users bound to Bob, want 1", what, bound)
	}
}

// blindStore's Writes see no user bound to anyone (ListUsersByHome is
// empty), so only the store's own constraint can stop a second binding.
type blindStore struct{ directory.Store }

func (s blindStore) Write(ctx context.Context, fn func(directory.Tx) error) error {
	return s.Store.Write(ctx, func(tx directory.Tx) error { return fn(blindTx{tx}) })
}

type blindTx struct{ directory.Tx }

func (blindTx) ListUsersByHome(context.Context, string, string) ([]*directory.User, error) {
	return nil, nil
}

func testExportByProvenAddress(t *testing.T, ns NewStore) {
	t.Run("NoPendingInvitationByAdminTypedMail", func(t *testing.T) {
		w := newWorld(t, ns)
		res := w.invitedWithHoldings("grace@mail.example")
		mallory := w.typedMailMember("mallory", "grace@mail.example")
		d := must(w.svc.ExportMyData(w.as(mallory)))(t)
		if len(d.Memberships) != 1 || d.Memberships[0].Tenant.ID != w.fabrikam.ID {
			t.Fatalf("export has %d organizations, want only Fabrikam: %s", len(d.Memberships), jsonOf(t, d.Memberships))
		}
		all := jsonOf(t, d)
		for _, leak := range []string{w.contoso.ID, res.User.ID, res.Invitation.ID, "Secret project Falcon", w.team.ID} {
			if strings.Contains(all, leak) {
				t.Errorf("the export holds Contoso's %q", leak)
			}
		}
	})

	t.Run("PendingInvitationToProvenAddress", func(t *testing.T) {
		// What the person could redeem is theirs to see: an invitation to
		// their userPrincipalName, or to their own-domain mail.
		w := newWorld(t, ns)
		bob := w.typedMailMember("bob", "robert@fabrikam.example")
		byUPN := w.invite(w.contoso, "BOB@fabrikam.example")
		adatum := must(w.svc.CreateTenant(w.sys, "Adatum", "adatum.example"))(t)
		adatumAdmin := must(w.svc.CreateUser(w.sys, adatum.ID, directory.NewUser{UserPrincipalName: "admin@adatum.example", DisplayName: "Adatum Admin"}))(t)
		ok(t, w.svc.AddRole(w.sys, adatum.ID, adatumAdmin.ID, directory.RoleGlobalAdministrator))
		byMail := must(w.svc.Invite(w.as(adatumAdmin), adatum.ID, directory.InviteRequest{InvitedUserEmailAddress: "robert@fabrikam.example"}))(t)
		d := must(w.svc.ExportMyData(w.as(bob)))(t)
		var got []string
		for _, m := range d.Memberships {
			got = append(got, m.User.ID)
		}
		sortStrings(got)
		want := []string{bob.ID, byUPN.User.ID, byMail.User.ID}
		sortStrings(want)
		if !equalStrings(got, want) {
			t.Errorf("export users = %v, want Bob, his Contoso and his Adatum invitation", got)
		}
	})
}

func testOrganizationsByProvenAddress(t *testing.T, ns NewStore) {
	t.Run("NoLeakByAdminTypedMail", func(t *testing.T) {
		// Mallory's mail is Grace's address, typed by Fabrikam's admin, and
		// she holds Grace's link: no path across tenants lets her in.
		w := newWorld(t, ns)
		res := w.invitedWithHoldings("grace@mail.example")
		mallory := w.typedMailMember("mallory", "grace@mail.example")
		as := w.as(mallory)
		_, err := w.svc.Redeem(as, res.RedeemToken)
		wantOtherAddress(t, err, "grace@mail.example")
		if got := orgNames(must(w.svc.Organizations(as))(t)); !equalStrings(got, []string{"Fabrikam (home)"}) {
			t.Errorf("organizations = %v", got)
		}
		_, err = w.svc.SignInToTenant(as, w.contoso.ID)
		wantKind(t, err, directory.KindNotFound)
		wantKind(t, w.svc.Leave(as, w.contoso.ID), directory.KindNotFound)
		if g := w.rawUser(w.contoso.ID, res.User.ID); g.Deleted() || g.HomeUserID != "" {
			t.Errorf("Grace's guest = %+v", g)
		}
	})
}
