package webui

import (
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/orgdir/orgdir/internal/demo"
	"github.com/orgdir/orgdir/internal/directory"
)

// auditJSON is the tenant's whole audit log as JSON, to search for what
// must or must not be named in it.
func (s *site) auditJSON(t *testing.T, tenantID string) string {
	t.Helper()
	events, err := s.svc.ListAudit(s.system(), tenantID, directory.AuditQuery{Limit: directory.MaxPageSize})
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(events)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// exportDoc is what the tests read of an export document (internal/export):
// Graph's names, as the API's exportPersonalData writes them.
type exportDoc struct {
	Context       string `json:"@odata.context"`
	Organizations []struct {
		Organization struct {
			ID          string `json:"id"`
			DisplayName string `json:"displayName"`
		} `json:"organization"`
		IsHome bool `json:"isHomeOrganization"`
		User   *struct {
			ID              string  `json:"id"`
			DeletedDateTime *string `json:"deletedDateTime"`
		} `json:"user"`
		MemberOf []struct {
			ID string `json:"id"`
		} `json:"memberOf"`
		AppRoleAssignments []map[string]any `json:"appRoleAssignments"`
	} `json:"organizations"`
}

// exportAs posts an admin's "Export data" form and decodes the download.
func (b *browser) exportAs(path string) (*http.Response, *exportDoc) {
	b.t.Helper()
	resp, err := b.c.PostForm(b.s.srv.URL+path, url.Values{"csrf": {b.csrf}})
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		b.t.Fatalf("POST %s answered %d", path, resp.StatusCode)
	}
	var data exportDoc
	if err := json.NewDecoder(resp.Body).Decode(&data); err != nil {
		b.t.Fatalf("POST %s: not JSON: %v", path, err)
	}
	return resp, &data
}

