package httpapi

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/orgdir/orgdir/internal/directory"
)

// fabrikamObjects are objects of Fabrikam that a Contoso token must never
// reach: a group with Ada in it, an application with a role assigned to
// Ada, a deleted user and an audit event.
type fabrikamObjects struct {
	group      *directory.Group
	app        *directory.Application
	assignment *directory.AppRoleAssignment
	gone       *directory.User
	audit      string
	signIn     string
	sub        string // a subscription of Fabrikam's administrator
}

func (e *env) fabrikamObjects() *fabrikamObjects {
	e.t.Helper()
	sys, f := e.sys(), &fabrikamObjects{}
	var err error
	f.group, err = e.svc.CreateGroup(sys, e.fabrikam.ID, "Fabrikam Secret Project", "")
	fatalIf(e.t, err)
	fatalIf(e.t, e.svc.AddGroupMember(sys, e.fabrikam.ID, f.group.ID, e.ada.ID))
	f.app, err = e.svc.CreateApplication(sys, e.fabrikam.ID, "Fabrikam Payroll", []directory.AppRole{{DisplayName: "Payroll Reader", Value: "Payroll.Read"}})
	fatalIf(e.t, err)
	f.assignment, err = e.svc.AssignAppRole(sys, e.fabrikam.ID, e.ada.ID, f.app.ID, f.app.AppRoles[0].ID)
	fatalIf(e.t, err)
	f.gone = e.member(e.fabrikam, "gone@fabrikam.example", "Gone Fabrikam", "")
	fatalIf(e.t, e.svc.DeleteUser(sys, e.fabrikam.ID, f.gone.ID))
	r := e.get("/v1.0/auditLogs/directoryAudits?$top=1", e.fabrikamAdminToken).want(e.t, http.StatusOK)
	f.audit = r.ids()[0]
	_, err = e.svc.SignInWithPassword(context.Background(), e.ada.UserPrincipalName, "not her password", "192.0.2.9")
	if !directory.IsKind(err, directory.KindUnauthenticated) {
		e.t.Fatalf("a wrong password: %v", err)
	}
	f.signIn = e.get("/v1.0/auditLogs/signIns?$top=1", e.fabrikamAdminToken).want(e.t, http.StatusOK).ids()[0]
	f.sub = e.subscribe(e.fabrikamAdminToken, "groups/"+f.group.ID+"/members").str("id")
	return f
}

// ids are every Fabrikam id a response to Contoso must not contain.
func (f *fabrikamObjects) ids(e *env) []string {
	return []string{e.fabrikam.ID, e.ada.ID, f.group.ID, f.app.ID, f.assignment.ID, f.gone.ID, f.audit, f.signIn, f.sub}
}

// snapshot is what Fabrikam's administrator sees of Fabrikam: if a Contoso
// request changed anything there, it differs.
func (e *env) snapshot(f *fabrikamObjects) string {
	e.t.Helper()
	var b strings.Builder
	for _, p := range []string{
		"/v1.0/users", "/v1.0/groups", "/v1.0/groups/" + f.group.ID + "/members", "/v1.0/applications",
		"/v1.0/users/" + e.ada.ID + "/memberOf", "/v1.0/users/" + e.ada.ID + "/appRoleAssignments",
		"/v1.0/directory/deletedItems/microsoft.graph.user", "/v1.0/auditLogs/directoryAudits?$top=999",
		"/v1.0/auditLogs/signIns?$top=999", "/v1.0/organization", "/v1.0/policies/externalIdentitiesPolicy",
	} {
		b.Write(e.get(p, e.fabrikamAdminToken).want(e.t, http.StatusOK).raw)
		b.WriteByte('\n')
	}
	return b.String()
}

// isolationCase is one request of Contoso's administrator that names
// Fabrikam's objects (want 404, or 403 on a tenant-level resource), or that
// addresses the token's own tenant (want success, and no Fabrikam id in
// the answer).
type isolationCase struct {
	path string
	body any
	want []int
}

