package httpapi

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/orgdir/orgdir/internal/directory"
	"github.com/orgdir/orgdir/internal/export"
)

// TestExportUsesTheAPIShapes: internal/export repeats the API's shapes of
// the entities an export holds (it cannot import this package); a user,
// organization, group, assignment or audit event in an export is rendered
// exactly as the API renders it elsewhere.
func TestExportUsesTheAPIShapes(t *testing.T) {
	t0 := time.Date(2026, 3, 4, 5, 6, 7, 0, time.FixedZone("X", 3600))
	t1 := t0.Add(time.Hour)
	tenant := &directory.Tenant{ID: "t1", DisplayName: "Contoso & Co", InitialDomain: "contoso.example", CreatedAt: t0,
		Settings: directory.TenantSettings{PrivacyContactEmail: "privacy@contoso.example", PrivacyStatementURL: "https://contoso.example/p?a=1&b=2", RetentionDays: 30}}
	user := &directory.User{ID: "u1", UserPrincipalName: "ada_x#EXT#@contoso.example", Mail: "ada@x.example", DisplayName: "Ada <L>",
		UserType: directory.Guest, AccountEnabled: true, CreatedAt: t0, CreationType: "Invitation", ExternalUserState: "Accepted",
		ExternalUserStateChangeDateTime: &t1, DeletedAt: &t1,
		Identities: []directory.ObjectIdentity{{SignInType: "emailAddress", Issuer: "contoso.example", IssuerAssignedID: "ada@x.example"}}}
	group := &directory.Group{ID: "g1", DisplayName: "Team", Description: "d", CreatedAt: t0}
	assignment := &directory.AppRoleAssignment{ID: "a1", PrincipalID: "u1", ResourceID: "app1", AppRoleID: directory.DefaultAppRoleID, CreatedAt: t0}
	byUser := &directory.AuditEvent{ID: "ev1", Time: t0, Activity: "Invite external user", Category: "UserManagement", OperationType: "Add", CorrelationID: "c1",
		Initiator: directory.AuditInitiator{UserID: "admin", DisplayName: "Admin", UPN: "admin@contoso.example"}, Result: directory.ResultSuccess,
		Targets:           []directory.AuditTarget{{ID: "u1", Type: "User", DisplayName: "Ada", UPN: "ada", ModifiedProperties: []directory.ModifiedProperty{{DisplayName: "x", NewValue: "y"}}}},
		AdditionalDetails: []directory.KeyValue{{Key: "k", Value: "v"}}}
	byApp := &directory.AuditEvent{ID: "ev2", Time: t1, Activity: "Export personal data", Initiator: directory.AuditInitiator{AppName: "orgdir CLI"},
		Result: directory.ResultFailure, ResultReason: "why"}
	d := &directory.PersonalData{ExportedAt: "2026-03-05T00:00:00Z", Memberships: []directory.PersonalTenant{{
		Tenant: tenant, User: user, Groups: []*directory.Group{group},
		AppRoleAssignments: []*directory.AppRoleAssignment{assignment}, AuditEvents: []*directory.AuditEvent{byUser, byApp},
	}}}

	body, err := export.PersonalDataJSON(d, "https://h.example")
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Organizations []struct {
			Organization       json.RawMessage   `json:"organization"`
			User               json.RawMessage   `json:"user"`
			MemberOf           []json.RawMessage `json:"memberOf"`
			AppRoleAssignments []json.RawMessage `json:"appRoleAssignments"`
			DirectoryAudits    []json.RawMessage `json:"directoryAudits"`
		} `json:"organizations"`
	}
	if err := json.Unmarshal(body, &doc); err != nil || len(doc.Organizations) != 1 {
		t.Fatalf("export %s: %v", body, err)
	}
	o := doc.Organizations[0]
	if len(o.MemberOf) != 1 || len(o.AppRoleAssignments) != 1 || len(o.DirectoryAudits) != 2 {
		t.Fatalf("export %s", body)
	}
	// The application's name is the tenant's data, not the person's: the
	// export leaves it out.
	exportedAssignment := assignmentObject(assignment, user.DisplayName, "")
	for i := range exportedAssignment {
		if exportedAssignment[i].key == "resourceDisplayName" {
			exportedAssignment[i].val = nil
		}
	}
	for _, c := range []struct {
		name string
		got  json.RawMessage
		api  object
	}{
		{"organization", o.Organization, organizationObject(tenant)},
		{"user", o.User, userObject(user)},
		{"group", o.MemberOf[0], groupObject(group)},
		{"appRoleAssignment", o.AppRoleAssignments[0], exportedAssignment},
		{"audit by a user", o.DirectoryAudits[0], auditObject(byUser)},
		{"audit by an app", o.DirectoryAudits[1], auditObject(byApp)},
	} {
		want, err := marshal(c.api)
		if err != nil {
			t.Fatal(err)
		}
		if string(c.got) != string(want) {
			t.Errorf("the export's %s differs from the API's:\nexport %s\n   api %s", c.name, c.got, want)
		}
	}
}
