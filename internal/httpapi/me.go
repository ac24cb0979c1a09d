package httpapi

import (
	"net/http"

	"github.com/orgdir/orgdir/internal/directory"
	"github.com/orgdir/orgdir/internal/graphjson"
	"github.com/orgdir/orgdir/internal/odata"
)

// The signed-in person's own API. /me is Graph's; /me/organizations and
// its leave action are orgdir's own (Graph has no API for a guest to
// leave), designed in Graph's style and described in docs/api.md.

func (a *API) handleMe(w http.ResponseWriter, r *http.Request) error {
	if _, err := parseQuery(r, userEntitySpec); err != nil {
		return err
	}
	u, err := a.svc.GetUser(r.Context(), tenant(r), actor(r).UserID)
	if err != nil {
		return err
	}
	return a.writeUser(w, r, http.StatusOK, "users", u)
}

func (a *API) handleMyMemberOf(w http.ResponseWriter, r *http.Request) error {
	return a.memberOf(w, r, actor(r).UserID)
}

func (a *API) handleMyAssignments(w http.ResponseWriter, r *http.Request) error {
	return a.appRoleAssignments(w, r, actor(r).UserID)
}

// organizationMembershipObject renders one organization the person
// belongs to, as My Account lists it.
func organizationMembershipObject(o directory.Organization) graphjson.Object {
	t := o.Tenant
	return graphjson.Object{
		{"@odata.type", "#orgdir.organizationMembership"},
		{"id", t.ID},
		{"displayName", t.DisplayName},
		{"defaultDomain", t.InitialDomain},
		{"isHomeOrganization", o.Home},
		{"userId", o.User.ID},
		{"userPrincipalName", o.User.UserPrincipalName},
		{"userType", string(o.User.UserType)},
		{"accountEnabled", o.User.AccountEnabled},
		{"allowExternalIdentitiesToLeave", t.Settings.AllowExternalUsersToLeave},
		{"privacyProfile", graphjson.PrivacyProfile(t)},
	}
}

// myOrganizationsSpec: the person's few organizations, whole, with $select.
var myOrganizationsSpec = odata.Spec{Resource: "me/organizations",
	Properties: organizationMembershipObject(directory.Organization{Tenant: &directory.Tenant{}, User: &directory.User{}}).Keys()}

func (a *API) handleMyOrganizations(w http.ResponseWriter, r *http.Request) error {
	q, err := parseQuery(r, myOrganizationsSpec)
	if err != nil {
		return err
	}
	orgs, err := a.svc.Organizations(r.Context())
	if err != nil {
		return err
	}
	l := list{context: "me/organizations"}
	for _, o := range orgs {
		l.values = append(l.values, organizationMembershipObject(o))
	}
	return a.writeList(w, r, q, l)
}

func (a *API) handleMyOrganization(w http.ResponseWriter, r *http.Request) error {
	q, err := parseQuery(r, myOrganizationsSpec)
	if err != nil {
		return err
	}
	orgs, err := a.svc.Organizations(r.Context())
	if err != nil {
		return err
	}
	for _, o := range orgs {
		if o.Tenant.ID == r.PathValue("tenantId") {
			return writeJSON(w, http.StatusOK, organizationMembershipObject(o).Pick(q.Select).With("@odata.context", a.entity(r, "me/organizations", q.Select)))
		}
	}
	return directory.Errorf(directory.KindNotFound, "you do not belong to this organization")
}

// handleLeave is the self-service leave: 204, or 403 with one code per
// refusal (Leave_*) and the organization's privacy contact in
// innerError.contact.
func (a *API) handleLeave(w http.ResponseWriter, r *http.Request) error {
	if err := noQuery(r, "leave"); err != nil {
		return err
	}
	var body struct{} // Graph's actions take a JSON body; leave needs none
	if err := a.decode(w, r, &body, true); err != nil {
		return err
	}
	if err := a.svc.Leave(r.Context(), r.PathValue("tenantId")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
