package httpapi

import (
	"bytes"
	"encoding/json"
	"flag"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite the golden JSON files under testdata/golden")

var (
	uuidRE      = regexp.MustCompile(`[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}`)
	timeRE      = regexp.MustCompile(`\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z`)
	skipTokenRE = regexp.MustCompile(`\$skiptoken=[A-Za-z0-9_-]+`)
	redeemRE    = regexp.MustCompile(`token=[A-Za-z0-9_%-]+`)
	secretRE    = regexp.MustCompile(`"ods_[A-Za-z0-9_-]+"`)
)

// mask replaces what changes from run to run (ids, times, tokens, the
// test server's address) so that a golden file pins only the shape.
func (e *env) mask(raw []byte) []byte {
	out := bytes.ReplaceAll(bytes.TrimSpace(raw), []byte(e.srv.URL), []byte("http://orgdir.test"))
	out = uuidRE.ReplaceAll(out, []byte("<id>"))
	out = timeRE.ReplaceAll(out, []byte("<time>"))
	out = skipTokenRE.ReplaceAll(out, []byte("$$skiptoken=<skiptoken>"))
	out = redeemRE.ReplaceAll(out, []byte("token=<token>"))
	out = secretRE.ReplaceAll(out, []byte(`"<secret>"`))
	var b bytes.Buffer
	if err := json.Indent(&b, out, "", "  "); err != nil {
		e.t.Fatalf("not JSON: %v\n%s", err, raw)
	}
	b.WriteByte('\n')
	return b.Bytes()
}

// golden compares r's masked body with testdata/golden/name.json.
func (e *env) golden(name string, r *response) {
	e.t.Helper()
	got := e.mask(r.raw)
	path := filepath.Join("testdata", "golden", name+".json")
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			e.t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			e.t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		e.t.Fatalf("%v (run go test -run TestGolden -update to write it)", err)
	}
	if !bytes.Equal(got, want) {
		e.t.Errorf("%s differs from %s (go test -run TestGolden -update rewrites it)\n got:\n%s\nwant:\n%s", name, path, got, want)
	}
}

func TestGoldenResponseShapes(t *testing.T) {
	e := newEnv(t)
	admin := e.adminToken
	inv := e.do("POST", "/v1.0/invitations", admin, map[string]any{
		"invitedUserEmailAddress": "grace@example.org", "inviteRedirectUrl": "https://contoso.example/welcome",
		"invitedUserDisplayName": "Grace Hopper", "sendInvitationMessage": true,
		"invitedUserMessageInfo": map[string]any{"customizedMessageBody": "Welcome aboard"},
	}).want(t, http.StatusCreated)
	e.golden("invitation", inv)
	guestID, guestToken, _ := e.acceptedGuest()

	e.golden("user", e.get("/v1.0/users/"+guestID, admin).want(t, http.StatusOK))
	e.golden("users-page", e.get("/v1.0/users?$top=2&$count=true&$orderby=displayName", admin, "ConsistencyLevel", "eventual").want(t, http.StatusOK))
	e.golden("users-select", e.get("/v1.0/users?$select=displayName,userType&$top=1&$orderby=displayName", admin).want(t, http.StatusOK))
	e.golden("user-created", e.do("POST", "/v1.0/users", admin, map[string]any{
		"accountEnabled": true, "displayName": "Bob", "mailNickname": "bob", "userPrincipalName": "bob@contoso.example",
		"passwordProfile": map[string]any{"password": "Bob-is-9-chars-long", "forceChangePasswordNextSignIn": false},
	}).want(t, http.StatusCreated))
	e.golden("me", e.get("/v1.0/me", guestToken).want(t, http.StatusOK))
	e.golden("me-organizations", e.get("/v1.0/me/organizations", guestToken).want(t, http.StatusOK))
	e.golden("memberOf", e.get("/v1.0/users/"+guestID+"/memberOf", admin).want(t, http.StatusOK))
	e.golden("appRoleAssignments", e.get("/v1.0/users/"+guestID+"/appRoleAssignments", admin).want(t, http.StatusOK))
	e.golden("group", e.get("/v1.0/groups/"+e.group.ID, admin).want(t, http.StatusOK))
	e.golden("groups", e.get("/v1.0/groups", admin).want(t, http.StatusOK))
	e.golden("group-members", e.get("/v1.0/groups/"+e.group.ID+"/members", admin).want(t, http.StatusOK))
	e.golden("group-created", e.do("POST", "/v1.0/groups", admin, map[string]any{
		"displayName": "Auditors", "mailEnabled": false, "mailNickname": "auditors", "securityEnabled": true,
	}).want(t, http.StatusCreated))
	e.golden("application-created", e.do("POST", "/v1.0/applications", admin, map[string]any{
		"displayName": "Ledger", "appRoles": []any{map[string]any{"displayName": "Ledger Writer", "value": "Ledger.Write",
			"description": "writes the ledger", "allowedMemberTypes": []string{"User"}, "isEnabled": true}},
	}).want(t, http.StatusCreated))
	e.golden("application", e.get("/v1.0/applications/"+e.app.ID, admin).want(t, http.StatusOK))
	e.golden("servicePrincipal", e.get("/v1.0/servicePrincipals/"+e.app.ID, admin).want(t, http.StatusOK))
	e.golden("organization", e.get("/v1.0/organization/"+e.contoso.ID, admin).want(t, http.StatusOK))
	e.golden("organizations", e.get("/v1.0/organization", admin).want(t, http.StatusOK))
	e.golden("externalIdentitiesPolicy", e.get("/v1.0/policies/externalIdentitiesPolicy", admin).want(t, http.StatusOK))

	e.do("POST", "/v1.0/me/organizations/"+e.contoso.ID+"/leave", guestToken, nil).want(t, http.StatusNoContent)
	e.golden("deletedUsers", e.get("/v1.0/directory/deletedItems/microsoft.graph.user", admin).want(t, http.StatusOK))
	e.golden("deletedUser", e.get("/v1.0/directory/deletedItems/"+guestID, admin).want(t, http.StatusOK))
	e.clock.Advance(time.Minute) // the audit log orders by time: keep the golden order stable
	e.golden("restored", e.do("POST", "/v1.0/directory/deletedItems/"+guestID+"/restore", admin, nil).want(t, http.StatusOK))
	audits := e.get("/v1.0/auditLogs/directoryAudits?$top=2&$filter=activityDisplayName eq 'Leave organization' or activityDisplayName eq 'Restore user'", admin).want(t, http.StatusOK)
	e.golden("directoryAudits", audits)

	e.do("PATCH", "/v1.0/policies/externalIdentitiesPolicy", admin, map[string]any{"allowExternalIdentitiesToLeave": false}).want(t, http.StatusNoContent)
	e.golden("error-leave-policy-off", e.do("POST", "/v1.0/me/organizations/"+e.contoso.ID+"/leave", e.token(e.contoso.ID, guestID), nil).want(t, http.StatusForbidden))
	e.golden("error-not-found", e.get("/v1.0/users/"+e.ada.ID, admin).want(t, http.StatusNotFound))
	e.golden("error-unsupported-query", e.get("/v1.0/users?$expand=memberOf", admin).want(t, http.StatusBadRequest))
	e.golden("error-unauthenticated", e.get("/v1.0/users", "").want(t, http.StatusUnauthorized))
	e.golden("error-bad-body", e.do("POST", "/v1.0/groups", admin, `{"displayName": 5}`).want(t, http.StatusBadRequest))
}