func TestTenantIsolationOnEveryRoute(t *testing.T) {
	e := newEnv(t)
	f := e.fabrikamObjects()
	fab, ada, contosoAdmin := e.fabrikam.ID, e.ada.ID, e.admin.ID
	notFound, denied := []int{http.StatusNotFound}, []int{http.StatusNotFound, http.StatusForbidden}
	ok := func(s int) []int { return []int{s} }
	ref := func(id string) map[string]any {
		return map[string]any{"@odata.id": "https://graph.microsoft.com/v1.0/directoryObjects/" + id}
	}

	// One case per route of routes.go, keyed by its pattern.
	cases := map[string]isolationCase{
		"GET /v1.0/users":                          {"/v1.0/users", nil, ok(200)},
		"GET /v1.0/users/delta":                    {"/v1.0/users/delta", nil, ok(200)},
		"GET /v1.0/users/microsoft.graph.delta()":  {"/v1.0/users/microsoft.graph.delta()", nil, ok(200)},
		"GET /v1.0/groups/delta":                   {"/v1.0/groups/delta", nil, ok(200)},
		"GET /v1.0/groups/microsoft.graph.delta()": {"/v1.0/groups/microsoft.graph.delta()", nil, ok(200)},
		"POST /v1.0/users":                         {"/v1.0/users", map[string]any{"displayName": "Iso", "userPrincipalName": "iso@contoso.example"}, ok(201)},
		"GET /v1.0/users/{id}":                     {"/v1.0/users/" + ada, nil, notFound},
		"PATCH /v1.0/users/{id}":                   {"/v1.0/users/" + ada, map[string]any{"displayName": "Pwned", "accountEnabled": false}, notFound},
		"DELETE /v1.0/users/{id}":                  {"/v1.0/users/" + ada, nil, notFound},
		"GET /v1.0/users/{id}/memberOf":            {"/v1.0/users/" + ada + "/memberOf", nil, notFound},
		"GET /v1.0/users/{id}/appRoleAssignments":  {"/v1.0/users/" + ada + "/appRoleAssignments", nil, notFound},
		"POST /v1.0/users/{id}/appRoleAssignments": {"/v1.0/users/" + ada + "/appRoleAssignments",
			map[string]any{"principalId": ada, "resourceId": f.app.ID, "appRoleId": f.app.AppRoles[0].ID}, notFound},
		"DELETE /v1.0/users/{id}/appRoleAssignments/{assignmentId}": {"/v1.0/users/" + ada + "/appRoleAssignments/" + f.assignment.ID, nil, notFound},
		"POST /v1.0/users/{id}/exportPersonalData":                  {"/v1.0/users/" + ada + "/exportPersonalData", nil, notFound},
		"POST /v1.0/users/{id}/erasePersonalData":                   {"/v1.0/users/" + ada + "/erasePersonalData", nil, notFound},
		"POST /v1.0/users/{id}/revokeSignInSessions":                {"/v1.0/users/" + ada + "/revokeSignInSessions", nil, notFound},

		"GET /v1.0/me":                                 {"/v1.0/me", nil, ok(200)},
		"GET /v1.0/me/memberOf":                        {"/v1.0/me/memberOf", nil, ok(200)},
		"GET /v1.0/me/appRoleAssignments":              {"/v1.0/me/appRoleAssignments", nil, ok(200)},
		"POST /v1.0/me/exportPersonalData":             {"/v1.0/me/exportPersonalData", nil, ok(200)},
		"POST /v1.0/me/revokeSignInSessions":           {"/v1.0/me/revokeSignInSessions", nil, ok(200)},
		"GET /v1.0/me/organizations":                   {"/v1.0/me/organizations", nil, ok(200)},
		"GET /v1.0/me/organizations/{tenantId}":        {"/v1.0/me/organizations/" + fab, nil, notFound},
		"POST /v1.0/me/organizations/{tenantId}/leave": {"/v1.0/me/organizations/" + fab + "/leave", nil, notFound},

		"POST /v1.0/invitations": {"/v1.0/invitations", map[string]any{"invitedUserEmailAddress": "iso-guest@example.org",
			"inviteRedirectUrl": "https://contoso.example/"}, ok(201)},

		"GET /v1.0/groups":                                 {"/v1.0/groups", nil, ok(200)},
		"POST /v1.0/groups":                                {"/v1.0/groups", map[string]any{"displayName": "Iso Group"}, ok(201)},
		"GET /v1.0/groups/{id}":                            {"/v1.0/groups/" + f.group.ID, nil, notFound},
		"GET /v1.0/groups/{id}/members":                    {"/v1.0/groups/" + f.group.ID + "/members", nil, notFound},
		"POST /v1.0/groups/{id}/members/$ref":              {"/v1.0/groups/" + f.group.ID + "/members/$ref", ref(e.ada.ID), notFound},
		"DELETE /v1.0/groups/{id}/members/{memberId}/$ref": {"/v1.0/groups/" + f.group.ID + "/members/" + ada + "/$ref", nil, notFound},

		"GET /v1.0/applications":           {"/v1.0/applications", nil, ok(200)},
		"POST /v1.0/applications":          {"/v1.0/applications", map[string]any{"displayName": "Iso App"}, ok(201)},
		"GET /v1.0/applications/{id}":      {"/v1.0/applications/" + f.app.ID, nil, notFound},
		"GET /v1.0/servicePrincipals":      {"/v1.0/servicePrincipals", nil, ok(200)},
		"GET /v1.0/servicePrincipals/{id}": {"/v1.0/servicePrincipals/" + f.app.ID, nil, notFound},
		"PATCH /v1.0/applications/{id}": {"/v1.0/applications/" + f.app.ID, map[string]any{"web": map[string]any{
			"redirectUris": []string{"https://evil.example/cb"}}}, notFound},
		"POST /v1.0/applications/{id}/addPassword":    {"/v1.0/applications/" + f.app.ID + "/addPassword", map[string]any{}, notFound},
		"POST /v1.0/applications/{id}/removePassword": {"/v1.0/applications/" + f.app.ID + "/removePassword", map[string]any{"keyId": f.app.ID}, notFound},
		"PATCH /v1.0/servicePrincipals/{id}":          {"/v1.0/servicePrincipals/" + f.app.ID, map[string]any{"appRoleAssignmentRequired": true}, notFound},
		"POST /v1.0/servicePrincipals/{id}/appRoleAssignedTo": {"/v1.0/servicePrincipals/" + f.app.ID + "/appRoleAssignedTo",
			map[string]any{"principalId": contosoAdmin, "resourceId": f.app.ID, "appRoleId": f.app.AppRoles[0].ID}, notFound},
		"DELETE /v1.0/servicePrincipals/{id}/appRoleAssignedTo/{assignmentId}": {"/v1.0/servicePrincipals/" + f.app.ID + "/appRoleAssignedTo/" + f.assignment.ID, nil, notFound},

		"GET /v1.0/directory/deletedItems/microsoft.graph.user":       {"/v1.0/directory/deletedItems/microsoft.graph.user", nil, ok(200)},
		"GET /v1.0/directory/deletedItems/graph.user":                 {"/v1.0/directory/deletedItems/graph.user", nil, ok(200)},
		"GET /v1.0/directory/deletedItems/{id}":                       {"/v1.0/directory/deletedItems/" + f.gone.ID, nil, notFound},
		"DELETE /v1.0/directory/deletedItems/{id}":                    {"/v1.0/directory/deletedItems/" + f.gone.ID, nil, notFound},
		"POST /v1.0/directory/deletedItems/{id}/restore":              {"/v1.0/directory/deletedItems/" + f.gone.ID + "/restore", nil, notFound},
		"GET /v1.0/directory/deletedItems/{id}/orgdir.restorePreview": {"/v1.0/directory/deletedItems/" + f.gone.ID + "/orgdir.restorePreview", nil, notFound},

		"GET /v1.0/auditLogs/directoryAudits":      {"/v1.0/auditLogs/directoryAudits?$top=999", nil, ok(200)},
		"GET /v1.0/auditLogs/directoryAudits/{id}": {"/v1.0/auditLogs/directoryAudits/" + f.audit, nil, notFound},
		"GET /v1.0/auditLogs/signIns":              {"/v1.0/auditLogs/signIns?$top=999", nil, ok(200)},
		"GET /v1.0/auditLogs/signIns/{id}":         {"/v1.0/auditLogs/signIns/" + f.signIn, nil, notFound},

		"GET /v1.0/organization":        {"/v1.0/organization", nil, ok(200)},
		"GET /v1.0/organization/{id}":   {"/v1.0/organization/" + fab, nil, denied},
		"PATCH /v1.0/organization/{id}": {"/v1.0/organization/" + fab, map[string]any{"displayName": "Mine", "privacyProfile": map[string]any{"contactEmail": "evil@contoso.example"}}, denied},

		"GET /v1.0/policies/externalIdentitiesPolicy":   {"/v1.0/policies/externalIdentitiesPolicy", nil, ok(200)},
		"PATCH /v1.0/policies/externalIdentitiesPolicy": {"/v1.0/policies/externalIdentitiesPolicy", map[string]any{"allowExternalIdentitiesToLeave": true}, ok(204)},
		"GET /v1.0/subscriptions":                       {"/v1.0/subscriptions", nil, ok(200)},
		"POST /v1.0/subscriptions": {"/v1.0/subscriptions", map[string]any{"resource": "users", "changeType": "deleted",
			"notificationUrl": e.hookURL, "expirationDateTime": e.clock.Now().Add(time.Hour).Format(time.RFC3339)}, ok(201)},
		"GET /v1.0/subscriptions/{id}":    {"/v1.0/subscriptions/" + f.sub, nil, notFound},
		"PATCH /v1.0/subscriptions/{id}":  {"/v1.0/subscriptions/" + f.sub, map[string]any{"notificationUrl": e.hookURL + "/mine"}, notFound},
		"DELETE /v1.0/subscriptions/{id}": {"/v1.0/subscriptions/" + f.sub, nil, notFound},
		// The batch answers 200; its requests at Fabrikam's objects are
		// refused one by one (batch_test.go checks their statuses).
		"POST /v1.0/$batch": {"/v1.0/$batch", map[string]any{"requests": []map[string]any{
			{"id": "1", "method": "GET", "url": "/users/" + ada},
			{"id": "2", "method": "PATCH", "url": "/users/" + ada, "body": map[string]any{"displayName": "Pwned"}, "headers": map[string]string{"Content-Type": "application/json"}},
			{"id": "3", "method": "DELETE", "url": "/groups/" + f.group.ID + "/members/" + ada + "/$ref"},
			{"id": "4", "method": "GET", "url": "/users/ada@fabrikam.example/memberOf"},
		}}, ok(200)},
	}
	// Contoso's own objects with a Fabrikam object in the path or body.
	mixed := map[string]isolationCase{
		"UserByFabrikamUPN":              {"/v1.0/users/ada@fabrikam.example", nil, notFound},
		"AddFabrikamUserToContosoGroup":  {"/v1.0/groups/" + e.group.ID + "/members/$ref", ref(ada), notFound},
		"RemoveFabrikamUserFromGroup":    {"/v1.0/groups/" + e.group.ID + "/members/" + ada + "/$ref", nil, notFound},
		"AssignFabrikamAppToContosoUser": {"/v1.0/users/" + contosoAdmin + "/appRoleAssignments", map[string]any{"principalId": contosoAdmin, "resourceId": f.app.ID, "appRoleId": f.app.AppRoles[0].ID}, notFound},
		"RemoveFabrikamAssignment":       {"/v1.0/users/" + contosoAdmin + "/appRoleAssignments/" + f.assignment.ID, nil, notFound},
		"ExportFabrikamDeletedUser":      {"/v1.0/users/" + f.gone.ID + "/exportPersonalData", nil, notFound},
		"EraseFabrikamDeletedUser":       {"/v1.0/users/" + f.gone.ID + "/erasePersonalData", nil, notFound},
		"EraseFabrikamUserByUPN":         {"/v1.0/users/ada@fabrikam.example/erasePersonalData", nil, notFound},
		"SubscribeToFabrikamGroupMembers": {"/v1.0/subscriptions", map[string]any{"resource": "groups/" + f.group.ID + "/members",
			"changeType": "created", "notificationUrl": e.hookURL, "expirationDateTime": e.clock.Now().Add(time.Hour).Format(time.RFC3339)}, notFound},
	}
	mixedMethod := map[string]string{
		"UserByFabrikamUPN": "GET", "AddFabrikamUserToContosoGroup": "POST", "RemoveFabrikamUserFromGroup": "DELETE",
		"AssignFabrikamAppToContosoUser": "POST", "RemoveFabrikamAssignment": "DELETE", "ExportFabrikamDeletedUser": "POST",
		"EraseFabrikamDeletedUser": "POST", "EraseFabrikamUserByUPN": "POST", "SubscribeToFabrikamGroupMembers": "POST",
	}

	before := e.snapshot(f)
	check := func(t *testing.T, method string, c isolationCase) {
		t.Helper()
		token := e.adminToken
		if c.path == "/v1.0/me/revokeSignInSessions" {
			// Revoking ends the caller's own token: a member of Contoso's.
			token = e.token(e.contoso.ID, e.member(e.contoso, "cleo@contoso.example", "Cleo", "").ID)
		}
		r := e.do(method, c.path, token, c.body)
		if !containsInt(c.want, r.status) {
			t.Fatalf("%s %s: status %d, want one of %v\n%s", method, c.path, r.status, c.want, r.raw)
		}
		for _, id := range f.ids(e) {
			if strings.Contains(string(r.raw), id) {
				t.Fatalf("%s %s: the answer names Fabrikam's object %s\n%s", method, c.path, id, r.raw)
			}
		}
	}
	for _, rt := range New(nil, Options{}).routeTable() {
		t.Run(rt.pattern, func(t *testing.T) {
			c, ok := cases[rt.pattern]
			if !ok {
				t.Fatalf("route %s has no tenant isolation case: add one to this test", rt.pattern)
			}
			method, _, _ := strings.Cut(rt.pattern, " ")
			check(t, method, c)
		})
	}
	for name, c := range mixed {
		t.Run(name, func(t *testing.T) { check(t, mixedMethod[name], c) })
	}
	if after := e.snapshot(f); after != before {
		t.Fatalf("Fabrikam changed under Contoso's requests:\nbefore:\n%s\nafter:\n%s", before, after)
	}
}

func containsInt(xs []int, x int) bool {
	for _, v := range xs {
		if v == x {
			return true
		}
	}
	return false
}
