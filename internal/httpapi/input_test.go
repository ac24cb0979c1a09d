package httpapi

import (
	"bytes"
	"compress/gzip"
	"net/http"
	"strings"
	"testing"

	"github.com/orgdir/orgdir/internal/graphjson"
)

func TestBadBodiesAreRefusedNamingTheField(t *testing.T) {
	e := newEnv(t)
	tests := []struct {
		name, method, path, body string
		target, contains         string
	}{
		{"MalformedJSON", "POST", "/v1.0/users", `{"displayName": "x",`, "", "ends too early"},
		{"SyntaxError", "POST", "/v1.0/users", `{"displayName" "x"}`, "", "malformed JSON at byte"},
		{"UnknownProperty", "POST", "/v1.0/users", `{"displayName": "x", "shoeSize": 42}`, "shoeSize", `unknown property "shoeSize"`},
		{"WrongType", "POST", "/v1.0/users", `{"displayName": "x", "accountEnabled": "yes"}`, "accountEnabled", "property accountEnabled must be true or false, not string"},
		{"WrongNestedType", "POST", "/v1.0/invitations", `{"invitedUserEmailAddress": "a@b.example", "inviteRedirectUrl": "https://x.example", "invitedUserMessageInfo": {"customizedMessageBody": 7}}`, "invitedUserMessageInfo.customizedMessageBody", "must be a string, not number"},
		{"NotAnObject", "POST", "/v1.0/groups", `["x"]`, "", "must be a JSON object"},
		{"Empty", "POST", "/v1.0/groups", ``, "", "the request body is empty"},
		{"TrailingData", "POST", "/v1.0/groups", `{"displayName": "g"} {}`, "", "unexpected data after the JSON object"},
		{"MissingRequired", "POST", "/v1.0/invitations", `{"inviteRedirectUrl": "https://x.example"}`, "invitedUserEmailAddress", "invitedUserEmailAddress is required"},
		{"WrongODataType", "POST", "/v1.0/users", `{"@odata.type": "#microsoft.graph.group", "displayName": "x", "userPrincipalName": "x@contoso.example"}`, "@odata.type", "must be #microsoft.graph.user"},
		{"BadRef", "POST", "/v1.0/groups/GROUP/members/$ref", `{"@odata.id": "https://x.example/v1.0/groups/abc"}`, "@odata.id", "does not end in directoryObjects/{id}"},
		{"Oversized", "POST", "/v1.0/groups", `{"displayName": "` + strings.Repeat("x", 2<<20) + `"}`, "", "larger than 1048576 bytes"},
		{"DomainValidation", "PATCH", "/v1.0/organization/TENANT", `{"extension_orgdir_deletedUserRetentionInDays": 10000}`, graphjson.RetentionProperty, "365"},
		// A domain field is named as the client sent it, never by its
		// internal name (retentionDays, privacyContactEmail, password).
		{"RetentionNamedAsSent", "PATCH", "/v1.0/organization/TENANT", `{"extension_orgdir_deletedUserRetentionInDays": 0}`, graphjson.RetentionProperty,
			"extension_orgdir_deletedUserRetentionInDays must be between 1 and 365 days, not 0"},
		{"RetentionNotWhole", "PATCH", "/v1.0/organization/TENANT", `{"extension_orgdir_deletedUserRetentionInDays": 1.5}`, graphjson.RetentionProperty, "must be a whole number"},
		{"PrivacyEmailNamedAsSent", "PATCH", "/v1.0/organization/TENANT", `{"privacyProfile": {"contactEmail": "bad"}}`, "privacyProfile.contactEmail",
			`privacyProfile.contactEmail "bad" is not an e-mail address`},
		{"PrivacyURLNamedAsSent", "PATCH", "/v1.0/organization/TENANT", `{"privacyProfile": {"statementUrl": "ftp://x.example"}}`, "privacyProfile.statementUrl",
			`privacyProfile.statementUrl "ftp://x.example" must be an absolute http or https URL`},
		// The domain's text and e-mail rules, named as sent.
		{"NULInName", "POST", "/v1.0/groups", `{"displayName": "a\u0000b", "mailEnabled": false, "securityEnabled": true, "mailNickname": "a"}`, "displayName",
			"displayName must not contain the control or formatting character U+0000"},
		{"BidiOverrideInName", "PATCH", "/v1.0/organization/TENANT", `{"displayName": "Contoso\u202e"}`, "displayName", "U+202E"},
		{"ControlInStatementURL", "PATCH", "/v1.0/organization/TENANT", `{"privacyProfile": {"statementUrl": "https://contoso.example/\u0007"}}`, "privacyProfile.statementUrl",
			"privacyProfile.statementUrl must not contain the control or formatting character U+0007"},
		{"AddressWithoutDot", "POST", "/v1.0/invitations", `{"invitedUserEmailAddress": "a@b", "inviteRedirectUrl": "https://x.example"}`, "invitedUserEmailAddress",
			`invitedUserEmailAddress "a@b" is not an e-mail address`},
		{"AddressIPLiteral", "PATCH", "/v1.0/users/admin@contoso.example", `{"mail": "x@[127.0.0.1]"}`, "mail", `mail "x@[127.0.0.1]" is not an e-mail address`},
		{"PasswordNamedAsSent", "POST", "/v1.0/users", `{"displayName": "Bob", "userPrincipalName": "bob@contoso.example", "accountEnabled": true, "passwordProfile": {"password": "short"}}`,
			"passwordProfile.password", "passwordProfile.password must be"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := strings.NewReplacer("GROUP", e.group.ID, "TENANT", e.contoso.ID).Replace(tt.path)
			r := e.do(tt.method, path, e.adminToken, tt.body).want(t, http.StatusBadRequest, "Request_BadRequest")
			errBody, _ := r.body["error"].(map[string]any)
			if target, _ := errBody["target"].(string); tt.target != "" && target != tt.target {
				t.Errorf("target %q, want %q", target, tt.target)
			}
			if !strings.Contains(r.message(), tt.contains) {
				t.Errorf("message %q does not contain %q", r.message(), tt.contains)
			}
		})
	}
	// None of it changed anything.
	r := e.get("/v1.0/groups", e.adminToken).want(t, http.StatusOK)
	if len(r.values()) != 1 {
		t.Fatalf("groups after refused creates: %s", r.raw)
	}
	r = e.get("/v1.0/organization/"+e.contoso.ID, e.adminToken).want(t, http.StatusOK)
	if r.body[graphjson.RetentionProperty] != float64(30) {
		t.Fatalf("retention changed: %s", r.raw)
	}
	if pp, _ := r.body["privacyProfile"].(map[string]any); pp["contactEmail"] != "privacy@contoso.example" || pp["statementUrl"] != "https://contoso.example/privacy" {
		t.Fatalf("privacy profile changed: %s", r.raw)
	}
	e.get("/v1.0/users/bob@contoso.example", e.adminToken).want(t, http.StatusNotFound, "Request_ResourceNotFound")
}

