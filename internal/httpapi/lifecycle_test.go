package httpapi

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/orgdir/orgdir/internal/directory"
)

// invite has the Contoso admin invite addr over the API and returns the
// invited user's id and the redeem token from inviteRedeemUrl.
func (e *env) invite(addr string, extra map[string]any) (string, string) {
	e.t.Helper()
	body := map[string]any{"invitedUserEmailAddress": addr, "inviteRedirectUrl": "https://contoso.example/welcome"}
	for k, v := range extra {
		body[k] = v
	}
	r := e.do("POST", "/v1.0/invitations", e.adminToken, body).want(e.t, http.StatusCreated)
	invited, _ := r.body["invitedUser"].(map[string]any)
	id, _ := invited["id"].(string)
	if !directory.ValidID(id) || r.str("status") != "PendingAcceptance" {
		e.t.Fatalf("invitation: %s", r.raw)
	}
	if loc := r.header.Get("Location"); loc != e.srv.URL+"/v1.0/users/"+id {
		e.t.Fatalf("Location %q", loc)
	}
	u, err := url.Parse(r.str("inviteRedeemUrl"))
	if err != nil || u.Query().Get("token") == "" {
		e.t.Fatalf("inviteRedeemUrl %q carries no token", r.str("inviteRedeemUrl"))
	}
	return id, u.Query().Get("token")
}

// redeem is the browser step: the person, signed in at home, redeems.
func (e *env) redeem(as directory.Actor, token string) {
	e.t.Helper()
	if _, err := e.svc.Redeem(directory.WithActor(context.Background(), as), token); err != nil {
		e.t.Fatal(err)
	}
}

// acceptedGuest invites Ada into Contoso, redeems, puts the guest in the
// group with the app role, and returns the guest's id and a token acting
// as the guest in Contoso.
func (e *env) acceptedGuest() (string, string, string) {
	e.t.Helper()
	guestID, tok := e.invite(e.ada.Mail, nil)
	e.redeem(directory.UserActor(e.fabrikam.ID, e.ada.ID), tok)
	e.do("POST", "/v1.0/groups/"+e.group.ID+"/members/$ref", e.adminToken,
		map[string]any{"@odata.id": "https://graph.microsoft.com/v1.0/directoryObjects/" + guestID}).want(e.t, http.StatusNoContent)
	r := e.do("POST", "/v1.0/users/"+guestID+"/appRoleAssignments", e.adminToken, map[string]any{
		"principalId": guestID, "resourceId": e.app.ID, "appRoleId": e.app.AppRoles[0].ID,
	}).want(e.t, http.StatusCreated)
	return guestID, e.token(e.contoso.ID, guestID), r.str("id")
}

func orgNames(r *response) []string {
	var out []string
	for _, v := range r.values() {
		name, _ := v["displayName"].(string)
		if home, _ := v["isHomeOrganization"].(bool); home {
			name += " (home)"
		}
		out = append(out, name)
	}
	return out
}

