package httpapi

import (
	"context"
	"net/http"
	"slices"
	"testing"
	"time"
)

// TestSignInActivityOnlyOnSelectAndFilterable reads signInActivity as a
// Graph client does: absent unless $select names it, the interactive and
// the token times apart, and $filter on them (null: never).
func TestSignInActivityOnlyOnSelectAndFilterable(t *testing.T) {
	e := newEnv(t)
	bob := e.member(e.contoso, "bob@contoso.example", "Bob", "")
	carol := e.member(e.contoso, "carol@contoso.example", "Carol", "")
	fatalIf(t, e.svc.SetPassword(e.sys(), e.contoso.ID, bob.ID, "correct horse battery"))
	tokenAt := e.clock.Now()
	e.get("/v1.0/me", e.token(e.contoso.ID, bob.ID)).want(t, http.StatusOK)
	e.clock.Advance(time.Minute)
	signInAt := e.clock.Now()
	if _, err := e.svc.SignInWithPassword(context.Background(), bob.UserPrincipalName, "correct horse battery", "192.0.2.1"); err != nil {
		t.Fatal(err)
	}

	plain := e.get("/v1.0/users/"+bob.ID, e.adminToken).want(t, http.StatusOK)
	if _, ok := plain.body["signInActivity"]; ok {
		t.Errorf("signInActivity without $select: %s", plain.raw)
	}
	sel := e.get("/v1.0/users/"+bob.ID+"?$select=id,signInActivity", e.adminToken).want(t, http.StatusOK)
	act, _ := sel.body["signInActivity"].(map[string]any)
	if act["lastSignInDateTime"] != signInAt.Format(time.RFC3339) || act["lastNonInteractiveSignInDateTime"] != tokenAt.Format(time.RFC3339) ||
		act["lastSuccessfulSignInDateTime"] != signInAt.Format(time.RFC3339) || sel.body["displayName"] != nil {
		t.Errorf("$select=id,signInActivity: %s", sel.raw)
	}

	list := e.get("/v1.0/users?$select=id,signInActivity", e.adminToken).want(t, http.StatusOK).values()
	for _, u := range list {
		act, _ := u["signInActivity"].(map[string]any)
		if u["id"] == carol.ID && (act == nil || act["lastSignInDateTime"] != nil || act["lastNonInteractiveSignInDateTime"] != nil) {
			t.Errorf("Carol, who never signed in: %v", u)
		}
	}
	if len(list) == 0 {
		t.Fatal("no users listed")
	}
	if _, ok := e.get("/v1.0/users", e.adminToken).want(t, http.StatusOK).values()[0]["signInActivity"]; ok {
		t.Error("signInActivity in a list without $select")
	}

	since := e.get("/v1.0/users?$filter=signInActivity/lastSignInDateTime ge "+signInAt.Format(time.RFC3339), e.adminToken).want(t, http.StatusOK).ids()
	if !slices.Equal(since, []string{bob.ID}) {
		t.Errorf("lastSignInDateTime ge the sign-in = %v, want Bob", since)
	}
	old := e.get("/v1.0/users?$filter=signInActivity/lastSignInDateTime le 2026-01-01T00:00:00Z", e.adminToken).want(t, http.StatusOK).ids()
	if len(old) != 0 {
		t.Errorf("lastSignInDateTime le 2026-01-01 = %v, want none", old)
	}
	never := e.get("/v1.0/users?$filter=signInActivity/lastSignInDateTime eq null", e.adminToken).want(t, http.StatusOK).ids()
	if !slices.Contains(never, carol.ID) || slices.Contains(never, bob.ID) {
		t.Errorf("lastSignInDateTime eq null = %v, want Carol and not Bob", never)
	}
	e.get("/v1.0/users?$filter=signInActivity/lastSignInDateTime eq 'yesterday'", e.adminToken).want(t, http.StatusBadRequest)
	e.get("/v1.0/users?$filter=signInActivity/lastSignInRequestId eq 'x'", e.adminToken).want(t, http.StatusBadRequest)
}
