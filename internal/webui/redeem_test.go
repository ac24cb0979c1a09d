package webui

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/orgdir/orgdir/internal/demo"
	"github.com/orgdir/orgdir/internal/directory"
)

// TestRedeemByAnotherAccountSaysForAnotherAddressAndChangesNothing:
// Fabrikam's administrator, signed in at home, opens the link of Grace's
// invitation (a Guest Inviter could hand it to anyone). The page offers no
// Accept, says the invitation is for another address without showing it
// whole, and posting the form anyway is refused the same way: Grace's
// guest stays pending and unbound, and the stranger gains no organization.
func TestRedeemByAnotherAccountSaysForAnotherAddressAndChangesNothing(t *testing.T) {
	s := newSite(t)
	d := s.demo
	link := strings.TrimPrefix(d.GraceInvite.RedeemURL, s.srv.URL)
	token := strings.TrimPrefix(link, "/redeem?token=")
	const masked = "g***@example.org"

	stranger := s.browser(t)
	stranger.signIn(demo.FabrikamAdminUPN, demo.FabrikamAdminPass)
	p := stranger.get(link)
	must(t, p, http.StatusOK, "Contoso invites you", "This invitation is for another address", masked, `id="signout"`)
	mustNot(t, p, demo.GraceEmail, `id="accept"`, "Accept invitation")

	p = stranger.post("/redeem", url.Values{"token": {token}})
	must(t, p, http.StatusForbidden, "This invitation is for another address", masked, `id="signout"`)
	mustNot(t, p, demo.GraceEmail, "You accepted the invitation")

	sys := directory.WithActor(context.Background(), directory.SystemActor("test"))
	g, err := s.svc.GetUser(sys, d.Contoso.ID, d.Grace.ID)
	if err != nil {
		t.Fatal(err)
	}
	if g.ExternalUserState != directory.PendingAcceptance || g.HomeUserID != "" || g.HomeEmailIdentityID != "" {
		t.Errorf("Grace's guest after the refusal = %+v", g)
	}
	p = stranger.get("/myaccount/organizations")
	must(t, p, http.StatusOK, "Fabrikam")
	mustNot(t, p, `data-tenant="Contoso"`)
	// The link still works for Grace: the refusal did not use it up.
	inv, _, err := s.svc.LookupInvitation(context.Background(), token)
	if err != nil || inv.Status != directory.InvitationPending {
		t.Errorf("the invitation after the refusal: %+v, %v", inv, err)
	}
}

// TestSupersededLinkSaysSuperseded: after a resend, the older link says it
// was replaced by a newer invitation, not that it expired.
func TestSupersededLinkSaysSuperseded(t *testing.T) {
	s := newSite(t)
	d := s.demo
	sys := directory.WithActor(context.Background(), directory.SystemActor("test"))
	if _, err := s.svc.Invite(sys, d.Contoso.ID, directory.InviteRequest{InvitedUserEmailAddress: demo.GraceEmail}); err != nil {
		t.Fatal(err)
	}
	p := s.browser(t).get(strings.TrimPrefix(d.GraceInvite.RedeemURL, s.srv.URL))
	must(t, p, http.StatusGone, "superseded by a newer invitation", "newest invitation e-mail")
	mustNot(t, p, "expired")
}
