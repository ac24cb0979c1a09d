package httpapi

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/orgdir/orgdir/internal/directory"
)

func TestRestorePreviewShape(t *testing.T) {
	e := newEnv(t)
	guestID, guestToken, assignmentID := e.acceptedGuest()
	e.do("POST", "/v1.0/me/organizations/"+e.contoso.ID+"/leave", guestToken, nil).want(t, http.StatusNoContent)

	path := "/v1.0/directory/deletedItems/" + guestID + "/orgdir.restorePreview"
	r := e.get(path, e.adminToken).want(t, http.StatusOK)
	if !strings.HasSuffix(r.str("@odata.context"), "/v1.0/$metadata#orgdir.restorePreview") || r.str("@odata.type") != "#orgdir.restorePreview" {
		t.Errorf("annotations: %s", r.raw)
	}
	var got struct {
		ID         string `json:"id"`
		Restorable *bool  `json:"restorable"`
		Groups     []struct {
			ID          string `json:"id"`
			DisplayName string `json:"displayName"`
		} `json:"groups"`
		AppRoleAssignments []struct {
			ID                  string `json:"id"`
			AppRoleID           string `json:"appRoleId"`
			ResourceID          string `json:"resourceId"`
			ResourceDisplayName string `json:"resourceDisplayName"`
		} `json:"appRoleAssignments"`
		DirectoryRoles []any `json:"directoryRoles"`
		Missing        []any `json:"missing"`
		Conflicts      []any `json:"conflicts"`
	}
	if err := json.Unmarshal(r.raw, &got); err != nil {
		t.Fatal(err)
	}
	if got.ID != guestID || got.Restorable == nil || !*got.Restorable {
		t.Errorf("id/restorable: %s", r.raw)
	}
	if len(got.Groups) != 1 || got.Groups[0].ID != e.group.ID || got.Groups[0].DisplayName != e.group.DisplayName {
		t.Errorf("groups: %s", r.raw)
	}
	if len(got.AppRoleAssignments) != 1 || got.AppRoleAssignments[0].ID != assignmentID ||
		got.AppRoleAssignments[0].AppRoleID != e.app.AppRoles[0].ID || got.AppRoleAssignments[0].ResourceDisplayName != e.app.DisplayName {
		t.Errorf("appRoleAssignments: %s", r.raw)
	}
	// Empty lists are [], never null or absent.
	for _, k := range []string{`"directoryRoles":[]`, `"missing":[]`, `"conflicts":[]`} {
		if !strings.Contains(string(r.raw), k) {
			t.Errorf("want %s in %s", k, r.raw)
		}
	}

	// A live user holding the mail: a conflict naming that user.
	ctx := directory.WithActor(context.Background(), directory.UserActor(e.contoso.ID, e.admin.ID))
	other, err := e.svc.CreateUser(ctx, e.contoso.ID, directory.NewUser{UserPrincipalName: "ada.other@contoso.example", DisplayName: "Other", Mail: e.ada.Mail})
	if err != nil {
		t.Fatal(err)
	}
	r = e.get(path, e.adminToken).want(t, http.StatusOK)
	if !strings.Contains(string(r.raw), `"restorable":false`) || !strings.Contains(string(r.raw), `"conflicts":[{"property":"mail","userId":"`+other.ID+`"`) {
		t.Errorf("conflict: %s", r.raw)
	}

	e.get(path, e.fabrikamAdminToken).want(t, http.StatusNotFound, "Request_ResourceNotFound")
	e.get("/v1.0/directory/deletedItems/"+e.admin.ID+"/orgdir.restorePreview", e.adminToken).want(t, http.StatusNotFound, "Request_ResourceNotFound")
	r = e.get(path+"?$select=id,conflicts", e.adminToken).want(t, http.StatusOK)
	if _, ok := r.body["groups"]; ok || r.str("id") != guestID || r.body["conflicts"] == nil {
		t.Errorf("$select=id,conflicts: %s", r.raw)
	}
	e.get(path+"?$top=1", e.adminToken).want(t, http.StatusBadRequest)
}
