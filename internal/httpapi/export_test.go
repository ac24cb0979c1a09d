package httpapi

import (
	"net/http"
	"slices"
	"strings"
	"testing"
)

// orgs is the organizations array of an export.
func exportOrgs(t *testing.T, r *response) []map[string]any {
	t.Helper()
	raw, _ := r.body["organizations"].([]any)
	out := make([]map[string]any, 0, len(raw))
	for _, o := range raw {
		m, _ := o.(map[string]any)
		out = append(out, m)
	}
	return out
}

func idsOf(v any) []string {
	var out []string
	xs, _ := v.([]any)
	for _, x := range xs {
		m, _ := x.(map[string]any)
		id, _ := m["id"].(string)
		out = append(out, id)
	}
	return out
}

func TestAnAdminExportsOneUsersData(t *testing.T) {
	e := newEnv(t)
	guestID, _, assignmentID := e.acceptedGuest()

	r := e.do("POST", "/v1.0/users/"+guestID+"/exportPersonalData", e.adminToken, nil).want(t, http.StatusOK)
	if r.header.Get("Cache-Control") != "no-store" || !strings.HasSuffix(r.str("@odata.context"), "$metadata#orgdir.personalData") {
		t.Fatalf("headers %v, context %q", r.header, r.str("@odata.context"))
	}
	orgs := exportOrgs(t, r)
	if len(orgs) != 1 {
		t.Fatalf("an admin's export covers the admin's tenant only: %s", r.raw)
	}
	o := orgs[0]
	user, _ := o["user"].(map[string]any)
	org, _ := o["organization"].(map[string]any)
	if user["id"] != guestID || org["id"] != e.contoso.ID || o["isHomeOrganization"] != false {
		t.Fatalf("user %v, organization %v", user["id"], org["id"])
	}
	if !slices.Equal(idsOf(o["memberOf"]), []string{e.group.ID}) || !slices.Equal(idsOf(o["appRoleAssignments"]), []string{assignmentID}) {
		t.Fatalf("memberOf %v, appRoleAssignments %v", idsOf(o["memberOf"]), idsOf(o["appRoleAssignments"]))
	}
	// acceptedGuest gave the guest one API token: listed, never its secret.
	if len(idsOf(o["invitations"])) != 1 || len(idsOf(o["directoryAudits"])) == 0 || len(idsOf(o["accessTokens"])) != 1 {
		t.Fatalf("invitations %v, audits %v", o["invitations"], o["directoryAudits"])
	}
	if strings.Contains(strings.ToLower(string(r.raw)), "hash") {
		t.Fatalf("the export carries a secret's hash: %s", r.raw)
	}
	// By userPrincipalName too, and every export is in the audit log.
	e.do("POST", "/v1.0/users/admin@contoso.example/exportPersonalData", e.adminToken, map[string]any{}).want(t, http.StatusOK)
	audits := e.get("/v1.0/auditLogs/directoryAudits?$filter=activityDisplayName eq 'Export personal data'", e.adminToken).want(t, http.StatusOK)
	if len(audits.values()) != 2 {
		t.Fatalf("export audits: %s", audits.raw)
	}
}

func TestExportRefusals(t *testing.T) {
	e := newEnv(t)
	guestID, guestToken, _ := e.acceptedGuest()
	t.Run("StorageLocation", func(t *testing.T) {
		r := e.do("POST", "/v1.0/users/"+guestID+"/exportPersonalData", e.adminToken,
			map[string]any{"storageLocation": "https://evil.example/sas"}).want(t, http.StatusBadRequest, "Request_BadRequest")
		if !strings.Contains(string(r.raw), `"target":"storageLocation"`) {
			t.Fatalf("the error does not name storageLocation: %s", r.raw)
		}
	})
	t.Run("UnknownProperty", func(t *testing.T) {
		e.do("POST", "/v1.0/me/exportPersonalData", guestToken, map[string]any{"everything": true}).want(t, http.StatusBadRequest)
	})
	t.Run("MemberWithoutRole", func(t *testing.T) {
		bob := e.member(e.contoso, "bob@contoso.example", "Bob", "")
		e.do("POST", "/v1.0/users/"+e.admin.ID+"/exportPersonalData", e.token(e.contoso.ID, bob.ID), nil).want(t, http.StatusForbidden, "Authorization_RequestDenied")
	})
	t.Run("GuestExportsAnother", func(t *testing.T) {
		e.do("POST", "/v1.0/users/"+e.admin.ID+"/exportPersonalData", guestToken, nil).want(t, http.StatusNotFound)
	})
	t.Run("UnknownUser", func(t *testing.T) {
		e.do("POST", "/v1.0/users/nobody@contoso.example/exportPersonalData", e.adminToken, nil).want(t, http.StatusNotFound)
	})
}

func TestAPersonExportsTheirOwnDataAcrossOrganizations(t *testing.T) {
	e := newEnv(t)
	guestID, guestToken, _ := e.acceptedGuest()
	// The same person, whether the token is their home account or their
	// guest account.
	for name, token := range map[string]string{"FromHome": e.adaHomeToken, "AsGuest": guestToken} {
		t.Run(name, func(t *testing.T) {
			r := e.do("POST", "/v1.0/me/exportPersonalData", token, nil).want(t, http.StatusOK)
			got := map[string]string{}
			for _, o := range exportOrgs(t, r) {
				org, _ := o["organization"].(map[string]any)
				user, _ := o["user"].(map[string]any)
				name, _ := org["displayName"].(string)
				id, _ := user["id"].(string)
				got[name] = id
			}
			if len(got) != 2 || got["Fabrikam"] != e.ada.ID || got["Contoso"] != guestID {
				t.Fatalf("organizations %v\n%s", got, r.raw)
			}
		})
	}
}
