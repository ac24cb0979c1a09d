package webui

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/orgdir/orgdir/internal/demo"
	"github.com/orgdir/orgdir/internal/directory"
)

func (s *site) system() context.Context {
	return directory.WithActor(context.Background(), directory.SystemActor("webui test"))
}

func (s *site) admin(t *testing.T) *browser {
	t.Helper()
	b := s.browser(t)
	b.signIn(demo.ContosoAdminUPN, demo.ContosoAdminPass)
	return b
}

var nextLink = regexp.MustCompile(`href="([^"]*after=[^"]*)" rel="next"`)

func TestUsersPage(t *testing.T) {
	s := newSite(t)
	tid := s.demo.Contoso.ID
	for i := range 60 {
		if _, err := s.svc.CreateUser(s.system(), tid, directory.NewUser{
			UserPrincipalName: fmt.Sprintf("user%02d@contoso.example", i), DisplayName: fmt.Sprintf("Test User %02d", i),
		}); err != nil {
			t.Fatal(err)
		}
	}
	admin := s.admin(t)

	t.Run("PagesByKeysetWithoutLosingAnyone", func(t *testing.T) {
		seen := map[string]bool{}
		path := "/admin/" + tid + "/users?q=Test+User"
		for pages := 0; path != ""; pages++ {
			if pages > 3 {
				t.Fatal("paging does not end")
			}
			p := admin.get(path)
			must(t, p, http.StatusOK)
			for _, m := range regexp.MustCompile(`>(Test User \d\d)<`).FindAllStringSubmatch(p.body, -1) {
				if seen[m[1]] {
					t.Fatalf("%s shown twice", m[1])
				}
				seen[m[1]] = true
			}
			path = ""
			if m := nextLink.FindStringSubmatch(p.body); m != nil {
				path = strings.ReplaceAll(m[1], "&amp;", "&")
			}
		}
		if len(seen) != 60 {
			t.Fatalf("saw %d test users across the pages, want 60", len(seen))
		}
	})

	t.Run("PreviousGoesBackToTheSamePage", func(t *testing.T) {
		names := regexp.MustCompile(`>(Test User \d\d)<`)
		prevLink := regexp.MustCompile(`href="([^"]*before=[^"]*)" rel="prev"`)
		unescape := func(s string) string { return strings.ReplaceAll(s, "&amp;", "&") }
		first := admin.get("/admin/" + tid + "/users?q=Test+User")
		if prevLink.MatchString(first.body) {
			t.Fatal("the first page offers a previous page")
		}
		m := nextLink.FindStringSubmatch(first.body)
		if m == nil {
			t.Fatal("the first page of 60 users has no next page")
		}
		second := admin.get(unescape(m[1]))
		must(t, second, http.StatusOK, "Test User 59", "First page")
		p := prevLink.FindStringSubmatch(second.body)
		if p == nil {
			t.Fatal("the second page has no previous page")
		}
		back := admin.get(unescape(p[1]))
		got, want := names.FindAllString(back.body, -1), names.FindAllString(first.body, -1)
		if len(want) != pageSize || strings.Join(got, ",") != strings.Join(want, ",") {
			t.Fatalf("Previous showed %v, want the first page %v", got, want)
		}
		if prevLink.MatchString(back.body) || !nextLink.MatchString(back.body) {
			t.Fatal("back on the first page: want Next and no Previous")
		}
	})

	t.Run("FiltersGuestsAndPending", func(t *testing.T) {
		p := mainOf(admin.get("/admin/" + tid + "/users?show=guests"))
		must(t, p, http.StatusOK, "Ada Lovelace")
		mustNot(t, p, "Test User 01", "Contoso Admin")
		p = admin.get("/admin/" + tid + "/users?show=pending")
		must(t, p, http.StatusOK, "Pending acceptance")
		mustNot(t, p, "Ada Lovelace", "Test User 01")
	})

	t.Run("DamagedPageLinkIsABadRequest", func(t *testing.T) {
		must(t, admin.get("/admin/"+tid+"/users?after=%21%21"), http.StatusBadRequest, "page link is damaged")
	})
}

