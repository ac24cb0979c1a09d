package httpapi

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/orgdir/orgdir/internal/directory"
)

// TestSignInLogAsGraphListsIt drives GET /auditLogs/signIns as a Graph
// client would: the shape of a record, $filter on status/errorCode, userId
// and createdDateTime, and who may read it.
func TestSignInLogAsGraphListsIt(t *testing.T) {
	e := newEnv(t)
	bob := e.member(e.contoso, "bob@contoso.example", "Bob", "")
	bobToken := e.token(e.contoso.ID, bob.ID)
	e.clock.Advance(time.Second)
	fatalIf(t, e.svc.RevokeAccessToken(e.sys(), bobToken))
	e.get("/v1.0/me", bobToken).want(t, http.StatusUnauthorized)
	e.clock.Advance(time.Second)
	if _, err := e.svc.SignInWithPassword(context.Background(), "nobody@contoso.example", "x", "192.0.2.9"); !directory.IsKind(err, directory.KindUnauthenticated) {
		t.Fatalf("unknown user signs in: %v", err)
	}

	all := e.get("/v1.0/auditLogs/signIns", e.adminToken).want(t, http.StatusOK).values()
	if len(all) != 2 {
		t.Fatalf("%d records, want the refused token and the unknown name:\n%v", len(all), all)
	}
	unknown, token := all[0], all[1]
	status, _ := token["status"].(map[string]any)
	if token["userId"] != bob.ID || token["userPrincipalName"] != bob.UserPrincipalName || token["isInteractive"] != false ||
		token["clientAppUsed"] != "Other clients" || status["errorCode"] != float64(directory.SignInTokenRevoked) ||
		status["failureReason"] != "the access token was revoked" || token["resourceTenantId"] != e.contoso.ID {
		t.Errorf("refused token record = %v", token)
	}
	if unknown["userId"] != nil || unknown["userPrincipalName"] != "nobody@contoso.example" || unknown["ipAddress"] != "192.0.2.9" {
		t.Errorf("unknown name record = %v", unknown)
	}

	byCode := e.get("/v1.0/auditLogs/signIns?$filter=status/errorCode eq 50034", e.adminToken).want(t, http.StatusOK).ids()
	if len(byCode) != 1 || byCode[0] != unknown["id"] {
		t.Errorf("errorCode eq 50034 = %v", byCode)
	}
	byUser := e.get("/v1.0/auditLogs/signIns?$filter=userId eq '"+bob.ID+"' and createdDateTime ge 2026-03-01T00:00:00Z", e.adminToken).want(t, http.StatusOK).ids()
	if len(byUser) != 1 || byUser[0] != token["id"] {
		t.Errorf("userId eq bob = %v", byUser)
	}
	failures := e.get("/v1.0/auditLogs/signIns?$filter=status/errorCode ne 0&$top=1", e.adminToken).want(t, http.StatusOK)
	if len(failures.ids()) != 1 || failures.str("@odata.nextLink") == "" {
		t.Errorf("a page of one failure: %s", failures.raw)
	}
	one := e.get("/v1.0/auditLogs/signIns/"+byCode[0], e.adminToken).want(t, http.StatusOK)
	if one.str("id") != byCode[0] || one.str("@odata.context") == "" {
		t.Errorf("one record: %s", one.raw)
	}

	e.get("/v1.0/auditLogs/signIns?$filter=status/errorCode eq '50034'", e.adminToken).want(t, http.StatusBadRequest)
	e.get("/v1.0/auditLogs/signIns?$filter=status/failureReason eq 'x'", e.adminToken).want(t, http.StatusBadRequest)
	e.get("/v1.0/auditLogs/signIns?$filter=status/errorCode eq 5.5", e.adminToken).want(t, http.StatusBadRequest)
	e.get("/v1.0/auditLogs/signIns", e.token(e.contoso.ID, e.member(e.contoso, "mo@contoso.example", "Mo", "").ID)).want(t, http.StatusForbidden)
}
