package webui

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/orgdir/orgdir/internal/clientaddr"
	"github.com/orgdir/orgdir/internal/demo"
	"github.com/orgdir/orgdir/internal/directory"
	"github.com/orgdir/orgdir/internal/websession"
)

// fixture is the objects the route tables fill the path values with.
type fixture struct {
	tenant, user, group, app, assignment string
}

// fill replaces the {name} path values of a route pattern.
func (f fixture) fill(pattern string) (method, path string) {
	method, path, _ = strings.Cut(pattern, " ")
	path = strings.TrimSuffix(path, "{$}")
	return method, strings.NewReplacer("{tenant}", f.tenant, "{user}", f.user, "{group}", f.group,
		"{app}", f.app, "{assignment}", f.assignment).Replace(path)
}

// contosoFixture is the demo's objects of Contoso.
func (s *site) contosoFixture() fixture {
	d := s.demo
	return fixture{tenant: d.Contoso.ID, user: d.AdaGuest.ID, group: d.Group.ID, app: d.App.ID, assignment: d.Assignment.ID}
}

// snapshot is everything of both demo tenants an action could change, as
// JSON: their settings, live and deleted users, groups with members, app
// role assignments and audit logs.
func (s *site) snapshot(t *testing.T) string {
	t.Helper()
	ctx := s.system()
	var parts []any
	for _, tid := range []string{s.demo.Contoso.ID, s.demo.Fabrikam.ID} {
		tn, err := s.svc.GetTenant(ctx, tid)
		if err != nil {
			t.Fatal(err)
		}
		parts = append(parts, tn)
		for _, deleted := range []bool{false, true} {
			users, err := s.svc.ListUsers(ctx, tid, directory.UserQuery{Deleted: deleted, Limit: directory.MaxPageSize})
			if err != nil {
				t.Fatal(err)
			}
			parts = append(parts, users)
			for _, u := range users {
				if deleted {
					continue
				}
				as, err := s.svc.ListAppRoleAssignments(ctx, tid, u.ID)
				if err != nil {
					t.Fatal(err)
				}
				parts = append(parts, as)
			}
		}
		groups, err := s.svc.ListGroups(ctx, tid, directory.GroupQuery{Limit: directory.MaxPageSize})
		if err != nil {
			t.Fatal(err)
		}
		for _, g := range groups {
			m, err := s.svc.ListGroupMembers(ctx, tid, g.ID, directory.Page{Limit: directory.MaxPageSize})
			if err != nil {
				t.Fatal(err)
			}
			parts = append(parts, g, m)
		}
		audit, err := s.svc.ListAudit(ctx, tid, directory.AuditQuery{Limit: directory.MaxPageSize})
		if err != nil {
			t.Fatal(err)
		}
		parts = append(parts, audit)
	}
	b, err := json.Marshal(parts)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// formFor is a form that would succeed on each POST route were it not for
// what the test withholds (the CSRF token, the right tenant).
func formFor(pattern string, f fixture) url.Values {
	switch {
	case strings.HasSuffix(pattern, "/signin"), pattern == "POST /signin":
		return url.Values{"username": {demo.ContosoAdminUPN}, "password": {demo.ContosoAdminPass}}
	case strings.HasSuffix(pattern, "/signin/code"):
		return url.Values{"email": {"someone@example.net"}}
	case strings.HasSuffix(pattern, "/verify"):
		return url.Values{"email": {"someone@example.net"}, "code": {"12345678"}}
	case strings.HasSuffix(pattern, "/users"):
		return url.Values{"upn": {"new@contoso.example"}, "displayName": {"New"}}
	case strings.HasSuffix(pattern, "/password"):
		return url.Values{"password": {"A-new-password-2026"}}
	case strings.HasSuffix(pattern, "/{user}/groups"):
		return url.Values{"group": {f.group}}
	case strings.HasSuffix(pattern, "/{user}/approles"):
		return url.Values{"approle": {f.app + "/" + directory.DefaultAppRoleID}}
	case strings.HasSuffix(pattern, "/invite"):
		return url.Values{"email": {"new@example.net"}}
	case strings.HasSuffix(pattern, "/restore"):
		return url.Values{"id": {f.user}}
	case strings.HasSuffix(pattern, "/purge"):
		return url.Values{"ids": {f.user}, "confirm": {"yes"}}
	case strings.HasSuffix(pattern, "/groups"):
		return url.Values{"displayName": {"New group"}}
	case strings.HasSuffix(pattern, "/members"):
		return url.Values{"user": {demo.ContosoAdminUPN}}
	case strings.HasSuffix(pattern, "/apps"):
		return url.Values{"displayName": {"New app"}}
	case strings.HasSuffix(pattern, "/assign"):
		return url.Values{"user": {demo.ContosoAdminUPN}, "role": {directory.DefaultAppRoleID}}
	case strings.HasSuffix(pattern, "/settings"):
		return url.Values{"displayName": {"Contoso"}, "retentionDays": {"7"}}
	case strings.HasSuffix(pattern, "/redeem"):
		return url.Values{"token": {"x"}}
	}
	return url.Values{}
}

// TestEveryPOSTRouteRefusesAMissingOrForgedCSRFToken posts to every POST
// route of routeTable, as a signed-in Global Administrator (so that only
// the token stands between the request and the change) and as a visitor,
// without a token, with a forged one, and with the token of another
// session. Each is refused with 403 and changes nothing. A route added
// without the check fails here.
func TestEveryPOSTRouteRefusesAMissingOrForgedCSRFToken(t *testing.T) {
	s := newSite(t)
	f := s.contosoFixture()
	admin := s.admin(t)
	other := s.browser(t)
	other.signIn(demo.FabrikamAdminUPN, demo.FabrikamAdminPass)
	otherToken := other.csrf
	before := s.snapshot(t)
	var posts int
	ui, err := New(Options{Service: s.svc})
	if err != nil {
		t.Fatal(err)
	}
	for _, rt := range ui.routeTable() {
		method, path := f.fill(rt.pattern)
		if method != http.MethodPost {
			continue
		}
		posts++
		t.Run(rt.pattern, func(t *testing.T) {
			for name, token := range map[string]string{"Missing": "", "Forged": "AAAA" + admin.csrf[4:], "OtherSession": otherToken} {
				form := formFor(rt.pattern, f)
				form.Set("csrf", token)
				for who, b := range map[string]*browser{"admin": admin, "visitor": s.browser(t)} {
					if who == "visitor" {
						b.get("/signin") // a visitor has a CSRF cookie of their own
					}
					p := b.post(path, form)
					if p.status != http.StatusForbidden || !strings.Contains(p.body, "Request refused") {
						t.Fatalf("%s token, %s: %s answered %d, want 403 Request refused:\n%s", name, who, path, p.status, p.body)
					}
				}
			}
		})
	}
	if posts < 20 {
		t.Fatalf("found %d POST routes; the route table seems incomplete", posts)
	}
	if after := s.snapshot(t); after != before {
		t.Fatalf("refused POSTs changed the directory:\nbefore %s\nafter  %s", before, after)
	}
	// The admin is still signed in: no forged sign-out went through.
	must(t, admin.get("/myaccount"), http.StatusOK, "Contoso Admin")
}

// TestEveryPageSendsTheSecurityHeaders opens every GET route of routeTable
// (and the 404, 403 and static answers) and checks the headers.
func TestEveryPageSendsTheSecurityHeaders(t *testing.T) {
	s := newSite(t)
	f := s.contosoFixture()
	admin := s.admin(t)
	ui, err := New(Options{Service: s.svc})
	if err != nil {
		t.Fatal(err)
	}
	paths := []string{"/no/such/page", "/static/style.css", "/static/app.js", "/admin/" + s.demo.Fabrikam.ID + "/users"}
	for _, rt := range ui.routeTable() {
		if method, path := f.fill(rt.pattern); method == http.MethodGet {
			paths = append(paths, path)
		}
	}
	for _, path := range paths {
		p := admin.get(path)
		if p.status >= 500 {
			t.Errorf("%s answered %d", path, p.status)
		}
		csp := p.header.Get("Content-Security-Policy")
		for _, want := range []string{"default-src 'self'", "script-src 'self'", "frame-ancestors 'none'", "form-action 'self'", "object-src 'none'", "base-uri 'none'"} {
			if !strings.Contains(csp, want) {
				t.Errorf("%s: CSP %q lacks %q", path, csp, want)
			}
		}
		if strings.Contains(csp, "unsafe") {
			t.Errorf("%s: CSP %q allows unsafe code", path, csp)
		}
		if p.header.Get("X-Frame-Options") != "DENY" || p.header.Get("X-Content-Type-Options") != "nosniff" || p.header.Get("Referrer-Policy") != "same-origin" {
			t.Errorf("%s: headers %v lack X-Frame-Options DENY, nosniff or Referrer-Policy same-origin", path, p.header)
		}
		if strings.HasPrefix(p.header.Get("Content-Type"), "text/html") && p.header.Get("Cache-Control") != "no-store" {
			t.Errorf("%s: a page with personal data must not be cached (Cache-Control %q)", path, p.header.Get("Cache-Control"))
		}
	}
}

const (
	xssScript = `<script>alert(1)</script>`
	xssImg    = `"><img src=x onerror=alert(2)>`
)

// TestUntrustedTextIsEscapedEverywhere gives every name a person or admin
// can type a script, and looks at each page that shows it: users, a
// user's page, groups, deleted users, the purge and erase confirmations,
// the audit log, the outbox, the invitation, My Account and the success
// messages.
func TestUntrustedTextIsEscapedEverywhere(t *testing.T) {
	s := newSite(t)
	d := s.demo
	tid := d.Contoso.ID
	admin := s.admin(t)
	checked := 0
	clean := func(p page) {
		t.Helper()
		checked++
		for _, raw := range []string{xssScript, `<img src=x`, `onerror=alert`} {
			if strings.Contains(strings.ReplaceAll(p.body, "onerror=alert(2)&gt;", ""), raw) {
				t.Fatalf("%s shows %q unescaped:\n%s", p.url, raw, p.body)
			}
		}
	}
	must(t, admin.get("/admin/"+tid+"/users/new"), http.StatusOK)
	p := admin.post("/admin/"+tid+"/users", url.Values{"upn": {"x1@contoso.example"}, "displayName": {xssScript}, "password": {"A-password-2026"}})
	must(t, p, http.StatusOK, "Created &lt;script&gt;alert(1)&lt;/script&gt;")
	clean(p)
	x1 := strings.TrimPrefix(p.url, "/admin/"+tid+"/users/")
	p = admin.post("/admin/"+tid+"/groups", url.Values{"displayName": {xssImg}, "description": {xssScript}})
	must(t, p, http.StatusOK, "&lt;img src=x")
	clean(p)
	group := strings.TrimPrefix(p.url, "/admin/"+tid+"/groups/")
	clean(admin.post("/admin/"+tid+"/groups/"+group+"/members", url.Values{"user": {"x1@contoso.example"}}))
	clean(admin.post("/admin/"+tid+"/apps", url.Values{"displayName": {xssImg}, "roles": {xssScript}}))
	p = admin.post("/admin/"+tid+"/invite", url.Values{"email": {"x2@example.net"}, "displayName": {xssImg}, "message": {xssScript}})
	must(t, p, http.StatusOK, "Invitation sent")
	clean(p)
	for _, path := range []string{"/users", "/users/" + x1, "/groups", "/groups/" + group, "/apps", "/audit", "/outbox"} {
		clean(admin.get("/admin/" + tid + path))
	}
	admin.get("/admin/" + tid + "/users/" + x1 + "/delete")
	clean(admin.post("/admin/"+tid+"/users/"+x1+"/delete", nil))
	clean(admin.get("/admin/" + tid + "/deleted"))
	clean(admin.get("/admin/" + tid + "/users/" + x1 + "/erase"))
	clean(admin.post("/admin/"+tid+"/deleted/purge", url.Values{"ids": {x1}}))
	// The tenant's own name shows on every admin page and to its guests.
	clean(admin.post("/admin/"+tid+"/settings", url.Values{"displayName": {xssScript}, "retentionDays": {"30"}, "allowLeave": {"on"}}))
	ada := s.browser(t)
	ada.signIn(demo.AdaUPN, demo.AdaPassword)
	clean(ada.get("/myaccount/organizations"))
	clean(ada.post("/myaccount/organizations/"+tid+"/signin", nil))
	clean(ada.get("/myaccount/organizations/" + tid + "/leave"))
	// A person's own name, shown on My Account.
	name := xssImg
	if _, err := s.svc.UpdateUser(s.system(), d.Fabrikam.ID, d.Ada.ID, directory.UserPatch{DisplayName: &name}); err != nil {
		t.Fatal(err)
	}
	must(t, ada.get("/myaccount"), http.StatusOK, "&lt;img src=x")
	clean(ada.get("/myaccount"))
	// Query parameters reflected into pages.
	clean(s.browser(t).get("/signin?next=" + url.QueryEscape(xssImg)))
	clean(s.browser(t).get("/signin/code?email=" + url.QueryEscape(xssImg) + "&next=" + url.QueryEscape(xssScript)))
	clean(admin.get("/admin/" + tid + "/users?q=" + url.QueryEscape(xssImg)))
	clean(admin.get("/admin/" + tid + "/audit?target=" + url.QueryEscape(xssImg)))
	if checked < 20 {
		t.Fatalf("checked %d pages", checked)
	}
}

// noRedirects is a client that reports redirects instead of following.
func (b *browser) noRedirects() *http.Client {
	c := *b.c
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return &c
}

// TestSignInRedirectsOnlyWithinThisSite tries the tricks that turn a
// "next" parameter into an open redirect; each lands on My Account.
func TestSignInRedirectsOnlyWithinThisSite(t *testing.T) {
	s := newSite(t)
	for _, next := range []string{"https://evil.example/", "//evil.example/x", "/\\evil.example", "\\\\evil.example", "/\t/evil.example",
		"/\n/evil.example", "javascript:alert(1)", "http:/evil.example", "evil.example", " //evil.example", "/%0a/x\r\n"} {
		b := s.browser(t)
		b.get("/signin")
		resp, err := b.noRedirects().PostForm(s.srv.URL+"/signin", url.Values{"csrf": {b.csrf}, "username": {demo.AdaUPN},
			"password": {demo.AdaPassword}, "next": {next}})
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if loc := resp.Header.Get("Location"); resp.StatusCode != http.StatusSeeOther || loc != "/myaccount" {
			t.Errorf("next=%q: answered %d to %q, want 303 to /myaccount", next, resp.StatusCode, loc)
		}
	}
	b := s.browser(t)
	b.get("/signin")
	resp, err := b.noRedirects().PostForm(s.srv.URL+"/signin", url.Values{"csrf": {b.csrf}, "username": {demo.AdaUPN},
		"password": {demo.AdaPassword}, "next": {"/myaccount/organizations?x=1"}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if loc := resp.Header.Get("Location"); loc != "/myaccount/organizations?x=1" {
		t.Errorf("a path on this site went to %q", loc)
	}

	t.Run("ErrorPagesGoBackOnlyWithinThisSite", func(t *testing.T) {
		for ref, want := range map[string]string{
			"https://evil.example/phish":   `<a href="/">Go to the start page</a>`,
			s.srv.URL + "/myaccount?tab=1": `<a href="/myaccount?tab=1">Back</a>`,
		} {
			req, _ := http.NewRequest(http.MethodGet, s.srv.URL+"/no/such/page", nil)
			req.Header.Set("Referer", ref)
			p := b.read(b.c.Do(req))
			must(t, p, http.StatusNotFound, want)
			mustNot(t, p, "evil.example")
		}
	})
}

// sessionCookie is the browser's session cookie value, or "".
func (b *browser) sessionCookie() string {
	u, _ := url.Parse(b.s.srv.URL)
	for _, c := range b.c.Jar.Cookies(u) {
		if c.Name == websession.CookieSession {
			return c.Value
		}
	}
	return ""
}

// TestSignInStartsAFreshSession: whatever session cookie the browser had
// (one planted by an attacker, or a session of its own), signing in
// issues a new one, and the old one stops working.
func TestSignInStartsAFreshSession(t *testing.T) {
	s := newSite(t)
	b := s.browser(t)
	u, _ := url.Parse(s.srv.URL)
	b.c.Jar.SetCookies(u, []*http.Cookie{{Name: websession.CookieSession, Value: "planted-by-an-attacker", Path: "/"}})
	b.get("/signin")
	preSignInToken := b.csrf
	b.signIn(demo.AdaUPN, demo.AdaPassword)
	first := b.sessionCookie()
	if first == "" || first == "planted-by-an-attacker" {
		t.Fatalf("session cookie after sign-in = %q, want a new one", first)
	}
	// The form token of the page before sign-in no longer works.
	must(t, b.post("/signout", url.Values{"csrf": {preSignInToken}}), http.StatusForbidden)

	b.signIn(demo.AdaUPN, demo.AdaPassword)
	second := b.sessionCookie()
	if second == "" || second == first {
		t.Fatalf("signing in again kept the session cookie %q", first)
	}
	replay := s.browser(t)
	replay.c.Jar.SetCookies(u, []*http.Cookie{{Name: websession.CookieSession, Value: first, Path: "/"}})
	if p := replay.get("/myaccount"); p.url != "/signin" {
		t.Fatalf("the session replaced by a new sign-in still reaches %s", p.url)
	}
}

// TestDisablingOrDeletingAPersonSignsThemOut: an admin disables, then
// deletes, a member who is signed in; each time their very next request
// is sent to sign in, saying why.
func TestDisablingOrDeletingAPersonSignsThemOut(t *testing.T) {
	s := newSite(t)
	tid := s.demo.Contoso.ID
	bob, err := s.svc.CreateUser(s.system(), tid, directory.NewUser{UserPrincipalName: "bob@contoso.example", DisplayName: "Bob", Password: "Bob-password-2026"})
	if err != nil {
		t.Fatal(err)
	}
	admin := s.admin(t)
	b := s.browser(t)
	b.signIn("bob@contoso.example", "Bob-password-2026")

	admin.get("/admin/" + tid + "/users/" + bob.ID)
	must(t, admin.post("/admin/"+tid+"/users/"+bob.ID+"/disable", nil), http.StatusOK, "Disabled Bob")
	p := b.get("/myaccount")
	if p.url != "/signin" {
		t.Fatalf("a disabled member still reaches %s", p.url)
	}
	must(t, p, http.StatusOK, "You were signed out: your account was disabled")
	b.get("/signin")
	must(t, b.post("/signin", url.Values{"username": {"bob@contoso.example"}, "password": {"Bob-password-2026"}}),
		http.StatusForbidden, "Your account is disabled", demo.ContosoPrivacyMail)

	must(t, admin.post("/admin/"+tid+"/users/"+bob.ID+"/enable", nil), http.StatusOK, "Enabled Bob")
	b.signIn("bob@contoso.example", "Bob-password-2026")
	admin.get("/admin/" + tid + "/users/" + bob.ID + "/delete")
	must(t, admin.post("/admin/"+tid+"/users/"+bob.ID+"/delete", nil), http.StatusOK, "Deleted Bob")
	p = b.get("/myaccount/organizations")
	if p.url != "/signin" {
		t.Fatalf("a deleted member still reaches %s", p.url)
	}
	must(t, p, http.StatusOK, "You were signed out: your account was deleted")
}

// TestCookiesAreHttpOnlyLaxAndSecureBehindHTTPS signs in through a UI
// whose public URL is https and checks every cookie it sets on the way:
// HttpOnly, Secure, SameSite=Lax, and named __Host- so that no subdomain
// can plant one.
func TestCookiesAreHttpOnlyLaxAndSecureBehindHTTPS(t *testing.T) {
	s := newSite(t)
	ui, err := New(Options{Service: s.svc, BaseURL: "https://orgdir.example"})
	if err != nil {
		t.Fatal(err)
	}
	var setCookies []string
	jar := map[string]string{}
	do := func(method, path string, form url.Values) *httptest.ResponseRecorder {
		t.Helper()
		var r *http.Request
		if form != nil {
			r = httptest.NewRequest(method, "https://orgdir.example"+path, strings.NewReader(form.Encode()))
			r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		} else {
			r = httptest.NewRequest(method, "https://orgdir.example"+path, nil)
		}
		for k, v := range jar {
			r.AddCookie(&http.Cookie{Name: k, Value: v})
		}
		rec := httptest.NewRecorder()
		ui.ServeHTTP(rec, r)
		for _, c := range rec.Result().Cookies() {
			jar[c.Name] = c.Value
			if c.MaxAge < 0 {
				delete(jar, c.Name)
			}
		}
		setCookies = append(setCookies, rec.Header().Values("Set-Cookie")...)
		return rec
	}
	rec := do(http.MethodGet, "/signin", nil)
	token := csrfField.FindStringSubmatch(rec.Body.String())
	if token == nil {
		t.Fatal("no CSRF token on the sign-in page")
	}
	rec = do(http.MethodPost, "/signin", url.Values{"csrf": {token[1]}, "username": {demo.AdaUPN}, "password": {demo.AdaPassword}})
	if rec.Code != http.StatusSeeOther || jar["__Host-"+websession.CookieSession] == "" {
		t.Fatalf("sign-in answered %d, cookies %v", rec.Code, jar)
	}
	rec = do(http.MethodGet, "/myaccount", nil)
	token = csrfField.FindStringSubmatch(rec.Body.String())
	do(http.MethodPost, "/signout", url.Values{"csrf": {token[1]}}) // sets the flash cookie
	names := map[string]bool{}
	for _, c := range setCookies {
		names[strings.SplitN(c, "=", 2)[0]] = true
		for _, want := range []string{"HttpOnly", "Secure", "SameSite=Lax", "Path=/"} {
			if !strings.Contains(c, want) {
				t.Errorf("Set-Cookie %q lacks %s", c, want)
			}
		}
	}
	for _, n := range []string{websession.CookieSession, websession.CookieAnon, websession.CookieFlash} {
		if n = "__Host-" + n; !names[n] {
			t.Errorf("the walk set no %s cookie (set: %v)", n, names)
		}
	}
	if rec.Header().Get("Strict-Transport-Security") == "" {
		t.Error("an https site must send Strict-Transport-Security")
	}
}

// TestAnotherTenantsObjectsAreOutOfReach: Contoso's admin puts Fabrikam's
// tenant id, or ids of Fabrikam's objects, into the URLs and forms of
// every admin route. Each is refused, and neither tenant changes.
func TestAnotherTenantsObjectsAreOutOfReach(t *testing.T) {
	s := newSite(t)
	d := s.demo
	ctx := s.system()
	fid := d.Fabrikam.ID
	fgroup, err := s.svc.CreateGroup(ctx, fid, "Fabrikam Secret", "")
	if err != nil {
		t.Fatal(err)
	}
	fapp, err := s.svc.CreateApplication(ctx, fid, "Fabrikam App", nil)
	if err != nil {
		t.Fatal(err)
	}
	fassign, err := s.svc.AssignAppRole(ctx, fid, d.Ada.ID, fapp.ID, directory.DefaultAppRoleID)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.svc.AddGroupMember(ctx, fid, fgroup.ID, d.Ada.ID); err != nil {
		t.Fatal(err)
	}
	fgone, err := s.svc.CreateUser(ctx, fid, directory.NewUser{UserPrincipalName: "gone@fabrikam.example", DisplayName: "Gone"})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.svc.DeleteUser(ctx, fid, fgone.ID); err != nil {
		t.Fatal(err)
	}
	admin := s.admin(t)
	before := s.snapshot(t)
	ui, err := New(Options{Service: s.svc})
	if err != nil {
		t.Fatal(err)
	}
	contoso := s.contosoFixture()
	fabrikam := fixture{tenant: fid, user: d.Ada.ID, group: fgroup.ID, app: fapp.ID, assignment: fassign.ID}
	// Contoso's URL with Fabrikam's objects in the path and the form.
	mixed := fixture{tenant: contoso.tenant, user: d.Ada.ID, group: fgroup.ID, app: fapp.ID, assignment: fassign.ID}
	for _, rt := range ui.routeTable() {
		if !strings.Contains(rt.pattern, "{tenant}") {
			continue
		}
		t.Run(rt.pattern, func(t *testing.T) {
			method, path := fabrikam.fill(rt.pattern)
			form := formFor(rt.pattern, fabrikam)
			var p page
			if method == http.MethodGet {
				p = admin.get(path)
			} else {
				admin.get("/myaccount")
				p = admin.post(path, form)
			}
			if p.status != http.StatusForbidden && p.status != http.StatusNotFound {
				t.Fatalf("Fabrikam's tenant id: %s %s answered %d, want 403 or 404:\n%s", method, path, p.status, p.body)
			}
			mustNot(t, p, "Fabrikam Secret", "Fabrikam App", "gone@fabrikam.example")
			// Then Contoso's own URL, naming Fabrikam's objects in the
			// path or the form.
			names := strings.Contains(rt.pattern, "{user}") || strings.Contains(rt.pattern, "{group}") || strings.Contains(rt.pattern, "{app}") ||
				strings.HasSuffix(rt.pattern, "/restore") || strings.HasSuffix(rt.pattern, "/purge")
			if !names || !strings.Contains(rt.pattern, " /admin/") {
				return
			}
			method, path = mixed.fill(rt.pattern)
			form = formFor(rt.pattern, mixed)
			switch {
			case strings.HasSuffix(rt.pattern, "/restore"), strings.HasSuffix(rt.pattern, "/purge"):
				form.Set("id", fgone.ID)
				form.Set("ids", fgone.ID)
			case strings.HasSuffix(rt.pattern, "/members"), strings.HasSuffix(rt.pattern, "/assign"):
				form.Set("user", d.Ada.ID)
			}
			if method == http.MethodGet {
				p = admin.get(path)
			} else {
				admin.get("/myaccount")
				p = admin.post(path, form)
			}
			refused := p.status == http.StatusNotFound || p.status == http.StatusBadRequest || p.status == http.StatusForbidden ||
				strings.HasSuffix(rt.pattern, "/purge") && strings.Contains(p.body, "No user was deleted permanently")
			if !refused {
				t.Fatalf("Fabrikam's objects under Contoso: %s %s %v answered %d, want 404:\n%s", method, path, form, p.status, p.body)
			}
			mustNot(t, p, "Fabrikam Secret", "Fabrikam App", "gone@fabrikam.example", "Ada Lovelace</h1>")
		})
	}
	if after := s.snapshot(t); after != before {
		t.Fatalf("requests across tenants changed the directory:\nbefore %s\nafter  %s", before, after)
	}
}

// TestAdminPortalLinkOnlyForAdminsOfASignedInOrganization: the link shows
// to the people the portal would let in, and only them.
func TestAdminPortalLinkOnlyForAdminsOfASignedInOrganization(t *testing.T) {
	s := newSite(t)
	d := s.demo
	const link = `href="/admin"`
	must(t, s.admin(t).get("/myaccount"), http.StatusOK, link)

	ada := s.browser(t)
	ada.signIn(demo.AdaUPN, demo.AdaPassword)
	for _, path := range []string{"/myaccount", "/myaccount/organizations"} {
		mustNot(t, ada.get(path), link)
	}
	must(t, ada.get("/admin"), http.StatusForbidden, "Global Administrators and User Administrators")

	// Made a User Administrator of Contoso, where she is a guest: the
	// portal is hers once she is signed in to Contoso.
	if err := s.svc.AddRole(s.system(), d.Contoso.ID, d.AdaGuest.ID, directory.RoleUserAdministrator); err != nil {
		t.Fatal(err)
	}
	mustNot(t, ada.get("/myaccount/organizations"), link)
	p := ada.post("/myaccount/organizations/"+d.Contoso.ID+"/signin", nil)
	must(t, p, http.StatusOK, "You are signed in to Contoso.", link)
	p = ada.get("/admin")
	if p.url != "/admin/"+d.Contoso.ID {
		t.Fatalf("/admin took a Contoso User Administrator to %s", p.url)
	}
	must(t, p, http.StatusOK, "Overview", "pending invitations", "Sign-ins, last 7 days")
	must(t, ada.get("/admin/"+d.Contoso.ID+"/users"), http.StatusOK, "Users", "Ada Lovelace")
	// Still not Fabrikam's admin.
	must(t, ada.get("/admin/"+d.Fabrikam.ID+"/users"), http.StatusForbidden)
}

// TestGuessingIsRateLimited: passwords per user name and client address
// and per client address, passcodes per code, per e-mail address and per
// client address.
func TestGuessingIsRateLimited(t *testing.T) {
	t.Run("PasswordsPerClientAddress", func(t *testing.T) {
		s := newSite(t)
		b := s.browser(t)
		b.get("/signin")
		var last page
		for i := range directory.SignInAddressFreeFailures + 1 {
			last = b.post("/signin", url.Values{"username": {fmt.Sprintf("nobody%d@contoso.example", i)}, "password": {"guess"}})
		}
		must(t, last, http.StatusTooManyRequests, "Too many sign-in attempts from your network; try again in 1 second.")
		// Now even the right password is refused from this address.
		must(t, b.post("/signin", url.Values{"username": {demo.AdaUPN}, "password": {demo.AdaPassword}}), http.StatusTooManyRequests)
	})

	t.Run("GuessingTheOwnersNameDoesNotLockTheOwnerOut", func(t *testing.T) {
		s := newSite(t, trustLoopback)
		attacker := s.behindProxy(t, "198.51.100.66")
		attacker.get("/signin")
		for range 3 * directory.SignInFreeFailures {
			attacker.post("/signin", url.Values{"username": {demo.AdaUPN}, "password": {"guess"}})
		}
		must(t, attacker.post("/signin", url.Values{"username": {demo.AdaUPN}, "password": {demo.AdaPassword}}), http.StatusTooManyRequests)
		// Ada, from her own address, signs in.
		s.behindProxy(t, "203.0.113.8").signIn(demo.AdaUPN, demo.AdaPassword)
	})

	t.Run("PasscodeDiesAfterFiveWrongTries", func(t *testing.T) {
		s := newSite(t)
		b := s.browser(t)
		b.get("/signin")
		b.post("/signin/code", url.Values{"email": {"guess@example.net"}})
		code := eightDigits.FindString(s.codeMailTo(t, "guess@example.net").Body)
		wrong := "00000000"
		if code == wrong {
			wrong = "00000001"
		}
		for range 5 {
			must(t, b.post("/signin/code/verify", url.Values{"email": {"guess@example.net"}, "code": {wrong}}), http.StatusUnauthorized)
		}
		p := b.post("/signin/code/verify", url.Values{"email": {"guess@example.net"}, "code": {code}})
		must(t, p, http.StatusUnauthorized, "Too many wrong tries")
		if b.sessionCookie() != "" {
			t.Fatal("a spent code signed in")
		}
	})

	t.Run("PasscodesPerEmailAddress", func(t *testing.T) {
		s := newSite(t)
		b := s.browser(t)
		b.get("/signin")
		for range 5 {
			must(t, b.post("/signin/code", url.Values{"email": {"flood@example.net"}}), http.StatusOK, "We sent a code")
		}
		must(t, b.post("/signin/code", url.Values{"email": {"flood@example.net"}}), http.StatusTooManyRequests, "Too many codes were sent")
	})

	t.Run("PasscodesPerClientAddress", func(t *testing.T) {
		s := newSite(t)
		b := s.browser(t)
		b.get("/signin")
		var last page
		for i := range 61 {
			last = b.post("/signin/code", url.Values{"email": {fmt.Sprintf("a%d@example.net", i)}})
		}
		must(t, last, http.StatusTooManyRequests, "Too many attempts from your network")
	})
}

// TestPasswordResetAndRevokeSignPeopleOutForGood: an administrator's
// password reset or "Revoke sessions" ends the person's browser session at
// once; signing in again (with the new password) works.
func TestPasswordResetAndRevokeSignPeopleOutForGood(t *testing.T) {
	s := newSite(t)
	tid := s.demo.Contoso.ID
	bob, err := s.svc.CreateUser(s.system(), tid, directory.NewUser{UserPrincipalName: "bob@contoso.example", DisplayName: "Bob", Password: "Bob-password-2026"})
	if err != nil {
		t.Fatal(err)
	}
	admin := s.admin(t)
	b := s.browser(t)
	b.signIn("bob@contoso.example", "Bob-password-2026")
	must(t, b.get("/myaccount"), http.StatusOK, "Bob")

	admin.get("/admin/" + tid + "/users/" + bob.ID)
	must(t, admin.post("/admin/"+tid+"/users/"+bob.ID+"/password", url.Values{"password": {"Bob-new-password-2026"}}), http.StatusOK, "password was reset")
	if p := b.get("/myaccount"); p.url != "/signin" {
		t.Fatalf("after a password reset the old session still reaches %s", p.url)
	}
	b.signIn("bob@contoso.example", "Bob-new-password-2026")
	must(t, b.get("/myaccount"), http.StatusOK, "Bob")

	admin.get("/admin/" + tid + "/users/" + bob.ID)
	must(t, admin.post("/admin/"+tid+"/users/"+bob.ID+"/revoke-sessions", nil), http.StatusOK, "Revoked every session of Bob")
	if p := b.get("/myaccount"); p.url != "/signin" {
		t.Fatalf("after Revoke sessions the old session still reaches %s", p.url)
	}
	b.signIn("bob@contoso.example", "Bob-new-password-2026")
	must(t, b.get("/myaccount"), http.StatusOK, "Bob")
}

// trustLoopback makes the test server trust its own clients (127.0.0.1)
// as a reverse proxy.
func trustLoopback(o *Options) {
	p, err := clientaddr.Parse("127.0.0.1/32, ::1")
	if err != nil {
		panic(err)
	}
	o.TrustedProxies = p
}

// TestClientAddressBehindAProxy: behind a trusted proxy each client is
// counted by its own address; from a peer that is not trusted,
// X-Forwarded-For is ignored, so a client cannot pick a fresh address
// with each guess.
func TestClientAddressBehindAProxy(t *testing.T) {
	guessUntilRefused := func(t *testing.T, b *browser) {
		t.Helper()
		b.get("/signin")
		for range directory.SignInFreeFailures {
			must(t, b.post("/signin", url.Values{"username": {demo.ContosoAdminUPN}, "password": {"guess"}}), http.StatusUnauthorized)
		}
		must(t, b.post("/signin", url.Values{"username": {demo.ContosoAdminUPN}, "password": {"guess"}}), http.StatusTooManyRequests)
	}

	t.Run("TrustedProxyCountsClientsApart", func(t *testing.T) {
		s := newSite(t, trustLoopback)
		guessUntilRefused(t, s.behindProxy(t, "198.51.100.1"))
		// Another client behind the same proxy is not held back.
		s.behindProxy(t, "198.51.100.2").signIn(demo.ContosoAdminUPN, demo.ContosoAdminPass)
		// A client that writes its own X-Forwarded-For in front of the
		// proxy's entry is still counted by the proxy's entry.
		spoof := s.behindProxy(t, "203.0.113.99, 198.51.100.1")
		spoof.get("/signin")
		must(t, spoof.post("/signin", url.Values{"username": {demo.ContosoAdminUPN}, "password": {demo.ContosoAdminPass}}), http.StatusTooManyRequests)
	})

	t.Run("UntrustedPeerHeaderIsIgnored", func(t *testing.T) {
		s := newSite(t)
		guessUntilRefused(t, s.behindProxy(t, "198.51.100.1"))
		// A "new" address in the header is the same peer: still refused.
		b := s.behindProxy(t, "198.51.100.2")
		b.get("/signin")
		must(t, b.post("/signin", url.Values{"username": {demo.ContosoAdminUPN}, "password": {demo.ContosoAdminPass}}), http.StatusTooManyRequests)
	})
}
