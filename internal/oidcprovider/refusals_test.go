package oidcprovider_test

import (
	"encoding/json"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	gooidc "github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"github.com/orgdir/orgdir/internal/demo"
	"github.com/orgdir/orgdir/internal/directory"
)

// authURL is an authorization request of the relying party with PKCE.
func (r *rp) authURL(opts ...oauth2.AuthCodeOption) string {
	return r.conf.AuthCodeURL("st-1", append([]oauth2.AuthCodeOption{oauth2.S256ChallengeOption(oauth2.GenerateVerifier()), gooidc.Nonce("n-1")}, opts...)...)
}

// wantPage fails unless p is an orgdir page (no redirect to the app)
// with status, saying every one of says.
func wantPage(t *testing.T, p page, status int, says ...string) {
	t.Helper()
	if p.location != nil {
		t.Fatalf("redirected to %s, want a page", p.location)
	}
	if p.status != status {
		t.Fatalf("status %d, want %d\n%s", p.status, status, p.body)
	}
	for _, s := range says {
		if !strings.Contains(p.body, s) {
			t.Errorf("the page does not say %q\n%s", s, p.body)
		}
	}
}

// wantRedirectError fails unless p sends the app the OAuth error code.
func wantRedirectError(t *testing.T, p page, code, prefix string) url.Values {
	t.Helper()
	if p.location == nil {
		t.Fatalf("no redirect to the app: %d\n%s", p.status, p.body)
	}
	q := p.location.Query()
	if q.Get("error") != code || !strings.HasPrefix(q.Get("error_description"), prefix) {
		t.Fatalf("the app got %s %q, want %s starting %q", q.Get("error"), q.Get("error_description"), code, prefix)
	}
	return q
}

func TestAssignmentRequiredRefusesAnUnassignedUser(t *testing.T) {
	eachStore(t, func(t *testing.T, w *world) {
		app := w.secondApp(true)
		r := w.rp(app.ID, "", spaCallback)
		b := w.browser()
		p := b.signIn(b.get(r.authURL()), demo.AdaUPN, demo.AdaPassword)
		wantPage(t, p, http.StatusForbidden, "AADSTS50105", demo.ContosoPrivacyMail)
		// Silently, the app hears access_denied with the same code.
		wantRedirectError(t, b.get(r.authURL(oauth2.SetAuthURLParam("prompt", "none"))), "access_denied", "AADSTS50105")
		// Assigned, she gets in.
		if _, err := w.svc.AssignAppRole(w.as(w.d.ContosoAdmin), w.d.Contoso.ID, w.d.AdaGuest.ID, app.ID, directory.DefaultAppRoleID); err != nil {
			t.Fatal(err)
		}
		r.codeFlow(w, b, "", "")
	})
}

func TestDisabledUserIsRefused(t *testing.T) {
	eachStore(t, func(t *testing.T, w *world) {
		r := w.webRP()
		b := w.browser()
		s := r.codeFlow(w, b, demo.AdaUPN, demo.AdaPassword)
		off := false
		if _, err := w.svc.UpdateUser(w.as(w.d.ContosoAdmin), w.d.Contoso.ID, w.d.AdaGuest.ID, directory.UserPatch{AccountEnabled: &off}); err != nil {
			t.Fatal(err)
		}
		wantPage(t, b.get(r.authURL()), http.StatusForbidden, "AADSTS50057", demo.ContosoPrivacyMail)
		_, err := r.refresh(w, s.tok.RefreshToken)
		wantRetrieveError(t, err, "invalid_grant", "AADSTS50057")
		if got := w.userinfoStatus(s.tok.AccessToken); got != http.StatusUnauthorized {
			t.Errorf("userinfo for a disabled user: %d, want 401", got)
		}
		if got := w.introspect(s.tok.AccessToken); got["active"] != false {
			t.Errorf("introspection for a disabled user: %v", got)
		}
	})
}

