package browser

import (
	"context"
	"crypto/rand"
	"fmt"
	"html"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/coreos/go-oidc/v3/oidc"
	"github.com/orgdir/orgdir/internal/demo"
	"golang.org/x/oauth2"
)

// relyingParty is the demo app as a tiny web app: "/" sends the browser
// to orgdir's authorize endpoint (code + PKCE), "/callback" redeems the
// code with the client secret and verifies the ID token against the JWKS
// (go-oidc + x/oauth2). It keeps no session of its own, so every visit
// asks orgdir again.
func relyingParty(t *testing.T, issuer, clientID, secret string) *httptest.Server {
	t.Helper()
	mux := http.NewServeMux()
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	provider, err := oidc.NewProvider(context.Background(), issuer)
	if err != nil {
		t.Fatalf("discovery at %s: %v", issuer, err)
	}
	conf := oauth2.Config{ClientID: clientID, ClientSecret: secret, Endpoint: provider.Endpoint(),
		RedirectURL: srv.URL + "/callback", Scopes: []string{oidc.ScopeOpenID, "profile", "email"}}
	verifier := provider.Verifier(&oidc.Config{ClientID: clientID})
	// One flow at a time: the test's browser is the only visitor.
	var state, pkce string
	page := func(w http.ResponseWriter, body string) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, "<!doctype html><title>Falcon Portal</title><main>%s</main>", body)
	}
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		state, pkce = rand.Text(), oauth2.GenerateVerifier()
		http.Redirect(w, r, conf.AuthCodeURL(state, oauth2.S256ChallengeOption(pkce)), http.StatusFound)
	})
	mux.HandleFunc("GET /callback", func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		if e := q.Get("error"); e != "" {
			page(w, "Refused: "+html.EscapeString(e+" "+q.Get("error_description")))
			return
		}
		if q.Get("state") != state {
			page(w, "Refused: wrong state")
			return
		}
		tok, err := conf.Exchange(r.Context(), q.Get("code"), oauth2.VerifierOption(pkce))
		if err != nil {
			page(w, "Refused: "+html.EscapeString(err.Error()))
			return
		}
		raw, _ := tok.Extra("id_token").(string)
		id, err := verifier.Verify(r.Context(), raw)
		if err != nil {
			page(w, "Refused: "+html.EscapeString(err.Error()))
			return
		}
		var c struct {
			Name string `json:"name"`
			Acct int    `json:"acct"`
			TID  string `json:"tid"`
		}
		if err := id.Claims(&c); err != nil {
			page(w, "Refused: "+html.EscapeString(err.Error()))
			return
		}
		page(w, fmt.Sprintf("Signed in to Falcon Portal as %s (acct %d, tid %s)", html.EscapeString(c.Name), c.Acct, c.TID))
	})
	return srv
}

// bodyText is the visible text of the whole page.
func bodyText(p *person) string {
	p.t.Helper()
	ctx, cancel := p.timeout()
	defer cancel()
	s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("body")))
	if err != nil {
		p.t.Fatalf("read the page of %s: %v", p.name, err)
	}
	return s
}

// TestMyAppsJourney walks the seed's app from My Apps: Contoso's admin
// points the demo app at a relying party (its redirect URI and home page,
// on the application's page); Ada opens the tile, signs in as her Contoso
// guest, leaves Contoso from Organizations through the name menu; then
// the app no longer signs her in and the tile is gone.
func TestMyAppsJourney(t *testing.T) {
	j := newJourney(t)
	printed := j.console.String()
	m := regexp.MustCompile(`issuer\s+(\S+)\n\s+client id\s+(\S+)\n\s+client secret\s+(ods_\S+)`).FindStringSubmatch(printed)
	if m == nil {
		t.Fatalf("the demo did not print the app's issuer, client id and secret:\n%s", printed)
	}
	issuer, clientID, secret := m[1], m[2], m[3]
	tenantID := regexp.MustCompile(`/([0-9a-f-]{36})/v2\.0$`).FindStringSubmatch(issuer)[1]
	rp := relyingParty(t, issuer, clientID, secret)

	admin := j.person("admin")
	admin.signIn(demo.ContosoAdminUPN, demo.ContosoAdminPass)
	admin.open("/admin/" + tenantID + "/apps/" + clientID)
	admin.sees(demo.AppName, "Redirect URIs", demo.AppRedirectURI, "Client secrets", "Ada Lovelace")
	admin.fill("#uri", rp.URL+"/callback")
	admin.click(`form[action$="/redirect-uris"] button`)
	admin.sees("Added the redirect URI.", rp.URL+"/callback")
	admin.fill("#homePageUrl", rp.URL+"/")
	admin.click(`form[action$="/home-page"] button`)
	admin.sees("Saved the home page URL.")
	admin.shot("app-page")

	ada := j.person("ada")
	ada.signIn(demo.AdaUPN, demo.AdaPassword)
	ada.open("/myapps")
	ada.sees("My Apps", "Fabrikam", "Contoso")
	ada.click(`nav.switcher a[href="/myapps?tenant=` + tenantID + `"]`)
	ada.sees("Sign in to Contoso to see its apps.")
	ada.click(`[id="signin-` + demo.ContosoDomain + `"]`)
	ada.sees("You are signed in to Contoso.", demo.AppName, demo.AppRoleName)
	ada.shot("myapps-contoso")
	tile := `a[href="` + rp.URL + `/"]`
	ada.click(tile)
	ada.sees("Signed in to Falcon Portal as Ada Lovelace (acct 1, tid " + tenantID + ")")
	ada.shot("signed-in-to-app")

	// Leave, from the name menu's Organizations.
	ada.open("/myapps")
	ada.tick("#namemenu") // opens the menu: no page load
	ada.click("#namemenu-organizations")
	ada.sees("Other organizations you collaborate with", "Contoso")
	ada.click(`[id="leave-` + demo.ContosoDomain + `"]`)
	ada.click("#confirm-leave")
	ada.sees("You have left Contoso.")

	// The app no longer signs her in: orgdir says why, and whom to ask.
	// (The provider's error page has no <main>: read its body.)
	ada.open(rp.URL + "/")
	body := bodyText(ada)
	if !strings.Contains(body, "AADSTS50020") || !strings.Contains(body, demo.ContosoPrivacyMail) || strings.Contains(body, "Signed in to Falcon Portal") {
		ada.fail("after leaving, the app at %s shows:\n%s", ada.location(), body)
	}
	ada.shot("app-refused")

	// The tile is gone, and so is Contoso from the switcher.
	ada.open("/myapps")
	ada.doesNotSee("Contoso", demo.AppName)
	ada.absent(tile)
	if st := ada.open("/myapps?tenant=" + tenantID); st != http.StatusNotFound {
		ada.fail("My Apps of Contoso after leaving answered %d", st)
	}
	ada.shot("tile-gone")
}