func TestLifecycleOverHTTP(t *testing.T) {
	e := newEnv(t)
	guestID, guestToken, assignmentID := e.acceptedGuest()

	// The guest sees where they belong: home first, then Contoso.
	r := e.get("/v1.0/me/organizations", guestToken).want(t, http.StatusOK)
	if got := orgNames(r); !slices.Equal(got, []string{"Fabrikam (home)", "Contoso"}) {
		t.Fatalf("organizations %v", got)
	}
	e.get("/v1.0/me", guestToken).want(t, http.StatusOK)

	// Leave: 204, and the guest's token stops working at once.
	e.do("POST", "/v1.0/me/organizations/"+e.contoso.ID+"/leave", guestToken, nil).want(t, http.StatusNoContent)
	e.get("/v1.0/me", guestToken).want(t, http.StatusUnauthorized, "InvalidAuthenticationToken")
	e.get("/v1.0/users/"+guestID, e.adminToken).want(t, http.StatusNotFound, "Request_ResourceNotFound")
	r = e.get("/v1.0/me/organizations", e.adaHomeToken).want(t, http.StatusOK)
	if got := orgNames(r); !slices.Equal(got, []string{"Fabrikam (home)"}) {
		t.Fatalf("after leaving, organizations %v", got)
	}

	// Deleted users lists it, with its deletion time.
	r = e.get("/v1.0/directory/deletedItems/microsoft.graph.user", e.adminToken).want(t, http.StatusOK)
	if !slices.Equal(r.ids(), []string{guestID}) || r.values()[0]["deletedDateTime"] == nil {
		t.Fatalf("deleted users: %s", r.raw)
	}
	e.get("/v1.0/directory/deletedItems/"+guestID, e.adminToken).want(t, http.StatusOK)

	// Restore brings back the groups and the app role assignment.
	r = e.do("POST", "/v1.0/directory/deletedItems/"+guestID+"/restore", e.adminToken, nil).want(t, http.StatusOK)
	if r.str("id") != guestID || r.body["deletedDateTime"] != nil {
		t.Fatalf("restored: %s", r.raw)
	}
	r = e.get("/v1.0/users/"+guestID+"/memberOf", e.adminToken).want(t, http.StatusOK)
	if !slices.Equal(r.ids(), []string{e.group.ID}) || r.values()[0]["@odata.type"] != "#microsoft.graph.group" {
		t.Fatalf("memberOf after restore: %s", r.raw)
	}
	r = e.get("/v1.0/users/"+guestID+"/appRoleAssignments", e.adminToken).want(t, http.StatusOK)
	if !slices.Equal(r.ids(), []string{assignmentID}) || r.values()[0]["appRoleId"] != e.app.AppRoles[0].ID {
		t.Fatalf("appRoleAssignments after restore: %s", r.raw)
	}
	r = e.get("/v1.0/me/organizations", e.adaHomeToken).want(t, http.StatusOK)
	if got := orgNames(r); !slices.Equal(got, []string{"Fabrikam (home)", "Contoso"}) {
		t.Fatalf("after restore, organizations %v", got)
	}

	// Leaves again, this time acting from home, then the admin purges.
	e.do("POST", "/v1.0/me/organizations/"+e.contoso.ID+"/leave", e.adaHomeToken, nil).want(t, http.StatusNoContent)
	e.do("DELETE", "/v1.0/directory/deletedItems/"+guestID, e.adminToken, nil).want(t, http.StatusNoContent)

	// Gone everywhere.
	for _, p := range []string{
		"/v1.0/users/" + guestID,
		"/v1.0/users/" + guestID + "/memberOf",
		"/v1.0/users/" + guestID + "/appRoleAssignments",
		"/v1.0/directory/deletedItems/" + guestID,
	} {
		e.get(p, e.adminToken).want(t, http.StatusNotFound, "Request_ResourceNotFound")
	}
	e.do("POST", "/v1.0/directory/deletedItems/"+guestID+"/restore", e.adminToken, nil).want(t, http.StatusNotFound, "Request_ResourceNotFound")
	e.do("DELETE", "/v1.0/directory/deletedItems/"+guestID, e.adminToken, nil).want(t, http.StatusNotFound, "Request_ResourceNotFound")
	r = e.get("/v1.0/directory/deletedItems/microsoft.graph.user", e.adminToken).want(t, http.StatusOK)
	if len(r.values()) != 0 {
		t.Fatalf("deleted users after purge: %s", r.raw)
	}
	r = e.get("/v1.0/groups/"+e.group.ID+"/members", e.adminToken).want(t, http.StatusOK)
	if len(r.values()) != 0 {
		t.Fatalf("group members after purge: %s", r.raw)
	}
	r = e.get("/v1.0/me/organizations", e.adaHomeToken).want(t, http.StatusOK)
	if got := orgNames(r); !slices.Equal(got, []string{"Fabrikam (home)"}) {
		t.Fatalf("after purge, organizations %v", got)
	}

	// The audit log tells the story, scrubbed of the purged guest's name.
	r = e.get("/v1.0/auditLogs/directoryAudits?$filter=activityDisplayName eq 'Hard delete user'", e.adminToken).want(t, http.StatusOK)
	if len(r.values()) != 1 || strings.Contains(string(r.raw), "Ada") {
		t.Fatalf("audit of the purge: %s", r.raw)
	}
}

// contactOf is innerError.contact of an error response.
func contactOf(r *response) map[string]any {
	e, _ := r.body["error"].(map[string]any)
	inner, _ := e["innerError"].(map[string]any)
	c, _ := inner["contact"].(map[string]any)
	return c
}

