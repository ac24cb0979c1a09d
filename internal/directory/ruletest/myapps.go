package ruletest

import (
	"slices"
	"strings"
	"testing"

	"github.com/orgdir/orgdir/internal/directory"
)

// testMyApps pins My Apps: the apps a person is assigned to in one
// tenant, gone once they leave; and the admin's view of who is assigned
// and of redirect URIs added one at a time.
func testMyApps(t *testing.T, ns NewStore) {
	t.Run("ListsTheAssignedAppsOfOneTenantUntilLeave", func(t *testing.T) {
		w := newWorld(t, ns)
		admin := w.as(w.contosoAdmin)
		must(w.svc.UpdateApplication(admin, w.contoso.ID, w.app.ID, directory.ApplicationPatch{WebHomePageURL: ptr("https://notebook.contoso.example/")}))(t)
		// An app she is not assigned to is not a tile.
		must(w.svc.CreateApplication(admin, w.contoso.ID, "Payroll", nil))(t)
		// Nor is a Fabrikam app in the Contoso list.
		fapp := must(w.svc.CreateApplication(w.as(w.fabrikamAdmin), w.fabrikam.ID, "Fabrikam Wiki", nil))(t)
		must(w.svc.AssignAppRole(w.as(w.fabrikamAdmin), w.fabrikam.ID, w.ada.ID, fapp.ID, ""))(t)

		got := must(w.svc.MyApps(w.as(w.ada), w.contoso.ID))(t)
		if len(got) != 1 || got[0].AppID != w.app.ID || got[0].HomePageURL != "https://notebook.contoso.example/" ||
			len(got[0].Roles) != 1 || got[0].Roles[0] != "Reader" {
			t.Fatalf("Contoso tiles = %+v", got)
		}
		home := must(w.svc.MyApps(w.as(w.ada), w.fabrikam.ID))(t)
		if len(home) != 1 || home[0].AppID != fapp.ID {
			t.Errorf("Fabrikam tiles = %+v", home)
		}
		// Someone with no user in the tenant learns nothing of its apps.
		_, err := w.svc.MyApps(w.as(w.fabrikamAdmin), w.contoso.ID)
		wantKind(t, err, directory.KindNotFound)

		ok(t, w.svc.Leave(w.as(w.ada), w.contoso.ID))
		_, err = w.svc.MyApps(w.as(w.ada), w.contoso.ID)
		wantKind(t, err, directory.KindNotFound)
		if home := must(w.svc.MyApps(w.as(w.ada), w.fabrikam.ID))(t); len(home) != 1 {
			t.Errorf("after leaving Contoso, Fabrikam tiles = %+v", home)
		}
	})

	t.Run("DisabledGuestGetsTheReasonNotTheApps", func(t *testing.T) {
		w := newWorld(t, ns)
		w.disable(w.adaGuest)
		_, err := w.svc.MyApps(w.as(w.ada), w.contoso.ID)
		e := wantKind(t, err, directory.KindAccountDisabled)
		if e != nil && e.Contact == nil {
			t.Error("the refusal names no contact")
		}
	})

	t.Run("AdminSeesWhoIsAssigned", func(t *testing.T) {
		w := newWorld(t, ns)
		admin := w.as(w.contosoAdmin)
		bob := w.member(w.contoso, "bob", "Bob")
		must(w.svc.AssignAppRole(admin, w.contoso.ID, bob.ID, w.app.ID, w.app.AppRoles[1].ID))(t)
		list := must(w.svc.ListAppAssignees(admin, w.contoso.ID, w.app.ID))(t)
		roles := map[string]string{}
		for _, x := range list {
			roles[x.User.ID] = x.RoleName
		}
		if len(list) != 2 || roles[w.adaGuest.ID] != "Reader" || roles[bob.ID] != "Writer" {
			t.Fatalf("assignees = %v", roles)
		}
		// A group assigned is listed, and its members get the tile.
		must(w.svc.AssignAppRoleTo(admin, w.contoso.ID, w.app.ID, w.team.ID, w.app.AppRoles[1].ID))(t)
		list = must(w.svc.ListAppAssignees(admin, w.contoso.ID, w.app.ID))(t)
		if len(list) != 3 || !slices.ContainsFunc(list, func(x directory.AppAssignee) bool { return x.Group != nil && x.Group.ID == w.team.ID }) {
			t.Fatalf("with the group, assignees = %+v", list)
		}
		carol := w.member(w.contoso, "carol", "Carol")
		ok(t, w.svc.AddGroupMember(admin, w.contoso.ID, w.team.ID, carol.ID))
		tiles := must(w.svc.MyApps(w.as(carol), w.contoso.ID))(t)
		if len(tiles) != 1 || tiles[0].AppID != w.app.ID || strings.Join(tiles[0].Roles, ",") != "Writer" {
			t.Errorf("Carol's tiles through the group = %+v", tiles)
		}
		// A deleted user is not listed; another tenant's admin sees nothing.
		ok(t, w.svc.DeleteUser(admin, w.contoso.ID, bob.ID))
		if list := must(w.svc.ListAppAssignees(admin, w.contoso.ID, w.app.ID))(t); len(list) != 2 { // Ada and the group
			t.Errorf("after deleting Bob, assignees = %+v", list)
		}
		_, err := w.svc.ListAppAssignees(w.as(w.fabrikamAdmin), w.contoso.ID, w.app.ID)
		if err == nil {
			t.Error("Fabrikam's admin listed Contoso's assignees")
		}
	})

	t.Run("RedirectURIsAddedAndRemovedOneByOne", func(t *testing.T) {
		w := newWorld(t, ns)
		admin := w.as(w.contosoAdmin)
		must(w.svc.AddRedirectURI(admin, w.contoso.ID, w.app.ID, directory.PlatformWeb, "http://localhost:8081/callback"))(t)
		a := must(w.svc.AddRedirectURI(admin, w.contoso.ID, w.app.ID, directory.PlatformSPA, "https://spa.contoso.example/"))(t)
		if len(a.WebRedirectURIs) != 1 || len(a.SPARedirectURIs) != 1 {
			t.Fatalf("app = %+v", a)
		}
		w.unchanged(func() {
			_, err := w.svc.AddRedirectURI(admin, w.contoso.ID, w.app.ID, directory.PlatformWeb, "http://localhost:8081/callback")
			wantKind(t, err, directory.KindConflict)
			_, err = w.svc.AddRedirectURI(admin, w.contoso.ID, w.app.ID, directory.PlatformWeb, "http://notebook.contoso.example/cb")
			wantField(t, err, "web.redirectUris")
			_, err = w.svc.AddRedirectURI(admin, w.contoso.ID, w.app.ID, "desktop", "https://x.example/")
			wantField(t, err, "platform")
			_, err = w.svc.RemoveRedirectURI(admin, w.contoso.ID, w.app.ID, directory.PlatformSPA, "https://other.example/")
			wantKind(t, err, directory.KindNotFound)
			_, err = w.svc.AddRedirectURI(w.as(w.ada), w.contoso.ID, w.app.ID, directory.PlatformWeb, "https://x.example/")
			if err == nil {
				t.Error("a non-admin added a redirect URI")
			}
		})
		a = must(w.svc.RemoveRedirectURI(admin, w.contoso.ID, w.app.ID, directory.PlatformWeb, "http://localhost:8081/callback"))(t)
		if len(a.WebRedirectURIs) != 0 || len(a.SPARedirectURIs) != 1 {
			t.Errorf("after remove, app = %+v", a)
		}
		if evs := w.events(w.contoso.ID, directory.ActivityUpdateApplication, w.app.ID); len(evs) != 3 {
			t.Errorf("%d audit records, want 3", len(evs))
		}
	})
}
