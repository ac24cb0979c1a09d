package httpapi

import (
	"net/http"

	"github.com/orgdir/orgdir/internal/directory"
	"github.com/orgdir/orgdir/internal/graphjson"
	"github.com/orgdir/orgdir/internal/odata"
)

// orgdir keeps one object per application: it is both the app registration
// (/applications) and, under the same id, its service principal
// (/servicePrincipals), which Graph's appRoleAssignment.resourceId names.

var applicationProperties = applicationObject(&directory.Application{}).Keys()

var applicationsSpec = odata.Spec{Resource: "applications", Properties: applicationProperties, Paged: true}

var servicePrincipalProperties = servicePrincipalObject(&directory.Application{}).Keys()

var servicePrincipalsSpec = odata.Spec{Resource: "servicePrincipals", Properties: servicePrincipalProperties, Paged: true}

var assignmentProperties = graphjson.AppRoleAssignment(&directory.AppRoleAssignment{}, "", nil).Keys()

var assignmentsSpec = odata.Spec{Resource: "appRoleAssignments", Properties: assignmentProperties, Paged: true}

func appRoles(app *directory.Application) []graphjson.Object {
	roles := make([]graphjson.Object, 0, len(app.AppRoles))
	members := []string{"User"}
	if app.ID == directory.OrgdirAPIAppID { // application permissions
		members = []string{"Application"}
	}
	for _, ar := range app.AppRoles {
		roles = append(roles, graphjson.Object{
			{"id", ar.ID},
			{"allowedMemberTypes", members},
			{"description", graphjson.StrOrNull(ar.Description)},
			{"displayName", ar.DisplayName},
			{"isEnabled", true},
			{"origin", "Application"},
			{"value", graphjson.StrOrNull(ar.Value)},
		})
	}
	return roles
}

// applicationObject renders Graph's microsoft.graph.application; appId is
// the id, as orgdir has no separate client id.
func applicationObject(app *directory.Application) graphjson.Object {
	return graphjson.Object{
		{"@odata.type", "#microsoft.graph.application"},
		{"id", app.ID},
		{"appId", app.ID},
		{"displayName", app.DisplayName},
		{"createdDateTime", graphjson.Timestamp(app.CreatedAt)},
		{"groupMembershipClaims", graphjson.StrOrNull(app.GroupMembershipClaims)},
		{"appRoles", appRoles(app)},
		{"passwordCredentials", passwordCredentials(app)},
		{"publicClient", graphjson.Object{{"redirectUris", uris(app.PublicClientRedirectURIs)}}},
		{"spa", graphjson.Object{{"redirectUris", uris(app.SPARedirectURIs)}}},
		{"web", webObject(app)},
	}
}

// servicePrincipalObject renders the application as its service principal.
func servicePrincipalObject(app *directory.Application) graphjson.Object {
	return graphjson.Object{
		{"@odata.type", "#microsoft.graph.servicePrincipal"},
		{"id", app.ID},
		{"appId", app.ID},
		{"displayName", app.DisplayName},
		{"servicePrincipalType", "Application"},
		{"appRoleAssignmentRequired", app.AppRoleAssignmentRequired},
		{"appRoles", appRoles(app)},
	}
}

func (a *API) listApps(w http.ResponseWriter, r *http.Request, spec odata.Spec, render func(*directory.Application) graphjson.Object) error {
	q, err := parseQuery(r, spec)
	if err != nil {
		return err
	}
	apps, err := a.svc.ListApplications(r.Context(), tenant(r), idPage(q))
	if err != nil {
		return err
	}
	return a.writeList(w, r, q, keysetPage(spec.Resource, apps, q.Top, render, func(last *directory.Application) *odata.Cursor {
		return &odata.Cursor{ID: last.ID}
	}))
}

func (a *API) getApp(w http.ResponseWriter, r *http.Request, spec odata.Spec, render func(*directory.Application) graphjson.Object) error {
	q, err := parseQuery(r, odata.Spec{Resource: spec.Resource, Properties: spec.Properties})
	if err != nil {
		return err
	}
	var app *directory.Application
	if id := r.PathValue("id"); id == directory.OrgdirAPIAppID && spec.Resource == servicePrincipalsSpec.Resource {
		app, err = a.svc.APIServicePrincipal(r.Context(), tenant(r))
	} else {
		app, err = a.svc.GetApplication(r.Context(), tenant(r), id)
	}
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, render(app).Pick(q.Select).With("@odata.context", a.entity(r, spec.Resource, q.Select)))
}

func (a *API) handleListApplications(w http.ResponseWriter, r *http.Request) error {
	return a.listApps(w, r, applicationsSpec, applicationObject)
}

func (a *API) handleGetApplication(w http.ResponseWriter, r *http.Request) error {
	return a.getApp(w, r, applicationsSpec, applicationObject)
}

func (a *API) handleListServicePrincipals(w http.ResponseWriter, r *http.Request) error {
	return a.listApps(w, r, servicePrincipalsSpec, servicePrincipalObject)
}

func (a *API) handleGetServicePrincipal(w http.ResponseWriter, r *http.Request) error {
	return a.getApp(w, r, servicePrincipalsSpec, servicePrincipalObject)
}

// createApplicationRequest is Graph's POST /applications body, reduced to
// what orgdir keeps.
type createApplicationRequest struct {
	ODataType   *string `json:"@odata.type"`
	DisplayName *string `json:"displayName"`
	AppRoles    []struct {
		ID                 *string  `json:"id"`
		DisplayName        *string  `json:"displayName"`
		Value              *string  `json:"value"`
		Description        *string  `json:"description"`
		AllowedMemberTypes []string `json:"allowedMemberTypes"`
		IsEnabled          *bool    `json:"isEnabled"`
	} `json:"appRoles"`
}

