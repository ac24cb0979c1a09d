package export

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/orgdir/orgdir/internal/directory"
)

// fixturePersonalData fills every part of an export, secrets and e-mail
// bodies included, so that the tests see what the document leaves out.
func fixturePersonalData() *directory.PersonalData {
	t0 := time.Date(2026, 3, 4, 5, 6, 7, 0, time.FixedZone("X", 3600))
	t1 := t0.Add(48 * time.Hour)
	tenant := &directory.Tenant{ID: "t1", DisplayName: "Contoso & Co", InitialDomain: "contoso.example", CreatedAt: t0,
		Settings: directory.TenantSettings{PrivacyContactEmail: "privacy@contoso.example", PrivacyStatementURL: "https://contoso.example/p?a=1&b=2", RetentionDays: 30}}
	user := &directory.User{ID: "u1", TenantID: "t1", UserPrincipalName: "ada_x#EXT#@contoso.example", Mail: "ada@x.example", DisplayName: "Ada <L>",
		UserType: "Guest", AccountEnabled: true, CreatedAt: t0, CreationType: "Invitation", ExternalUserState: "Accepted", ExternalUserStateChangeDateTime: &t1,
		Identities:   []directory.ObjectIdentity{{SignInType: "emailAddress", Issuer: "contoso.example", IssuerAssignedID: "ada@x.example"}},
		LastSignInAt: &t1}
	return &directory.PersonalData{
		ExportedAt:    "2026-03-05T00:00:00Z",
		EmailIdentity: &directory.EmailIdentity{ID: "e1", Email: "ada@x.example", CreatedAt: t0},
		Sessions: []*directory.Session{{ID: "s1", TokenHash: []byte("h"), CreatedAt: t0, ExpiresAt: t1},
			{ID: "s2", SignedIn: []directory.TenantSignIn{{TenantID: "t1", At: t0}}, CreatedAt: t0, ExpiresAt: t1, RevokedAt: &t1}},
		Mail: []*directory.OutboxMessage{{ID: "m1", To: "ada@x.example", Subject: "Code", Body: "your passcode is 123456", CreatedAt: t0}},
		Memberships: []directory.PersonalTenant{{
			Tenant: tenant, User: user, Home: false,
			Roles:              []directory.Role{directory.RoleGuestInviter},
			Groups:             []*directory.Group{{ID: "g1", DisplayName: "Team", Description: "d", CreatedAt: t0}, {ID: "g2", DisplayName: "Other", CreatedAt: t0}},
			AppRoleAssignments: []*directory.AppRoleAssignment{{ID: "a1", PrincipalID: "u1", ResourceID: "app1", AppRoleID: directory.DefaultAppRoleID, CreatedAt: t0}},
			Invitations: []*directory.Invitation{{ID: "i1", InvitedEmail: "ada@x.example", InvitedDisplayName: "Ada", InviteRedirectURL: "https://x/?a&b",
				SendInvitationMessage: true, InvitedUserType: "Guest", TokenHash: []byte("h"), Status: "Completed", CreatedAt: t0, ExpiresAt: t1, RedeemedAt: &t1}},
			AccessTokens: []*directory.AccessToken{{ID: "k1", TokenHash: []byte("h"), Description: "ci", CreatedAt: t0, ExpiresAt: t1}, {ID: "k2", CreatedAt: t0, ExpiresAt: t1, RevokedAt: &t1}},
			Mail:         []*directory.OutboxMessage{{ID: "m2", TenantID: "t1", To: "ada@x.example", Subject: "Invite", Body: "redeem at https://x/redeem?t=SECRET", CreatedAt: t0, SentAt: &t1}},
			AuditEvents: []*directory.AuditEvent{
				{ID: "ev1", TenantID: "t1", Time: t0, Activity: "Invite external user", Category: "UserManagement", OperationType: "Add", CorrelationID: "c1",
					Initiator: directory.AuditInitiator{UserID: "admin", DisplayName: "Admin", UPN: "admin@contoso.example"}, Result: "success",
					Targets:           []directory.AuditTarget{{ID: "u1", Type: "User", DisplayName: "Ada", UPN: "ada", ModifiedProperties: []directory.ModifiedProperty{{DisplayName: "x", OldValue: "", NewValue: "y"}}}},
					AdditionalDetails: []directory.KeyValue{{Key: "k", Value: "v"}}},
				{ID: "ev2", TenantID: "t1", Time: t1, Activity: "Export personal data", Category: "UserManagement", OperationType: "Other",
					Initiator: directory.AuditInitiator{AppName: "orgdir CLI"}, Result: "failure", ResultReason: "why"},
			},
			SignIns: []*directory.SignInEvent{
				{ID: "si1", TenantID: "t1", Time: t0, UserID: "u1", UserDisplayName: "Ada", UserPrincipalName: "ada", UserType: directory.Guest,
					HomeTenantID: "t2", AppDisplayName: "orgdir", ClientAddr: "192.0.2.1", Method: "session", Interactive: true},
				{ID: "si2", TenantID: "t1", Time: t1, UserID: "u1", UserPrincipalName: "ada", UserType: directory.Guest, Method: "token",
					ErrorCode: directory.SignInTokenRevoked, FailureReason: "the access token was revoked"},
			},
		}, {Tenant: &directory.Tenant{ID: "t2", DisplayName: "Home", InitialDomain: "home.example", CreatedAt: t0}, Home: true}},
	}
}

