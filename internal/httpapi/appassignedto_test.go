package httpapi

import (
	"net/http"
	"testing"

	"github.com/orgdir/orgdir/internal/directory"
)

func TestAppRoleAssignedToGroupsAppsAndBadInput(t *testing.T) {
	e := newEnv(t)
	base := "/v1.0/servicePrincipals/" + e.app.ID + "/appRoleAssignedTo"
	api := "/v1.0/servicePrincipals/" + directory.OrgdirAPIAppID + "/appRoleAssignedTo"
	// A group of the tenant gets the app's role.
	r := e.do(http.MethodPost, base, e.adminToken, map[string]any{"principalId": e.group.ID, "appRoleId": e.app.AppRoles[0].ID}).want(t, http.StatusCreated)
	if r.str("principalType") != "Group" || r.str("principalDisplayName") != e.group.DisplayName || r.str("resourceDisplayName") != e.app.DisplayName {
		t.Errorf("group assignment %s", r.raw)
	}
	e.do(http.MethodPost, base, e.adminToken, map[string]any{"principalId": e.group.ID, "appRoleId": e.app.AppRoles[0].ID}).want(t, http.StatusBadRequest) // a clash, as Graph answers it
	e.do(http.MethodDelete, base+"/"+r.str("id"), e.adminToken, nil).want(t, http.StatusNoContent)
	e.do(http.MethodDelete, base+"/"+r.str("id"), e.adminToken, nil).want(t, http.StatusNotFound)
	// The app gets a permission of orgdir's API, by id.
	r = e.do(http.MethodPost, api, e.adminToken, map[string]any{"principalId": e.app.ID, "resourceId": directory.OrgdirAPIAppID,
		"appRoleId": "df021288-bdef-4463-88db-98f22de89214"}).want(t, http.StatusCreated)
	if r.str("principalType") != "ServicePrincipal" || r.str("resourceDisplayName") != directory.OrgdirAPIDisplayName || r.str("resourceId") != directory.OrgdirAPIAppID {
		t.Errorf("API grant %s", r.raw)
	}
	// The API's service principal shows the permission.
	sp := e.get("/v1.0/servicePrincipals/"+directory.OrgdirAPIAppID, e.adminToken).want(t, http.StatusOK)
	if sp.str("appId") != directory.OrgdirAPIAppID {
		t.Errorf("API service principal %s", sp.raw)
	}
	// Bad input says what is wrong.
	for _, c := range []struct {
		path  string
		body  map[string]any
		field string
	}{
		{base, map[string]any{"appRoleId": e.app.AppRoles[0].ID}, "principalId"},
		{base, map[string]any{"principalId": e.group.ID, "resourceId": directory.NewID()}, "resourceId"},
		{base, map[string]any{"principalId": "not-a-guid"}, "principalId"},
		{api, map[string]any{"principalId": e.app.ID}, "appRoleId"},
		{api, map[string]any{"principalId": e.app.ID, "appRoleId": "Mail.Send"}, "appRoleId"},
		{base, map[string]any{"principalId": e.group.ID, "appRoleId": directory.NewID()}, "appRoleId"},
	} {
		r := e.do(http.MethodPost, c.path, e.adminToken, c.body).want(t, http.StatusBadRequest)
		if r.message() == "" {
			t.Errorf("%v: no message", c.body)
		}
	}
	// A principal that does not exist is 404.
	e.do(http.MethodPost, base, e.adminToken, map[string]any{"principalId": directory.NewID(), "appRoleId": e.app.AppRoles[0].ID}).want(t, http.StatusNotFound)
	e.do(http.MethodPost, api, e.adminToken, map[string]any{"principalId": directory.NewID(), "appRoleId": "User.Read.All"}).want(t, http.StatusNotFound)
	// groupMembershipClaims: the three values only.
	e.do(http.MethodPatch, "/v1.0/applications/"+e.app.ID, e.adminToken, map[string]any{"groupMembershipClaims": "All"}).want(t, http.StatusNoContent)
	if got := e.get("/v1.0/applications/"+e.app.ID, e.adminToken).want(t, http.StatusOK).str("groupMembershipClaims"); got != "All" {
		t.Errorf("groupMembershipClaims %q", got)
	}
	e.do(http.MethodPatch, "/v1.0/applications/"+e.app.ID, e.adminToken, map[string]any{"groupMembershipClaims": "ApplicationGroup"}).want(t, http.StatusBadRequest)
}
