package webui

import (
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/orgdir/orgdir/internal/auth"
	"github.com/orgdir/orgdir/internal/demo"
	"github.com/orgdir/orgdir/internal/directory"
	"github.com/orgdir/orgdir/internal/store/sqlite"
	"github.com/orgdir/orgdir/internal/websession"
)

// site is the UI over a fresh SQLite store with the demo data.
type site struct {
	srv   *httptest.Server
	svc   *directory.Service
	store directory.Store
	demo  *demo.Demo
	clock *directory.FixedClock
}

// newSite starts the UI; opts change its Options.
func newSite(t *testing.T, opts ...func(*Options)) *site {
	t.Helper()
	return newSiteWith(t, nil, opts...)
}

// newSiteWith is newSite whose directory service dirOpt configures first.
func newSiteWith(t *testing.T, dirOpt func(*directory.Options), opts ...func(*Options)) *site {
	t.Helper()
	ctx := context.Background()
	st, err := sqlite.Open(ctx, t.TempDir()+"/orgdir.db")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	clock := directory.NewFixedClock(time.Date(2026, 5, 4, 9, 0, 0, 0, time.UTC))
	hasher := &auth.Argon2Hasher{Params: auth.Argon2Params{Memory: 64, Time: 1, Threads: 1, KeyLen: 16, SaltLen: 8}}
	s := &site{store: st, clock: clock}
	s.srv = httptest.NewUnstartedServer(nil)
	base := "http://" + s.srv.Listener.Addr().String()
	do := directory.Options{Clock: clock.Now, PublicBaseURL: base, PasswordHasher: hasher}
	if dirOpt != nil {
		dirOpt(&do)
	}
	s.svc = directory.NewService(st, do)
	if s.demo, err = demo.Seed(ctx, s.svc, base); err != nil {
		t.Fatal(err)
	}
	o := Options{Service: s.svc, BaseURL: base}
	for _, f := range opts {
		f(&o)
	}
	ui, err := New(o)
	if err != nil {
		t.Fatal(err)
	}
	s.srv.Config.Handler = ui
	s.srv.Start()
	t.Cleanup(s.srv.Close)
	return s
}

// browser is a client with cookies that fills in the CSRF token of the
// last page it read, as a browser submitting that page's form would.
type browser struct {
	t    *testing.T
	s    *site
	c    *http.Client
	csrf string
}

var csrfField = regexp.MustCompile(`name="csrf" value="([^"]*)"`)

func (s *site) browser(t *testing.T) *browser {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	return &browser{t: t, s: s, c: &http.Client{Jar: jar, Timeout: 10 * time.Second}}
}

// behindProxy is a browser whose requests carry X-Forwarded-For: xff, as
// if a reverse proxy had added it (the site sees them from 127.0.0.1).
func (s *site) behindProxy(t *testing.T, xff string) *browser {
	b := s.browser(t)
	b.c.Transport = forwarding{xff}
	return b
}

type forwarding struct{ xff string }

func (f forwarding) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Header.Set("X-Forwarded-For", f.xff)
	return http.DefaultTransport.RoundTrip(r)
}

type page struct {
	status int
	body   string
	url    string
	header http.Header
}

func (b *browser) read(resp *http.Response, err error) page {
	b.t.Helper()
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if m := csrfField.FindStringSubmatch(string(body)); m != nil {
		b.csrf = m[1]
	}
	return page{status: resp.StatusCode, body: string(body), url: resp.Request.URL.Path, header: resp.Header}
}

func (b *browser) get(path string) page {
	b.t.Helper()
	return b.read(b.c.Get(b.s.srv.URL + path))
}

// post submits a form with the CSRF token of the last page.
func (b *browser) post(path string, form url.Values) page {
	b.t.Helper()
	if form == nil {
		form = url.Values{}
	}
	if _, ok := form["csrf"]; !ok {
		form.Set("csrf", b.csrf)
	}
	return b.read(b.c.PostForm(b.s.srv.URL+path, form))
}

func (b *browser) signIn(upn, password string) page {
	b.t.Helper()
	b.get("/signin")
	p := b.post("/signin", url.Values{"username": {upn}, "password": {password}})
	if p.status != http.StatusOK || p.url != "/myaccount" {
		b.t.Fatalf("sign-in as %s ended at %s with %d:\n%s", upn, p.url, p.status, p.body)
	}
	return p
}

