package oidcprovider_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"golang.org/x/oauth2/clientcredentials"

	"github.com/orgdir/orgdir/internal/demo"
	"github.com/orgdir/orgdir/internal/directory"
)

// apiCall is one call of the Graph-shaped API with a bearer token.
func (w *world) apiCall(method, path, token string, body any) (int, map[string]any) {
	w.t.Helper()
	var b []byte
	if body != nil {
		b, _ = json.Marshal(body)
	}
	req, _ := http.NewRequest(method, w.srv.URL+path, bytes.NewReader(b))
	req.Header.Set("Authorization", "Bearer "+token)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := w.srv.Client().Do(req)
	if err != nil {
		w.t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&out)
	return resp.StatusCode, out
}

// adminToken is an opaque API token of Contoso's Global Administrator.
func (w *world) adminToken() string {
	w.t.Helper()
	tok, _, err := w.svc.CreateAccessToken(w.as(w.d.ContosoAdmin), w.d.Contoso.ID, w.d.ContosoAdmin.ID, "test", time.Hour)
	if err != nil {
		w.t.Fatal(err)
	}
	return tok
}

// grant grants the Falcon Portal a permission of orgdir's API through
// Graph's appRoleAssignedTo, as an administrator's script would.
func (w *world) grant(admin, permission string) {
	w.t.Helper()
	p, _ := directory.LookupAPIPermission(permission)
	status, body := w.apiCall(http.MethodPost, "/v1.0/servicePrincipals/"+directory.OrgdirAPIAppID+"/appRoleAssignedTo", admin,
		map[string]any{"principalId": w.d.App.ID, "resourceId": directory.OrgdirAPIAppID, "appRoleId": p.ID})
	if status != http.StatusCreated || body["principalType"] != "ServicePrincipal" || body["appRoleId"] != p.ID {
		w.t.Fatalf("grant %s: %d %v", permission, status, body)
	}
}

// daemonToken is a client credentials token of the Falcon Portal for
// orgdir's API, taken with x/oauth2 as a daemon would.
func (w *world) daemonToken() string {
	w.t.Helper()
	cc := clientcredentials.Config{ClientID: w.d.App.ID, ClientSecret: w.secret, TokenURL: w.webRP().conf.Endpoint.TokenURL,
		Scopes: []string{directory.OrgdirAPIAppID + "/.default"}}
	tok, err := cc.Token(w.ctx)
	if err != nil {
		w.t.Fatalf("client credentials: %v", err)
	}
	return tok.AccessToken
}

func TestDaemonCallsTheAPIWithClientCredentials(t *testing.T) {
	eachStore(t, func(t *testing.T, w *world) {
		admin := w.adminToken()
		w.grant(admin, directory.PermUserReadAll)
		tok := w.daemonToken()
		if status, body := w.apiCall(http.MethodGet, "/v1.0/users", tok, nil); status != http.StatusOK || len(body["value"].([]any)) == 0 {
			t.Fatalf("GET /v1.0/users with User.Read.All: %d %v", status, body)
		}
		newUser := map[string]any{"displayName": "Made by the daemon", "userPrincipalName": "daemon-made@" + demo.ContosoDomain,
			"accountEnabled": true}
		status, body := w.apiCall(http.MethodPost, "/v1.0/users", tok, newUser)
		if e, _ := body["error"].(map[string]any); status != http.StatusForbidden || e["code"] != "Authorization_RequestDenied" {
			t.Fatalf("POST /v1.0/users with User.Read.All: %d %v", status, body)
		}
		// With ReadWrite, in a new token (a token carries its roles).
		w.grant(admin, directory.PermUserReadWriteAll)
		status, body = w.apiCall(http.MethodPost, "/v1.0/users", w.daemonToken(), newUser)
		if status != http.StatusCreated {
			t.Fatalf("POST /v1.0/users with User.ReadWrite.All: %d %v", status, body)
		}
		created, _ := body["id"].(string)
		// The audit log names the application as the initiator.
		status, body = w.apiCall(http.MethodGet, "/v1.0/auditLogs/directoryAudits?$top=999", admin, nil)
		var events []map[string]any
		all, _ := body["value"].([]any)
		for _, e := range all {
			ev := e.(map[string]any)
			for _, tr := range ev["targetResources"].([]any) {
				if tr.(map[string]any)["id"] == created {
					events = append(events, ev)
				}
			}
		}
		if status != http.StatusOK || len(events) != 1 {
			t.Fatalf("audit of the new user: %d, %d events", status, len(events))
		}
		by := events[0]["initiatedBy"].(map[string]any)
		app, _ := by["app"].(map[string]any)
		if by["user"] != nil || app["appId"] != w.d.App.ID || app["displayName"] != w.d.App.DisplayName || app["servicePrincipalId"] != w.d.App.ID {
			t.Errorf("initiatedBy %v, want the app %s", by, w.d.App.ID)
		}
		// A token whose audience is the app itself is not one for the API.
		cc := clientcredentials.Config{ClientID: w.d.App.ID, ClientSecret: w.secret, TokenURL: w.webRP().conf.Endpoint.TokenURL,
			Scopes: []string{w.d.App.ID + "/.default"}}
		own, err := cc.Token(w.ctx)
		if err != nil {
			t.Fatal(err)
		}
		if status, body := w.apiCall(http.MethodGet, "/v1.0/users", own.AccessToken, nil); status != http.StatusUnauthorized {
			t.Errorf("a token for the app itself: %d %v", status, body)
		}
		// A tampered token is refused.
		if status, _ := w.apiCall(http.MethodGet, "/v1.0/users", tok[:len(tok)-4]+"AAAA", nil); status != http.StatusUnauthorized {
			t.Errorf("a tampered token: %d", status)
		}
		// A token past exp is refused.
		w.clock.Advance(2 * time.Hour)
		if status, _ := w.apiCall(http.MethodGet, "/v1.0/users", tok, nil); status != http.StatusUnauthorized {
			t.Errorf("an expired token: %d", status)
		}
	})
}

