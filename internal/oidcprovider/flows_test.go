package oidcprovider_test

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	gooidc "github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"

	"github.com/orgdir/orgdir/internal/demo"
	"github.com/orgdir/orgdir/internal/directory"
)

func TestDiscoveryPerTenant(t *testing.T) {
	eachStore(t, func(t *testing.T, w *world) {
		// go-oidc checks that the document's issuer is the one asked for.
		p := w.webRP().provider
		var doc struct {
			Issuer  string   `json:"issuer"`
			Methods []string `json:"code_challenge_methods_supported"`
			Modes   []string `json:"response_modes_supported"`
		}
		if err := p.Claims(&doc); err != nil {
			t.Fatal(err)
		}
		if doc.Issuer != w.issuer(w.d.Contoso.ID) || !slices.Equal(doc.Methods, []string{"S256"}) ||
			!slices.Contains(doc.Modes, "form_post") {
			t.Errorf("discovery %+v", doc)
		}
		if want := w.srv.URL + "/" + w.d.Contoso.ID + "/oauth2/v2.0/authorize"; p.Endpoint().AuthURL != want {
			t.Errorf("authorize at %s, want %s", p.Endpoint().AuthURL, want)
		}
		// By a domain of the tenant, the issuer is still the tenant id's.
		resp, err := w.srv.Client().Get(w.srv.URL + "/" + demo.ContosoDomain + "/v2.0/.well-known/openid-configuration")
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var byDomain struct {
			Issuer string `json:"issuer"`
		}
		if err := json.NewDecoder(resp.Body).Decode(&byDomain); err != nil || resp.StatusCode != 200 || byDomain.Issuer != doc.Issuer {
			t.Errorf("discovery by domain: %d %+v %v", resp.StatusCode, byDomain, err)
		}
	})
}

func TestCodeFlowWithPKCE(t *testing.T) {
	eachStore(t, func(t *testing.T, w *world) {
		r := w.webRP()
		b := w.browser()
		s := r.codeFlow(w, b, demo.AdaUPN, demo.AdaPassword)
		c := s.claims
		if s.idToken.Issuer != w.issuer(w.d.Contoso.ID) || !slices.Equal(s.idToken.Audience, []string{w.d.App.ID}) {
			t.Errorf("iss %s aud %v", s.idToken.Issuer, s.idToken.Audience)
		}
		// Ada arrives as her Contoso guest object, a guest from Fabrikam.
		if c.OID != w.d.AdaGuest.ID || c.TID != w.d.Contoso.ID || c.Acct == nil || *c.Acct != 1 ||
			c.IDP != w.issuer(w.d.Fabrikam.ID) || !slices.Equal(c.Roles, []string{demo.AppRoleValue}) || c.SID == "" || c.AuthTime == 0 {
			t.Errorf("claims %+v", c)
		}
		if c.Sub == "" || c.Sub == c.OID || c.Sub == w.d.Ada.ID {
			t.Errorf("sub %q is not pairwise", c.Sub)
		}
		if s.tok.RefreshToken == "" || s.tok.AccessToken == "" {
			t.Errorf("tokens %+v", s.tok)
		}
		// The same browser signs in to a second app without asking again,
		// and gets another sub for the same user.
		other := w.secondApp(false)
		r2 := w.rp(other.ID, "", spaCallback)
		s2 := r2.codeFlow(w, b, "", "")
		if s2.claims.OID != c.OID || s2.claims.Sub == c.Sub || s2.claims.SID != c.SID {
			t.Errorf("second app: sub %q oid %q sid %q; first sub %q", s2.claims.Sub, s2.claims.OID, s2.claims.SID, c.Sub)
		}
		// userinfo answers for the access token.
		ui, err := r.provider.UserInfo(w.ctx, oauth2.StaticTokenSource(s.tok))
		if err != nil {
			t.Fatalf("userinfo: %v", err)
		}
		if ui.Subject != c.Sub || ui.Email != w.d.AdaGuest.Mail {
			t.Errorf("userinfo %+v", ui)
		}
	})
}

// secondApp is another app of Contoso, a single-page app (public client:
// no secret, PKCE required).
func (w *world) secondApp(required bool) *directory.Application {
	w.t.Helper()
	admin := w.as(w.d.ContosoAdmin)
	a, err := w.svc.CreateApplication(admin, w.d.Contoso.ID, "Lab Notebook", nil)
	if err != nil {
		w.t.Fatal(err)
	}
	if _, err := w.svc.UpdateApplication(admin, w.d.Contoso.ID, a.ID, directory.ApplicationPatch{
		SPARedirectURIs: &[]string{spaCallback}, AppRoleAssignmentRequired: &required}); err != nil {
		w.t.Fatal(err)
	}
	return a
}