func must(t *testing.T, p page, status int, wants ...string) {
	t.Helper()
	if p.status != status {
		t.Fatalf("status %d at %s, want %d; page:\n%s", p.status, p.url, status, p.body)
	}
	for _, w := range wants {
		if !strings.Contains(p.body, w) {
			t.Fatalf("the page at %s does not say %q; page:\n%s", p.url, w, p.body)
		}
	}
}

func mustNot(t *testing.T, p page, unwanted ...string) {
	t.Helper()
	for _, w := range unwanted {
		if strings.Contains(p.body, w) {
			t.Fatalf("the page at %s says %q but must not; page:\n%s", p.url, w, p.body)
		}
	}
}

// mainOf is p without its header, whose name menu names the person
// signed in: for checks of what a list shows.
func mainOf(p page) page {
	if i := strings.Index(p.body, "<main"); i >= 0 {
		p.body = p.body[i:]
	}
	return p
}

func TestPagesSendSecurityHeaders(t *testing.T) {
	s := newSite(t)
	p := s.browser(t).get("/signin")
	csp := p.header.Get("Content-Security-Policy")
	for _, want := range []string{"script-src 'self'", "frame-ancestors 'none'", "form-action 'self'"} {
		if !strings.Contains(csp, want) {
			t.Errorf("CSP %q lacks %q", csp, want)
		}
	}
	if strings.Contains(csp, "unsafe-inline") {
		t.Errorf("CSP %q allows inline code", csp)
	}
	if p.header.Get("X-Frame-Options") != "DENY" || p.header.Get("Referrer-Policy") == "" {
		t.Errorf("headers %v: want X-Frame-Options DENY and a Referrer-Policy", p.header)
	}
	if strings.Contains(p.body, "<script>") || strings.Contains(p.body, " onclick=") {
		t.Error("a page carries inline script")
	}
}

func TestSignIn(t *testing.T) {
	s := newSite(t)

	t.Run("PasswordSignsInWithAnHttpOnlyLaxCookie", func(t *testing.T) {
		b := s.browser(t)
		b.get("/signin")
		resp, err := b.c.PostForm(s.srv.URL+"/signin", url.Values{"csrf": {b.csrf}, "username": {demo.AdaUPN}, "password": {demo.AdaPassword}})
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		var found bool
		for _, c := range resp.Request.Response.Cookies() {
			if c.Name == websession.CookieSession && c.Value != "" {
				found = true
				if !c.HttpOnly || c.SameSite != http.SameSiteLaxMode || c.Secure {
					t.Errorf("session cookie %+v: want HttpOnly, SameSite=Lax, not Secure over http", c)
				}
			}
		}
		if !found {
			t.Fatal("no session cookie was set")
		}
		must(t, b.get("/myaccount"), http.StatusOK, "Ada Lovelace", demo.AdaUPN, "Download my data")
	})

	t.Run("WrongPasswordIsRefusedWithoutASession", func(t *testing.T) {
		b := s.browser(t)
		b.get("/signin")
		p := b.post("/signin", url.Values{"username": {demo.AdaUPN}, "password": {"wrong"}})
		must(t, p, http.StatusUnauthorized, "user name or password is incorrect")
		if p := b.get("/myaccount"); p.url != "/signin" {
			t.Fatalf("after a failed sign-in /myaccount went to %s, want /signin", p.url)
		}
	})

	t.Run("SignOutEndsTheSession", func(t *testing.T) {
		b := s.browser(t)
		b.signIn(demo.AdaUPN, demo.AdaPassword)
		u, _ := url.Parse(s.srv.URL)
		old := b.c.Jar.Cookies(u)
		must(t, b.post("/signout", nil), http.StatusOK, "You have signed out.")
		// The old cookie, replayed, no longer works: the session is gone
		// from the store.
		replay := s.browser(t)
		replay.c.Jar.SetCookies(u, old)
		if p := replay.get("/myaccount"); p.url != "/signin" {
			t.Fatalf("a signed-out cookie reached %s, want /signin", p.url)
		}
	})

	t.Run("PasswordGuessingIsRateLimited", func(t *testing.T) {
		b := s.browser(t)
		b.get("/signin")
		var last page
		for range directory.SignInFreeFailures + 1 {
			last = b.post("/signin", url.Values{"username": {demo.ContosoAdminUPN}, "password": {"guess"}})
		}
		must(t, last, http.StatusTooManyRequests, "Too many sign-in attempts; try again in 1 second.")
		if last.header.Get("Retry-After") != "1" {
			t.Errorf("Retry-After = %q, want 1", last.header.Get("Retry-After"))
		}
	})

	t.Run("NextIsKeptOnThisSite", func(t *testing.T) {
		for in, want := range map[string]string{"/admin": "/admin", "//evil.example/x": "/myaccount", "https://evil.example": "/myaccount", "": "/myaccount", "/\\evil": "/myaccount"} {
			if got := safeNext(in); got != want {
				t.Errorf("safeNext(%q) = %q, want %q", in, got, want)
			}
		}
	})
}