func TestDelegatedTokenForTheAPIActsAsTheUserUntilRevoked(t *testing.T) {
	eachStore(t, func(t *testing.T, w *world) {
		r := w.webRP()
		r.conf.Scopes = append(r.conf.Scopes, directory.OrgdirAPIAppID+"/User.Read")
		s := r.codeFlow(w, w.browser(), demo.AdaUPN, demo.AdaPassword)
		status, me := w.apiCall(http.MethodGet, "/v1.0/me", s.tok.AccessToken, nil)
		if status != http.StatusOK || me["id"] != w.d.AdaGuest.ID {
			t.Fatalf("GET /v1.0/me: %d %v, want Ada's guest %s", status, me, w.d.AdaGuest.ID)
		}
		// A guest's directory roles: no listing of the tenant's users.
		if status, _ := w.apiCall(http.MethodGet, "/v1.0/users", s.tok.AccessToken, nil); status != http.StatusForbidden {
			t.Errorf("a guest lists users: %d", status)
		}
		// The admin's token asked for User.Read.All lists users but
		// creates none: scp bounds what the roles allow.
		ra := w.webRP()
		ra.conf.Scopes = append(ra.conf.Scopes, directory.OrgdirAPIAppID+"/"+directory.PermUserReadAll)
		sa := ra.codeFlow(w, w.browser(), demo.ContosoAdminUPN, demo.ContosoAdminPass)
		if status, body := w.apiCall(http.MethodGet, "/v1.0/users", sa.tok.AccessToken, nil); status != http.StatusOK {
			t.Errorf("the admin with User.Read.All lists users: %d %v", status, body)
		}
		newUser := map[string]any{"accountEnabled": true, "displayName": "Scoped", "mailNickname": "scoped",
			"userPrincipalName": "scoped@" + w.d.Contoso.InitialDomain, "passwordProfile": map[string]any{"password": "Scoped-pass-2026!"}}
		if status, body := w.apiCall(http.MethodPost, "/v1.0/users", sa.tok.AccessToken, newUser); status != http.StatusForbidden {
			t.Errorf("the admin with User.Read.All creates a user: %d %v, want 403", status, body)
		}
		if err := w.svc.RevokeSignInSessions(w.as(w.d.ContosoAdmin), w.d.Contoso.ID, w.d.AdaGuest.ID); err != nil {
			t.Fatal(err)
		}
		w.clock.Advance(time.Second)
		if status, body := w.apiCall(http.MethodGet, "/v1.0/me", s.tok.AccessToken, nil); status != http.StatusUnauthorized {
			t.Errorf("after revokeSignInSessions: %d %v", status, body)
		}
	})
}

