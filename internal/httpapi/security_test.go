package httpapi

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/orgdir/orgdir/internal/directory"
)

// serve starts another server of the API over e's Service, with opts.
func (e *env) serve(opts Options) *httptest.Server {
	e.t.Helper()
	if opts.Clock == nil {
		opts.Clock = e.clock.Now
	}
	srv := httptest.NewServer(New(e.svc, opts))
	e.t.Cleanup(srv.Close)
	return srv
}

func TestGuestTokenIsKeptToItsOwnAccount(t *testing.T) {
	e := newEnv(t)
	guestID, guestToken, _ := e.acceptedGuest()
	e.get("/v1.0/me", guestToken).want(t, http.StatusOK)
	e.get("/v1.0/users/"+guestID, guestToken).want(t, http.StatusOK)

	for _, p := range []string{
		"/v1.0/users",
		"/v1.0/groups",
		"/v1.0/auditLogs/directoryAudits",
		"/v1.0/directory/deletedItems/microsoft.graph.user",
		"/v1.0/groups/" + e.group.ID + "/members",
	} {
		t.Run("List"+p, func(t *testing.T) {
			e.get(p, guestToken).want(t, http.StatusForbidden, "Authorization_RequestDenied")
		})
	}
	for _, p := range []string{
		"/v1.0/users/" + e.admin.ID,
		"/v1.0/users/admin@contoso.example",
		"/v1.0/users/" + e.admin.ID + "/memberOf",
		"/v1.0/users/" + e.admin.ID + "/appRoleAssignments",
	} {
		t.Run("Read"+p, func(t *testing.T) {
			e.get(p, guestToken).want(t, http.StatusNotFound, "Request_ResourceNotFound")
		})
	}
	t.Run("ExportAnotherUser", func(t *testing.T) {
		e.do("POST", "/v1.0/users/"+e.admin.ID+"/exportPersonalData", guestToken, nil).want(t, http.StatusNotFound, "Request_ResourceNotFound")
	})
}

func TestTokenStopsWorkingAtOnce(t *testing.T) {
	e := newEnv(t)
	tests := []struct {
		name string
		end  func(userID, token string)
	}{
		{"Revoked", func(_, token string) {
			fatalIf(t, e.svc.RevokeAccessToken(e.sys(), token))
		}},
		{"Expired", func(_, _ string) { e.clock.Advance(time.Hour) }},
		{"UserDisabled", func(id, _ string) {
			e.do("PATCH", "/v1.0/users/"+id, e.adminToken, map[string]any{"accountEnabled": false}).want(t, http.StatusNoContent)
		}},
		{"UserDeleted", func(id, _ string) {
			e.do("DELETE", "/v1.0/users/"+id, e.adminToken, nil).want(t, http.StatusNoContent)
		}},
		{"UserPurged", func(id, _ string) {
			e.do("DELETE", "/v1.0/users/"+id, e.adminToken, nil).want(t, http.StatusNoContent)
			e.do("DELETE", "/v1.0/directory/deletedItems/"+id, e.adminToken, nil).want(t, http.StatusNoContent)
		}},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u := e.member(e.contoso, "bob"+string(rune('a'+i))+"@contoso.example", "Bob", "")
			token := e.token(e.contoso.ID, u.ID)
			e.adminToken = e.token(e.contoso.ID, e.admin.ID) // fresh: Expired moves the clock
			e.get("/v1.0/me", token).want(t, http.StatusOK)
			tt.end(u.ID, token)
			r := e.get("/v1.0/me", token).want(t, http.StatusUnauthorized, "InvalidAuthenticationToken")
			if r.header.Get("WWW-Authenticate") == "" {
				t.Fatal("a 401 without WWW-Authenticate")
			}
		})
	}
}

func TestTheTokenIsNeverLogged(t *testing.T) {
	e := newEnv(t)
	var log bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&log, &slog.HandlerOptions{Level: slog.LevelDebug}))
	srv := e.serve(Options{Logger: logger})
	revoked := e.token(e.contoso.ID, e.admin.ID)
	fatalIf(t, e.svc.RevokeAccessToken(e.sys(), revoked))

	e.get(srv.URL+"/v1.0/users", e.adminToken).want(t, http.StatusOK)
	e.get(srv.URL+"/v1.0/users", revoked).want(t, http.StatusUnauthorized)
	e.get(srv.URL+"/v1.0/users/"+e.ada.ID, e.adminToken).want(t, http.StatusNotFound)
	// A 5xx is logged with its cause: the broken store fails authentication.
	broken := httptest.NewServer(New(directory.NewService(brokenStore{}, directory.Options{}), Options{Logger: logger}))
	defer broken.Close()
	e.get(broken.URL+"/v1.0/users", e.adminToken).want(t, http.StatusInternalServerError)
	if !strings.Contains(log.String(), "db.internal") {
		t.Fatalf("the 5xx cause is not in the log:\n%s", log.String())
	}
	for _, secret := range []string{e.adminToken, revoked} {
		if strings.Contains(log.String(), secret) || strings.Contains(log.String(), strings.TrimPrefix(secret, directory.TokenPrefix)) {
			t.Fatalf("a token is in the log:\n%s", log.String())
		}
	}
}

// panicStore panics in every transaction, as a bug would.
type panicStore struct{ directory.Store }

