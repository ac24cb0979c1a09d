package httpapi

import (
	"net/http"
	"strings"
	"testing"

	"github.com/orgdir/orgdir/internal/directory"
)

// TestAGuestPatchingTheirOwnUserIsForbidden: what GET answers 200 for,
// PATCH must not answer 404; the guest is refused as Graph refuses, and the
// user is left as it was.
func TestAGuestPatchingTheirOwnUserIsForbidden(t *testing.T) {
	e := newEnv(t)
	guestID, guestToken, _ := e.acceptedGuest()
	e.get("/v1.0/users/"+guestID, guestToken).want(t, http.StatusOK)
	e.do("PATCH", "/v1.0/users/"+guestID, guestToken, `{"displayName": "Renamed"}`).want(t, http.StatusForbidden, "Authorization_RequestDenied")
	r := e.get("/v1.0/users/"+guestID, e.adminToken).want(t, http.StatusOK)
	if r.str("displayName") != "Ada Lovelace" {
		t.Fatalf("the guest's refused PATCH changed it: %s", r.raw)
	}
	// Another user stays hidden from the guest: 404, as on GET.
	e.get("/v1.0/users/"+e.admin.ID, guestToken).want(t, http.StatusNotFound, "Request_ResourceNotFound")
	e.do("PATCH", "/v1.0/users/"+e.admin.ID, guestToken, `{"displayName": "x"}`).want(t, http.StatusNotFound, "Request_ResourceNotFound")
}

// TestAGuestInviterCannotInviteAMember: invitedUserType Member is for
// administrators, as in Graph; a Guest Inviter still invites guests.
func TestAGuestInviterCannotInviteAMember(t *testing.T) {
	e := newEnv(t)
	gi := e.member(e.contoso, "inviter@contoso.example", "Guest Inviter", directory.RoleGuestInviter)
	tok := e.token(e.contoso.ID, gi.ID)
	body := `{"invitedUserEmailAddress": "grace@example.org", "inviteRedirectUrl": "https://contoso.example", "invitedUserType": "Member"}`
	r := e.do("POST", "/v1.0/invitations", tok, body).want(t, http.StatusForbidden, "Authorization_RequestDenied")
	if !strings.Contains(r.message(), "Member") {
		t.Errorf("message %q does not say what was refused", r.message())
	}
	e.get("/v1.0/users/grace_example.org%23EXT%23@contoso.example", e.adminToken).want(t, http.StatusNotFound)
	e.do("POST", "/v1.0/invitations", tok, strings.Replace(body, "Member", "Guest", 1)).want(t, http.StatusCreated)
	r = e.do("POST", "/v1.0/invitations", e.adminToken, `{"invitedUserEmailAddress": "alan@example.org", "inviteRedirectUrl": "https://contoso.example", "invitedUserType": "Member"}`).want(t, http.StatusCreated)
	if r.str("invitedUserType") != "Member" {
		t.Fatalf("an administrator's Member invitation: %s", r.raw)
	}
}

// TestReadingAnAuditEventRefusedSaysRead: a member may not read audit
// events, and the refusal speaks of reading, not of changing.
func TestReadingAnAuditEventRefusedSaysRead(t *testing.T) {
	e := newEnv(t)
	id, _ := e.get("/v1.0/auditLogs/directoryAudits?$top=1", e.adminToken).want(t, http.StatusOK).values()[0]["id"].(string)
	plain := e.member(e.contoso, "plain@contoso.example", "Plain Member", "")
	r := e.get("/v1.0/auditLogs/directoryAudits/"+id, e.token(e.contoso.ID, plain.ID)).want(t, http.StatusForbidden, "Authorization_RequestDenied")
	if strings.Contains(r.message(), "change") || !strings.Contains(r.message(), "read this audit event") {
		t.Fatalf("refusal %q", r.message())
	}
}

// TestSearchLooksInThePropertyItNames: $search="displayName:x" matches
// display names only, not mail or userPrincipalName; a property that
// cannot be searched is refused naming it.
func TestSearchLooksInThePropertyItNames(t *testing.T) {
	e := newEnv(t)
	byName := e.member(e.contoso, "n1@contoso.example", "Quill Writer", "")
	byUPN := e.member(e.contoso, "quill@contoso.example", "Someone Else", "")
	search := func(s string) *response {
		return e.get("/v1.0/users?$search="+s+"&$select=id", e.adminToken, "ConsistencyLevel", "eventual")
	}
	for s, want := range map[string]string{
		`"displayName:quill"`:       byName.ID,
		`"DisplayName:QUILL"`:       byName.ID,
		`"userPrincipalName:quill"`: byUPN.ID,
		`"mail:quill@"`:             byUPN.ID,
		`"displayName:Quill Wr"`:    byName.ID,
	} {
		ids := search(s).want(t, http.StatusOK).ids()
		if len(ids) != 1 || ids[0] != want {
			t.Errorf("$search=%s found %v, want only %s", s, ids, want)
		}
	}
	// Paging keeps to the property searched: a skip token of one search
	// is refused on a search in another property.
	r := search(`"displayName:e"`+"&$top=1").want(t, http.StatusOK)
	next, _ := r.body["@odata.nextLink"].(string)
	if next == "" {
		t.Fatalf("no next page: %s", r.raw)
	}
	r = e.get(strings.Replace(next, "displayName", "mail", 1), e.adminToken, "ConsistencyLevel", "eventual").want(t, http.StatusBadRequest, "Request_BadRequest")
	if !strings.Contains(r.message(), "skip token belongs to another query") {
		t.Errorf("a skip token replayed on a search in another property: %q", r.message())
	}

	for _, s := range []string{`"jobTitle:quill"`, `"city:x"`} {
		r := search(s).want(t, http.StatusBadRequest, "Request_UnsupportedQuery")
		prop := strings.Trim(strings.SplitN(s, ":", 2)[0], `"`)
		if !strings.Contains(r.message(), prop) {
			t.Errorf("$search=%s refused with %q, which does not name %s", s, r.message(), prop)
		}
	}
	r = search(`"displayName:a%00b"`).want(t, http.StatusBadRequest, "Request_BadRequest")
	if !strings.Contains(r.message(), "search") {
		t.Errorf("a NUL in the search term: %q", r.message())
	}
}