// TestPatchingAnotherTenantsOrganizationIsNotFound: the token sees its own
// tenant only, so another tenant's organization is 404 on PATCH as on GET,
// for an administrator too, and it is left as it was.
func TestPatchingAnotherTenantsOrganizationIsNotFound(t *testing.T) {
	e := newEnv(t)
	for _, path := range []string{"/v1.0/organization/" + e.fabrikam.ID, "/v1.0/organization/00000000-0000-0000-0000-000000000000"} {
		e.do("PATCH", path, e.adminToken, `{"displayName": "Taken over"}`).want(t, http.StatusNotFound, "Request_ResourceNotFound")
	}
	r := e.get("/v1.0/organization/"+e.fabrikam.ID, e.fabrikamAdminToken).want(t, http.StatusOK)
	if r.body["displayName"] != "Fabrikam" {
		t.Fatalf("Fabrikam after another tenant's PATCH: %s", r.raw)
	}
	// Its own organization, by a user without the role, is still refused as forbidden.
	e.do("PATCH", "/v1.0/organization/"+e.fabrikam.ID, e.adaHomeToken, `{"displayName": "x"}`).want(t, http.StatusForbidden, "Authorization_RequestDenied")
}

func TestWrongContentTypeIsRefused(t *testing.T) {
	e := newEnv(t)
	r := e.do("POST", "/v1.0/groups", e.adminToken, `{"displayName":"g"}`, "Content-Type", "text/plain").want(t, http.StatusBadRequest, "Request_BadRequest")
	if !strings.Contains(r.message(), "application/json") {
		t.Fatalf("message %q", r.message())
	}
}