func (a *API) handleCreateApplication(w http.ResponseWriter, r *http.Request) error {
	var req createApplicationRequest
	if err := a.decode(w, r, &req, false); err != nil {
		return err
	}
	if err := checkODataType(req.ODataType, "#microsoft.graph.application"); err != nil {
		return err
	}
	if req.DisplayName == nil {
		return directory.Invalidf("displayName", "displayName is required")
	}
	var roles []directory.AppRole
	for i, ar := range req.AppRoles {
		for _, t := range ar.AllowedMemberTypes {
			if t != "User" {
				return directory.Invalidf("appRoles", "appRoles[%d].allowedMemberTypes: only User is supported, not %q", i, t)
			}
		}
		if ar.IsEnabled != nil && !*ar.IsEnabled {
			return directory.Invalidf("appRoles", "appRoles[%d].isEnabled: disabled app roles are not supported", i)
		}
		roles = append(roles, directory.AppRole{ID: deref(ar.ID), DisplayName: deref(ar.DisplayName),
			Value: deref(ar.Value), Description: deref(ar.Description)})
	}
	app, err := a.svc.CreateApplication(r.Context(), tenant(r), *req.DisplayName, roles)
	if err != nil {
		return err
	}
	w.Header().Set("Location", a.baseURL(r)+"/v1.0/applications/"+app.ID)
	return writeJSON(w, http.StatusCreated, applicationObject(app).With("@odata.context", a.metadata(r, "applications/$entity")))
}

// renderAssignments resolves the display names Graph puts in each
// assignment.
func (a *API) renderAssignments(r *http.Request, u *directory.User, as []*directory.AppRoleAssignment) ([]graphjson.Object, error) {
	names := map[string]string{}
	out := make([]graphjson.Object, 0, len(as))
	for _, x := range as {
		name, ok := names[x.ResourceID]
		if !ok {
			app, err := a.svc.GetApplication(r.Context(), tenant(r), x.ResourceID)
			if err != nil && !directory.IsKind(err, directory.KindNotFound) && !directory.IsKind(err, directory.KindForbidden) {
				return nil, err
			}
			if app != nil {
				name = app.DisplayName
			}
			names[x.ResourceID] = name
		}
		out = append(out, graphjson.AppRoleAssignment(x, u.DisplayName, &name))
	}
	return out, nil
}

// appRoleAssignments serves a page of the assignments of a user.
func (a *API) appRoleAssignments(w http.ResponseWriter, r *http.Request, idOrUPN string) error {
	q, err := parseQuery(r, assignmentsSpec)
	if err != nil {
		return err
	}
	u, err := a.svc.GetUser(r.Context(), tenant(r), idOrUPN)
	if err != nil {
		return err
	}
	as, err := a.svc.ListAppRoleAssignments(r.Context(), tenant(r), u.ID)
	if err != nil {
		return err
	}
	as, next := pageInMemory(as, func(x *directory.AppRoleAssignment) string { return x.ID }, q)
	values, err := a.renderAssignments(r, u, as)
	if err != nil {
		return err
	}
	return a.writeList(w, r, q, list{context: "users('" + u.ID + "')/appRoleAssignments", values: values, next: next})
}

func (a *API) handleListAssignments(w http.ResponseWriter, r *http.Request) error {
	return a.appRoleAssignments(w, r, r.PathValue("id"))
}

// assignRequest is Graph's POST /users/{id}/appRoleAssignments body.
type assignRequest struct {
	ODataType   *string `json:"@odata.type"`
	PrincipalID *string `json:"principalId"`
	ResourceID  *string `json:"resourceId"`
	AppRoleID   *string `json:"appRoleId"`
}

func (a *API) handleAssign(w http.ResponseWriter, r *http.Request) error {
	var req assignRequest
	if err := a.decode(w, r, &req, false); err != nil {
		return err
	}
	if err := checkODataType(req.ODataType, "#microsoft.graph.appRoleAssignment"); err != nil {
		return err
	}
	u, err := a.svc.GetUser(r.Context(), tenant(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	switch {
	case req.PrincipalID == nil:
		return directory.Invalidf("principalId", "principalId is required (the user's id)")
	case *req.PrincipalID != u.ID:
		return directory.Invalidf("principalId", "principalId %q is not the id of the user in the path (%s)", *req.PrincipalID, u.ID)
	case req.ResourceID == nil:
		return directory.Invalidf("resourceId", "resourceId is required (the application's id)")
	}
	roleID := directory.DefaultAppRoleID
	if req.AppRoleID != nil {
		roleID = *req.AppRoleID
	}
	as, err := a.svc.AssignAppRole(r.Context(), tenant(r), u.ID, *req.ResourceID, roleID)
	if err != nil {
		return err
	}
	objs, err := a.renderAssignments(r, u, []*directory.AppRoleAssignment{as})
	if err != nil {
		return err
	}
	w.Header().Set("Location", a.baseURL(r)+"/v1.0/users/"+u.ID+"/appRoleAssignments/"+as.ID)
	return writeJSON(w, http.StatusCreated, objs[0].With("@odata.context", a.metadata(r, "users('"+u.ID+"')/appRoleAssignments/$entity")))
}

func (a *API) handleUnassign(w http.ResponseWriter, r *http.Request) error {
	id, err := a.userID(r, r.PathValue("id"))
	if err != nil {
		return err
	}
	if err := a.svc.RemoveAppRoleAssignment(r.Context(), tenant(r), id, r.PathValue("assignmentId")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
