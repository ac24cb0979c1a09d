package httpapi

import (
	"net/http"

	"github.com/orgdir/orgdir/internal/directory"
	"github.com/orgdir/orgdir/internal/graphjson"
	"github.com/orgdir/orgdir/internal/odata"
)

// externalIdentitiesPolicyObject renders Entra's externalIdentitiesPolicy
// (a beta resource in Graph, served here under /v1.0).
func externalIdentitiesPolicyObject(t *directory.Tenant) graphjson.Object {
	return graphjson.Object{
		{"@odata.type", "#microsoft.graph.externalIdentitiesPolicy"},
		{"id", "externalIdentitiesPolicy"},
		{"displayName", "External Identities Policy"},
		{"allowExternalIdentitiesToLeave", t.Settings.AllowExternalUsersToLeave},
		{"allowDeletedIdentitiesDataRemoval", false},
	}
}

var policySpec = odata.Spec{Resource: "externalIdentitiesPolicy", Properties: externalIdentitiesPolicyObject(&directory.Tenant{}).Keys()}

func (a *API) handleGetPolicy(w http.ResponseWriter, r *http.Request) error {
	q, err := parseQuery(r, policySpec)
	if err != nil {
		return err
	}
	t, err := a.svc.GetTenant(r.Context(), tenant(r))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, externalIdentitiesPolicyObject(t).Pick(q.Select).With("@odata.context", a.entity(r, "policies/externalIdentitiesPolicy", q.Select)))
}

// policyPatch is what PATCH /policies/externalIdentitiesPolicy changes.
type policyPatch struct {
	ODataType                      *string `json:"@odata.type"`
	AllowExternalIdentitiesToLeave *bool   `json:"allowExternalIdentitiesToLeave"`
}

func (a *API) handleUpdatePolicy(w http.ResponseWriter, r *http.Request) error {
	var req policyPatch
	if err := a.decode(w, r, &req, false); err != nil {
		return err
	}
	if err := checkODataType(req.ODataType, "#microsoft.graph.externalIdentitiesPolicy"); err != nil {
		return err
	}
	if req.AllowExternalIdentitiesToLeave == nil {
		return directory.Invalidf("allowExternalIdentitiesToLeave", "allowExternalIdentitiesToLeave is required: it is the only property orgdir lets you change here")
	}
	_, err := a.svc.UpdateTenant(r.Context(), tenant(r), directory.TenantPatch{AllowExternalUsersToLeave: req.AllowExternalIdentitiesToLeave})
	if err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