func TestSettings(t *testing.T) {
	s := newSite(t)
	tid := s.demo.Contoso.ID
	admin := s.admin(t)
	admin.get("/admin/" + tid + "/settings")

	p := admin.post("/admin/"+tid+"/settings", url.Values{"displayName": {"Contoso"}, "allowLeave": {"on"},
		"contactEmail": {"privacy@contoso.example"}, "statementUrl": {"javascript:alert(1)"}, "retentionDays": {"30"}})
	must(t, p, http.StatusBadRequest)
	if !strings.Contains(strings.ToLower(p.body), "url") {
		t.Fatalf("the refusal must name the statement URL:\n%s", p.body)
	}
	tenant, err := s.svc.GetTenant(s.system(), tid)
	if err != nil {
		t.Fatal(err)
	}
	if tenant.Settings.PrivacyStatementURL != demo.ContosoPrivacyURL {
		t.Fatalf("a refused save changed the statement URL to %q", tenant.Settings.PrivacyStatementURL)
	}

	must(t, admin.post("/admin/"+tid+"/settings", url.Values{"displayName": {"Contoso"}, "contactEmail": {"dpo@contoso.example"},
		"statementUrl": {demo.ContosoPrivacyURL}, "retentionDays": {"14"}}), http.StatusOK, "Saved the settings.")
	tenant, _ = s.svc.GetTenant(s.system(), tid)
	if tenant.Settings.AllowExternalUsersToLeave || tenant.Settings.RetentionDays != 14 || tenant.Settings.PrivacyContactEmail != "dpo@contoso.example" {
		t.Fatalf("settings after save = %+v; want leave off (unchecked box), 14 days, dpo@", tenant.Settings)
	}

	// With leave switched off, Ada's leave is refused with the contact.
	ada := s.browser(t)
	ada.signIn(demo.AdaUPN, demo.AdaPassword)
	ada.get("/myaccount/organizations")
	ada.post("/myaccount/organizations/"+tid+"/signin", nil)
	must(t, ada.post("/myaccount/organizations/"+tid+"/leave", nil), http.StatusForbidden, "dpo@contoso.example")
}

func TestInviteShowsTheRedeemLinkAndTheOutboxHasTheMail(t *testing.T) {
	s := newSite(t)
	tid := s.demo.Contoso.ID
	admin := s.admin(t)
	admin.get("/admin/" + tid + "/invite")
	p := admin.post("/admin/"+tid+"/invite", url.Values{"email": {"lin@example.net"}, "displayName": {"Lin"}, "message": {"Hello Lin"}})
	must(t, p, http.StatusOK, "Invitation sent", "/redeem?token=")
	link := regexp.MustCompile(`id="redeem-link" class="upn" href="([^"]+)"`).FindStringSubmatch(p.body)
	if link == nil {
		t.Fatalf("no redeem link on the page:\n%s", p.body)
	}
	must(t, admin.get("/admin/"+tid+"/outbox"), http.StatusOK, "To lin@example.net", "Hello Lin", strings.ReplaceAll(link[1], "&amp;", "&"))

	p = admin.post("/admin/"+tid+"/invite", url.Values{"email": {"not an address"}})
	must(t, p, http.StatusBadRequest)
	mustNot(t, p, "Invitation sent")
}

func TestRestoreClashAsksForANewUserName(t *testing.T) {
	s := newSite(t)
	tid := s.demo.Contoso.ID
	ctx := s.system()
	bob, err := s.svc.CreateUser(ctx, tid, directory.NewUser{UserPrincipalName: "bob@contoso.example", DisplayName: "Bob"})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.svc.DeleteUser(ctx, tid, bob.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.svc.CreateUser(ctx, tid, directory.NewUser{UserPrincipalName: "bob@contoso.example", DisplayName: "Bob the second"}); err != nil {
		t.Fatal(err)
	}
	admin := s.admin(t)
	admin.get("/admin/" + tid + "/deleted")
	p := admin.post("/admin/"+tid+"/deleted/restore", url.Values{"id": {bob.ID}})
	must(t, p, http.StatusConflict, "Restore Bob", "New user name")
	p = admin.post("/admin/"+tid+"/deleted/restore", url.Values{"id": {bob.ID}, "newUserPrincipalName": {"bob2@contoso.example"}})
	must(t, p, http.StatusOK, "Restored Bob (bob2@contoso.example)")
}

func TestDownloadMyDataIsAJSONAttachment(t *testing.T) {
	s := newSite(t)
	ada := s.browser(t)
	ada.signIn(demo.AdaUPN, demo.AdaPassword)
	resp, err := ada.c.PostForm(s.srv.URL+"/myaccount/data", url.Values{"csrf": {ada.csrf}})
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if cd := resp.Header.Get("Content-Disposition"); !strings.HasPrefix(cd, "attachment") {
		t.Fatalf("Content-Disposition %q, want an attachment", cd)
	}
	var data exportDoc
	body, _ := io.ReadAll(resp.Body)
	if err := json.Unmarshal(body, &data); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, body)
	}
	home := map[string]bool{}
	for _, o := range data.Organizations {
		home[o.Organization.DisplayName] = o.IsHome
	}
	if len(data.Organizations) != 2 || !home["Fabrikam"] || home["Contoso"] {
		t.Fatalf("the export's organizations are %v, want Fabrikam (home) and Contoso:\n%s", home, body)
	}
	// Graph's names, never Go's, and no secret's hash.
	for _, raw := range []string{`"DisplayName"`, `"TokenHash"`, "hash"} {
		if strings.Contains(string(body), raw) {
			t.Fatalf("the download carries %s:\n%s", raw, body)
		}
	}
}

