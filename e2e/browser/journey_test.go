package browser

import (
	"net/http"
	"strings"
	"testing"

	"github.com/orgdir/orgdir/internal/demo"
)

// TestSeedJourney walks the seed's story: Ada, a Fabrikam member and a
// guest in Contoso, leaves Contoso (cancelling once); Contoso's admin
// restores her with her group and app role; a leave while she is disabled
// is refused with Contoso's privacy contact; she leaves again and the
// admin deletes her permanently.
func TestSeedJourney(t *testing.T) {
	j := newJourney(t)
	ada := j.person("ada")
	admin := j.person("admin")
	contoso := `[id="signin-` + demo.ContosoDomain + `"]`
	leave := `[id="leave-` + demo.ContosoDomain + `"]`

	ada.signIn(demo.AdaUPN, demo.AdaPassword)
	ada.sees("My Account", "Ada Lovelace", demo.AdaUPN)
	ada.shot("signed-in")

	ada.click(`a[href="/myaccount/organizations"]`)
	ada.sees("Home organization", "Fabrikam", "Other organizations you collaborate with", "Contoso", "Sign in to leave organization")
	ada.shot("organizations")
	ada.onPhone(func() {
		ada.open("/myaccount/organizations")
		ada.shot("organizations-on-a-phone")
	})

	ada.click(contoso)
	ada.sees("You are signed in to Contoso.", "Leave")
	ada.shot("signed-in-to-contoso")

	ada.click(leave)
	ada.sees("Leave Contoso?", "your account and your data in that organization will be deleted")
	ada.shot("leave-confirm")
	ada.click("#cancel-leave")
	ada.sees("Other organizations you collaborate with", "Contoso")
	ada.shot("leave-cancelled")

	ada.click(leave)
	ada.click("#confirm-leave")
	ada.sees("You have left Contoso.")
	ada.shot("left")
	ada.click(`a[href="/myaccount/organizations"]`)
	ada.sees("Fabrikam")
	ada.doesNotSee("Contoso")
	ada.shot("contoso-gone")

	admin.signIn(demo.ContosoAdminUPN, demo.ContosoAdminPass)
	admin.click(`a[href="/admin"]`)
	admin.sees("pending invitations", "deleted users")
	admin.click(`nav.side a[href$="/deleted"]`)
	guestRow := `tr[data-upn^="ada_fabrikam.example"]`
	admin.sees("Deleted users", "Ada Lovelace", "30")
	admin.shot("deleted-users")
	admin.onPhone(func() { admin.shot("deleted-users-on-a-phone") })
	admin.click(guestRow + ` button.restore`)
	admin.sees("Restore Ada Lovelace?", demo.GroupName)
	admin.shot("restore-preview")
	admin.click(`#confirm-restore`)
	admin.sees("Restored Ada Lovelace")
	admin.absent(guestRow)
	admin.shot("restored")

	ada.open("/myaccount/organizations")
	ada.sees("Contoso", "Sign in to leave organization")
	ada.shot("contoso-back")

	// Same group, same app role.
	admin.click(`nav.side a[href$="/users"]`)
	admin.fill("#q", "Ada")
	admin.click(`form.filters button`)
	admin.click(`table a[href*="/users/"]`)
	admin.sees("Ada Lovelace", demo.GroupName, demo.AppName, demo.AppRoleName)
	admin.shot("ada-groups-and-roles")

	// A leave while disabled in Contoso is refused with whom to contact.
	ada.click(contoso)
	admin.click("#disable")
	admin.sees("Disabled Ada Lovelace")
	admin.shot("ada-disabled")
	ada.open("/myaccount/organizations")
	ada.click(leave)
	if st := ada.click("#confirm-leave"); st != http.StatusForbidden {
		ada.fail("a refused leave answered %d, want 403", st)
	}
	ada.sees("can't leave this organization yourself", "disabled", demo.ContosoPrivacyMail, "Privacy statement")
	ada.shot("leave-refused-disabled")
	admin.click("#enable")
	admin.sees("Enabled Ada Lovelace")

	// Disabling ended her sign-in to Contoso for good: enabled again, she
	// signs in anew before she leaves.
	ada.open("/myaccount/organizations")
	ada.sees("Sign in to leave organization")
	ada.click(contoso)

	// She leaves for good; the admin deletes her permanently.
	ada.open("/myaccount/organizations")
	ada.click(leave)
	ada.click("#confirm-leave")
	ada.sees("You have left Contoso.")
	admin.click(`nav.side a[href$="/deleted"]`)
	admin.tick(guestRow + ` input[type=checkbox]`)
	admin.shot("selected-for-purge")
	admin.click("#purge-selected")
	admin.sees("Delete permanently?", "This cannot be undone", "Ada Lovelace")
	admin.shot("purge-confirm")
	admin.click("#confirm-purge")
	admin.sees("Permanently deleted 1 user(s).")
	admin.shot("purged")
	// The result names whom it deleted; Deleted users no longer holds her.
	admin.click(`a[href$="/deleted"].button`)
	admin.absent(guestRow)
	admin.doesNotSee("Ada Lovelace")
}

