package httpapi

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"
)

// TestSelectAndContextOnEveryGet walks every GET route of routes.go: each
// takes $select, returns only what was selected (and @odata annotations),
// and writes @odata.context as Graph does.
func TestSelectAndContextOnEveryGet(t *testing.T) {
	e := newEnv(t)
	guestID, guestToken, _ := e.acceptedGuest()
	gone := e.member(e.contoso, "gone@contoso.example", "Gone", "")
	e.do("DELETE", "/v1.0/users/"+gone.ID, e.adminToken, nil).want(t, http.StatusNoContent)
	audit := e.get("/v1.0/auditLogs/directoryAudits?$top=1", e.adminToken).want(t, http.StatusOK).ids()[0]
	if _, err := e.svc.SignInWithPassword(context.Background(), "nobody@contoso.example", "x", "192.0.2.9"); err == nil {
		t.Fatal("nobody signed in")
	}
	signIn := e.get("/v1.0/auditLogs/signIns?$top=1", e.adminToken).want(t, http.StatusOK).ids()[0]
	assignments := "users('" + guestID + "')/appRoleAssignments(id)"
	sub := e.subscribe(e.adminToken, "users").str("id")

	cases := map[string]struct {
		path, token, context string
		list                 bool
	}{
		"GET /v1.0/users":                                             {"/v1.0/users", "", "users(id)", true},
		"GET /v1.0/users/{id}":                                        {"/v1.0/users/" + guestID, "", "users(id)/$entity", false},
		"GET /v1.0/users/delta":                                       {"/v1.0/users/delta", "", "users(id)", true},
		"GET /v1.0/users/microsoft.graph.delta()":                     {"/v1.0/users/microsoft.graph.delta()", "", "users(id)", true},
		"GET /v1.0/groups/delta":                                      {"/v1.0/groups/delta", "", "groups(id)", true},
		"GET /v1.0/groups/microsoft.graph.delta()":                    {"/v1.0/groups/microsoft.graph.delta()", "", "groups(id)", true},
		"GET /v1.0/users/{id}/memberOf":                               {"/v1.0/users/" + guestID + "/memberOf", "", "directoryObjects(id)", true},
		"GET /v1.0/users/{id}/appRoleAssignments":                     {"/v1.0/users/" + guestID + "/appRoleAssignments", "", assignments, true},
		"GET /v1.0/me":                                                {"/v1.0/me", guestToken, "users(id)/$entity", false},
		"GET /v1.0/me/memberOf":                                       {"/v1.0/me/memberOf", guestToken, "directoryObjects(id)", true},
		"GET /v1.0/me/appRoleAssignments":                             {"/v1.0/me/appRoleAssignments", guestToken, assignments, true},
		"GET /v1.0/me/organizations":                                  {"/v1.0/me/organizations", guestToken, "me/organizations(id)", true},
		"GET /v1.0/me/organizations/{tenantId}":                       {"/v1.0/me/organizations/" + e.contoso.ID, guestToken, "me/organizations(id)/$entity", false},
		"GET /v1.0/groups":                                            {"/v1.0/groups", "", "groups(id)", true},
		"GET /v1.0/groups/{id}":                                       {"/v1.0/groups/" + e.group.ID, "", "groups(id)/$entity", false},
		"GET /v1.0/groups/{id}/members":                               {"/v1.0/groups/" + e.group.ID + "/members", "", "directoryObjects(id)", true},
		"GET /v1.0/applications":                                      {"/v1.0/applications", "", "applications(id)", true},
		"GET /v1.0/applications/{id}":                                 {"/v1.0/applications/" + e.app.ID, "", "applications(id)/$entity", false},
		"GET /v1.0/servicePrincipals":                                 {"/v1.0/servicePrincipals", "", "servicePrincipals(id)", true},
		"GET /v1.0/servicePrincipals/{id}":                            {"/v1.0/servicePrincipals/" + e.app.ID, "", "servicePrincipals(id)/$entity", false},
		"GET /v1.0/directory/deletedItems/microsoft.graph.user":       {"/v1.0/directory/deletedItems/microsoft.graph.user", "", "users(id)", true},
		"GET /v1.0/directory/deletedItems/graph.user":                 {"/v1.0/directory/deletedItems/graph.user", "", "users(id)", true},
		"GET /v1.0/directory/deletedItems/{id}":                       {"/v1.0/directory/deletedItems/" + gone.ID, "", "directoryObjects(id)/$entity", false},
		"GET /v1.0/auditLogs/directoryAudits":                         {"/v1.0/auditLogs/directoryAudits", "", "auditLogs/directoryAudits(id)", true},
		"GET /v1.0/auditLogs/directoryAudits/{id}":                    {"/v1.0/auditLogs/directoryAudits/" + audit, "", "auditLogs/directoryAudits(id)/$entity", false},
		"GET /v1.0/auditLogs/signIns":                                 {"/v1.0/auditLogs/signIns", "", "auditLogs/signIns(id)", true},
		"GET /v1.0/auditLogs/signIns/{id}":                            {"/v1.0/auditLogs/signIns/" + signIn, "", "auditLogs/signIns(id)/$entity", false},
		"GET /v1.0/organization":                                      {"/v1.0/organization", "", "organization(id)", true},
		"GET /v1.0/organization/{id}":                                 {"/v1.0/organization/" + e.contoso.ID, "", "organization(id)/$entity", false},
		"GET /v1.0/policies/externalIdentitiesPolicy":                 {"/v1.0/policies/externalIdentitiesPolicy", "", "policies/externalIdentitiesPolicy(id)/$entity", false},
		"GET /v1.0/subscriptions":                                     {"/v1.0/subscriptions", "", "subscriptions(id)", true},
		"GET /v1.0/subscriptions/{id}":                                {"/v1.0/subscriptions/" + sub, "", "subscriptions(id)/$entity", false},
		"GET /v1.0/directory/deletedItems/{id}/orgdir.restorePreview": {"/v1.0/directory/deletedItems/" + gone.ID + "/orgdir.restorePreview", "", "orgdir.restorePreview", false},
	}
	onlyID := func(t *testing.T, o map[string]any) {
		t.Helper()
		for k := range o {
			if k != "id" && !strings.HasPrefix(k, "@odata.") {
				t.Fatalf("$select=id returned %s too: %v", k, o)
			}
		}
		if o["id"] == nil {
			t.Fatalf("$select=id lost the id: %v", o)
		}
	}
	for _, rt := range New(nil, Options{}).routeTable() {
		if !strings.HasPrefix(rt.pattern, "GET ") {
			continue
		}
		t.Run(rt.pattern, func(t *testing.T) {
			c, ok := cases[rt.pattern]
			if !ok {
				t.Fatalf("GET route %s has no $select case: add one to this test", rt.pattern)
			}
			token := c.token
			if token == "" {
				token = e.adminToken
			}
			r := e.get(c.path+"?$select=id", token).want(t, http.StatusOK)
			if want := e.srv.URL + "/v1.0/$metadata#" + c.context; r.str("@odata.context") != want {
				t.Fatalf("@odata.context %q, want %q", r.str("@odata.context"), want)
			}
			if !c.list {
				onlyID(t, r.body)
				return
			}
			if len(r.values()) == 0 {
				t.Fatalf("an empty list proves nothing: %s", r.raw)
			}
			for _, v := range r.values() {
				onlyID(t, v)
			}
		})
	}
}