func TestGuestWhoLeftCannotRefresh(t *testing.T) {
	eachStore(t, func(t *testing.T, w *world) {
		r := w.webRP()
		b := w.browser()
		s := r.codeFlow(w, b, demo.AdaUPN, demo.AdaPassword)
		if w.introspect(s.tok.AccessToken)["active"] != true || w.userinfoStatus(s.tok.AccessToken) != http.StatusOK {
			t.Fatal("the fresh token is not active")
		}
		if err := w.svc.Leave(w.as(w.d.Ada), w.d.Contoso.ID); err != nil {
			t.Fatal(err)
		}
		_, err := r.refresh(w, s.tok.RefreshToken)
		wantRetrieveError(t, err, "invalid_grant", "AADSTS50020")
		if got := w.userinfoStatus(s.tok.AccessToken); got != http.StatusUnauthorized {
			t.Errorf("userinfo after leaving: %d, want 401", got)
		}
		if got := w.introspect(s.tok.AccessToken); got["active"] != false {
			t.Errorf("introspection after leaving: %v", got)
		}
		// Her session still stands (she is a Fabrikam member), but Contoso's
		// app no longer signs her in.
		wantPage(t, b.get(r.authURL()), http.StatusForbidden, "AADSTS50020")
		// A restore does not bring the old refresh token back.
		if _, err := w.svc.RestoreUser(w.as(w.d.ContosoAdmin), w.d.Contoso.ID, w.d.AdaGuest.ID, ""); err != nil {
			t.Fatal(err)
		}
		_, err = r.refresh(w, s.tok.RefreshToken)
		wantRetrieveError(t, err, "invalid_grant", "")
	})
}

func TestWrongRedirectURIIsRefusedWithoutRedirect(t *testing.T) {
	eachStore(t, func(t *testing.T, w *world) {
		r := w.webRP()
		b := w.browser()
		for _, uri := range []string{"http://localhost:5555/callback/", "http://LOCALHOST:5555/callback", "https://evil.example/callback", ""} {
			r.conf.RedirectURL = uri
			wantPage(t, b.get(r.authURL()), http.StatusBadRequest, "AADSTS50011")
		}
		// Nor after sign-in, nor at the token endpoint.
		r.conf.RedirectURL = webCallback
		s := r.codeFlow(w, b, demo.AdaUPN, demo.AdaPassword)
		_ = s
		verifier := oauth2.GenerateVerifier()
		code := w.code(b.get(r.conf.AuthCodeURL("st", oauth2.S256ChallengeOption(verifier))), "st")
		r.conf.RedirectURL = logoutURI // registered, but not the request's
		_, err := r.conf.Exchange(w.ctx, code, oauth2.VerifierOption(verifier))
		wantRetrieveError(t, err, "invalid_grant", "")
	})
}

