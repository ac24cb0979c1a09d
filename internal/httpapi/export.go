package httpapi

import (
	"net/http"

	"github.com/orgdir/orgdir/internal/directory"
)

// Data subject requests (GDPR). Graph's POST /users/{id}/exportPersonalData
// starts a job that writes to an Azure Storage URL and answers 202; orgdir's
// export is small and immediate, so it answers 200 with the data itself
// (docs/api.md). POST /me/exportPersonalData is orgdir's own: the person
// behind the token exports what every tenant holds about them.

// exportRequest is the optional body of exportPersonalData.
type exportRequest struct {
	StorageLocation *string `json:"storageLocation"`
}

// readExportRequest refuses query options and a storageLocation, which
// orgdir cannot honour: it never writes exports anywhere but the response.
func (a *API) readExportRequest(w http.ResponseWriter, r *http.Request) error {
	if err := noQuery(r, "exportPersonalData"); err != nil {
		return err
	}
	var req exportRequest
	if err := a.decode(w, r, &req, true); err != nil {
		return err
	}
	if req.StorageLocation != nil && *req.StorageLocation != "" {
		return badRequest("storageLocation", "orgdir does not write exports to a storage account: leave storageLocation out and the export is the response body")
	}
	return nil
}

// handleExportUserData is an administrator's export of one user of the
// token's tenant, live or deleted; the export is audited.
func (a *API) handleExportUserData(w http.ResponseWriter, r *http.Request) error {
	if err := a.readExportRequest(w, r); err != nil {
		return err
	}
	id, err := a.userID(r, r.PathValue("id"))
	if err != nil {
		return err
	}
	d, err := a.svc.ExportUserData(r.Context(), tenant(r), id)
	if err != nil {
		return err
	}
	return a.writeExport(w, r, d)
}

// handleExportMyData is the person's own export, across every tenant they
// belong to, whichever of their accounts the token acts as.
func (a *API) handleExportMyData(w http.ResponseWriter, r *http.Request) error {
	if err := a.readExportRequest(w, r); err != nil {
		return err
	}
	d, err := a.svc.ExportMyData(r.Context())
	if err != nil {
		return err
	}
	return a.writeExport(w, r, d)
}

func (a *API) writeExport(w http.ResponseWriter, r *http.Request, d *directory.PersonalData) error {
	w.Header().Set("Cache-Control", "no-store")
	return writeJSON(w, http.StatusOK, personalDataObject(d).with("@odata.context", a.metadata(r, "orgdir.personalData")))
}

// personalDataObject renders an export with the same shapes as the rest of
// the API: a user is a microsoft.graph.user, a group a microsoft.graph.group.
func personalDataObject(d *directory.PersonalData) object {
	var email any
	if e := d.EmailIdentity; e != nil {
		email = object{{"id", e.ID}, {"email", e.Email}, {"createdDateTime", timestamp(e.CreatedAt)}}
	}
	orgs := make([]object, 0, len(d.Memberships))
	for _, m := range d.Memberships {
		orgs = append(orgs, personalTenantObject(m))
	}
	sessions := make([]object, 0, len(d.Sessions))
	for _, x := range d.Sessions {
		signedIn := x.SignedInTenantID
		if signedIn == nil {
			signedIn = []string{}
		}
		sessions = append(sessions, object{
			{"id", x.ID},
			{"createdDateTime", timestamp(x.CreatedAt)},
			{"expirationDateTime", timestamp(x.ExpiresAt)},
			{"revokedDateTime", timestampOrNull(x.RevokedAt)},
			{"signedInOrganizationIds", signedIn},
		})
	}
	return object{
		{"@odata.type", "#orgdir.personalData"},
		{"exportedDateTime", d.ExportedAt},
		{"emailIdentity", email},
		{"sessions", sessions},
		{"mail", mailObjects(d.Mail)},
		{"organizations", orgs},
	}
}

// mailObjects renders sent e-mail without its body, which may hold a live
// redeem link or passcode.
func mailObjects(ms []*directory.OutboxMessage) []object {
	out := make([]object, 0, len(ms))
	for _, m := range ms {
		out = append(out, object{
			{"id", m.ID},
			{"to", m.To},
			{"subject", m.Subject},
			{"createdDateTime", timestamp(m.CreatedAt)},
			{"sentDateTime", timestampOrNull(m.SentAt)},
		})
	}
	return out
}

func personalTenantObject(m directory.PersonalTenant) object {
	roles := make([]string, 0, len(m.Roles))
	for _, r := range m.Roles {
		roles = append(roles, string(r))
	}
	groups := make([]object, 0, len(m.Groups))
	for _, g := range m.Groups {
		groups = append(groups, groupObject(g))
	}
	name := ""
	var user any
	if m.User != nil {
		name = m.User.DisplayName
		user = userObject(m.User)
	}
	assignments := make([]object, 0, len(m.AppRoleAssignments))
	for _, as := range m.AppRoleAssignments {
		// The application's name is the tenant's data, not the person's.
		assignments = append(assignments, assignmentObject(as, name, "").set("resourceDisplayName", nil))
	}
	invitations := make([]object, 0, len(m.Invitations))
	for _, inv := range m.Invitations {
		invitations = append(invitations, object{
			{"id", inv.ID},
			{"invitedUserEmailAddress", inv.InvitedEmail},
			{"invitedUserDisplayName", strOrNull(inv.InvitedDisplayName)},
			{"invitedUserType", string(inv.InvitedUserType)},
			{"inviteRedirectUrl", inv.InviteRedirectURL},
			{"customizedMessageBody", strOrNull(inv.CustomizedMessageBody)},
			{"sendInvitationMessage", inv.SendInvitationMessage},
			{"status", string(inv.Status)},
			{"createdDateTime", timestamp(inv.CreatedAt)},
			{"expirationDateTime", timestamp(inv.ExpiresAt)},
			{"redeemedDateTime", timestampOrNull(inv.RedeemedAt)},
		})
	}
	tokens := make([]object, 0, len(m.AccessTokens))
	for _, tok := range m.AccessTokens {
		tokens = append(tokens, object{
			{"id", tok.ID},
			{"description", strOrNull(tok.Description)},
			{"createdDateTime", timestamp(tok.CreatedAt)},
			{"expirationDateTime", timestamp(tok.ExpiresAt)},
			{"revokedDateTime", timestampOrNull(tok.RevokedAt)},
		})
	}
	audits := make([]object, 0, len(m.AuditEvents))
	for _, e := range m.AuditEvents {
		audits = append(audits, auditObject(e))
	}
	var org any
	if m.Tenant != nil {
		org = organizationObject(m.Tenant)
	}
	return object{
		{"organization", org},
		{"isHomeOrganization", m.Home},
		{"user", user},
		{"directoryRoles", roles},
		{"memberOf", groups},
		{"appRoleAssignments", assignments},
		{"invitations", invitations},
		{"accessTokens", tokens},
		{"mail", mailObjects(m.Mail)},
		{"directoryAudits", audits},
	}
}
