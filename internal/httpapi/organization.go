package httpapi

import (
	"net/http"

	"github.com/orgdir/orgdir/internal/directory"
	"github.com/orgdir/orgdir/internal/graphjson"
	"github.com/orgdir/orgdir/internal/odata"
)

// organizationSpec: the organization takes $select only (its collection
// is the one tenant of the token).
var organizationSpec = odata.Spec{Resource: "organization", Properties: graphjson.Organization(&directory.Tenant{}).Keys()}

// handleListOrganization is Graph's GET /organization: the token's tenant.
func (a *API) handleListOrganization(w http.ResponseWriter, r *http.Request) error {
	q, err := parseQuery(r, organizationSpec)
	if err != nil {
		return err
	}
	t, err := a.svc.GetTenant(r.Context(), tenant(r))
	if err != nil {
		return err
	}
	return a.writeList(w, r, q, list{context: "organization", values: []graphjson.Object{graphjson.Organization(t)}})
}

func (a *API) handleGetOrganization(w http.ResponseWriter, r *http.Request) error {
	q, err := parseQuery(r, organizationSpec)
	if err != nil {
		return err
	}
	t, err := a.svc.GetTenant(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, graphjson.Organization(t).Pick(q.Select).With("@odata.context", a.entity(r, "organization", q.Select)))
}

// organizationPatch is what PATCH /organization/{id} changes; a property
// that is absent or null stays as it is, "" clears a privacy field.
type organizationPatch struct {
	ODataType      *string `json:"@odata.type"`
	DisplayName    *string `json:"displayName"`
	PrivacyProfile *struct {
		ContactEmail *string `json:"contactEmail"`
		StatementURL *string `json:"statementUrl"`
	} `json:"privacyProfile"`
	RetentionDays      *int `json:"extension_orgdir_deletedUserRetentionInDays"`
	AccessTokenMinutes *int `json:"extension_orgdir_accessTokenLifetimeInMinutes"`
}

// organizationPatchProperties are the request properties of the
// TenantPatch fields whose names differ.
var organizationPatchProperties = map[string]string{
	"retentionDays":                graphjson.RetentionProperty,
	"accessTokenLifetimeInMinutes": graphjson.AccessTokenLifetimeProperty,
	"privacyContactEmail":          "privacyProfile.contactEmail",
	"privacyStatementUrl":          "privacyProfile.statementUrl",
}

func (a *API) handleUpdateOrganization(w http.ResponseWriter, r *http.Request) error {
	// Another tenant's organization is not found, as on GET, rather than
	// forbidden: the token sees its own tenant only.
	if _, err := a.svc.GetTenant(r.Context(), r.PathValue("id")); err != nil {
		return err
	}
	var req organizationPatch
	if err := a.decode(w, r, &req, false); err != nil {
		return err
	}
	if err := checkODataType(req.ODataType, "#microsoft.graph.organization"); err != nil {
		return err
	}
	p := directory.TenantPatch{DisplayName: req.DisplayName, RetentionDays: req.RetentionDays, AccessTokenMinutes: req.AccessTokenMinutes}
	if pp := req.PrivacyProfile; pp != nil {
		p.PrivacyContactEmail, p.PrivacyStatementURL = pp.ContactEmail, pp.StatementURL
	}
	if _, err := a.svc.UpdateTenant(r.Context(), r.PathValue("id"), p); err != nil {
		return asProperties(err, organizationPatchProperties)
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
