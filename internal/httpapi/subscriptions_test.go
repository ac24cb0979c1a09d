package httpapi

import (
	"net/http"
	"testing"
	"time"
)

// subscribe creates a subscription to resource (all change types) as the
// token's caller, at the env's receiver.
func (e *env) subscribe(token, resource string) *response {
	e.t.Helper()
	return e.do("POST", "/v1.0/subscriptions", token, map[string]any{
		"resource": resource, "changeType": "created,updated,deleted", "notificationUrl": e.hookURL,
		"expirationDateTime": e.clock.Now().Add(24 * time.Hour).Format(time.RFC3339), "clientState": "s3cret",
	}).want(e.t, http.StatusCreated)
}

func TestSubscriptionsAreGraphsAndTheirOwnersAlone(t *testing.T) {
	e := newEnv(t)
	r := e.subscribe(e.adminToken, "groups/"+e.group.ID+"/members")
	id := r.str("id")
	if r.str("resource") != "groups/"+e.group.ID+"/members" || r.str("changeType") != "created,updated,deleted" ||
		r.str("clientState") != "s3cret" || r.str("notificationUrl") != e.hookURL || r.str("creatorId") != e.admin.ID ||
		r.str("expirationDateTime") != e.clock.Now().Add(24*time.Hour).Format(time.RFC3339) {
		t.Fatalf("created %s", r.raw)
	}
	if len(r.str("extension_orgdir_signingSecret")) < 40 {
		t.Fatalf("no signing secret in the creation's answer: %s", r.raw)
	}
	got := e.get("/v1.0/subscriptions/"+id, e.adminToken).want(t, http.StatusOK)
	if _, shown := got.body["extension_orgdir_signingSecret"]; shown {
		t.Fatalf("the secret is shown again: %s", got.raw)
	}

	// Another administrator of the same tenant sees none of it.
	other := e.member(e.contoso, "other@contoso.example", "Other Admin", "Global Administrator")
	otherToken := e.token(e.contoso.ID, other.ID)
	if l := e.get("/v1.0/subscriptions", otherToken).want(t, http.StatusOK).values(); len(l) != 0 {
		t.Fatalf("another admin lists %d subscriptions", len(l))
	}
	e.get("/v1.0/subscriptions/"+id, otherToken).want(t, http.StatusNotFound)
	e.do("DELETE", "/v1.0/subscriptions/"+id, otherToken, nil).want(t, http.StatusNotFound)

	// Renew: at most 29 days.
	e.do("PATCH", "/v1.0/subscriptions/"+id, e.adminToken, map[string]any{
		"expirationDateTime": e.clock.Now().Add(30 * 24 * time.Hour).Format(time.RFC3339)}).want(t, http.StatusBadRequest)
	renewed := e.clock.Now().Add(29 * 24 * time.Hour).Format(time.RFC3339)
	p := e.do("PATCH", "/v1.0/subscriptions/"+id, e.adminToken, map[string]any{"expirationDateTime": renewed}).want(t, http.StatusOK)
	if p.str("expirationDateTime") != renewed {
		t.Fatalf("renewed to %s, want %s", p.str("expirationDateTime"), renewed)
	}
	e.do("PATCH", "/v1.0/subscriptions/"+id, e.adminToken, map[string]any{"resource": "users"}).want(t, http.StatusBadRequest)

	// A guest may not subscribe to the directory; bad input is a 400.
	_, guestToken, _ := e.acceptedGuest()
	e.do("POST", "/v1.0/subscriptions", guestToken, map[string]any{"resource": "users", "changeType": "deleted",
		"notificationUrl": e.hookURL, "expirationDateTime": e.clock.Now().Add(time.Hour).Format(time.RFC3339)}).want(t, http.StatusForbidden)
	for name, body := range map[string]map[string]any{
		"resource":   {"resource": "me/messages", "changeType": "deleted", "notificationUrl": e.hookURL, "expirationDateTime": renewed},
		"changeType": {"resource": "users", "changeType": "moved", "notificationUrl": e.hookURL, "expirationDateTime": renewed},
		"past":       {"resource": "users", "changeType": "deleted", "notificationUrl": e.hookURL, "expirationDateTime": e.clock.Now().Add(-time.Hour).Format(time.RFC3339)},
		"url":        {"resource": "users", "changeType": "deleted", "notificationUrl": "ftp://x", "expirationDateTime": renewed},
	} {
		t.Run(name, func(t *testing.T) {
			e.do("POST", "/v1.0/subscriptions", e.adminToken, body).want(t, http.StatusBadRequest)
		})
	}

	e.do("DELETE", "/v1.0/subscriptions/"+id, e.adminToken, nil).want(t, http.StatusNoContent)
	e.get("/v1.0/subscriptions/"+id, e.adminToken).want(t, http.StatusNotFound)
	if n := len(e.get("/v1.0/auditLogs/directoryAudits?$filter=activityDisplayName eq 'Add subscription'", e.adminToken).want(t, http.StatusOK).values()); n != 1 {
		t.Errorf("%d audit events of the creation, want 1", n)
	}
}