// TestPersonalDataJSONMatchesTheGolden pins the document byte for byte:
// the API's exportPersonalData has always written exactly this.
func TestPersonalDataJSONMatchesTheGolden(t *testing.T) {
	got, err := PersonalDataJSON(fixturePersonalData(), "https://h.example")
	if err != nil {
		t.Fatal(err)
	}
	golden := filepath.Join("testdata", "personal_data.golden.json")
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("the export differs from %s:\n got %s\nwant %s", golden, got, want)
	}
}

func TestPersonalDataJSONLeavesSecretsAndBodiesOut(t *testing.T) {
	got, err := PersonalDataJSON(fixturePersonalData(), "https://h.example")
	if err != nil {
		t.Fatal(err)
	}
	s := string(got)
	for _, secret := range []string{"hash", "csrf", "passcode is", "redeem?t="} {
		if strings.Contains(strings.ToLower(s), strings.ToLower(secret)) {
			t.Errorf("the export carries %q: %s", secret, s)
		}
	}
	// Go field names never leak: the document has Graph's names only.
	for _, goName := range []string{`"DisplayName"`, `"Memberships"`, `"TenantID"`} {
		if strings.Contains(s, goName) {
			t.Errorf("the export has Go's %s: %s", goName, s)
		}
	}
}

func TestPersonalDataJSONContext(t *testing.T) {
	for base, want := range map[string]string{
		"https://h.example":  "https://h.example/v1.0/$metadata#orgdir.personalData",
		"https://h.example/": "https://h.example/v1.0/$metadata#orgdir.personalData",
		"":                   "/v1.0/$metadata#orgdir.personalData",
	} {
		got, err := PersonalDataJSON(&directory.PersonalData{ExportedAt: "2026-01-01T00:00:00Z"}, base)
		if err != nil {
			t.Fatal(err)
		}
		var doc struct {
			Context       string `json:"@odata.context"`
			Organizations []any  `json:"organizations"`
			Sessions      []any  `json:"sessions"`
		}
		if err := json.Unmarshal(got, &doc); err != nil {
			t.Fatal(err)
		}
		if doc.Context != want {
			t.Errorf("base URL %q: context %q, want %q", base, doc.Context, want)
		}
		// Empty collections are [], never null.
		if doc.Organizations == nil || doc.Sessions == nil {
			t.Errorf("empty collections are null: %s", got)
		}
	}
}

func TestPersonalDataJSONRefusesNil(t *testing.T) {
	if b, err := PersonalDataJSON(nil, "https://h.example"); err == nil {
		t.Fatalf("nil personal data rendered as %s", b)
	}
}