func TestQueryOptionsOverHTTP(t *testing.T) {
	e := newEnv(t)
	_, _, _ = e.acceptedGuest()
	e.seedUsers(3, "zed")

	t.Run("FilterGuests", func(t *testing.T) {
		r := e.get("/v1.0/users?$filter=userType eq 'Guest' and accountEnabled eq true", e.adminToken).want(t, http.StatusOK)
		if len(r.values()) != 1 || r.values()[0]["userType"] != "Guest" {
			t.Fatalf("%s", r.raw)
		}
	})
	t.Run("FilterStartsWith", func(t *testing.T) {
		r := e.get("/v1.0/users?$filter=startswith(displayName,'zed')", e.adminToken).want(t, http.StatusOK)
		if len(r.values()) != 3 {
			t.Fatalf("%s", r.raw)
		}
	})
	t.Run("FilterNullAndNot", func(t *testing.T) {
		r := e.get("/v1.0/users?$filter=mail eq null", e.adminToken).want(t, http.StatusOK)
		if len(r.values()) != 3 {
			t.Fatalf("mail eq null: %s", r.raw)
		}
		r = e.get("/v1.0/users?$filter=not (mail eq null) and (userType eq 'Member' or externalUserState eq 'Accepted')", e.adminToken).want(t, http.StatusOK)
		if len(r.values()) != 2 {
			t.Fatalf("not/and/or: %s", r.raw)
		}
	})
	t.Run("Select", func(t *testing.T) {
		r := e.get("/v1.0/users?$select=id,displayName&$top=1", e.adminToken).want(t, http.StatusOK)
		v := r.values()[0]
		if len(v) != 3 || v["displayName"] == nil || v["mail"] != nil || !strings.HasSuffix(r.str("@odata.context"), "#users(id,displayName)") {
			t.Fatalf("%s", r.raw)
		}
	})
	t.Run("SelectOnOneUser", func(t *testing.T) {
		r := e.get("/v1.0/users/"+e.admin.ID+"?$select=userPrincipalName", e.adminToken).want(t, http.StatusOK)
		if r.str("userPrincipalName") != "admin@contoso.example" || r.body["id"] != nil {
			t.Fatalf("%s", r.raw)
		}
	})
	t.Run("Search", func(t *testing.T) {
		r := e.get(`/v1.0/users?$search="displayName:lovelace"`, e.adminToken, "ConsistencyLevel", "eventual").want(t, http.StatusOK)
		if len(r.values()) != 1 {
			t.Fatalf("%s", r.raw)
		}
	})
	t.Run("OrderByDisplayNameDesc", func(t *testing.T) {
		r := e.get("/v1.0/users?$orderby=displayName desc&$select=displayName", e.adminToken).want(t, http.StatusOK)
		var names []string
		for _, v := range r.values() {
			names = append(names, v["displayName"].(string))
		}
		for i := 1; i < len(names); i++ {
			if strings.ToLower(names[i-1]) < strings.ToLower(names[i]) {
				t.Fatalf("not descending: %v", names)
			}
		}
	})
	unsupported := map[string]string{
		"Expand":            "/v1.0/users?$expand=memberOf",
		"FilterProperty":    "/v1.0/users?$filter=city eq 'Oslo'",
		"FilterFunction":    "/v1.0/users?$filter=endswith(mail,'.example')",
		"OrderByOnUsers":    "/v1.0/users?$orderby=deletedDateTime",
		"FilterOnMemberOf":  "/v1.0/users/" + e.admin.ID + "/memberOf?$filter=displayName eq 'x'",
		"FilterOnGroupsGe":  "/v1.0/groups?$filter=displayName ge 'a'",
		"QueryOnMe":         "/v1.0/me/organizations?$top=1",
		"UnknownOption":     "/v1.0/users?foo=bar",
		"SearchWithoutHint": `/v1.0/users?$search="displayName:x"`,
	}
	for name, path := range unsupported {
		t.Run("Unsupported"+name, func(t *testing.T) {
			r := e.get(path, e.adminToken).want(t, http.StatusBadRequest, "Request_UnsupportedQuery")
			if r.message() == "" {
				t.Fatal("no message")
			}
		})
	}
	t.Run("MalformedFilterNamesThePosition", func(t *testing.T) {
		r := e.get("/v1.0/users?$filter=displayName eq", e.adminToken).want(t, http.StatusBadRequest, "Request_BadRequest")
		if !strings.Contains(r.message(), "position 15") {
			t.Fatalf("message %q", r.message())
		}
	})
	t.Run("DeletedItemsByDeletedDateTime", func(t *testing.T) {
		e.do("DELETE", "/v1.0/users/zed0000@contoso.example", e.adminToken, nil).want(t, http.StatusNoContent)
		r := e.get("/v1.0/directory/deletedItems/microsoft.graph.user?$filter=deletedDateTime ge 2026-01-01T00:00:00Z&$orderby=deletedDateTime desc", e.adminToken).want(t, http.StatusOK)
		if len(r.values()) != 1 {
			t.Fatalf("%s", r.raw)
		}
		r = e.get("/v1.0/directory/deletedItems/graph.user?$filter=deletedDateTime le 2026-01-01T00:00:00Z", e.adminToken).want(t, http.StatusOK)
		if len(r.values()) != 0 {
			t.Fatalf("%s", r.raw)
		}
	})
	t.Run("AuditByActivityAndTime", func(t *testing.T) {
		r := e.get("/v1.0/auditLogs/directoryAudits?$filter=activityDisplayName eq 'Invite external user' and activityDateTime ge 2026-03-01T00:00:00Z", e.adminToken).want(t, http.StatusOK)
		if len(r.values()) != 1 {
			t.Fatalf("%s", r.raw)
		}
		id, _ := r.values()[0]["id"].(string)
		e.get("/v1.0/auditLogs/directoryAudits/"+id, e.adminToken).want(t, http.StatusOK)
	})
}

