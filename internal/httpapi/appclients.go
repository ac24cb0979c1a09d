package httpapi

import (
	"net/http"
	"time"

	"github.com/orgdir/orgdir/internal/directory"
	"github.com/orgdir/orgdir/internal/graphjson"
)

// Applications as OpenID Connect clients: redirect URIs per platform
// (PATCH /applications/{id}), appRoleAssignmentRequired (PATCH
// /servicePrincipals/{id}), and client secrets (addPassword,
// removePassword), as Graph has them.

func uris(v []string) []string {
	if v == nil {
		return []string{}
	}
	return v
}

// passwordCredentialObject renders Graph's passwordCredential; secretText
// is only ever set in the answer of addPassword.
func passwordCredentialObject(c *directory.PasswordCredential, secretText *string) graphjson.Object {
	return graphjson.Object{
		{"customKeyIdentifier", nil},
		{"displayName", graphjson.StrOrNull(c.DisplayName)},
		{"endDateTime", graphjson.Timestamp(c.EndDateTime)},
		{"hint", c.Hint},
		{"keyId", c.KeyID},
		{"secretText", secretText},
		{"startDateTime", graphjson.Timestamp(c.StartDateTime)},
	}
}

func passwordCredentials(app *directory.Application) []graphjson.Object {
	out := make([]graphjson.Object, 0, len(app.PasswordCredentials))
	for i := range app.PasswordCredentials {
		out = append(out, passwordCredentialObject(&app.PasswordCredentials[i], nil))
	}
	return out
}

func webObject(app *directory.Application) graphjson.Object {
	return graphjson.Object{
		{"redirectUris", uris(app.WebRedirectURIs)},
		{"logoutUrl", graphjson.StrOrNull(app.WebLogoutURL)},
		{"homePageUrl", graphjson.StrOrNull(app.WebHomePageURL)},
	}
}

// platformRequest is one of Graph's web, spa or publicClient objects.
type platformRequest struct {
	RedirectURIs *[]string `json:"redirectUris"`
	LogoutURL    *string   `json:"logoutUrl"`
	HomePageURL  *string   `json:"homePageUrl"`
}

// updateApplicationRequest is Graph's PATCH /applications/{id} body,
// reduced to what orgdir keeps.
type updateApplicationRequest struct {
	ODataType    *string          `json:"@odata.type"`
	DisplayName  *string          `json:"displayName"`
	Web          *platformRequest `json:"web"`
	SPA          *platformRequest `json:"spa"`
	PublicClient *platformRequest `json:"publicClient"`
	// GroupMembershipClaims: None, SecurityGroup or All (Graph's).
	GroupMembershipClaims *string `json:"groupMembershipClaims"`
}

func (a *API) handleUpdateApplication(w http.ResponseWriter, r *http.Request) error {
	var req updateApplicationRequest
	if err := a.decode(w, r, &req, false); err != nil {
		return err
	}
	if err := checkODataType(req.ODataType, "#microsoft.graph.application"); err != nil {
		return err
	}
	p := directory.ApplicationPatch{DisplayName: req.DisplayName, GroupMembershipClaims: req.GroupMembershipClaims}
	if req.Web != nil {
		p.WebRedirectURIs, p.WebLogoutURL, p.WebHomePageURL = req.Web.RedirectURIs, req.Web.LogoutURL, req.Web.HomePageURL
	}
	for _, x := range []struct {
		name string
		req  *platformRequest
		dst  **[]string
	}{{"spa", req.SPA, &p.SPARedirectURIs}, {"publicClient", req.PublicClient, &p.PublicClientRedirectURIs}} {
		if x.req == nil {
			continue
		}
		if x.req.LogoutURL != nil {
			return directory.Invalidf(x.name+".logoutUrl", "%s has no logoutUrl; set web.logoutUrl", x.name)
		}
		if x.req.HomePageURL != nil {
			return directory.Invalidf(x.name+".homePageUrl", "%s has no homePageUrl; set web.homePageUrl", x.name)
		}
		*x.dst = x.req.RedirectURIs
	}
	if _, err := a.svc.UpdateApplication(r.Context(), tenant(r), r.PathValue("id"), p); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent) // as Graph: PATCH answers 204
	return nil
}

// updateServicePrincipalRequest is Graph's PATCH /servicePrincipals/{id}
// body, reduced to what orgdir keeps.
type updateServicePrincipalRequest struct {
	ODataType                 *string `json:"@odata.type"`
	AppRoleAssignmentRequired *bool   `json:"appRoleAssignmentRequired"`
}

func (a *API) handleUpdateServicePrincipal(w http.ResponseWriter, r *http.Request) error {
	var req updateServicePrincipalRequest
	if err := a.decode(w, r, &req, false); err != nil {
		return err
	}
	if err := checkODataType(req.ODataType, "#microsoft.graph.servicePrincipal"); err != nil {
		return err
	}
	p := directory.ApplicationPatch{AppRoleAssignmentRequired: req.AppRoleAssignmentRequired}
	if _, err := a.svc.UpdateApplication(r.Context(), tenant(r), r.PathValue("id"), p); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// addPasswordRequest is Graph's addPassword body.
type addPasswordRequest struct {
	PasswordCredential *struct {
		DisplayName         *string `json:"displayName"`
		EndDateTime         *string `json:"endDateTime"`
		StartDateTime       *string `json:"startDateTime"`
		CustomKeyIdentifier *string `json:"customKeyIdentifier"`
	} `json:"passwordCredential"`
}

func (a *API) handleAddPassword(w http.ResponseWriter, r *http.Request) error {
	var req addPasswordRequest
	if err := a.decode(w, r, &req, true); err != nil {
		return err
	}
	var name string
	var end time.Time
	if pc := req.PasswordCredential; pc != nil {
		name = deref(pc.DisplayName)
		if pc.StartDateTime != nil {
			return directory.Invalidf("passwordCredential.startDateTime", "passwordCredential.startDateTime is not supported: a secret is valid from when it is added")
		}
		if pc.CustomKeyIdentifier != nil {
			return directory.Invalidf("passwordCredential.customKeyIdentifier", "passwordCredential.customKeyIdentifier is not supported")
		}
		if pc.EndDateTime != nil {
			t, err := time.Parse(time.RFC3339, *pc.EndDateTime)
			if err != nil {
				return directory.Invalidf("passwordCredential.endDateTime", "passwordCredential.endDateTime %q is not an ISO 8601 date and time", *pc.EndDateTime)
			}
			end = t
		}
	}
	secret, cred, err := a.svc.AddApplicationPassword(r.Context(), tenant(r), r.PathValue("id"), name, end)
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store") // the secret is in this answer only
	return writeJSON(w, http.StatusOK, passwordCredentialObject(cred, &secret).With("@odata.context", a.metadata(r, "microsoft.graph.passwordCredential")))
}

// removePasswordRequest is Graph's removePassword body.
type removePasswordRequest struct {
	KeyID *string `json:"keyId"`
}

func (a *API) handleRemovePassword(w http.ResponseWriter, r *http.Request) error {
	var req removePasswordRequest
	if err := a.decode(w, r, &req, false); err != nil {
		return err
	}
	if req.KeyID == nil || !directory.ValidID(*req.KeyID) {
		return directory.Invalidf("keyId", "keyId is required: the keyId of one of the application's passwordCredentials")
	}
	if err := a.svc.RemoveApplicationPassword(r.Context(), tenant(r), r.PathValue("id"), *req.KeyID); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