func TestPostWithoutCSRFTokenIsRefused(t *testing.T) {
	s := newSite(t)
	b := s.browser(t)
	b.signIn(demo.AdaUPN, demo.AdaPassword)
	p := b.post("/signout", url.Values{"csrf": {""}})
	must(t, p, http.StatusForbidden, "did not come from this site")
	p = b.post("/signout", url.Values{"csrf": {"forged"}})
	must(t, p, http.StatusForbidden)
	if p := b.get("/myaccount"); p.url != "/myaccount" {
		t.Fatal("a refused sign-out must leave the session alone")
	}
	anon := s.browser(t)
	anon.get("/signin")
	must(t, anon.post("/signin", url.Values{"csrf": {""}, "username": {demo.AdaUPN}, "password": {demo.AdaPassword}}), http.StatusForbidden)
}

func TestOrganizationsLeaveAndRestore(t *testing.T) {
	s := newSite(t)
	d := s.demo
	ada := s.browser(t)
	ada.signIn(demo.AdaUPN, demo.AdaPassword)

	p := ada.get("/myaccount/organizations")
	must(t, p, http.StatusOK, "Home organization", "Other organizations you collaborate with", "Fabrikam", "Contoso", "Sign in to leave organization")
	home := p.body[strings.Index(p.body, "Home organization"):strings.Index(p.body, "Other organizations")]
	if strings.Contains(home, "Leave") || !strings.Contains(home, "Fabrikam") {
		t.Fatalf("the home organization must be Fabrikam without Leave:\n%s", home)
	}

	// Leave needs signing in to Contoso first.
	p = ada.get("/myaccount/organizations/" + d.Contoso.ID + "/leave")
	must(t, p, http.StatusOK, "Sign in to Contoso first")
	must(t, ada.post("/myaccount/organizations/"+d.Contoso.ID+"/signin", nil), http.StatusOK, "You are signed in to Contoso.", ">Leave organization<")

	p = ada.get("/myaccount/organizations/" + d.Contoso.ID + "/leave")
	must(t, p, http.StatusOK, "Leave Contoso?", "your account and your data in that organization will be deleted", "Cancel")
	must(t, ada.post("/myaccount/organizations/"+d.Contoso.ID+"/leave", nil), http.StatusOK, "You have left Contoso.")
	p = ada.get("/myaccount/organizations")
	mustNot(t, p, "Contoso")

	admin := s.browser(t)
	admin.signIn(demo.ContosoAdminUPN, demo.ContosoAdminPass)
	p = admin.get("/admin/" + d.Contoso.ID + "/deleted")
	must(t, p, http.StatusOK, "Ada Lovelace", d.AdaGuest.UserPrincipalName, ">30<")
	// Restore shows first what comes back, then restores on confirm.
	p = admin.post("/admin/"+d.Contoso.ID+"/deleted/restore", url.Values{"id": {d.AdaGuest.ID}})
	must(t, p, http.StatusOK, "Restore Ada Lovelace?", demo.GroupName, demo.AppRoleName, `name="confirm" value="yes"`)
	mustNot(t, p, "Restored Ada Lovelace")
	must(t, admin.post("/admin/"+d.Contoso.ID+"/deleted/restore", url.Values{"id": {d.AdaGuest.ID}, "confirm": {"yes"}}), http.StatusOK, "Restored Ada Lovelace")
	p = admin.get("/admin/" + d.Contoso.ID + "/users/" + d.AdaGuest.ID)
	must(t, p, http.StatusOK, demo.GroupName, demo.AppRoleName)
	must(t, ada.get("/myaccount/organizations"), http.StatusOK, "Contoso")
}

