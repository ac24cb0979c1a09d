package browser

import (
	"net/http"
	"testing"

	"github.com/orgdir/orgdir/internal/demo"
)

// TestAdminPortalPagesOpen walks every page of the admin portal from its
// navigation, by keyboard-reachable links, and a member without an admin
// role gets the 403 page.
func TestAdminPortalPagesOpen(t *testing.T) {
	j := newJourney(t)
	anon := j.person("visitor")
	anon.open("/signin")
	anon.sees("Sign in", "With your organization account", "With a code sent to your e-mail")
	anon.shot("signin")
	// A keyboard user sees where they are: Tab to the user name field
	// (past the skip link and the brand) shows a focus outline.
	anon.tab(3)
	anon.focusVisible()
	anon.shot("signin-keyboard-focus")

	admin := j.person("admin")
	admin.signIn(demo.ContosoAdminUPN, demo.ContosoAdminPass)
	admin.open("/admin")
	// One tenant: the portal opens on its overview.
	admin.sees("Contoso", "members", "guests", "pending invitations", "deleted users", "Next purge", "Sign-ins, last 7 days")
	admin.shot("overview")
	admin.click(`nav.side a[href$="/users"]`)
	admin.sees("Users", "Contoso Admin", "Ada Lovelace")
	admin.shot("users")
	for _, p := range []struct{ href, heading string }{
		{"/invite", "Invite guest"},
		{"/groups", "Groups"},
		{"/apps", "Applications"},
		{"/settings", "Tenant settings"},
		{"/audit", "Audit log"},
		{"/signins", "Sign-in logs"},
		{"/outbox", "E-mail outbox"},
	} {
		if st := admin.click(`nav.side a[href$="` + p.href + `"]`); st != http.StatusOK {
			admin.fail("%s answered %d", p.href, st)
		}
		admin.sees(p.heading)
		admin.shot(p.href[1:])
	}
	admin.click(`nav.side a[href$="/groups"]`)
	admin.click(`ul.rows a[href*="/groups/"]`)
	admin.sees(demo.GroupName, "Members", "Ada Lovelace")
	admin.shot("group")

	ada := j.person("ada")
	ada.signIn(demo.AdaUPN, demo.AdaPassword)
	ada.absent(`a[href="/admin"]`) // no link to a portal she may not use
	if st := ada.open("/admin"); st != http.StatusForbidden {
		ada.fail("the admin portal answered %d to a member without an admin role, want 403", st)
	}
	ada.sees("You don't have access", "Global Administrators and User Administrators")
	ada.shot("forbidden")
}

// TestRestoreClashAsksForANewUserName: Contoso's admin deletes Bob, makes
// a new Bob with the same user name, then restores the first: the page
// asks for a new user name, and the restore with it succeeds.
func TestRestoreClashAsksForANewUserName(t *testing.T) {
	j := newJourney(t)
	admin := j.person("admin")
	admin.signIn(demo.ContosoAdminUPN, demo.ContosoAdminPass)
	newBob := func(name string) {
		admin.open("/admin")
		admin.click(`nav.side a[href$="/users"]`)
		admin.click(`a[href$="/users/new"]`)
		admin.fill("#upn", "bob@"+demo.ContosoDomain)
		admin.fill("#displayName", name)
		admin.click(`main form button[type=submit]`)
		admin.sees("Created " + name)
	}
	newBob("Bob Builder")
	admin.click(`a.button.danger[href$="/delete"]`)
	admin.sees("Delete Bob Builder?", "can restore")
	admin.shot("delete-confirm")
	admin.click(`main form button.danger`)
	admin.sees("Deleted Bob Builder")
	newBob("Bob Second")

	admin.click(`nav.side a[href$="/deleted"]`)
	admin.click(`tr[data-upn="bob@` + demo.ContosoDomain + `"] button.restore`)
	admin.sees("Restore Bob Builder", "New user name")
	admin.shot("restore-clash")
	admin.fill("#newupn", "bob.builder@"+demo.ContosoDomain)
	admin.click(`main form button[type=submit]`)
	admin.sees("Restored Bob Builder (bob.builder@" + demo.ContosoDomain + ")")
	admin.shot("restored-with-new-name")
	admin.click(`nav.side a[href$="/users"]`)
	admin.sees("Bob Builder", "bob.builder@"+demo.ContosoDomain, "Bob Second")
	admin.onPhone(func() { admin.shot("users-on-a-phone") })
}