// TestErasingALiveUserLeavesThemInNeitherUsersNorDeletedUsers: from the
// user's page, through the confirmation that says what goes, to the Users
// page, where the user is gone, as in Deleted users; their name, user name
// and address are gone from the audit log, which still records the erasure.
func TestErasingALiveUserLeavesThemInNeitherUsersNorDeletedUsers(t *testing.T) {
	s := newSite(t)
	d := s.demo
	tid := d.Contoso.ID
	const upn, name, mail = "bob.erase@contoso.example", "Bob Erasable", "bob.private@example.net"
	bob, err := s.svc.CreateUser(s.system(), tid, directory.NewUser{UserPrincipalName: upn, DisplayName: name, Mail: mail, Password: "Bob-password-2026"})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.svc.AddGroupMember(s.system(), tid, d.Group.ID, bob.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.svc.AssignAppRole(s.system(), tid, bob.ID, d.App.ID, d.AppRole.ID); err != nil {
		t.Fatal(err)
	}
	admin := s.admin(t)
	base := "/admin/" + tid
	must(t, admin.get(base+"/users"), http.StatusOK, upn)

	p := admin.get(base + "/users/" + bob.ID)
	must(t, p, http.StatusOK, "Export data", `href="`+base+"/users/"+bob.ID+`/erase"`, "Erase personal data")
	p = admin.get(base + "/users/" + bob.ID + "/erase")
	must(t, p, http.StatusOK, "Erase the personal data of "+name+"?", "This cannot be undone", "cannot be restored",
		"the account and its password", "group memberships", "directory roles", "app role assignments", "invitations",
		"the e-mail this organization sent to "+mail, "in the audit log", `href="`+base+"/users/"+bob.ID+`">Cancel</a>`)
	// Only the page asked: nothing has happened yet.
	if _, err := s.svc.GetUser(s.system(), tid, bob.ID); err != nil {
		t.Fatalf("opening the confirmation erased the user: %v", err)
	}

	p = admin.post(base+"/users/"+bob.ID+"/erase", nil)
	must(t, p, http.StatusOK, "Erased "+name+": the account and its personal data are gone.")
	if p.url != base+"/users" {
		t.Fatalf("after the erasure the admin is at %s, want the Users page", p.url)
	}
	mustNot(t, p, upn)
	mustNot(t, admin.get(base+"/users?q=bob"), upn, name)
	p = admin.get(base + "/deleted")
	must(t, p, http.StatusOK, "Deleted users")
	mustNot(t, p, upn, name)
	must(t, admin.get(base+"/users/"+bob.ID), http.StatusNotFound)
	must(t, admin.get(base+"/users/"+bob.ID+"/erase"), http.StatusNotFound)
	if _, err := s.svc.GetDeletedUser(s.system(), tid, bob.ID); !directory.IsKind(err, directory.KindNotFound) {
		t.Fatalf("the erased user is in Deleted users: %v", err)
	}

	audit := s.auditJSON(t, tid)
	for _, personal := range []string{upn, name, mail} {
		if strings.Contains(audit, personal) {
			t.Fatalf("the audit log still names %q after the erasure", personal)
		}
	}
	for _, activity := range []string{directory.ActivityDeleteUser, directory.ActivityHardDeleteUser} {
		if !strings.Contains(audit, `"Activity":"`+activity+`"`) {
			t.Fatalf("the audit log lacks %q", activity)
		}
	}
	if !strings.Contains(audit, bob.ID) {
		t.Fatal("the audit log no longer names the erased user by id")
	}
}

// TestErasingADeletedUserFromDeletedUsers: a deleted user's row offers
// Export data and Erase; erasing goes back to Deleted users, without them,
// and their home account elsewhere is untouched.
func TestErasingADeletedUserFromDeletedUsers(t *testing.T) {
	s := newSite(t)
	d := s.demo
	tid, ada := d.Contoso.ID, d.AdaGuest
	base := "/admin/" + tid
	if err := s.svc.DeleteUser(s.system(), tid, ada.ID); err != nil {
		t.Fatal(err)
	}
	admin := s.admin(t)
	p := admin.get(base + "/deleted")
	must(t, p, http.StatusOK, `formaction="`+base+"/users/"+ada.ID+`/export"`, `href="`+base+"/users/"+ada.ID+`/erase"`)

	resp, data := admin.exportAs(base + "/users/" + ada.ID + "/export")
	if cd := resp.Header.Get("Content-Disposition"); cd != `attachment; filename="personal-data-`+ada.ID+`.json"` {
		t.Fatalf("Content-Disposition %q", cd)
	}
	if len(data.Organizations) != 1 || data.Organizations[0].User == nil || data.Organizations[0].User.ID != ada.ID || data.Organizations[0].User.DeletedDateTime == nil {
		t.Fatalf("the export of a deleted user: %+v", data.Organizations)
	}

	p = admin.get(base + "/users/" + ada.ID + "/erase")
	must(t, p, http.StatusOK, "Erase the personal data of Ada Lovelace?", "This cannot be undone",
		"without waiting for the end of the retention period", "home organization is not affected", `href="`+base+`/deleted">Cancel</a>`)
	p = admin.post(base+"/users/"+ada.ID+"/erase", nil)
	must(t, p, http.StatusOK, "Erased Ada Lovelace")
	if p.url != base+"/deleted" {
		t.Fatalf("after erasing a deleted user the admin is at %s, want Deleted users", p.url)
	}
	must(t, p, http.StatusOK, "There are no deleted users.")
	mustNot(t, admin.get(base+"/users"), "Ada Lovelace")
	if _, err := s.svc.GetUser(s.system(), d.Fabrikam.ID, d.Ada.ID); err != nil {
		t.Fatalf("erasing the guest account touched Ada's home account: %v", err)
	}
}

// TestAdminExportsALiveUsersDataAndTheExportIsAudited: the download is
// what the tenant holds about the user, and the audit log records it.
func TestAdminExportsALiveUsersDataAndTheExportIsAudited(t *testing.T) {
	s := newSite(t)
	d := s.demo
	admin := s.admin(t)
	admin.get("/admin/" + d.Contoso.ID + "/users/" + d.AdaGuest.ID)
	resp, data := admin.exportAs("/admin/" + d.Contoso.ID + "/users/" + d.AdaGuest.ID + "/export")
	if resp.Header.Get("Cache-Control") != "no-store" || !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
		t.Fatalf("headers %v", resp.Header)
	}
	if len(data.Organizations) != 1 {
		t.Fatalf("an admin's export covers their own tenant only: %+v", data.Organizations)
	}
	m := data.Organizations[0]
	var groups []string
	for _, g := range m.MemberOf {
		groups = append(groups, g.ID)
	}
	if m.User == nil || m.User.ID != d.AdaGuest.ID || m.Organization.ID != d.Contoso.ID || m.IsHome ||
		!slices.Contains(groups, d.Group.ID) || len(m.AppRoleAssignments) != 1 {
		t.Fatalf("the export: %+v", m)
	}
	// The document names its context on this site, as the API's does.
	if data.Context != s.srv.URL+"/v1.0/$metadata#orgdir.personalData" {
		t.Fatalf("@odata.context %q", data.Context)
	}
	if !strings.Contains(s.auditJSON(t, d.Contoso.ID), `"Activity":"`+directory.ActivityExportPersonalData+`"`) {
		t.Fatal("the export is not in the audit log")
	}
}

// TestEraseRefusalsChangeNothing: an admin cannot erase themselves, and a
// Fabrikam admin cannot reach Contoso's users; each says why and nothing
// changes.
func TestEraseRefusalsChangeNothing(t *testing.T) {
	s := newSite(t)
	d := s.demo
	admin := s.admin(t)
	fab := s.browser(t)
	fab.signIn(demo.FabrikamAdminUPN, demo.FabrikamAdminPass)
	before := s.snapshot(t)
	self := "/admin/" + d.Contoso.ID + "/users/" + d.ContosoAdmin.ID + "/erase"
	admin.get(self)
	must(t, admin.post(self, nil), http.StatusConflict, "You cannot erase your own account")

	other := "/admin/" + d.Contoso.ID + "/users/" + d.AdaGuest.ID
	must(t, fab.get(other+"/erase"), http.StatusForbidden)
	must(t, fab.post(other+"/erase", nil), http.StatusForbidden)
	must(t, fab.post(other+"/export", nil), http.StatusForbidden)
	// Fabrikam's portal, naming Contoso's user.
	must(t, fab.post("/admin/"+d.Fabrikam.ID+"/users/"+d.AdaGuest.ID+"/erase", nil), http.StatusNotFound)
	must(t, fab.post("/admin/"+d.Fabrikam.ID+"/users/"+d.AdaGuest.ID+"/export", nil), http.StatusNotFound)

	if after := s.snapshot(t); after != before {
		t.Fatalf("refused erasures changed the directory:\nbefore %s\nafter  %s", before, after)
	}
}