func TestAuditLogFiltersByActivity(t *testing.T) {
	s := newSite(t)
	tid := s.demo.Contoso.ID
	admin := s.admin(t)
	admin.get("/admin/" + tid + "/users/" + s.demo.AdaGuest.ID)
	admin.post("/admin/"+tid+"/users/"+s.demo.AdaGuest.ID+"/disable", nil)
	p := admin.get("/admin/" + tid + "/audit?activity=" + url.QueryEscape(directory.ActivityDisableAccount))
	must(t, p, http.StatusOK, "Disable account", "Contoso Admin")
	mustNot(t, p, "<td>"+directory.ActivityInviteExternalUser+"</td>")
	must(t, admin.get("/admin/"+tid+"/audit"), http.StatusOK, "<td>"+directory.ActivityInviteExternalUser+"</td>")
	must(t, admin.get("/admin/"+tid+"/audit?from=yesterday"), http.StatusBadRequest, "From date")
}

func TestCookiesAreSecureBehindHTTPS(t *testing.T) {
	s := newSite(t)
	ui, err := New(Options{Service: s.svc, BaseURL: "https://orgdir.example"})
	if err != nil {
		t.Fatal(err)
	}
	rec := &recorder{h: http.Header{}}
	ui.ServeHTTP(rec, mustRequest(t, "GET", "/signin"))
	c := rec.h.Values("Set-Cookie")
	if len(c) == 0 || !strings.Contains(c[0], "Secure") || !strings.Contains(c[0], "HttpOnly") || !strings.Contains(c[0], "SameSite=Lax") {
		t.Fatalf("Set-Cookie %q: want Secure, HttpOnly, SameSite=Lax", c)
	}
	if rec.h.Get("Strict-Transport-Security") == "" {
		t.Fatal("an https site must send Strict-Transport-Security")
	}
}

type recorder struct {
	h      http.Header
	status int
}

func (r *recorder) Header() http.Header         { return r.h }
func (r *recorder) Write(b []byte) (int, error) { return len(b), nil }
func (r *recorder) WriteHeader(s int)           { r.status = s }

