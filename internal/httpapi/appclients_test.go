package httpapi

import (
	"encoding/json"
	"net/http"
	"regexp"
	"strings"
	"testing"
)

// TestApplicationClientSettingsRoundTrip: PATCH sets redirect URIs per
// platform, addPassword shows the secret once, the application lists its
// passwordCredentials without it, removePassword ends it, and PATCH on the
// service principal sets appRoleAssignmentRequired.
func TestApplicationClientSettingsRoundTrip(t *testing.T) {
	e := newEnv(t)
	admin := e.adminToken
	app := "/v1.0/applications/" + e.app.ID
	e.do("PATCH", app, admin, map[string]any{
		"web":          map[string]any{"redirectUris": []string{"https://ledger.contoso.example/signin-oidc"}, "logoutUrl": "https://ledger.contoso.example/out"},
		"spa":          map[string]any{"redirectUris": []string{"http://localhost:3000/"}},
		"publicClient": map[string]any{"redirectUris": []string{"http://127.0.0.1/"}},
	}).want(t, http.StatusNoContent)

	added := e.do("POST", app+"/addPassword", admin, map[string]any{"passwordCredential": map[string]any{
		"displayName": "ci", "endDateTime": "2027-01-01T00:00:00Z"}}).want(t, http.StatusOK)
	secret, _ := added.body["secretText"].(string)
	if secret == "" || added.body["hint"] != secret[:3] || added.body["endDateTime"] != "2027-01-01T00:00:00Z" {
		t.Fatalf("addPassword answered %s", added.raw)
	}
	if added.header.Get("Cache-Control") != "no-store" {
		t.Errorf("Cache-Control %q", added.header.Get("Cache-Control"))
	}
	e.golden("addPassword", added)

	got := e.get(app, admin).want(t, http.StatusOK)
	if strings.Contains(string(got.raw), secret) || strings.Contains(string(got.raw), secret[3:]) {
		t.Fatalf("the application shows the secret: %s", got.raw)
	}
	e.golden("application-client", got)
	var shape struct {
		Web struct {
			RedirectURIs []string `json:"redirectUris"`
			LogoutURL    string   `json:"logoutUrl"`
		} `json:"web"`
		SPA                 struct{ RedirectURIs []string } `json:"spa"`
		PasswordCredentials []struct {
			KeyID      string  `json:"keyId"`
			SecretText *string `json:"secretText"`
		} `json:"passwordCredentials"`
	}
	if err := json.Unmarshal(got.raw, &shape); err != nil {
		t.Fatal(err)
	}
	if len(shape.Web.RedirectURIs) != 1 || shape.Web.LogoutURL == "" || len(shape.SPA.RedirectURIs) != 1 ||
		len(shape.PasswordCredentials) != 1 || shape.PasswordCredentials[0].SecretText != nil ||
		shape.PasswordCredentials[0].KeyID != added.body["keyId"] {
		t.Fatalf("application = %s", got.raw)
	}

	e.do("POST", app+"/removePassword", admin, map[string]any{"keyId": shape.PasswordCredentials[0].KeyID}).want(t, http.StatusNoContent)
	e.do("POST", app+"/removePassword", admin, map[string]any{"keyId": shape.PasswordCredentials[0].KeyID}).want(t, http.StatusNotFound)
	if got := e.get(app, admin).want(t, http.StatusOK); !regexp.MustCompile(`"passwordCredentials":\s*\[\]`).Match(got.raw) {
		t.Errorf("after removePassword: %s", got.raw)
	}

	sp := "/v1.0/servicePrincipals/" + e.app.ID
	e.do("PATCH", sp, admin, map[string]any{"appRoleAssignmentRequired": true}).want(t, http.StatusNoContent)
	if got := e.get(sp, admin).want(t, http.StatusOK); got.body["appRoleAssignmentRequired"] != true {
		t.Errorf("service principal = %s", got.raw)
	}
}

