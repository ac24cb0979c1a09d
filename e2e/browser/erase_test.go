package browser

import (
	"testing"

	"github.com/orgdir/orgdir/internal/demo"
)

// TestAdminErasesAUsersPersonalData: Contoso's admin erases a live user
// from the user's page and a deleted one from its row in Deleted users.
// Each time the confirmation says it cannot be undone and what goes, and
// afterwards the user is in neither Users nor Deleted users.
func TestAdminErasesAUsersPersonalData(t *testing.T) {
	j := newJourney(t)
	admin := j.person("admin")
	admin.signIn(demo.ContosoAdminUPN, demo.ContosoAdminPass)
	newUser := func(local, name string) {
		admin.open("/admin")
		admin.click(`nav.side a[href$="/users"]`)
		admin.click(`a[href$="/users/new"]`)
		admin.fill("#upn", local+"@"+demo.ContosoDomain)
		admin.fill("#displayName", name)
		admin.click(`main form button[type=submit]`)
		admin.sees("Created " + name)
	}

	eve := "eve@" + demo.ContosoDomain
	newUser("eve", "Eve Erasable")
	admin.sees("Personal data", "Export data", "Erase personal data")
	admin.click(`a#erase`)
	admin.sees("Erase the personal data of Eve Erasable?", "This cannot be undone", "cannot be restored",
		"group memberships", "directory roles", "app role assignments", "invitations", "audit log")
	admin.shot("erase-confirm")
	admin.click(`#confirm-erase`)
	admin.sees("Erased Eve Erasable")
	admin.doesNotSee(eve)
	admin.shot("erased")
	admin.click(`nav.side a[href$="/deleted"]`)
	admin.doesNotSee("Eve Erasable", eve)

	dan := "dan@" + demo.ContosoDomain
	newUser("dan", "Dan Deleted")
	admin.click(`a.button.danger[href$="/delete"]`)
	admin.click(`main form button.danger`)
	admin.sees("Deleted Dan Deleted")
	admin.click(`nav.side a[href$="/deleted"]`)
	admin.sees("Dan Deleted", "Export data", "Erase")
	admin.shot("deleted-row-actions")
	admin.click(`tr[data-upn="` + dan + `"] a.erase`)
	admin.sees("Erase the personal data of Dan Deleted?", "This cannot be undone", "without waiting for the end of the retention period")
	admin.click(`#confirm-erase`)
	admin.sees("Erased Dan Deleted")
	admin.absent(`tr[data-upn="` + dan + `"]`)
	admin.click(`nav.side a[href$="/users"]`)
	admin.doesNotSee("Dan Deleted", dan, eve)
}