func TestUnknownTenantAndAppAreErrorPages(t *testing.T) {
	eachStore(t, func(t *testing.T, w *world) {
		b := w.browser()
		for _, tenant := range []string{"nowhere.example", directory.NewID(), "not a tenant", "..%2F"} {
			p := b.get(w.srv.URL + "/" + url.PathEscape(tenant) + "/oauth2/v2.0/authorize?client_id=" + w.d.App.ID +
				"&response_type=code&redirect_uri=" + url.QueryEscape(webCallback))
			if tenant == "..%2F" {
				if p.status >= 500 {
					t.Errorf("%s: %d", tenant, p.status)
				}
				continue
			}
			wantPage(t, p, http.StatusBadRequest, "AADSTS90002")
			resp, err := w.srv.Client().Get(w.srv.URL + "/" + url.PathEscape(tenant) + "/v2.0/.well-known/openid-configuration")
			if err != nil {
				t.Fatal(err)
			}
			var body map[string]string
			_ = json.NewDecoder(resp.Body).Decode(&body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusBadRequest || body["error"] != "invalid_request" || !strings.HasPrefix(body["error_description"], "AADSTS90002") {
				t.Errorf("discovery of %s: %d %v", tenant, resp.StatusCode, body)
			}
		}
		// An app of another tenant is no app of this one.
		p := b.get(w.srv.URL + "/" + w.d.Fabrikam.ID + "/oauth2/v2.0/authorize?client_id=" + w.d.App.ID +
			"&response_type=code&redirect_uri=" + url.QueryEscape(webCallback))
		wantPage(t, p, http.StatusBadRequest, "AADSTS700016")
	})
}

func TestPromptNoneAndLogin(t *testing.T) {
	eachStore(t, func(t *testing.T, w *world) {
		r := w.webRP()
		b := w.browser()
		wantRedirectError(t, b.get(r.authURL(oauth2.SetAuthURLParam("prompt", "none"))), "login_required", "AADSTS50058")
		s := r.codeFlow(w, b, demo.AdaUPN, demo.AdaPassword)
		// With a session, prompt=none answers at once.
		p := b.get(r.authURL(oauth2.SetAuthURLParam("prompt", "none")))
		if w.code(p, "st-1") == "" {
			t.Fatal("no code")
		}
		// prompt=login asks again, and the new sign-in is a new session.
		w.clock.Advance(61 * time.Second)
		p = b.get(r.authURL(oauth2.SetAuthURLParam("prompt", "login"), oauth2.SetAuthURLParam("login_hint", demo.AdaUPN)))
		if p.path != "/signin" || field(userField, p.body) != demo.AdaUPN {
			t.Fatalf("prompt=login: %d at %s, user name %q", p.status, p.path, field(userField, p.body))
		}
		verifier := oauth2.GenerateVerifier()
		p = b.signIn(b.get(r.conf.AuthCodeURL("st-2", oauth2.S256ChallengeOption(verifier), gooidc.Nonce("n-2"),
			oauth2.SetAuthURLParam("prompt", "login"))), demo.AdaUPN, demo.AdaPassword)
		tok, err := r.conf.Exchange(w.ctx, w.code(p, "st-2"), oauth2.VerifierOption(verifier))
		if err != nil {
			t.Fatal(err)
		}
		again := r.verify(w, tok, "n-2")
		if again.claims.SID == s.claims.SID || again.claims.AuthTime <= s.claims.AuthTime {
			t.Errorf("prompt=login kept the session: sid %s auth_time %d, before %s %d", again.claims.SID, again.claims.AuthTime, s.claims.SID, s.claims.AuthTime)
		}
		// max_age: a sign-in younger than it is kept, an older one asks again.
		if p := b.get(r.authURL(oauth2.SetAuthURLParam("max_age", "3600"))); p.location == nil {
			t.Errorf("max_age=3600 asked again: %d at %s", p.status, p.path)
		}
		w.clock.Advance(2 * time.Minute)
		if p := b.get(r.authURL(oauth2.SetAuthURLParam("max_age", "60"))); p.path != "/signin" {
			t.Errorf("max_age=60 two minutes after sign-in: %d at %s", p.status, p.path)
		}
	})
}

func TestFormPostResponseMode(t *testing.T) {
	eachStore(t, func(t *testing.T, w *world) {
		r := w.webRP()
		b := w.browser()
		r.codeFlow(w, b, demo.AdaUPN, demo.AdaPassword)
		p := b.get(r.authURL(oauth2.SetAuthURLParam("response_mode", "form_post")))
		wantPage(t, p, http.StatusOK, `action="`+webCallback+`"`, `name="code"`, `name="state" value="st-1"`)
	})
}

func TestPublicClientNeedsPKCE(t *testing.T) {
	eachStore(t, func(t *testing.T, w *world) {
		app := w.secondApp(false)
		r := w.rp(app.ID, "", spaCallback)
		b := w.browser()
		r.codeFlow(w, b, demo.AdaUPN, demo.AdaPassword)
		wantRedirectError(t, b.get(r.conf.AuthCodeURL("st")), "invalid_request", "AADSTS9002325")
		wantRedirectError(t, b.get(r.conf.AuthCodeURL("st", oauth2.SetAuthURLParam("code_challenge", "x"),
			oauth2.SetAuthURLParam("code_challenge_method", "plain"))), "invalid_request", "AADSTS501491")
		// The code of a PKCE request without its verifier is refused.
		code := w.code(b.get(r.authURL()), "st-1")
		_, err := r.conf.Exchange(w.ctx, code)
		wantRetrieveError(t, err, "invalid_grant", "AADSTS501481")
	})
}

func TestRevokeEndsTheGrant(t *testing.T) {
	eachStore(t, func(t *testing.T, w *world) {
		r := w.webRP()
		s := r.codeFlow(w, w.browser(), demo.AdaUPN, demo.AdaPassword)
		resp, err := w.srv.Client().PostForm(w.srv.URL+"/"+w.d.Contoso.ID+"/oauth2/v2.0/revoke", url.Values{
			"token": {s.tok.RefreshToken}, "client_id": {w.d.App.ID}, "client_secret": {w.secret}})
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("revoke: %d", resp.StatusCode)
		}
		_, err = r.refresh(w, s.tok.RefreshToken)
		wantRetrieveError(t, err, "invalid_grant", "")
		if w.introspect(s.tok.AccessToken)["active"] != false {
			t.Error("the access token of a revoked grant is still active")
		}
	})
}