func wantRetrieveError(t *testing.T, err error, code, prefix string) {
	t.Helper()
	var re *oauth2.RetrieveError
	if !errors.As(err, &re) {
		t.Fatalf("error %v, want an OAuth error %s", err, code)
	}
	if re.ErrorCode != code || !strings.HasPrefix(re.ErrorDescription, prefix) {
		t.Fatalf("error %s %q, want %s starting %q", re.ErrorCode, re.ErrorDescription, code, prefix)
	}
}

func (r *rp) refresh(w *world, refreshToken string) (*oauth2.Token, error) {
	return r.conf.TokenSource(w.ctx, &oauth2.Token{RefreshToken: refreshToken}).Token()
}

func TestRefreshRotatesAndReuseEndsTheGrant(t *testing.T) {
	eachStore(t, func(t *testing.T, w *world) {
		r := w.webRP()
		s := r.codeFlow(w, w.browser(), demo.AdaUPN, demo.AdaPassword)
		second, err := r.refresh(w, s.tok.RefreshToken)
		if err != nil {
			t.Fatalf("refresh: %v", err)
		}
		if second.RefreshToken == "" || second.RefreshToken == s.tok.RefreshToken {
			t.Fatal("the refresh token did not rotate")
		}
		again := r.verify(w, second, "")
		if again.claims.Sub != s.claims.Sub || !slices.Equal(again.claims.Roles, s.claims.Roles) {
			t.Errorf("refreshed claims %+v", again.claims)
		}
		// The first token again: reuse. The whole grant ends.
		_, err = r.refresh(w, s.tok.RefreshToken)
		wantRetrieveError(t, err, "invalid_grant", "")
		_, err = r.refresh(w, second.RefreshToken)
		wantRetrieveError(t, err, "invalid_grant", "")
		// And userinfo no longer answers for its access token.
		if _, err := r.provider.UserInfo(w.ctx, oauth2.StaticTokenSource(second)); err == nil {
			t.Error("userinfo answers for a token of an ended grant")
		}
	})
}

func TestClientCredentials(t *testing.T) {
	eachStore(t, func(t *testing.T, w *world) {
		r := w.webRP()
		cc := clientcredentials.Config{ClientID: w.d.App.ID, ClientSecret: w.secret, TokenURL: r.conf.Endpoint.TokenURL,
			Scopes: []string{w.d.App.ID + "/.default"}}
		tok, err := cc.Token(w.ctx)
		if err != nil {
			t.Fatalf("client credentials: %v", err)
		}
		if tok.RefreshToken != "" {
			t.Error("client credentials gave a refresh token")
		}
		// A resource server checks it against the JWKS (go-oidc verifies
		// any JWT of the issuer with it).
		v := r.provider.Verifier(&gooidc.Config{ClientID: w.d.App.ID, Now: w.clock.Now})
		at, err := v.Verify(w.ctx, tok.AccessToken)
		if err != nil {
			t.Fatalf("access token: %v", err)
		}
		var c struct {
			IDType string `json:"idtyp"`
			AppID  string `json:"appid"`
			TID    string `json:"tid"`
		}
		if err := at.Claims(&c); err != nil || at.Subject != w.d.App.ID || c.IDType != "app" || c.TID != w.d.Contoso.ID {
			t.Errorf("app token sub %s claims %+v %v", at.Subject, c, err)
		}
		if got := w.introspect(tok.AccessToken); got["active"] != true || got["client_id"] != w.d.App.ID {
			t.Errorf("introspection %v", got)
		}
		// A wrong secret is invalid_client.
		cc.ClientSecret = "ods_wrong"
		_, err = cc.Token(w.ctx)
		wantRetrieveError(t, err, "invalid_client", "")
		// A public client cannot use it.
		spa := w.secondApp(false)
		_, err = (&clientcredentials.Config{ClientID: spa.ID, TokenURL: r.conf.Endpoint.TokenURL, AuthStyle: oauth2.AuthStyleInParams}).Token(w.ctx)
		wantRetrieveError(t, err, "invalid_client", "")
	})
}

