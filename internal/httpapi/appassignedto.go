package httpapi

import (
	"net/http"

	"github.com/orgdir/orgdir/internal/directory"
	"github.com/orgdir/orgdir/internal/graphjson"
)

// Graph's servicePrincipals/{id}/appRoleAssignedTo: who holds the roles of
// a service principal. For one of the tenant's apps the principal is a
// user or a group; for orgdir's API (id 00000003-0000-0000-c000-000000000000)
// it is an application, granted an application permission.

func (a *API) handleAssignedTo(w http.ResponseWriter, r *http.Request) error {
	var req assignRequest
	if err := a.decode(w, r, &req, false); err != nil {
		return err
	}
	if err := checkODataType(req.ODataType, "#microsoft.graph.appRoleAssignment"); err != nil {
		return err
	}
	resource := r.PathValue("id")
	switch {
	case req.PrincipalID == nil:
		return directory.Invalidf("principalId", "principalId is required (the user, group or application given the role)")
	case req.ResourceID != nil && *req.ResourceID != resource:
		return directory.Invalidf("resourceId", "resourceId %q is not the service principal of the path (%s)", *req.ResourceID, resource)
	case req.AppRoleID == nil && resource == directory.OrgdirAPIAppID:
		return directory.Invalidf("appRoleId", "appRoleId is required: the id of a permission of orgdir's API (e.g. User.Read.All's)")
	}
	roleID := ""
	if req.AppRoleID != nil {
		roleID = *req.AppRoleID
	}
	as, err := a.svc.AssignAppRoleTo(r.Context(), tenant(r), resource, *req.PrincipalID, roleID)
	if err != nil {
		return err
	}
	obj, err := a.renderAssignedTo(r, as)
	if err != nil {
		return err
	}
	w.Header().Set("Location", a.baseURL(r)+"/v1.0/servicePrincipals/"+resource+"/appRoleAssignedTo/"+as.ID)
	return writeJSON(w, http.StatusCreated, obj.With("@odata.context", a.metadata(r, "servicePrincipals('"+resource+"')/appRoleAssignedTo/$entity")))
}

func (a *API) handleUnassignedTo(w http.ResponseWriter, r *http.Request) error {
	if err := a.svc.RemoveAppRoleAssignedTo(r.Context(), tenant(r), r.PathValue("id"), r.PathValue("assignmentId")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// renderAssignedTo renders an assignment of any principal type, naming
// its principal and resource.
func (a *API) renderAssignedTo(r *http.Request, as *directory.AppRoleAssignment) (graphjson.Object, error) {
	ctx, tid := r.Context(), tenant(r)
	var principal string
	switch as.PrincipalType {
	case directory.PrincipalGroup:
		if g, err := a.svc.GetGroup(ctx, tid, as.PrincipalID); err == nil {
			principal = g.DisplayName
		}
	case directory.PrincipalServicePrincipal:
		if app, err := a.svc.GetApplication(ctx, tid, as.PrincipalID); err == nil {
			principal = app.DisplayName
		}
	default:
		if u, err := a.svc.GetUser(ctx, tid, as.PrincipalID); err == nil {
			principal = u.DisplayName
		}
	}
	resource := directory.OrgdirAPIDisplayName
	if as.ResourceID != directory.OrgdirAPIAppID {
		app, err := a.svc.GetApplication(ctx, tid, as.ResourceID)
		if err != nil {
			return nil, err
		}
		resource = app.DisplayName
	}
	return graphjson.AppRoleAssignment(as, principal, &resource), nil
}