// TestApplicationClientSettingsRefuseBadInput: each bad body is a 400
// naming its field, and changes nothing.
func TestApplicationClientSettingsRefuseBadInput(t *testing.T) {
	e := newEnv(t)
	admin := e.adminToken
	app := "/v1.0/applications/" + e.app.ID
	before := e.get(app, admin).want(t, http.StatusOK).raw
	for _, c := range []struct {
		path  string
		body  any
		field string
	}{
		{app, map[string]any{"web": map[string]any{"redirectUris": []string{"http://ledger.example/cb"}}}, "web.redirectUris[0]"},
		{app, map[string]any{"spa": map[string]any{"redirectUris": []string{"https://a.example/#x"}}}, "spa.redirectUris[0]"},
		{app, map[string]any{"spa": map[string]any{"logoutUrl": "https://a.example/"}}, "spa.logoutUrl"},
		{app, map[string]any{"web": map[string]any{"logoutUrl": "javascript:alert(1)"}}, "web.logoutUrl"},
		{app + "/addPassword", map[string]any{"passwordCredential": map[string]any{"endDateTime": "tomorrow"}}, "passwordCredential.endDateTime"},
		{app + "/addPassword", map[string]any{"passwordCredential": map[string]any{"endDateTime": "2001-01-01T00:00:00Z"}}, "passwordCredential.endDateTime"},
		{app + "/addPassword", map[string]any{"passwordCredential": map[string]any{"startDateTime": "2030-01-01T00:00:00Z"}}, "passwordCredential.startDateTime"},
		{app + "/removePassword", map[string]any{}, "keyId"},
	} {
		r := e.do(map[bool]string{true: "PATCH", false: "POST"}[c.path == app], c.path, admin, c.body).want(t, http.StatusBadRequest)
		if !strings.Contains(string(r.raw), c.field) {
			t.Errorf("%s %v: answer does not name %s: %s", c.path, c.body, c.field, r.raw)
		}
	}
	if after := e.get(app, admin).want(t, http.StatusOK).raw; string(after) != string(before) {
		t.Errorf("the application changed:\n%s\n%s", before, after)
	}
}

// TestApplicationHomePageURL: web.homePageUrl (where My Apps opens the
// app) is set, read back, refused when not a valid URL, and cleared by "".
func TestApplicationHomePageURL(t *testing.T) {
	e := newEnv(t)
	admin := e.adminToken
	app := "/v1.0/applications/" + e.app.ID
	e.do("PATCH", app, admin, map[string]any{"web": map[string]any{"homePageUrl": "https://ledger.contoso.example/"}}).want(t, http.StatusNoContent)
	got := e.get(app, admin).want(t, http.StatusOK)
	if !strings.Contains(string(got.raw), `"homePageUrl":"https://ledger.contoso.example/"`) &&
		!strings.Contains(string(got.raw), `"homePageUrl": "https://ledger.contoso.example/"`) {
		t.Fatalf("the application does not show its home page: %s", got.raw)
	}
	bad := e.do("PATCH", app, admin, map[string]any{"web": map[string]any{"homePageUrl": "http://ledger.contoso.example/"}}).want(t, http.StatusBadRequest)
	if !strings.Contains(string(bad.raw), "web.homePageUrl") {
		t.Errorf("the refusal does not name web.homePageUrl: %s", bad.raw)
	}
	e.do("PATCH", app, admin, map[string]any{"spa": map[string]any{"homePageUrl": "https://x.example/"}}).want(t, http.StatusBadRequest)
	e.do("PATCH", app, admin, map[string]any{"web": map[string]any{"homePageUrl": ""}}).want(t, http.StatusNoContent)
	got = e.get(app, admin).want(t, http.StatusOK)
	if strings.Contains(string(got.raw), "ledger.contoso.example/\"") {
		t.Errorf("the home page was not cleared: %s", got.raw)
	}
}
