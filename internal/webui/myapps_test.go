package webui

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/orgdir/orgdir/internal/demo"
)

func TestMyAppsShowsTheTenantsTilesUntilLeave(t *testing.T) {
	s := newSite(t)
	d := s.demo
	ada := s.browser(t)
	ada.signIn(demo.AdaUPN, demo.AdaPassword)

	// Home first: Fabrikam, with no apps; the switcher names Contoso, and
	// the name menu leads to Organizations.
	p := ada.get("/myapps")
	must(t, p, http.StatusOK, "My Apps", "You have no apps in Fabrikam.", `href="/myapps?tenant=`+d.Contoso.ID+`"`,
		`id="namemenu">Ada Lovelace<`, `href="/myaccount/organizations" id="namemenu-organizations"`)
	// Contoso needs signing in to it, and comes back here.
	p = ada.get("/myapps?tenant=" + d.Contoso.ID)
	must(t, p, http.StatusOK, "Sign in to Contoso to see its apps.")
	mustNot(t, mainOf(p), demo.AppName)
	p = ada.post("/myaccount/organizations/"+d.Contoso.ID+"/signin", url.Values{"next": {"/myapps?tenant=" + d.Contoso.ID}})
	must(t, p, http.StatusOK, "You are signed in to Contoso.", demo.AppName, `href="`+demo.AppHomePageURL+`"`, demo.AppRoleName)
	if p.url != "/myapps" { // the page of the query ?tenant=, by the tiles above
		t.Errorf("after signing in from My Apps, at %s", p.url)
	}
	// A next that leaves the site is not followed.
	p = ada.post("/myaccount/organizations/"+d.Contoso.ID+"/signin", url.Values{"next": {"https://evil.example/"}})
	if p.url != "/myaccount" {
		t.Errorf("next=https://evil.example/ ended at %s", p.url)
	}

	must(t, ada.post("/myaccount/organizations/"+d.Contoso.ID+"/leave", nil), http.StatusOK, "You have left Contoso.")
	p = ada.get("/myapps?tenant=" + d.Contoso.ID)
	must(t, p, http.StatusNotFound)
	mustNot(t, p, demo.AppHomePageURL)
	p = ada.get("/myapps")
	must(t, p, http.StatusOK, "You have no apps in Fabrikam.")
	if strings.Contains(p.body, "tenant="+d.Contoso.ID) {
		t.Error("the switcher still offers Contoso after leaving")
	}
}

func TestAdminAppPageManagesTheClient(t *testing.T) {
	s := newSite(t)
	d := s.demo
	admin := s.admin(t)
	base := "/admin/" + d.Contoso.ID + "/apps/" + d.App.ID
	p := admin.get(base)
	must(t, p, http.StatusOK, demo.AppRedirectURI, "Ada Lovelace", demo.AppRoleName, demo.AppSecretName, "Assignment required")

	// A bad redirect URI is refused on the page, saying what was wrong.
	p = admin.post(base+"/redirect-uris", url.Values{"platform": {"spa"}, "uri": {"http://spa.contoso.example/"}})
	must(t, p, http.StatusBadRequest, "The redirect URI", "must use https")
	p = admin.post(base+"/redirect-uris", url.Values{"platform": {"web"}, "uri": {demo.AppRedirectURI}})
	must(t, p, http.StatusBadRequest, "already has")
	p = admin.post(base+"/redirect-uris", url.Values{"platform": {"desktop"}, "uri": {"https://x.example/"}})
	must(t, p, http.StatusBadRequest, "The platform")

	// A new secret is on the answer to the form, and never again.
	p = admin.post(base+"/secrets", url.Values{"displayName": {"ci"}})
	must(t, p, http.StatusOK, "Copy it now", "ods_")
	i := strings.Index(p.body, `<code id="new-secret">`)
	secret := p.body[i+len(`<code id="new-secret">`):]
	secret = secret[:strings.Index(secret, "<")]
	if _, err := s.svc.AuthenticateClient(s.system(), d.Contoso.ID, d.App.ID, secret); err != nil {
		t.Fatalf("the secret shown does not authenticate: %v", err)
	}
	p = admin.get(base)
	mustNot(t, p, secret)
	must(t, p, http.StatusOK, secret[:3]+"…", "expires")

	// Removing a secret that is gone says so on the page.
	p = admin.post(base+"/secrets/00000000-0000-0000-0000-000000000001/remove", nil)
	must(t, p, http.StatusNotFound, "not found")

	// Ada, not an admin, cannot post to it.
	ada := s.browser(t)
	ada.signIn(demo.AdaUPN, demo.AdaPassword)
	ada.post("/myaccount/organizations/"+d.Contoso.ID+"/signin", nil)
	p = ada.post(base+"/assignment-required", url.Values{"required": {"on"}})
	if p.status == http.StatusOK {
		t.Fatalf("a guest changed assignment required: %d", p.status)
	}
}
