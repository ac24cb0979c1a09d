package export

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"

	"github.com/orgdir/orgdir/internal/directory"
	"github.com/orgdir/orgdir/internal/graphjson"
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
	context := graphjson.Context(strings.TrimRight(baseURL, "/"), ContextFragment)
	return graphjson.Marshal(personalDataObject(d).With("@odata.context", context))
}

func personalDataObject(d *directory.PersonalData) graphjson.Object {
	var email any
	if e := d.EmailIdentity; e != nil {
		email = graphjson.Object{{"id", e.ID}, {"email", e.Email}, {"createdDateTime", graphjson.Timestamp(e.CreatedAt)}}
	}
	orgs := make([]graphjson.Object, 0, len(d.Memberships))
	for _, m := range d.Memberships {
		orgs = append(orgs, personalTenantObject(m))
	}
	sessions := make([]graphjson.Object, 0, len(d.Sessions))
	for _, x := range d.Sessions {
		signedIn := []string{}
		for _, t := range x.SignedIn {
			signedIn = append(signedIn, t.TenantID)
		}
		sessions = append(sessions, graphjson.Object{
			{"id", x.ID},
			{"createdDateTime", graphjson.Timestamp(x.CreatedAt)},
			{"expirationDateTime", graphjson.Timestamp(x.ExpiresAt)},
			{"revokedDateTime", graphjson.TimestampOrNull(x.RevokedAt)},
			{"signedInOrganizationIds", signedIn},
		})
	}
	return graphjson.Object{
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
func mailObjects(ms []*directory.OutboxMessage) []graphjson.Object {
	out := make([]graphjson.Object, 0, len(ms))
	for _, m := range ms {
		out = append(out, graphjson.Object{
			{"id", m.ID},
			{"to", m.To},
			{"subject", m.Subject},
			{"createdDateTime", graphjson.Timestamp(m.CreatedAt)},
			{"sentDateTime", graphjson.TimestampOrNull(m.SentAt)},
		})
	}
	return out
}

func personalTenantObject(m directory.PersonalTenant) graphjson.Object {
	roles := make([]string, 0, len(m.Roles))
	for _, r := range m.Roles {
		roles = append(roles, string(r))
	}
	groups := make([]graphjson.Object, 0, len(m.Groups))
	for _, g := range m.Groups {
		groups = append(groups, graphjson.Group(g))
	}
	name := ""
	var user any
	if m.User != nil {
		name = m.User.DisplayName
		// signInActivity is the person's data too, though Graph lists it
		// only on $select.
		user = graphjson.UserFor([]string{graphjson.SignInActivityProperty})(m.User)
	}
	assignments := make([]graphjson.Object, 0, len(m.AppRoleAssignments))
	for _, as := range m.AppRoleAssignments {
		assignments = append(assignments, graphjson.AppRoleAssignment(as, name, nil))
	}
	invitations := make([]graphjson.Object, 0, len(m.Invitations))
	for _, inv := range m.Invitations {
		invitations = append(invitations, graphjson.Object{
			{"id", inv.ID},
			{"invitedUserEmailAddress", inv.InvitedEmail},
			{"invitedUserDisplayName", graphjson.StrOrNull(inv.InvitedDisplayName)},
			{"invitedUserType", string(inv.InvitedUserType)},
			{"inviteRedirectUrl", inv.InviteRedirectURL},
			{"customizedMessageBody", graphjson.StrOrNull(inv.CustomizedMessageBody)},
			{"sendInvitationMessage", inv.SendInvitationMessage},
			{"status", string(inv.Status)},
			{"createdDateTime", graphjson.Timestamp(inv.CreatedAt)},
			{"expirationDateTime", graphjson.Timestamp(inv.ExpiresAt)},
			{"redeemedDateTime", graphjson.TimestampOrNull(inv.RedeemedAt)},
			{"supersededDateTime", graphjson.TimestampOrNull(inv.SupersededAt)},
		})
	}
	tokens := make([]graphjson.Object, 0, len(m.AccessTokens))
	for _, tok := range m.AccessTokens {
		tokens = append(tokens, graphjson.Object{
			{"id", tok.ID},
			{"description", graphjson.StrOrNull(tok.Description)},
			{"createdDateTime", graphjson.Timestamp(tok.CreatedAt)},
			{"expirationDateTime", graphjson.Timestamp(tok.ExpiresAt)},
			{"revokedDateTime", graphjson.TimestampOrNull(tok.RevokedAt)},
		})
	}
	audits := make([]graphjson.Object, 0, len(m.AuditEvents))
	for _, e := range m.AuditEvents {
		audits = append(audits, graphjson.DirectoryAudit(e))
	}
	signIns := make([]graphjson.Object, 0, len(m.SignIns))
	for _, e := range m.SignIns {
		signIns = append(signIns, graphjson.SignIn(e))
	}
	var org any
	if m.Tenant != nil {
		org = graphjson.Organization(m.Tenant)
	}
	return graphjson.Object{
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
		{"signIns", signIns},
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