// introspect asks the introspection endpoint as the Falcon Portal.
func (w *world) introspect(token string) map[string]any {
	w.t.Helper()
	req, _ := http.NewRequest(http.MethodPost, w.srv.URL+"/"+w.d.Contoso.ID+"/oauth2/v2.0/introspect",
		strings.NewReader(url.Values{"token": {token}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(w.d.App.ID, w.secret)
	resp, err := w.srv.Client().Do(req)
	if err != nil {
		w.t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil || resp.StatusCode != 200 {
		w.t.Fatalf("introspection: %d %v", resp.StatusCode, err)
	}
	return out
}

// userinfoStatus is the status of userinfo for an access token.
func (w *world) userinfoStatus(token string) int {
	w.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, w.srv.URL+"/"+w.d.Contoso.ID+"/oidc/userinfo", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := w.srv.Client().Do(req)
	if err != nil {
		w.t.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode
}

func TestNoRefreshTokenWithoutOfflineAccess(t *testing.T) {
	eachStore(t, func(t *testing.T, w *world) {
		r := w.webRP()
		r.conf.Scopes = []string{gooidc.ScopeOpenID, "profile"}
		s := r.codeFlow(w, w.browser(), demo.AdaUPN, demo.AdaPassword)
		if s.tok.RefreshToken != "" {
			t.Error("a refresh token without offline_access")
		}
	})
}

func TestSinglePageAppsMayCallTheTokenEndpoint(t *testing.T) {
	eachStore(t, func(t *testing.T, w *world) {
		token := w.srv.URL + "/" + w.d.Contoso.ID + "/oauth2/v2.0/token"
		req, _ := http.NewRequest(http.MethodOptions, token, nil)
		req.Header.Set("Origin", "http://localhost:3000")
		req.Header.Set("Access-Control-Request-Method", "POST")
		resp, err := w.srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusNoContent || resp.Header.Get("Access-Control-Allow-Origin") != "*" ||
			!strings.Contains(resp.Header.Get("Access-Control-Allow-Headers"), "Content-Type") {
			t.Errorf("preflight: %d %v", resp.StatusCode, resp.Header)
		}
		// The authorization endpoint is for browsers navigating, not scripts.
		req, _ = http.NewRequest(http.MethodOptions, w.srv.URL+"/"+w.d.Contoso.ID+"/oauth2/v2.0/authorize", nil)
		req.Header.Set("Origin", "http://localhost:3000")
		resp, err = w.srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.Header.Get("Access-Control-Allow-Origin") != "" {
			t.Error("authorize answers CORS")
		}
	})
}

// TestTokensLiveAsLongAsTheTenantSays: Contoso's admin sets 15 minutes;
// the next app-only token and the next sign-in's ID and access tokens
// expire 15 minutes after they were issued, and expires_in says so.
func TestTokensLiveAsLongAsTheTenantSays(t *testing.T) {
	eachStore(t, func(t *testing.T, w *world) {
		minutes := 15
		if _, err := w.svc.UpdateTenant(w.as(w.d.ContosoAdmin), w.d.Contoso.ID, directory.TenantPatch{AccessTokenMinutes: &minutes}); err != nil {
			t.Fatal(err)
		}
		r := w.webRP()
		cc := clientcredentials.Config{ClientID: w.d.App.ID, ClientSecret: w.secret, TokenURL: r.conf.Endpoint.TokenURL,
			Scopes: []string{w.d.App.ID + "/.default"}}
		tok, err := cc.Token(w.ctx)
		if err != nil {
			t.Fatalf("client credentials: %v", err)
		}
		// x/oauth2 turns expires_in into Expiry, by the real clock.
		if left := time.Until(tok.Expiry); left > 16*time.Minute || left < 13*time.Minute {
			t.Errorf("client credentials: expires_in gives %s, want about 15m", left)
		}
		v := r.provider.Verifier(&gooidc.Config{ClientID: w.d.App.ID, Now: w.clock.Now})
		at, err := v.Verify(w.ctx, tok.AccessToken)
		if err != nil {
			t.Fatalf("access token: %v", err)
		}
		if life := at.Expiry.Sub(at.IssuedAt); life != 15*time.Minute {
			t.Errorf("app-only access token lives %s, want 15m", life)
		}
		s := r.codeFlow(w, w.browser(), demo.AdaUPN, demo.AdaPassword)
		if life := s.idToken.Expiry.Sub(s.idToken.IssuedAt); life != 15*time.Minute {
			t.Errorf("ID token lives %s, want 15m", life)
		}
		if left := time.Until(s.tok.Expiry); left > 16*time.Minute || left < 13*time.Minute {
			t.Errorf("the sign-in's access token expires in %s, want about 15m", left)
		}
	})
}