func TestRequestIDIsInHeaderAndBody(t *testing.T) {
	e := newEnv(t)
	r := e.get("/v1.0/users/"+"nobody@contoso.example", e.adminToken, "client-request-id", "my-call-1").want(t, http.StatusNotFound)
	errBody, _ := r.body["error"].(map[string]any)
	inner, _ := errBody["innerError"].(map[string]any)
	if id := r.header.Get("request-id"); id == "" || inner["request-id"] != id {
		t.Fatalf("request-id header %q, body %v", id, inner["request-id"])
	}
	if inner["client-request-id"] != "my-call-1" || r.header.Get("client-request-id") != "my-call-1" || inner["date"] == "" {
		t.Fatalf("innerError %v", inner)
	}
}

func gzipped(t *testing.T, s string) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	if _, err := zw.Write([]byte(s)); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestGzipBodiesAreReadAndCapped(t *testing.T) {
	e := newEnv(t)
	r := e.do("POST", "/v1.0/groups", e.adminToken, gzipped(t, `{"displayName": "Zipped"}`), "Content-Encoding", "gzip").want(t, http.StatusCreated)
	if r.str("displayName") != "Zipped" {
		t.Fatalf("%s", r.raw)
	}
	// A small body that inflates past the cap is refused, not read whole.
	bomb := gzipped(t, `{"displayName": "`+strings.Repeat("x", 4<<20)+`"}`)
	if len(bomb) > DefaultMaxBodyBytes {
		t.Fatalf("the bomb is %d bytes compressed; it should be small", len(bomb))
	}
	r = e.do("POST", "/v1.0/groups", e.adminToken, bomb, "Content-Encoding", "gzip").want(t, http.StatusBadRequest, "Request_BadRequest")
	if !strings.Contains(r.message(), "larger than") {
		t.Fatalf("message %q", r.message())
	}
	e.do("POST", "/v1.0/groups", e.adminToken, `{"displayName": "x"}`, "Content-Encoding", "br").want(t, http.StatusUnsupportedMediaType)
}