func TestIDTokenIsNoAccessToken(t *testing.T) {
	eachStore(t, func(t *testing.T, w *world) {
		s := w.webRP().codeFlow(w, w.browser(), demo.AdaUPN, demo.AdaPassword)
		raw, _ := s.tok.Extra("id_token").(string)
		if got := w.userinfoStatus(raw); got != http.StatusUnauthorized {
			t.Errorf("userinfo with an ID token: %d, want 401", got)
		}
		if w.introspect(raw)["active"] != false {
			t.Error("an ID token introspects as active")
		}
		// An access token past its lifetime is inactive.
		w.clock.Advance(62 * time.Minute)
		if w.introspect(s.tok.AccessToken)["active"] != false || w.userinfoStatus(s.tok.AccessToken) != http.StatusUnauthorized {
			t.Error("an expired access token is still honoured")
		}
	})
}

func TestLogout(t *testing.T) {
	eachStore(t, func(t *testing.T, w *world) {
		r := w.webRP()
		b := w.browser()
		s := r.codeFlow(w, b, demo.AdaUPN, demo.AdaPassword)
		raw, _ := s.tok.Extra("id_token").(string)
		logout := w.srv.URL + "/" + w.d.Contoso.ID + "/oauth2/v2.0/logout"
		// Without a hint, the person confirms: a link cannot sign her out.
		p := b.get(logout + "?client_id=" + w.d.App.ID + "&post_logout_redirect_uri=" + url.QueryEscape(logoutURI))
		wantPage(t, p, http.StatusOK, "Sign out?")
		if p := b.get(r.authURL(oauth2.SetAuthURLParam("prompt", "none"))); p.location == nil || p.location.Query().Get("code") == "" {
			t.Fatal("the session ended without confirmation")
		}
		// An unregistered target is refused.
		wantPage(t, b.get(logout+"?id_token_hint="+raw+"&post_logout_redirect_uri="+url.QueryEscape("https://evil.example/")), http.StatusBadRequest, "AADSTS50011")
		// With the ID token of this session, it ends and goes back.
		p = b.get(logout + "?id_token_hint=" + raw + "&state=bye&post_logout_redirect_uri=" + url.QueryEscape(logoutURI))
		if p.location == nil || p.location.Query().Get("state") != "bye" || !strings.HasPrefix(p.location.String(), logoutURI) {
			t.Fatalf("logout went to %v (%d)", p.location, p.status)
		}
		wantRedirectError(t, b.get(r.authURL(oauth2.SetAuthURLParam("prompt", "none"))), "login_required", "")
		// Confirmed on the page (its form, with the CSRF token), it ends too.
		r.codeFlow(w, b, demo.AdaUPN, demo.AdaPassword)
		p = b.get(logout + "?client_id=" + w.d.App.ID + "&post_logout_redirect_uri=" + url.QueryEscape(logoutURI))
		form := url.Values{}
		for _, m := range hiddenField.FindAllStringSubmatch(p.body, -1) {
			form.Set(html.UnescapeString(m[1]), html.UnescapeString(m[2]))
		}
		forged := url.Values{"client_id": {w.d.App.ID}, "csrf": {"forged"}}
		wantPage(t, b.read(b.c.PostForm(logout, forged)), http.StatusForbidden)
		p = b.read(b.c.PostForm(logout, form))
		if p.location == nil || !strings.HasPrefix(p.location.String(), logoutURI) {
			t.Fatalf("confirmed logout went to %v (%d)\n%s", p.location, p.status, p.body)
		}
		wantRedirectError(t, b.get(r.authURL(oauth2.SetAuthURLParam("prompt", "none"))), "login_required", "")
	})
}

var hiddenField = regexp.MustCompile(`type="hidden" name="([^"]*)" value="([^"]*)"`)

func TestAppSignInsAreInTheSignInLog(t *testing.T) {
	eachStore(t, func(t *testing.T, w *world) {
		w.webRP().codeFlow(w, w.browser(), demo.AdaUPN, demo.AdaPassword)
		app := w.secondApp(true)
		b := w.browser()
		b.signIn(b.get(w.rp(app.ID, "", spaCallback).authURL()), demo.AdaUPN, demo.AdaPassword)
		events, err := w.svc.ListSignIns(w.as(w.d.ContosoAdmin), w.d.Contoso.ID, directory.SignInQuery{Limit: 100})
		if err != nil {
			t.Fatal(err)
		}
		var ok, refused bool
		for _, e := range events {
			ok = ok || e.AppID == w.d.App.ID && e.AppDisplayName == demo.AppName && e.ErrorCode == 0 && e.UserID == w.d.AdaGuest.ID
			refused = refused || e.AppID == app.ID && e.ErrorCode == 50105
		}
		if !ok || !refused {
			t.Errorf("sign-in log: success of %s %v, AADSTS50105 refusal %v (%d events)", demo.AppName, ok, refused, len(events))
		}
	})
}