// TestFilterOnEveryDocumentedProperty checks that each filter of issue 3
// selects exactly the right objects, not merely that it is accepted.
func TestFilterOnEveryDocumentedProperty(t *testing.T) {
	e := newEnv(t)
	guestID, _, _ := e.acceptedGuest()
	pendingID, _ := e.invite("grace@example.org", nil)
	off := e.member(e.contoso, "off@contoso.example", "Zed Off", "")
	e.do("PATCH", "/v1.0/users/"+off.ID, e.adminToken, map[string]any{"accountEnabled": false}).want(t, http.StatusNoContent)
	admin := e.admin.ID

	users := []struct {
		filter string
		want   []string
	}{
		{"userType eq 'Guest'", []string{guestID, pendingID}},
		{"userType eq 'Member' and accountEnabled eq true", []string{admin}},
		{"accountEnabled eq false", []string{off.ID}},
		{"mail eq 'ADA@fabrikam.example'", []string{guestID}},
		{"userPrincipalName eq 'off@contoso.example'", []string{off.ID}},
		{"startswith(userPrincipalName,'ada_')", []string{guestID}},
		{"displayName eq 'Zed Off' or displayName eq 'Contoso Admin'", []string{admin, off.ID}},
		{"startswith(displayName,'zed')", []string{off.ID}},
		{"externalUserState eq 'PendingAcceptance'", []string{pendingID}},
		{"externalUserState eq 'Accepted'", []string{guestID}},
		{"externalUserState eq null", []string{admin, off.ID}},
		{"not (userType eq 'Guest')", []string{admin, off.ID}},
	}
	for _, tt := range users {
		t.Run("users/"+tt.filter, func(t *testing.T) {
			r := e.get("/v1.0/users?$filter="+tt.filter, e.adminToken).want(t, http.StatusOK)
			got := r.ids()
			slices.Sort(got)
			want := slices.Clone(tt.want)
			slices.Sort(want)
			if !slices.Equal(got, want) {
				t.Fatalf("got %v, want %v\n%s", got, want, r.raw)
			}
		})
	}

	// Deleted users, by deletion time and in that order.
	t0 := e.clock.Now()
	e.do("DELETE", "/v1.0/users/"+off.ID, e.adminToken, nil).want(t, http.StatusNoContent)
	e.clock.Advance(24 * time.Hour)
	t1 := e.clock.Now()
	e.adminToken = e.token(e.contoso.ID, admin)
	e.do("DELETE", "/v1.0/users/"+pendingID, e.adminToken, nil).want(t, http.StatusNoContent)
	at := func(tm time.Time) string { return tm.UTC().Format(time.RFC3339) }
	deleted := []struct {
		query string
		want  []string
	}{
		{"$filter=deletedDateTime ge " + at(t1), []string{pendingID}},
		{"$filter=deletedDateTime le " + at(t0), []string{off.ID}},
		{"$filter=deletedDateTime ge " + at(t0) + " and deletedDateTime le " + at(t1) + "&$orderby=deletedDateTime", []string{off.ID, pendingID}},
		{"$orderby=deletedDateTime desc", []string{pendingID, off.ID}},
		{"$orderby=deletedDateTime", []string{off.ID, pendingID}},
	}
	for _, tt := range deleted {
		t.Run("deletedItems/"+tt.query, func(t *testing.T) {
			r := e.get("/v1.0/directory/deletedItems/microsoft.graph.user?"+tt.query, e.adminToken).want(t, http.StatusOK)
			if !slices.Equal(r.ids(), tt.want) {
				t.Fatalf("got %v, want %v", r.ids(), tt.want)
			}
		})
	}

	// Audit: the deletions of the second day, and one activity.
	t.Run("directoryAudits", func(t *testing.T) {
		r := e.get("/v1.0/auditLogs/directoryAudits?$filter=activityDateTime ge "+at(t1)+" and activityDisplayName eq 'Delete user'", e.adminToken).want(t, http.StatusOK)
		for _, v := range r.values() {
			if ts, _ := v["activityDateTime"].(string); ts < at(t1) {
				t.Fatalf("an event of %s is before %s", ts, at(t1))
			}
		}
		if len(r.values()) != 1 {
			t.Fatalf("want the one deletion of the second day: %s", r.raw)
		}
		r = e.get("/v1.0/auditLogs/directoryAudits?$filter=activityDisplayName eq 'Delete user' and activityDateTime le "+at(t0), e.adminToken).want(t, http.StatusOK)
		if len(r.values()) != 1 || r.values()[0]["activityDisplayName"] != "Delete user" {
			t.Fatalf("want the first deletion: %s", r.raw)
		}
	})
}

func TestCountNeedsTheHeaderOnEveryCountableList(t *testing.T) {
	e := newEnv(t)
	gone := e.member(e.contoso, "gone@contoso.example", "Gone", "")
	e.do("DELETE", "/v1.0/users/"+gone.ID, e.adminToken, nil).want(t, http.StatusNoContent)
	for path, n := range map[string]float64{"/v1.0/users": 1, "/v1.0/directory/deletedItems/microsoft.graph.user": 1} {
		t.Run(path, func(t *testing.T) {
			r := e.get(path+"?$count=true", e.adminToken).want(t, http.StatusBadRequest, "Request_BadRequest")
			if !strings.Contains(r.message(), "ConsistencyLevel: eventual") {
				t.Fatalf("the message does not say what is missing: %q", r.message())
			}
			r = e.get(path+"?$count=true", e.adminToken, "ConsistencyLevel", "eventual").want(t, http.StatusOK)
			if r.body["@odata.count"] != n {
				t.Fatalf("@odata.count %v, want %v", r.body["@odata.count"], n)
			}
		})
	}
	e.get("/v1.0/groups?$count=true", e.adminToken, "ConsistencyLevel", "eventual").want(t, http.StatusBadRequest, "Request_UnsupportedQuery")
}
