package webui

import (
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/orgdir/orgdir/internal/directory"
)

var flashLine = regexp.MustCompile(`<p class="flash" role="status">([^<]+)</p>`)

// TestEveryAdminActionEndsWithASuccessMessage does every admin portal
// action once, as an admin would, and checks that each lands on a page
// that says what happened. Every POST route of the portal must be walked
// here: a new action without a message fails this test.
func TestEveryAdminActionEndsWithASuccessMessage(t *testing.T) {
	s := newWebhookSite(t)
	d := s.demo
	tid := d.Contoso.ID
	admin := s.admin(t)
	base := "/admin/" + tid
	walked := map[string]bool{}
	var user, group, app string
	act := func(pattern, path string, form url.Values, want string) page {
		t.Helper()
		walked[pattern] = true
		admin.get("/myaccount") // a fresh CSRF token, as from any page
		p := admin.post(base+path, form)
		m := flashLine.FindStringSubmatch(p.body)
		if p.status != http.StatusOK || m == nil {
			t.Fatalf("%s: %d with no success message:\n%s", pattern, p.status, p.body)
		}
		if !strings.Contains(m[1], want) {
			t.Fatalf("%s: the message %q does not say %q", pattern, m[1], want)
		}
		return p
	}
	// An export's success is the file itself, not a message.
	download := func(pattern, path, wantUserID string) {
		t.Helper()
		walked[pattern] = true
		admin.get("/myaccount")
		resp, err := admin.c.PostForm(s.srv.URL+base+path, url.Values{"csrf": {admin.csrf}})
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var data exportDoc
		err = json.NewDecoder(resp.Body).Decode(&data)
		if resp.StatusCode != http.StatusOK || err != nil || !strings.HasPrefix(resp.Header.Get("Content-Disposition"), "attachment") {
			t.Fatalf("%s: %d, %q, %v: want a JSON attachment", pattern, resp.StatusCode, resp.Header.Get("Content-Disposition"), err)
		}
		if len(data.Organizations) != 1 || data.Organizations[0].User == nil || data.Organizations[0].User.ID != wantUserID {
			t.Fatalf("%s: the export is not of user %s: %+v", pattern, wantUserID, data)
		}
	}
	id := func(p page, prefix string) string {
		t.Helper()
		m := regexp.MustCompile(regexp.QuoteMeta(base+prefix) + `([0-9a-f-]{36})`).FindStringSubmatch(p.url + " " + p.body)
		if m == nil {
			t.Fatalf("no %s id at %s", prefix, p.url)
		}
		return m[1]
	}

	p := act("POST /admin/{tenant}/users", "/users", url.Values{"upn": {"lin@contoso.example"}, "displayName": {"Lin"}, "password": {"Lin-password-2026"}}, "Created Lin")
	user = id(p, "/users/")
	act("POST /admin/{tenant}/users/{user}/password", "/users/"+user+"/password", url.Values{"password": {"Lin-new-password-2026"}}, "password was reset")
	act("POST /admin/{tenant}/users/{user}/disable", "/users/"+user+"/disable", nil, "Disabled Lin")
	act("POST /admin/{tenant}/users/{user}/enable", "/users/"+user+"/enable", nil, "Enabled Lin")
	act("POST /admin/{tenant}/users/{user}/revoke-sessions", "/users/"+user+"/revoke-sessions", nil, "Revoked every session of Lin")
	act("POST /admin/{tenant}/users/{user}/groups", "/users/"+user+"/groups", url.Values{"group": {d.Group.ID}}, "Added to the group")
	act("POST /admin/{tenant}/users/{user}/groups/{group}/remove", "/users/"+user+"/groups/"+d.Group.ID+"/remove", nil, "Removed from the group")
	p = act("POST /admin/{tenant}/users/{user}/approles", "/users/"+user+"/approles", url.Values{"approle": {d.App.ID + "/" + d.AppRole.ID}}, "Assigned the app role")
	assignment := regexp.MustCompile(`/approles/([0-9a-f-]{36})/remove`).FindStringSubmatch(p.body)
	if assignment == nil {
		t.Fatal("no assignment on the user's page")
	}
	act("POST /admin/{tenant}/users/{user}/approles/{assignment}/remove", "/users/"+user+"/approles/"+assignment[1]+"/remove", nil, "Removed the app role")

	p = act("POST /admin/{tenant}/groups", "/groups", url.Values{"displayName": {"Readers"}}, "Created the group Readers")
	group = id(p, "/groups/")
	act("POST /admin/{tenant}/groups/{group}/members", "/groups/"+group+"/members", url.Values{"user": {"lin@contoso.example"}}, "Added Lin to the group")
	act("POST /admin/{tenant}/groups/{group}/members/{user}/remove", "/groups/"+group+"/members/"+user+"/remove", nil, "Removed the member")
	p = act("POST /admin/{tenant}/apps", "/apps", url.Values{"displayName": {"Wiki"}, "roles": {"Editor = Wiki.Edit"}}, "Created the application Wiki")
	app = id(p, "/apps/")
	wiki, err := s.svc.GetApplication(s.system(), tid, app)
	if err != nil || len(wiki.AppRoles) != 1 {
		t.Fatalf("the Wiki app: %+v, %v", wiki, err)
	}
	act("POST /admin/{tenant}/apps/{app}/assign", "/apps/"+app+"/assign", url.Values{"user": {"lin@contoso.example"}, "role": {wiki.AppRoles[0].ID}}, "Assigned the role to Lin")
	act("POST /admin/{tenant}/apps/{app}/redirect-uris", "/apps/"+app+"/redirect-uris", url.Values{"platform": {"web"}, "uri": {"http://localhost:8081/callback"}}, "Added the redirect URI")
	act("POST /admin/{tenant}/apps/{app}/redirect-uris/remove", "/apps/"+app+"/redirect-uris/remove", url.Values{"platform": {"web"}, "uri": {"http://localhost:8081/callback"}}, "Removed the redirect URI")
	act("POST /admin/{tenant}/apps/{app}/home-page", "/apps/"+app+"/home-page", url.Values{"homePageUrl": {"https://wiki.contoso.example/"}}, "Saved the home page URL")
	act("POST /admin/{tenant}/apps/{app}/assignment-required", "/apps/"+app+"/assignment-required", url.Values{"required": {"on"}}, "Only assigned users")
	p = act("POST /admin/{tenant}/apps/{app}/secrets", "/apps/"+app+"/secrets", url.Values{"displayName": {"ci"}}, "Added a client secret")
	key := regexp.MustCompile(`/secrets/([0-9a-f-]{36})/remove`).FindStringSubmatch(p.body)
	if key == nil {
		t.Fatal("no secret on the app's page")
	}
	act("POST /admin/{tenant}/apps/{app}/secrets/{key}/remove", "/apps/"+app+"/secrets/"+key[1]+"/remove", nil, "Removed the client secret")
	act("POST /admin/{tenant}/invite", "/invite", url.Values{"email": {"mo@example.net"}}, "Invited")
	// The bulk uploads are multipart forms; each lands on its job's page.
	upload := func(pattern, path, file, want string) {
		t.Helper()
		walked[pattern] = true
		admin.get("/myaccount")
		p := admin.upload(base+path, file, true)
		m := flashLine.FindStringSubmatch(p.body)
		if p.status != http.StatusOK || m == nil || !strings.Contains(m[1], want) {
			t.Fatalf("%s: %d, message %v, want %q:\n%s", pattern, p.status, m, want, p.body)
		}
		admin.waitForJob(p.url)
	}
	upload("POST /admin/{tenant}/users/bulk", "/users/bulk", "displayName,userPrincipalName\nTy,ty@contoso.example\n", "Started the bulk create of 1 rows")
	upload("POST /admin/{tenant}/invite/bulk", "/invite/bulk", "inviteeEmail\numa@example.net\n", "Started the bulk invite of 1 rows")
	act("POST /admin/{tenant}/settings", "/settings", url.Values{"displayName": {"Contoso"}, "retentionDays": {"30"}, "allowLeave": {"on"},
		"contactEmail": {"privacy@contoso.example"}}, "Saved the settings")
	download("POST /admin/{tenant}/users/{user}/export", "/users/"+user+"/export", user)
	act("POST /admin/{tenant}/users/{user}/delete", "/users/"+user+"/delete", nil, "Deleted Lin")
	act("POST /admin/{tenant}/deleted/restore", "/deleted/restore", url.Values{"id": {user}, "confirm": {"yes"}}, "Restored Lin")
	act("POST /admin/{tenant}/users/{user}/delete", "/users/"+user+"/delete", nil, "Deleted Lin")
	// The first press of Delete permanently asks; the confirmation says so.
	admin.get(base + "/deleted")
	confirm := admin.post(base+"/deleted/purge", url.Values{"ids": {user}})
	must(t, confirm, http.StatusOK, "Delete permanently?", "This cannot be undone", "Cancel")
	act("POST /admin/{tenant}/deleted/purge", "/deleted/purge", url.Values{"ids": {user}, "confirm": {"yes"}}, "Permanently deleted 1 user")
	// Erasing asks first too, saying it cannot be undone.
	p = act("POST /admin/{tenant}/users", "/users", url.Values{"upn": {"kim@contoso.example"}, "displayName": {"Kim"}}, "Created Kim")
	kim := id(p, "/users/")
	must(t, admin.get(base+"/users/"+kim+"/erase"), http.StatusOK, "Erase the personal data of Kim?", "This cannot be undone", "Cancel")
	act("POST /admin/{tenant}/users/{user}/erase", "/users/"+kim+"/erase", nil, "Erased Kim")
	sub := s.subscribe(t, tid, d.ContosoAdmin.ID, "users", newHookReceiver(t).srv.URL+"/hook")
	act("POST /admin/{tenant}/subscriptions/{sub}/delete", "/subscriptions/"+sub.ID+"/delete", nil, "The subscription was deleted")

	ui, err := New(Options{Service: s.svc})
	if err != nil {
		t.Fatal(err)
	}
	for _, rt := range ui.routeTable() {
		if strings.HasPrefix(rt.pattern, "POST /admin/") && !walked[rt.pattern] {
			t.Errorf("the admin action %s was not walked: give it a success message and a step here", rt.pattern)
		}
	}
	if _, err := s.svc.GetDeletedUser(s.system(), tid, user); !directory.IsKind(err, directory.KindNotFound) {
		t.Fatalf("after the purge, Lin is still in Deleted users (%v)", err)
	}
}