func TestLeaveRefusals(t *testing.T) {
	leave := func(e *env, token string) *response {
		return e.do("POST", "/v1.0/me/organizations/"+e.contoso.ID+"/leave", token, nil)
	}
	wantContact := func(t *testing.T, r *response, tenantID, email string) {
		t.Helper()
		c := contactOf(r)
		pp, _ := c["privacyProfile"].(map[string]any)
		if c["tenantId"] != tenantID || (email != "" && pp["contactEmail"] != email) {
			t.Fatalf("contact %v, want tenant %s and e-mail %q\n%s", c, tenantID, email, r.raw)
		}
	}

	t.Run("HomeOrganization", func(t *testing.T) {
		e := newEnv(t)
		r := e.do("POST", "/v1.0/me/organizations/"+e.fabrikam.ID+"/leave", e.adaHomeToken, nil).want(t, http.StatusForbidden, "Leave_HomeOrganization")
		if r.message() == "" {
			t.Fatal("no message")
		}
	})
	t.Run("NotGuest", func(t *testing.T) {
		e := newEnv(t)
		id, tok := e.invite(e.ada.Mail, map[string]any{"invitedUserType": "Member"})
		e.redeem(directory.UserActor(e.fabrikam.ID, e.ada.ID), tok)
		leave(e, e.token(e.contoso.ID, id)).want(t, http.StatusForbidden, "Leave_NotGuest")
	})
	t.Run("PolicyOff", func(t *testing.T) {
		e := newEnv(t)
		_, guestToken, _ := e.acceptedGuest()
		e.do("PATCH", "/v1.0/policies/externalIdentitiesPolicy", e.adminToken, map[string]any{"allowExternalIdentitiesToLeave": false}).want(t, http.StatusNoContent)
		r := leave(e, guestToken).want(t, http.StatusForbidden, "Leave_PolicyOff")
		wantContact(t, r, e.contoso.ID, "privacy@contoso.example")
	})
	t.Run("DisabledInTenant", func(t *testing.T) {
		e := newEnv(t)
		guestID, guestToken, _ := e.acceptedGuest()
		e.do("PATCH", "/v1.0/users/"+guestID, e.adminToken, map[string]any{"accountEnabled": false}).want(t, http.StatusNoContent)
		// The disabled guest's own token no longer works; Ada asks from home.
		leave(e, guestToken).want(t, http.StatusUnauthorized, "InvalidAuthenticationToken")
		r := leave(e, e.adaHomeToken).want(t, http.StatusForbidden, "Leave_DisabledInTenant")
		wantContact(t, r, e.contoso.ID, "privacy@contoso.example")
	})
	t.Run("DisabledAtHome", func(t *testing.T) {
		e := newEnv(t)
		_, guestToken, _ := e.acceptedGuest()
		e.do("PATCH", "/v1.0/users/"+e.ada.ID, e.fabrikamAdminToken, map[string]any{"accountEnabled": false}).want(t, http.StatusNoContent)
		// Every credential of a guest ends while the home account is
		// disabled: the guest token is refused before any leave rule runs
		// (the domain's Leave_DisabledAtHome refusal is pinned in ruletest).
		r := leave(e, guestToken).want(t, http.StatusUnauthorized, "InvalidAuthenticationToken")
		if !strings.Contains(string(r.raw), "home account is disabled") {
			t.Fatalf("the refusal does not say why: %s", r.raw)
		}
	})
}