func TestRolesThroughAGroupAndGroupsClaimInTheIDToken(t *testing.T) {
	eachStore(t, func(t *testing.T, w *world) {
		admin := w.adminToken()
		sys := w.as(w.d.ContosoAdmin)
		app, err := w.svc.CreateApplication(sys, w.d.Contoso.ID, "Falcon Board", []directory.AppRole{{DisplayName: "Board reader", Value: "Board.Read"}})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.svc.UpdateApplication(sys, w.d.Contoso.ID, app.ID, directory.ApplicationPatch{WebRedirectURIs: &[]string{webCallback}}); err != nil {
			t.Fatal(err)
		}
		secret, _, err := w.svc.AddApplicationPassword(sys, w.d.Contoso.ID, app.ID, "test", time.Time{})
		if err != nil {
			t.Fatal(err)
		}
		// Through Graph: the group gets the role, the app asks for groups.
		status, body := w.apiCall(http.MethodPost, "/v1.0/servicePrincipals/"+app.ID+"/appRoleAssignedTo", admin,
			map[string]any{"principalId": w.d.Group.ID, "resourceId": app.ID, "appRoleId": app.AppRoles[0].ID})
		if status != http.StatusCreated || body["principalType"] != "Group" {
			t.Fatalf("assign the group: %d %v", status, body)
		}
		if status, body := w.apiCall(http.MethodPatch, "/v1.0/applications/"+app.ID, admin, map[string]any{"groupMembershipClaims": "SecurityGroup"}); status != http.StatusNoContent {
			t.Fatalf("PATCH groupMembershipClaims: %d %v", status, body)
		}
		r := w.rp(app.ID, secret, webCallback)
		s := r.codeFlow(w, w.browser(), demo.AdaUPN, demo.AdaPassword)
		var c struct {
			Roles  []string `json:"roles"`
			Groups []string `json:"groups"`
		}
		if err := s.idToken.Claims(&c); err != nil {
			t.Fatal(err)
		}
		if len(c.Roles) != 1 || c.Roles[0] != "Board.Read" || len(c.Groups) != 1 || c.Groups[0] != w.d.Group.ID {
			t.Errorf("ID token roles %v groups %v, want [Board.Read] through %s", c.Roles, c.Groups, w.d.Group.ID)
		}
		// Out of the group: the next token has neither.
		if err := w.svc.RemoveGroupMember(sys, w.d.Contoso.ID, w.d.Group.ID, w.d.AdaGuest.ID); err != nil {
			t.Fatal(err)
		}
		next, err := r.refresh(w, s.tok.RefreshToken)
		if err != nil {
			t.Fatalf("refresh: %v", err)
		}
		after := r.verify(w, next, "")
		c.Roles, c.Groups = nil, nil
		if err := after.idToken.Claims(&c); err != nil {
			t.Fatal(err)
		}
		if len(c.Roles) != 0 || len(c.Groups) != 0 {
			t.Errorf("after leaving the group: roles %v groups %v", c.Roles, c.Groups)
		}
	})
}

func TestTheAPIServicePrincipalListsItsPermissions(t *testing.T) {
	eachStore(t, func(t *testing.T, w *world) {
		status, body := w.apiCall(http.MethodGet, "/v1.0/servicePrincipals/"+directory.OrgdirAPIAppID, w.adminToken(), nil)
		if status != http.StatusOK || body["appId"] != directory.OrgdirAPIAppID {
			t.Fatalf("GET the API's service principal: %d %v", status, body)
		}
		roles, _ := body["appRoles"].([]any)
		found := map[string]string{}
		for _, r := range roles {
			m := r.(map[string]any)
			found[m["value"].(string)] = m["id"].(string)
		}
		for _, p := range directory.APIPermissions {
			if found[p.Value] != p.ID {
				t.Errorf("permission %s: id %q, want %s", p.Value, found[p.Value], p.ID)
			}
		}
	})
}

// An app acting as itself has no user: the /me routes and everything else
// answer a refusal or an answer, never a 500.
func TestAnAppTokenNeverBreaksARoute(t *testing.T) {
	eachStore(t, func(t *testing.T, w *world) {
		w.grant(w.adminToken(), directory.PermDirectoryReadWriteAll)
		tok := w.daemonToken()
		for _, c := range []struct{ method, path string }{
			{"GET", "/v1.0/me"}, {"GET", "/v1.0/me/memberOf"}, {"GET", "/v1.0/me/appRoleAssignments"},
			{"GET", "/v1.0/me/organizations"}, {"POST", "/v1.0/me/exportPersonalData"},
			{"POST", "/v1.0/me/revokeSignInSessions"}, {"GET", "/v1.0/me/organizations/" + w.d.Contoso.ID},
			{"POST", "/v1.0/me/organizations/" + w.d.Contoso.ID + "/leave"},
			{"GET", "/v1.0/organization"}, {"GET", "/v1.0/policies/externalIdentitiesPolicy"},
			{"GET", "/v1.0/directory/deletedItems/microsoft.graph.user"}, {"GET", "/v1.0/applications"},
			{"GET", "/v1.0/servicePrincipals"}, {"GET", "/v1.0/groups"}, {"GET", "/v1.0/auditLogs/signIns"},
			{"GET", "/v1.0/users/" + w.d.AdaGuest.ID + "/memberOf"}, {"GET", "/v1.0/users/" + w.d.AdaGuest.ID + "/appRoleAssignments"},
			{"POST", "/v1.0/users/" + w.d.AdaGuest.ID + "/exportPersonalData"},
			{"POST", "/v1.0/users/" + w.d.AdaGuest.ID + "/revokeSignInSessions"},
			{"GET", "/v1.0/groups/" + w.d.Group.ID + "/members"},
		} {
			var body any
			if c.method == "POST" {
				body = map[string]any{}
			}
			status, resp := w.apiCall(c.method, c.path, tok, body)
			if status >= 500 {
				t.Errorf("%s %s with an app token: %d %v", c.method, c.path, status, resp)
			}
			// As Graph: /me has no meaning without a user.
			if e, _ := resp["error"].(map[string]any); strings.HasPrefix(c.path, "/v1.0/me") && (status != http.StatusBadRequest || e["code"] != "BadRequest") {
				t.Errorf("%s %s with an app token: %d %v, want 400 BadRequest", c.method, c.path, status, resp)
			}
		}
	})
}