// TestInvitationRedeemedThroughTheMailedLink: Contoso's admin invites
// Fabrikam's admin, reads the link in the e-mail outbox; another person
// who opens it is refused, and the invited person opens it, signs in at
// home and accepts.
func TestInvitationRedeemedThroughTheMailedLink(t *testing.T) {
	j := newJourney(t)
	admin := j.person("admin")
	guest := j.person("guest")

	admin.signIn(demo.ContosoAdminUPN, demo.ContosoAdminPass)
	admin.open("/admin")
	admin.click(`nav.side a[href$="/invite"]`)
	admin.fill("#email", demo.FabrikamAdminUPN)
	admin.fill("#displayName", "Fabrikam Admin")
	admin.fill("#message", "Welcome to Project Falcon!")
	admin.click("#send-invite")
	admin.sees("Invitation sent", "/redeem?token=")
	admin.shot("invited")

	admin.click(`nav.side a[href$="/outbox"]`)
	admin.sees("E-mail outbox", "To "+demo.FabrikamAdminUPN)
	admin.shot("outbox")
	link := mailTo(t, admin, demo.FabrikamAdminUPN)

	// Holding the link is not enough: Ada, signed in at Fabrikam, is told
	// it is for another address, masked, and is offered no Accept.
	stranger := j.person("stranger")
	stranger.signIn(demo.AdaUPN, demo.AdaPassword)
	stranger.open(link)
	stranger.sees("This invitation is for another address", "a***@fabrikam.example")
	stranger.doesNotSee("Accept invitation", demo.FabrikamAdminUPN)
	stranger.absent("#accept")
	stranger.shot("for-another-address")

	guest.open(link)
	guest.sees("Contoso invites you", demo.FabrikamAdminUPN, "Welcome to Project Falcon!")
	guest.shot("invitation")
	guest.fill("#username", demo.FabrikamAdminUPN)
	guest.fill("#password", demo.FabrikamAdminPass)
	guest.click(`form[action="/signin"] button[type=submit]`)
	guest.sees("You are signed in as", "Accept invitation")
	guest.shot("accept")
	guest.click("#accept")
	guest.sees("You accepted the invitation", "Other organizations you collaborate with", "Contoso")
	guest.shot("accepted")

	if st := guest.open(link); st != http.StatusGone {
		guest.fail("a used link answered %d, want 410", st)
	}
	guest.sees("already accepted")
}

// mailTo returns the redeem link of the outbox message to address.
func mailTo(t *testing.T, p *person, address string) string {
	t.Helper()
	for _, part := range strings.Split(p.text(), "To ") {
		if strings.HasPrefix(part, address) {
			if l := redeemLink.FindString(part); l != "" {
				return l
			}
		}
	}
	p.fail("no message with a redeem link to %s in the outbox", address)
	return ""
}

// TestPostWithoutCSRFTokenIsRefused removes the token from a form in the
// page (as a forged cross-site form would lack it) and submits it.
func TestPostWithoutCSRFTokenIsRefused(t *testing.T) {
	j := newJourney(t)
	ada := j.person("ada")
	ada.signIn(demo.AdaUPN, demo.AdaPassword)
	ada.eval(`document.querySelectorAll('input[name="csrf"]').forEach(function (e) { e.remove(); })`)
	if st := ada.click(`form[action="/signout"] button`); st != http.StatusForbidden {
		ada.fail("a POST without CSRF token answered %d, want 403", st)
	}
	ada.sees("Request refused", "did not come from this site")
	ada.shot("csrf-refused")
	if st := ada.open("/myaccount"); st != http.StatusOK {
		ada.fail("after the refused POST /myaccount answered %d", st)
	}
	ada.sees("Ada Lovelace") // still signed in: the forged sign-out did nothing
}