func (panicStore) Read(context.Context, func(directory.Tx) error) error {
	panic("nil map in the secret internals at store.go:42")
}

func TestAPanicIsAGenericInternalError(t *testing.T) {
	var log bytes.Buffer
	srv := httptest.NewServer(New(directory.NewService(panicStore{}, directory.Options{}),
		Options{Logger: slog.New(slog.NewTextHandler(&log, nil))}))
	defer srv.Close()
	req, _ := http.NewRequest("GET", srv.URL+"/v1.0/users", nil)
	req.Header.Set("Authorization", "Bearer odt_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")
	res, err := srv.Client().Do(req)
	fatalIf(t, err)
	defer res.Body.Close()
	var body bytes.Buffer
	_, _ = body.ReadFrom(res.Body)
	if res.StatusCode != http.StatusInternalServerError || !strings.Contains(body.String(), `"code":"InternalServerError"`) {
		t.Fatalf("%d %s", res.StatusCode, body.String())
	}
	if strings.Contains(body.String(), "secret internals") || strings.Contains(body.String(), "goroutine") {
		t.Fatalf("the client sees the panic: %s", body.String())
	}
	if !strings.Contains(log.String(), "secret internals") || !strings.Contains(log.String(), res.Header.Get("request-id")) {
		t.Fatalf("the log lacks the panic or the request-id:\n%s", log.String())
	}
}

func TestHostileQueriesAreRefusedWithoutHarm(t *testing.T) {
	e := newEnv(t)
	tests := []struct {
		name, query, code string
	}{
		{"DeepNesting", "$filter=" + strings.Repeat("(", 5000) + "displayName eq 'x'" + strings.Repeat(")", 5000), "Request_BadRequest"},
		{"DeepNot", "$filter=" + strings.Repeat("not ", 1000) + "displayName eq 'x'", "Request_BadRequest"},
		{"HugeString", "$filter=displayName eq '" + strings.Repeat("x", 200_000) + "'", "Request_BadRequest"},
		{"ManyComparisons", "$filter=" + strings.Repeat("displayName eq 'x' or ", 150) + "displayName eq 'x'", "Request_BadRequest"},
		{"HugeSearch", `$search="displayName:` + strings.Repeat("x", 100_000) + `"`, "Request_BadRequest"},
		{"HugeSelect", "$select=" + strings.Repeat("displayName,", 10_000), "Request_BadRequest"},
		{"UnclosedString", "$filter=displayName eq '" + strings.Repeat("''", 1000), "Request_BadRequest"},
		{"Injection", "$filter=displayName eq 'x' or 1 eq 1", "Request_BadRequest"},
		{"SQLInProperty", "$filter=display_name%3BDROP TABLE users eq 'x'", "Request_BadRequest"},
		// url.URL.Query would drop this pair and list every user.
		{"RawSemicolon", "$filter=displayName eq 'a;b'", "Request_BadRequest"},
		{"BadEscape", "$filter=displayName eq '%zz'", "Request_BadRequest"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			start := time.Now()
			r := e.get("/v1.0/users?"+strings.ReplaceAll(tt.query, " ", "%20"), e.adminToken, "ConsistencyLevel", "eventual")
			r.want(t, http.StatusBadRequest, tt.code)
			if len(r.raw) > 8192 {
				t.Fatalf("the error echoes the input back: %d bytes", len(r.raw))
			}
			if d := time.Since(start); d > 5*time.Second {
				t.Fatalf("refusing took %s", d)
			}
		})
	}
	// A quote inside a literal stays in the literal: no user is named
	// x' or '1' eq '1, so none is listed.
	r := e.get("/v1.0/users?$filter=displayName%20eq%20'x''%20or%20''1''%20eq%20''1'", e.adminToken).want(t, http.StatusOK)
	if len(r.values()) != 0 {
		t.Fatalf("the quoted literal escaped: %s", r.raw)
	}
	// The directory is still there and answers.
	e.get("/v1.0/users", e.adminToken).want(t, http.StatusOK)
}

func TestOddClientRequestIDsAreNotReflected(t *testing.T) {
	e := newEnv(t)
	r := e.get("/v1.0/me", e.adminToken, "client-request-id", "7c3b8a6e-0000-4000-8000-000000000001")
	if r.header.Get("client-request-id") != "7c3b8a6e-0000-4000-8000-000000000001" {
		t.Fatalf("a GUID client-request-id is not echoed: %q", r.header.Get("client-request-id"))
	}
	for _, cid := range []string{strings.Repeat("a", 500), "<script>alert(1)</script>"} {
		r := e.get("/v1.0/users/"+e.ada.ID, e.adminToken, "client-request-id", cid)
		if r.header.Get("client-request-id") != "" || strings.Contains(string(r.raw), cid) {
			t.Fatalf("client-request-id %q is reflected", cid)
		}
	}
}

func TestEveryAnswerIsNeitherSniffedNorCached(t *testing.T) {
	e := newEnv(t)
	for _, r := range []*response{e.get("/v1.0/me", e.adminToken), e.get("/v1.0/me", "")} {
		if r.header.Get("X-Content-Type-Options") != "nosniff" || r.header.Get("Cache-Control") != "no-store" {
			t.Fatalf("%d: headers %v", r.status, r.header)
		}
	}
}
