package export

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"

	"github.com/orgdir/orgdir/internal/directory"
)

// ContextFragment is the @odata.context fragment of an export.
const ContextFragment = "orgdir.personalData"

// PersonalDataJSON renders d as the export document, compact. baseURL is
// the server's public URL, for @odata.context; without one the context
// URL is relative to the server, as OData allows.
func PersonalDataJSON(d *directory.PersonalData, baseURL string) ([]byte, error) {
	if d == nil {
		return nil, errors.New("export: no personal data to render")
	}
	context := strings.TrimRight(baseURL, "/") + "/v1.0/$metadata#" + ContextFragment
	return marshal(append(object{{"@odata.context", context}}, personalDataObject(d)...))
}

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
		{"@odata.type", "#" + ContextFragment},
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
		assignments = append(assignments, assignmentObject(as, name))
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

// PersonalDataJSONIndent is the same document indented, with a final
// newline: for a file to save or a terminal, where people read it.
func PersonalDataJSONIndent(d *directory.PersonalData, baseURL string) ([]byte, error) {
	b, err := PersonalDataJSON(d, baseURL)
	if err != nil {
		return nil, err
	}
	var out bytes.Buffer
	if err := json.Indent(&out, b, "", "  "); err != nil {
		return nil, err
	}
	out.WriteByte('\n')
	return out.Bytes(), nil
}
