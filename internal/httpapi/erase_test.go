package httpapi

import (
	"net/http"
	"strings"
	"testing"

	"github.com/orgdir/orgdir/internal/directory"
)

func TestAnAdminErasesALiveGuestInOneCall(t *testing.T) {
	e := newEnv(t)
	guestID, guestToken, _ := e.acceptedGuest()
	const guestUPN = "ada_fabrikam.example#EXT#@contoso.example"

	r := e.do("POST", "/v1.0/users/"+guestID+"/erasePersonalData", e.adminToken, nil).want(t, http.StatusNoContent)
	if len(r.raw) != 0 {
		t.Fatalf("204 with a body: %s", r.raw)
	}
	// Neither a user nor a deleted item: gone, with its memberships.
	e.get("/v1.0/users/"+guestID, e.adminToken).want(t, http.StatusNotFound)
	e.get("/v1.0/directory/deletedItems/"+guestID, e.adminToken).want(t, http.StatusNotFound)
	if ids := e.get("/v1.0/groups/"+e.group.ID+"/members", e.adminToken).want(t, http.StatusOK).ids(); len(ids) != 0 {
		t.Fatalf("the group still has members %v", ids)
	}
	e.get("/v1.0/me", guestToken).want(t, http.StatusUnauthorized)

	// The audit log records the delete and the hard delete, by id only.
	for _, activity := range []string{directory.ActivityDeleteUser, directory.ActivityHardDeleteUser} {
		a := e.get("/v1.0/auditLogs/directoryAudits?$filter=activityDisplayName eq '"+activity+"'", e.adminToken).want(t, http.StatusOK)
		if len(a.values()) != 1 || !strings.Contains(string(a.raw), guestID) {
			t.Fatalf("%s events: %s", activity, a.raw)
		}
		if activity == directory.ActivityHardDeleteUser && !strings.Contains(string(a.raw), `{"key":"reason","value":"personal data erasure"}`) {
			t.Fatalf("the hard delete does not say why: %s", a.raw)
		}
	}
	all := e.get("/v1.0/auditLogs/directoryAudits?$top=999", e.adminToken).want(t, http.StatusOK)
	if strings.Contains(string(all.raw), "ada_fabrikam.example") {
		t.Fatalf("the audit log still names the erased guest: %s", all.raw)
	}
	// Ada's home account is not Contoso's to erase.
	e.get("/v1.0/me", e.adaHomeToken).want(t, http.StatusOK)
	e.do("POST", "/v1.0/users/"+strings.ReplaceAll(guestUPN, "#", "%23")+"/erasePersonalData", e.adminToken, nil).want(t, http.StatusNotFound)
}

func TestAnAdminErasesADeletedUserByIDAndALiveUserByUPN(t *testing.T) {
	e := newEnv(t)
	bob := e.member(e.contoso, "bob@contoso.example", "Bob", "")
	e.do("DELETE", "/v1.0/users/"+bob.ID, e.adminToken, nil).want(t, http.StatusNoContent)
	e.do("POST", "/v1.0/users/"+bob.ID+"/erasePersonalData", e.adminToken, map[string]any{}).want(t, http.StatusNoContent)
	e.get("/v1.0/directory/deletedItems/"+bob.ID, e.adminToken).want(t, http.StatusNotFound)
	carol := e.member(e.contoso, "carol@contoso.example", "Carol", "")
	e.do("POST", "/v1.0/users/carol@contoso.example/erasePersonalData", e.adminToken, "").want(t, http.StatusNoContent)
	e.get("/v1.0/users/"+carol.ID, e.adminToken).want(t, http.StatusNotFound)
	e.get("/v1.0/directory/deletedItems/"+carol.ID, e.adminToken).want(t, http.StatusNotFound)
	// Once erased, there is nothing left to erase.
	e.do("POST", "/v1.0/users/"+carol.ID+"/erasePersonalData", e.adminToken, nil).want(t, http.StatusNotFound, "Request_ResourceNotFound")
}

// TestEraseRefusals: each refusal has its status and code, and every user
// is still there afterwards.
func TestEraseRefusals(t *testing.T) {
	e := newEnv(t)
	guestID, guestToken, _ := e.acceptedGuest()
	bob := e.member(e.contoso, "bob@contoso.example", "Bob", "")
	userAdmin := e.member(e.contoso, "ua@contoso.example", "User Admin", directory.RoleUserAdministrator)
	erase := func(who, token string, body any) *response {
		t.Helper()
		return e.do("POST", "/v1.0/users/"+who+"/erasePersonalData", token, body)
	}
	t.Run("GuestErasesAnother", func(t *testing.T) {
		erase(bob.ID, guestToken, nil).want(t, http.StatusNotFound, "Request_ResourceNotFound")
		erase(e.admin.ID, guestToken, nil).want(t, http.StatusNotFound, "Request_ResourceNotFound")
	})
	t.Run("GuestErasesThemselves", func(t *testing.T) {
		// Erasure is an administrator's act; a guest who wants to go
		// leaves (POST /me/organizations/{id}/leave).
		if r := erase(guestID, guestToken, nil); r.status != http.StatusNotFound && r.status != http.StatusForbidden {
			t.Fatalf("a guest erasing their own account: %d, want 403 or 404\n%s", r.status, r.raw)
		}
	})
	t.Run("MemberWithoutRole", func(t *testing.T) {
		erase(guestID, e.token(e.contoso.ID, bob.ID), nil).want(t, http.StatusForbidden, "Authorization_RequestDenied")
	})
	t.Run("UserAdministratorErasesAGlobalAdministrator", func(t *testing.T) {
		erase(e.admin.ID, e.token(e.contoso.ID, userAdmin.ID), nil).want(t, http.StatusForbidden, "Authorization_RequestDenied")
	})
	t.Run("AdminErasesThemselves", func(t *testing.T) {
		r := erase(e.admin.ID, e.adminToken, nil).want(t, http.StatusBadRequest, "Request_BadRequest")
		if !strings.Contains(r.message(), "your own account") {
			t.Fatalf("message %q", r.message())
		}
	})
	t.Run("Parameters", func(t *testing.T) {
		r := erase(bob.ID, e.adminToken, map[string]any{"force": true}).want(t, http.StatusBadRequest, "Request_BadRequest")
		if !strings.Contains(r.message(), "force") {
			t.Fatalf("the error does not name the unknown property: %s", r.raw)
		}
		e.do("POST", "/v1.0/users/"+bob.ID+"/erasePersonalData?$select=id", e.adminToken, nil).want(t, http.StatusBadRequest, "Request_UnsupportedQuery")
	})
	t.Run("UnknownUser", func(t *testing.T) {
		erase(directory.NewID(), e.adminToken, nil).want(t, http.StatusNotFound, "Request_ResourceNotFound")
		erase("nobody@contoso.example", e.adminToken, nil).want(t, http.StatusNotFound, "Request_ResourceNotFound")
	})
	t.Run("NoToken", func(t *testing.T) {
		erase(bob.ID, "", nil).want(t, http.StatusUnauthorized)
	})
	for _, id := range []string{guestID, bob.ID, userAdmin.ID, e.admin.ID} {
		e.get("/v1.0/users/"+id, e.adminToken).want(t, http.StatusOK)
	}
}
