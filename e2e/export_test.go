package e2e

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"github.com/orgdir/orgdir/internal/demo"
	"github.com/orgdir/orgdir/internal/directory"
)

// exportBaseURL is the public URL the server and the CLI are given, so
// that every export names the same @odata.context.
const exportBaseURL = "https://orgdir.example"

// TestEveryWayOutGivesTheSameExport: the API's exportPersonalData, the
// admin portal's "Export data" and `orgdir user export` give the same
// document for the same user, as My Account's "Download my data" and the
// API's /me/exportPersonalData do for the same person. Each export adds
// an audit event that the next one lists; those events aside, the
// documents are equal.
func TestEveryWayOutGivesTheSameExport(t *testing.T) {
	t.Parallel()
	in := newInstance(t)
	srv := in.serve("--demo", "--purge-interval", "0", "--base-url", exportBaseURL)
	srv.waitFor(t, "/readyz", http.StatusOK)
	adminToken := strings.TrimSpace(in.must("token", "create", "--tenant", "contoso.example", "--user", demo.ContosoAdminUPN))
	adaToken := strings.TrimSpace(in.must("token", "create", "--tenant", "fabrikam.example", "--user", demo.AdaUPN))

	var users struct {
		Value []struct {
			ID string `json:"id"`
		} `json:"value"`
	}
	if err := json.Unmarshal(apiCall(t, srv, "GET", "/v1.0/users?$filter="+url.QueryEscape("mail eq '"+demo.AdaUPN+"'"), adminToken), &users); err != nil || len(users.Value) != 1 {
		t.Fatalf("Ada's guest account in Contoso: %v %+v", err, users)
	}
	guestID := users.Value[0].ID

	t.Run("AnAdminsExportOfOneUser", func(t *testing.T) {
		api := apiCall(t, srv, "POST", "/v1.0/users/"+guestID+"/exportPersonalData", adminToken)
		admin := signIn(t, srv, demo.ContosoAdminUPN, demo.ContosoAdminPass)
		var tenant struct {
			Organizations []struct {
				Organization struct {
					ID string `json:"id"`
				} `json:"organization"`
			} `json:"organizations"`
		}
		if err := json.Unmarshal(api, &tenant); err != nil || len(tenant.Organizations) != 1 {
			t.Fatalf("the API's export (%v):\n%s", err, api)
		}
		page := "/admin/" + tenant.Organizations[0].Organization.ID + "/users/" + guestID
		web := admin.postForm(t, page, page+"/export")
		cli := in.must("user", "export", "--tenant", "contoso.example", "--user", guestID, "--base-url", exportBaseURL)
		sameExport(t, api, map[string][]byte{"admin portal": web, "orgdir user export": []byte(cli)})
	})
	t.Run("APersonsOwnExport", func(t *testing.T) {
		ada := signIn(t, srv, demo.AdaUPN, demo.AdaPassword)
		api := apiCall(t, srv, "POST", "/v1.0/me/exportPersonalData", adaToken)
		web := ada.postForm(t, "/myaccount", "/myaccount/data")
		sameExport(t, api, map[string][]byte{"Download my data": web})
	})
}

// sameExport fails the test unless each of others is the document want,
// but for the audit events of exports.
func sameExport(t *testing.T, want []byte, others map[string][]byte) {
	t.Helper()
	w := withoutExportAudits(t, "the API", want)
	if w["@odata.context"] != exportBaseURL+"/v1.0/$metadata#orgdir.personalData" || len(w["organizations"].([]any)) == 0 {
		t.Fatalf("the API's export is not a whole document:\n%s", want)
	}
	for name, doc := range others {
		if got := withoutExportAudits(t, name, doc); !reflect.DeepEqual(got, w) {
			t.Errorf("%s's export differs from the API's:\n%s\nAPI:\n%s", name, doc, want)
		}
	}
}

// withoutExportAudits decodes an export and drops its "Export personal
// data" audit events.
func withoutExportAudits(t *testing.T, name string, doc []byte) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(doc, &m); err != nil {
		t.Fatalf("%s's export is not JSON: %v\n%s", name, err, doc)
	}
	orgs, _ := m["organizations"].([]any)
	for _, o := range orgs {
		org, _ := o.(map[string]any)
		audits, _ := org["directoryAudits"].([]any)
		kept := []any{}
		for _, a := range audits {
			if e, _ := a.(map[string]any); e["activityDisplayName"] != directory.ActivityExportPersonalData {
				kept = append(kept, a)
			}
		}
		org["directoryAudits"] = kept
	}
	return m
}

// apiCall makes a request of the JSON API with a bearer token and returns
// the body of its 200.
func apiCall(t *testing.T, srv *server, method, path, token string) []byte {
	t.Helper()
	req, err := http.NewRequest(method, srv.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("%s %s: %d %v\n%s", method, path, resp.StatusCode, err, body)
	}
	return body
}

// webClient is a signed-in browser without a browser: cookies, and the
// CSRF token of the page it last read.
type webClient struct {
	srv *server
	c   *http.Client
}

var csrfField = regexp.MustCompile(`name="csrf" value="([^"]*)"`)

func signIn(t *testing.T, srv *server, upn, password string) *webClient {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	w := &webClient{srv: srv, c: &http.Client{Jar: jar}}
	resp := w.postForm(t, "/signin", "/signin", "username", upn, "password", password)
	if !strings.Contains(string(resp), "Sign out") {
		t.Fatalf("signing in as %s:\n%s", upn, resp)
	}
	return w
}

// postForm reads page for its CSRF token, then posts the form (name,
// value pairs) to action and returns the body of its 200.
func (w *webClient) postForm(t *testing.T, page, action string, fields ...string) []byte {
	t.Helper()
	resp, err := w.c.Get(w.srv.URL + page)
	if err != nil {
		t.Fatalf("GET %s: %v", page, err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	m := csrfField.FindSubmatch(body)
	if m == nil {
		t.Fatalf("GET %s: %d, no form token:\n%s", page, resp.StatusCode, body)
	}
	form := url.Values{"csrf": {string(m[1])}}
	for i := 0; i+1 < len(fields); i += 2 {
		form.Set(fields[i], fields[i+1])
	}
	resp, err = w.c.PostForm(w.srv.URL+action, form)
	if err != nil {
		t.Fatalf("POST %s: %v", action, err)
	}
	defer resp.Body.Close()
	body, err = io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("POST %s: %d %v\n%s", action, resp.StatusCode, err, body)
	}
	return body
}