func mustRequest(t *testing.T, method, path string) *http.Request {
	t.Helper()
	r, err := http.NewRequest(method, "https://orgdir.example"+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	r.RemoteAddr = "192.0.2.1:1234"
	return r
}

func TestUsersSearchAndFilters(t *testing.T) {
	s := newSite(t)
	tid := s.demo.Contoso.ID
	ctx := s.system()
	if _, err := s.svc.CreateUser(ctx, tid, directory.NewUser{UserPrincipalName: "rosa@contoso.example", DisplayName: "Rosalind Franklin",
		Mail: "rf@labs.example"}); err != nil {
		t.Fatal(err)
	}
	off := false
	if _, err := s.svc.CreateUser(ctx, tid, directory.NewUser{UserPrincipalName: "kurt@contoso.example", DisplayName: "Kurt Gödel",
		AccountEnabled: &off}); err != nil {
		t.Fatal(err)
	}
	admin := s.admin(t)
	list := func(query string) string {
		t.Helper()
		p := mainOf(admin.get("/admin/" + tid + "/users?" + query))
		must(t, p, http.StatusOK)
		return p.body
	}
	for _, c := range []struct {
		query     string
		want, not []string
	}{
		{"q=rosalind", []string{"Rosalind Franklin"}, []string{"Kurt", "Ada Lovelace", "Contoso Admin"}},
		{"q=rf%40labs", []string{"Rosalind Franklin"}, []string{"Kurt", "Ada Lovelace"}},   // by mail
		{"q=kurt%40contoso", []string{"Kurt Gödel"}, []string{"Rosalind", "Ada Lovelace"}}, // by user name
		{"show=members", []string{"Rosalind Franklin", "Kurt Gödel", "Contoso Admin"}, []string{"Ada Lovelace", "Grace Hopper"}},
		{"show=guests", []string{"Ada Lovelace", "Grace Hopper"}, []string{"Rosalind", "Kurt", "Contoso Admin"}},
		{"show=disabled", []string{"Kurt Gödel"}, []string{"Rosalind", "Ada Lovelace", "Contoso Admin"}},
		{"show=pending", []string{"Grace Hopper"}, []string{"Ada Lovelace", "Rosalind", "Kurt"}},
		{"show=guests&q=grace", []string{"Grace Hopper"}, []string{"Ada Lovelace"}},
		{"q=nobody-has-this", []string{"No users match."}, []string{"Ada Lovelace"}},
	} {
		body := list(c.query)
		for _, w := range c.want {
			if !strings.Contains(body, w) {
				t.Errorf("users?%s does not list %q", c.query, w)
			}
		}
		for _, n := range c.not {
			if strings.Contains(body, n) {
				t.Errorf("users?%s lists %q but must not", c.query, n)
			}
		}
	}
	// The chosen filter and search stay in the form.
	must(t, admin.get("/admin/"+tid+"/users?show=disabled&q=kurt"), http.StatusOK, `<option value="disabled" selected>`, `value="kurt"`)
}

func TestAuditLogFiltersByDateRangeAndTarget(t *testing.T) {
	s := newSite(t)
	d := s.demo
	tid := d.Contoso.ID
	// The demo's events are of 2026-05-04; two days later the admin
	// disables Ada.
	s.clock.Advance(48 * time.Hour)
	admin := s.admin(t)
	admin.get("/admin/" + tid + "/users/" + d.AdaGuest.ID)
	must(t, admin.post("/admin/"+tid+"/users/"+d.AdaGuest.ID+"/disable", nil), http.StatusOK, "Disabled Ada Lovelace")
	audit := func(query string) page {
		t.Helper()
		return admin.get("/admin/" + tid + "/audit?" + query)
	}
	disable := "<td>" + directory.ActivityDisableAccount + "</td>"
	invite := "<td>" + directory.ActivityInviteExternalUser + "</td>"

	p := audit("from=2026-05-06&to=2026-05-06")
	must(t, p, http.StatusOK, disable)
	mustNot(t, p, invite)
	p = audit("from=2026-05-04&to=2026-05-05")
	must(t, p, http.StatusOK, invite)
	mustNot(t, p, disable)
	p = audit("to=2026-05-03")
	must(t, p, http.StatusOK, "No events match.")
	p = audit("from=2026-05-06&to=2026-05-04")
	must(t, p, http.StatusBadRequest, "To date 2026-05-04 is before the From date 2026-05-06", `value="2026-05-06"`)

	// Target by user name, or by the id the table's links carry.
	p = audit("target=" + url.QueryEscape(d.AdaGuest.UserPrincipalName))
	must(t, p, http.StatusOK, disable, "Ada Lovelace")
	mustNot(t, p, "Grace Hopper")
	p = audit("target=" + d.Grace.ID)
	must(t, p, http.StatusOK, invite, "Grace Hopper")
	mustNot(t, p, disable)
	must(t, audit(""), http.StatusOK, `href="?target=`+d.Grace.ID+`"`)
	must(t, audit("target=nobody%40contoso.example"), http.StatusBadRequest, "No user of Contoso has the user name")
	// Filters combine.
	p = audit("activity=" + url.QueryEscape(directory.ActivityInviteExternalUser) + "&target=" + d.AdaGuest.ID + "&from=2026-05-06")
	must(t, p, http.StatusOK, "No events match.")
}

func TestOutboxListsNewestFirstAcrossPages(t *testing.T) {
	s := newSite(t)
	tid := s.demo.Contoso.ID
	admin := s.admin(t)
	admin.get("/admin/" + tid + "/invite")
	// More than one page of invitations, a minute apart.
	for i := range pageSize + 5 {
		s.clock.Advance(time.Minute)
		p := admin.post("/admin/"+tid+"/invite", url.Values{"email": {fmt.Sprintf("g%03d@example.net", i)}})
		must(t, p, http.StatusOK, "Invitation sent")
	}
	to := regexp.MustCompile(`To (g\d{3})@example.net`)
	var seen []string
	path := "/admin/" + tid + "/outbox"
	for pages := 0; path != ""; pages++ {
		if pages > 3 {
			t.Fatal("paging does not end")
		}
		p := admin.get(path)
		must(t, p, http.StatusOK, "Newest first")
		for _, m := range to.FindAllStringSubmatch(p.body, -1) {
			seen = append(seen, m[1])
		}
		path = ""
		if m := nextLink.FindStringSubmatch(p.body); m != nil {
			path = strings.ReplaceAll(m[1], "&amp;", "&")
		}
	}
	if len(seen) != pageSize+5 {
		t.Fatalf("saw %d messages across the pages, want %d", len(seen), pageSize+5)
	}
	for i, name := range seen {
		if want := fmt.Sprintf("g%03d", pageSize+4-i); name != want {
			t.Fatalf("message %d is to %s, want %s (newest first): %v", i, name, want, seen)
		}
	}
}
