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

	admin := j.person("admin")
	admin.signIn(demo.ContosoAdminUPN, demo.ContosoAdminPass)
	admin.open("/admin")
	admin.sees("Users", "Contoso Admin", "Ada Lovelace")
	admin.shot("users")
	for _, p := range []struct{ href, heading string }{
		{"/invite", "Invite guest"},
		{"/groups", "Groups"},
		{"/apps", "Applications"},
		{"/settings", "Tenant settings"},
		{"/audit", "Audit log"},
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
	if st := ada.click(`a[href="/admin"]`); st != http.StatusForbidden {
		ada.fail("the admin portal answered %d to a member without an admin role, want 403", st)
	}
	ada.sees("You don't have access", "Global Administrators and User Administrators")
	ada.shot("forbidden")
}