func TestRefusals(t *testing.T) {
	e := newEnv(t)
	_, guestToken, _ := e.acceptedGuest()

	t.Run("MissingToken", func(t *testing.T) {
		r := e.get("/v1.0/users", "").want(t, http.StatusUnauthorized, "InvalidAuthenticationToken")
		if r.header.Get("WWW-Authenticate") == "" {
			t.Fatal("no WWW-Authenticate header")
		}
	})
	t.Run("UnknownToken", func(t *testing.T) {
		e.get("/v1.0/users", "odt_nope").want(t, http.StatusUnauthorized, "InvalidAuthenticationToken")
	})
	t.Run("ExpiredToken", func(t *testing.T) {
		tok := e.token(e.contoso.ID, e.admin.ID)
		e.clock.Advance(2 * 60 * 60 * 1e9)
		defer e.clock.Advance(-2 * 60 * 60 * 1e9)
		e.get("/v1.0/users", tok).want(t, http.StatusUnauthorized, "InvalidAuthenticationToken")
	})
	t.Run("GuestCannotListUsers", func(t *testing.T) {
		e.get("/v1.0/users", guestToken).want(t, http.StatusForbidden, "Authorization_RequestDenied")
	})
	t.Run("GuestCannotListDeletedUsers", func(t *testing.T) {
		e.get("/v1.0/directory/deletedItems/microsoft.graph.user", guestToken).want(t, http.StatusForbidden, "Authorization_RequestDenied")
	})
	t.Run("OtherTenantIsOutOfReach", func(t *testing.T) {
		e.get("/v1.0/users/"+e.ada.ID, e.adminToken).want(t, http.StatusNotFound, "Request_ResourceNotFound")
		e.do("PATCH", "/v1.0/organization/"+e.fabrikam.ID, e.adminToken, map[string]any{"displayName": "Mine"}).want(t, http.StatusNotFound, "Request_ResourceNotFound")
	})
	t.Run("AlreadyAMember", func(t *testing.T) {
		r := e.do("POST", "/v1.0/groups/"+e.group.ID+"/members/$ref", e.adminToken,
			map[string]any{"@odata.id": e.srv.URL + "/v1.0/directoryObjects/" + e.admin.ID})
		r.want(t, http.StatusNoContent)
		e.do("POST", "/v1.0/groups/"+e.group.ID+"/members/$ref", e.adminToken,
			map[string]any{"@odata.id": e.srv.URL + "/v1.0/directoryObjects/" + e.admin.ID}).want(t, http.StatusBadRequest, "Request_BadRequest")
	})
	t.Run("UnknownMember", func(t *testing.T) {
		e.do("POST", "/v1.0/groups/"+e.group.ID+"/members/$ref", e.adminToken,
			map[string]any{"@odata.id": e.srv.URL + "/v1.0/directoryObjects/" + directory.NewID()}).want(t, http.StatusNotFound, "Request_ResourceNotFound")
	})
	t.Run("RestoreClash", func(t *testing.T) {
		body := map[string]any{"displayName": "Bob", "userPrincipalName": "bob@contoso.example", "accountEnabled": true}
		old := e.do("POST", "/v1.0/users", e.adminToken, body).want(t, http.StatusCreated).str("id")
		e.do("DELETE", "/v1.0/users/"+old, e.adminToken, nil).want(t, http.StatusNoContent)
		e.do("POST", "/v1.0/users", e.adminToken, body).want(t, http.StatusCreated)
		e.do("POST", "/v1.0/directory/deletedItems/"+old+"/restore", e.adminToken, nil).want(t, http.StatusConflict, "Restore_ObjectConflict")
		r := e.do("POST", "/v1.0/directory/deletedItems/"+old+"/restore", e.adminToken,
			map[string]any{"newUserPrincipalName": "bob.old@contoso.example"}).want(t, http.StatusOK)
		if r.str("userPrincipalName") != "bob.old@contoso.example" {
			t.Fatalf("restored as %s", r.raw)
		}
	})
	t.Run("UnknownRoute", func(t *testing.T) {
		r := e.get("/v1.0/frobnicators", e.adminToken).want(t, http.StatusBadRequest, "Request_BadRequest")
		if !strings.Contains(r.message(), "frobnicators") {
			t.Fatalf("message %q does not name the segment", r.message())
		}
	})
	t.Run("WrongMethod", func(t *testing.T) {
		r := e.do("PUT", "/v1.0/users", e.adminToken, "{}").want(t, http.StatusMethodNotAllowed)
		if r.header.Get("Allow") != "GET, POST" {
			t.Fatalf("Allow %q", r.header.Get("Allow"))
		}
	})
}

// TestRevokeSignInSessions: Graph's POST /users/{id}/revokeSignInSessions
// answers {"value": true}; the user's tokens issued before are dead for
// good, a new one works, and signInSessionsValidFromDateTime moved.
func TestRevokeSignInSessions(t *testing.T) {
	e := newEnv(t)
	guestID, guestToken, _ := e.acceptedGuest()
	before := e.get("/v1.0/users/"+guestID, e.adminToken).want(t, http.StatusOK).str("signInSessionsValidFromDateTime")
	e.clock.Advance(time.Minute)
	r := e.do("POST", "/v1.0/users/"+guestID+"/revokeSignInSessions", e.adminToken, nil).want(t, http.StatusOK)
	if v, _ := r.body["value"].(bool); !v || !strings.Contains(string(r.raw), "$metadata#Edm.Boolean") {
		t.Fatalf("answer %s; want Graph's {\"value\": true}", r.raw)
	}
	e.get("/v1.0/me", guestToken).want(t, http.StatusUnauthorized, "InvalidAuthenticationToken")
	after := e.get("/v1.0/users/"+guestID, e.adminToken).want(t, http.StatusOK).str("signInSessionsValidFromDateTime")
	if after == before {
		t.Fatalf("signInSessionsValidFromDateTime stayed %v", after)
	}
	fresh := e.token(e.contoso.ID, guestID)
	e.get("/v1.0/me", fresh).want(t, http.StatusOK)
	// A person revokes their own: the token used for it ends too.
	e.do("POST", "/v1.0/me/revokeSignInSessions", fresh, nil).want(t, http.StatusOK)
	e.get("/v1.0/me", fresh).want(t, http.StatusUnauthorized, "InvalidAuthenticationToken")
	// A guest may not revoke another user's.
	other := e.token(e.contoso.ID, guestID)
	e.do("POST", "/v1.0/users/"+e.admin.ID+"/revokeSignInSessions", other, nil).want(t, http.StatusNotFound, "Request_ResourceNotFound")
	e.do("POST", "/v1.0/users/"+guestID+"/revokeSignInSessions?x=1", e.adminToken, nil).want(t, http.StatusBadRequest)
}
