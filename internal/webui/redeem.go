package webui

import (
	"net/http"
	"strings"

	"github.com/orgdir/orgdir/internal/directory"
)

// redeemInfo is what the invited person sees about the invitation.
type redeemInfo struct {
	Token      string
	TenantName string
	Domain     string
	Email      string
	Message    string
	Contact    *directory.Contact
}

type redeemPage struct {
	Page
	Invite *redeemInfo
	Me     *person
	// Refusal is why the person signed in cannot accept (most often: the
	// invitation is for another address); then there is no Accept button.
	Refusal      string
	OtherAddress bool   // the refusal is that the invitation is for another address
	Next         string // this page, to come back to after signing in
}

// redeemPage shows who invites the person; signed in, it offers Accept
// when the invitation is theirs, else says why not, without the invited
// address (the refusal names it masked); not signed in, it offers the
// ways to sign in with their home identity.
func (u *UI) redeemPage(w http.ResponseWriter, r *http.Request) error {
	token := strings.TrimSpace(r.URL.Query().Get("token"))
	inv, t, err := u.svc.LookupInvitation(r.Context(), token)
	if directory.IsKind(err, directory.KindNotFound) {
		// "Invitation not found" leaves a person with a link from an
		// e-mail wondering what went wrong: most often a cut-off link.
		return directory.Errorf(directory.KindNotFound,
			"this invitation link is not valid; open the whole link from the invitation e-mail, or ask the organization that invited you for a new one")
	}
	if err != nil {
		return err
	}
	info := &redeemInfo{Token: token, TenantName: t.DisplayName, Domain: t.InitialDomain, Email: inv.InvitedEmail,
		Message: inv.CustomizedMessageBody, Contact: t.Contact()}
	p := redeemPage{Page: u.base(w, r, t.DisplayName+" invites you"), Invite: info, Next: r.URL.RequestURI()}
	if state(r).sess != nil {
		if p.Me, err = u.me(r); err != nil {
			return err
		}
		if err := u.svc.CheckRedeemer(homeCtx(r), token); err != nil {
			if directory.KindOf(err) == directory.KindInternal {
				return err
			}
			p.Refusal = directory.AsError(err).Message
			if directory.IsKind(err, directory.KindInvitationOtherAddress) {
				p.OtherAddress, info.Email = true, ""
			}
		}
	}
	u.render(w, r, http.StatusOK, "redeem", p)
	return nil
}

// redeem accepts the invitation as the signed-in person, signs the session
// in to the inviting organization and shows the Organizations page.
func (u *UI) redeem(w http.ResponseWriter, r *http.Request) error {
	token := strings.TrimSpace(r.PostForm.Get("token"))
	user, err := u.svc.Redeem(homeCtx(r), token)
	if err != nil {
		return err
	}
	if err := u.svc.AddSessionTenant(homeCtx(r), state(r).sess, user.TenantID); err != nil {
		return err
	}
	name := "the organization"
	if o, err := u.findOrg(r, user.TenantID); err == nil {
		name = o.Tenant.DisplayName
	}
	return u.redirect(w, r, "/myaccount/organizations", "You accepted the invitation. You are now a guest in "+name+".")
}