func TestRefusedLeaveShowsTheContact(t *testing.T) {
	s := newSite(t)
	d := s.demo
	ada := s.browser(t)
	ada.signIn(demo.AdaUPN, demo.AdaPassword)
	ada.get("/myaccount/organizations")
	ada.post("/myaccount/organizations/"+d.Contoso.ID+"/signin", nil)

	admin := s.browser(t)
	admin.signIn(demo.ContosoAdminUPN, demo.ContosoAdminPass)
	admin.get("/admin/" + d.Contoso.ID + "/users/" + d.AdaGuest.ID)
	must(t, admin.post("/admin/"+d.Contoso.ID+"/users/"+d.AdaGuest.ID+"/disable", nil), http.StatusOK, "Disabled Ada Lovelace")

	ada.get("/myaccount/organizations/" + d.Contoso.ID + "/leave")
	p := ada.post("/myaccount/organizations/"+d.Contoso.ID+"/leave", nil)
	must(t, p, http.StatusForbidden, "leave this organization yourself", demo.ContosoPrivacyMail, demo.ContosoPrivacyURL)
	must(t, ada.get("/myaccount/organizations"), http.StatusOK, "Contoso")
}

func TestAdminPortalIsForAdminsOnly(t *testing.T) {
	s := newSite(t)
	d := s.demo
	ada := s.browser(t)
	ada.signIn(demo.AdaUPN, demo.AdaPassword)
	must(t, ada.get("/admin/"+d.Fabrikam.ID+"/users"), http.StatusForbidden, "Global Administrators and User Administrators")
	ada.get("/myaccount/organizations")
	ada.post("/myaccount/organizations/"+d.Contoso.ID+"/signin", nil)
	must(t, ada.get("/admin/"+d.Contoso.ID+"/deleted"), http.StatusForbidden)
	// Another tenant's admin is no admin here.
	fab := s.browser(t)
	fab.signIn(demo.FabrikamAdminUPN, demo.FabrikamAdminPass)
	must(t, fab.get("/admin/"+d.Contoso.ID+"/users"), http.StatusForbidden)
}

func TestPermanentDeleteAsksFirst(t *testing.T) {
	s := newSite(t)
	d := s.demo
	admin := s.browser(t)
	admin.signIn(demo.ContosoAdminUPN, demo.ContosoAdminPass)
	admin.get("/admin/" + d.Contoso.ID + "/users/" + d.AdaGuest.ID + "/delete")
	must(t, admin.post("/admin/"+d.Contoso.ID+"/users/"+d.AdaGuest.ID+"/delete", nil), http.StatusOK, "Deleted Ada Lovelace")
	admin.get("/admin/" + d.Contoso.ID + "/deleted")
	p := admin.post("/admin/"+d.Contoso.ID+"/deleted/purge", url.Values{"ids": {d.AdaGuest.ID}})
	must(t, p, http.StatusOK, "This cannot be undone", "Ada Lovelace")
	must(t, admin.get("/admin/"+d.Contoso.ID+"/deleted"), http.StatusOK, "Ada Lovelace")
	p = admin.post("/admin/"+d.Contoso.ID+"/deleted/purge", url.Values{"ids": {d.AdaGuest.ID}, "confirm": {"yes"}})
	must(t, p, http.StatusOK, "Permanently deleted 1 user(s).")
	mustNot(t, admin.get("/admin/"+d.Contoso.ID+"/deleted"), "Ada Lovelace")
}

var eightDigits = regexp.MustCompile(`\b\d{8}\b`)

// codeMailTo reads the passcode e-mail to address from the outbox.
func (s *site) codeMailTo(t *testing.T, address string) *directory.OutboxMessage {
	t.Helper()
	var last *directory.OutboxMessage
	err := s.store.Read(context.Background(), func(tx directory.Tx) error {
		msgs, err := tx.ListUnsentMail(context.Background(), 1000)
		for _, m := range msgs {
			if m.To == address && strings.Contains(m.Subject, "sign-in code") {
				last = m
			}
		}
		return err
	})
	if err != nil || last == nil {
		t.Fatalf("no mail to %s (%v)", address, err)
	}
	return last
}

func TestInvitationRedeemedWithPasscode(t *testing.T) {
	s := newSite(t)
	d := s.demo
	if d.GraceInvite == nil {
		t.Fatal("the demo made no invitation for Grace")
	}
	grace := s.browser(t)
	link := strings.TrimPrefix(d.GraceInvite.RedeemURL, s.srv.URL)
	p := grace.get(link)
	must(t, p, http.StatusOK, "Contoso invites you", demo.GraceEmail, "Send a code to")
	p = grace.post("/signin/code", url.Values{"email": {demo.GraceEmail}, "next": {link}})
	must(t, p, http.StatusOK, "Enter your code", "We sent a code to "+demo.GraceEmail)
	code := eightDigits.FindString(s.codeMailTo(t, demo.GraceEmail).Body)
	p = grace.post("/signin/code/verify", url.Values{"email": {demo.GraceEmail}, "code": {code}, "next": {link}})
	must(t, p, http.StatusOK, "Accept invitation", "You are signed in as <strong>"+demo.GraceEmail)
	p = grace.post("/redeem", url.Values{"token": {strings.TrimPrefix(link, "/redeem?token=")}})
	must(t, p, http.StatusOK, "You accepted the invitation", "Contoso")
	mustNot(t, p, "Home organization")
	// The link works once.
	must(t, grace.get(link), http.StatusGone, "already accepted")
}

