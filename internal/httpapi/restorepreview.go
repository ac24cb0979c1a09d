package httpapi

import (
	"net/http"

	"github.com/orgdir/orgdir/internal/directory"
	"github.com/orgdir/orgdir/internal/graphjson"
	"github.com/orgdir/orgdir/internal/odata"
)

// restorePreviewSpec: the preview takes $select only.
var restorePreviewSpec = odata.Spec{
	Resource:   "orgdir.restorePreview",
	Properties: restorePreviewJSON(&directory.RestorePreview{User: &directory.User{}}).Keys(),
}

// handleRestorePreview serves orgdir's own function
// GET /directory/deletedItems/{id}/orgdir.restorePreview: what a restore
// without newUserPrincipalName would return, and why it would be refused.
func (a *API) handleRestorePreview(w http.ResponseWriter, r *http.Request) error {
	q, err := parseQuery(r, restorePreviewSpec)
	if err != nil {
		return err
	}
	p, err := a.svc.PreviewRestore(r.Context(), tenant(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, restorePreviewJSON(p).Pick(q.Select).
		With("@odata.type", "#orgdir.restorePreview").
		With("@odata.context", a.metadata(r, "orgdir.restorePreview")))
}

// restorePreviewJSON renders p in Graph's style: camelCase, arrays never
// null.
func restorePreviewJSON(p *directory.RestorePreview) graphjson.Object {
	groups := make([]graphjson.Object, 0, len(p.Groups))
	for _, g := range p.Groups {
		groups = append(groups, graphjson.Object{{"id", g.ID}, {"displayName", g.DisplayName}})
	}
	grants := make([]graphjson.Object, 0, len(p.AppRoleAssignments))
	for _, g := range p.AppRoleAssignments {
		grants = append(grants, graphjson.Object{{"id", g.ID}, {"appRoleId", g.AppRoleID}, {"appRoleDisplayName", g.AppRoleDisplayName},
			{"resourceId", g.ResourceID}, {"resourceDisplayName", g.ResourceDisplayName}})
	}
	roles := make([]graphjson.Object, 0, len(p.DirectoryRoles))
	for _, d := range p.DirectoryRoles {
		roles = append(roles, graphjson.Object{{"id", d.ID}, {"displayName", d.DisplayName}, {"roleTemplateId", d.ID}})
	}
	missing := make([]graphjson.Object, 0, len(p.Missing))
	for _, m := range p.Missing {
		missing = append(missing, graphjson.Object{{"kind", m.Kind}, {"id", m.ID}})
	}
	conflicts := make([]graphjson.Object, 0, len(p.Conflicts))
	for _, c := range p.Conflicts {
		conflicts = append(conflicts, graphjson.Object{{"property", c.Property}, {"userId", c.UserID}, {"message", c.Message}})
	}
	var mail any
	if p.User.Mail != "" {
		mail = p.User.Mail
	}
	return graphjson.Object{
		{"id", p.User.ID},
		{"displayName", p.User.DisplayName},
		{"userPrincipalName", p.User.UserPrincipalName},
		{"mail", mail},
		{"retentionEnded", p.Expired},
		{"restorable", !p.Expired && len(p.Conflicts) == 0},
		{"groups", groups},
		{"appRoleAssignments", grants},
		{"directoryRoles", roles},
		{"missing", missing},
		{"conflicts", conflicts},
	}
}