func TestWrongPasscodeIsRefused(t *testing.T) {
	s := newSite(t)
	b := s.browser(t)
	b.get("/signin")
	b.post("/signin/code", url.Values{"email": {"someone@example.net"}})
	code := eightDigits.FindString(s.codeMailTo(t, "someone@example.net").Body)
	wrong := "00000000"
	if code == wrong {
		wrong = "00000001"
	}
	p := b.post("/signin/code/verify", url.Values{"email": {"someone@example.net"}, "code": {wrong}})
	must(t, p, http.StatusUnauthorized, "The code is wrong")
	if p := b.get("/myaccount"); p.url != "/signin" {
		t.Fatal("a wrong code must not sign in")
	}
}

func TestTemplatesParse(t *testing.T) {
	pages, err := parseTemplates()
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"signin", "organizations", "leave", "deleted", "purge_confirm", "error", "audit", "outbox"} {
		if pages[name] == nil {
			t.Errorf("page %s is missing", name)
		}
	}
}

// TestPasscodeAddressesFollowTheOneRule: an address the domain refuses is
// refused when a code is asked for and when one is entered, both with
// 400 and before any code exists or is spent; an unusual address that the
// rule accepts signs in.
func TestPasscodeAddressesFollowTheOneRule(t *testing.T) {
	s := newSite(t)
	b := s.browser(t)
	b.get("/signin")
	for _, addr := range []string{"a@b", "x@[127.0.0.1]", strings.Repeat("l", 300) + "@x.example", "a..b@x.example", "ada@localhost"} {
		must(t, b.post("/signin/code", url.Values{"email": {addr}}), http.StatusBadRequest, "is not an e-mail address")
		must(t, b.post("/signin/code/verify", url.Values{"email": {addr}, "code": {"12345678"}}), http.StatusBadRequest, "is not an e-mail address")
		ok := s.store.Read(context.Background(), func(tx directory.Tx) error {
			if n, err := tx.CountOneTimeCodesSince(context.Background(), strings.ToLower(addr), time.Time{}); err != nil || n != 0 {
				t.Errorf("%d codes for %q (%v), want none", n, addr, err)
			}
			return nil
		})
		if ok != nil {
			t.Fatal(ok)
		}
	}
	const addr = "O'Brien+tag@Mail.Example.net"
	must(t, b.post("/signin/code", url.Values{"email": {" " + addr + " "}}), http.StatusOK, "Enter your code")
	code := eightDigits.FindString(s.codeMailTo(t, strings.ToLower(addr)).Body)
	p := b.post("/signin/code/verify", url.Values{"email": {addr}, "code": {code}})
	must(t, p, http.StatusOK)
	if p := b.get("/myaccount"); p.url == "/signin" {
		t.Fatalf("the code for %s did not sign in", addr)
	}
}

// TestPermanentDeleteOfManySaysWhichAndWhy: the confirmed delete of
// several Deleted users names each one deleted, and each one not deleted
// with the reason (here a live user, picked by a stale page).
func TestPermanentDeleteOfManySaysWhichAndWhy(t *testing.T) {
	s := newSite(t)
	tid := s.demo.Contoso.ID
	var ids []string
	for _, n := range []string{"Noor", "Oskar"} {
		u, err := s.svc.CreateUser(s.system(), tid, directory.NewUser{UserPrincipalName: strings.ToLower(n) + "@contoso.example", DisplayName: n})
		if err != nil {
			t.Fatal(err)
		}
		if err := s.svc.DeleteUser(s.system(), tid, u.ID); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, u.ID)
	}
	admin := s.admin(t)
	admin.get("/admin/" + tid + "/deleted")
	p := admin.post("/admin/"+tid+"/deleted/purge", url.Values{"ids": {ids[0], s.demo.AdaGuest.ID, ids[1]}, "confirm": {"yes"}})
	must(t, p, http.StatusOK, "Permanently deleted 2 user(s). 1 could not be deleted.",
		"Noor (noor@contoso.example)", "Oskar (oskar@contoso.example)", "the user is not deleted")
	mustNot(t, admin.get("/admin/"+tid+"/deleted"), "Noor", "Oskar")
}
