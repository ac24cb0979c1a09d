package httpapi

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/orgdir/orgdir/internal/auth"
	"github.com/orgdir/orgdir/internal/directory"
	"github.com/orgdir/orgdir/internal/store/sqlite"
	"github.com/orgdir/orgdir/internal/webhook"
)

// env is a running API over a real SQLite store and the real Service, with
// two tenants: Contoso (admin, a group, an app with a role) and Fabrikam
// (admin, and Ada, a member whom Contoso invites).
type env struct {
	t        *testing.T
	svc      *directory.Service
	store    directory.Store
	clock    *directory.FixedClock
	srv      *httptest.Server
	contoso  *directory.Tenant
	fabrikam *directory.Tenant
	admin    *directory.User // Contoso's Global Administrator
	ada      *directory.User // Ada at home in Fabrikam
	group    *directory.Group
	app      *directory.Application
	hookURL  string // answers change notification validation

	adminToken, fabrikamAdminToken, adaHomeToken string
}

func newEnv(t *testing.T) *env {
	t.Helper()
	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "orgdir.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	clock := directory.NewFixedClock(time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC))
	// A receiver of change notifications that answers Graph's validation.
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		_, _ = io.WriteString(w, r.URL.Query().Get("validationToken"))
	}))
	t.Cleanup(hook.Close)
	svc := directory.NewService(st, directory.Options{Clock: clock.Now, PublicBaseURL: "http://orgdir.test", PasswordHasher: auth.NewArgon2Hasher(),
		Webhooks: &webhook.Validator{AllowPrivate: true}})
	e := &env{t: t, svc: svc, store: st, clock: clock, hookURL: hook.URL + "/hook"}
	e.srv = httptest.NewServer(New(svc, Options{Clock: clock.Now}))
	t.Cleanup(e.srv.Close)

	sys := directory.WithActor(ctx, directory.SystemActor("test"))
	mail, url := "privacy@contoso.example", "https://contoso.example/privacy"
	if e.contoso, err = svc.CreateTenant(sys, "Contoso", "contoso.example"); err == nil {
		if e.fabrikam, err = svc.CreateTenant(sys, "Fabrikam", "fabrikam.example"); err == nil {
			e.contoso, err = svc.UpdateTenant(sys, e.contoso.ID, directory.TenantPatch{PrivacyContactEmail: &mail, PrivacyStatementURL: &url})
		}
	}
	fatalIf(t, err)
	e.admin = e.member(e.contoso, "admin@contoso.example", "Contoso Admin", directory.RoleGlobalAdministrator)
	fabAdmin := e.member(e.fabrikam, "admin@fabrikam.example", "Fabrikam Admin", directory.RoleGlobalAdministrator)
	e.ada = e.member(e.fabrikam, "ada@fabrikam.example", "Ada Lovelace", "")
	e.group, err = svc.CreateGroup(sys, e.contoso.ID, "Project Falcon", "the falcon team")
	fatalIf(t, err)
	e.app, err = svc.CreateApplication(sys, e.contoso.ID, "Falcon Portal", []directory.AppRole{{DisplayName: "Falcon Reader", Value: "Falcon.Read"}})
	fatalIf(t, err)
	e.adminToken = e.token(e.contoso.ID, e.admin.ID)
	e.fabrikamAdminToken = e.token(e.fabrikam.ID, fabAdmin.ID)
	e.adaHomeToken = e.token(e.fabrikam.ID, e.ada.ID)
	return e
}

func fatalIf(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func (e *env) sys() context.Context {
	return directory.WithActor(context.Background(), directory.SystemActor("test"))
}

func (e *env) member(t *directory.Tenant, upn, name string, role directory.Role) *directory.User {
	e.t.Helper()
	u, err := e.svc.CreateUser(e.sys(), t.ID, directory.NewUser{UserPrincipalName: upn, DisplayName: name, Mail: upn})
	fatalIf(e.t, err)
	if role != "" {
		if err := e.svc.AddRole(e.sys(), t.ID, u.ID, role); err != nil {
			e.t.Fatal(err)
		}
	}
	return u
}

func (e *env) token(tenantID, userID string) string {
	e.t.Helper()
	secret, _, err := e.svc.CreateAccessToken(e.sys(), tenantID, userID, "test", time.Hour)
	if err != nil {
		e.t.Fatal(err)
	}
	return secret
}

// response is one answer of the API.
type response struct {
	status int
	header http.Header
	raw    []byte
	body   map[string]any
}

// do sends a request; body is JSON-encoded unless it is a string or nil.
func (e *env) do(method, path, token string, body any, headers ...string) *response {
	e.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	case []byte:
		rd = bytes.NewReader(b)
	default:
		j, err := json.Marshal(b)
		if err != nil {
			e.t.Fatal(err)
		}
		rd = bytes.NewReader(j)
	}
	url := strings.ReplaceAll(path, " ", "%20") // lets tests write $filter plainly
	if !strings.HasPrefix(path, "http") {
		url = e.srv.URL + url
	}
	req, err := http.NewRequest(method, url, rd)
	if err != nil {
		e.t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	res, err := e.srv.Client().Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	if err != nil {
		e.t.Fatal(err)
	}
	r := &response{status: res.StatusCode, header: res.Header, raw: raw}
	if len(raw) > 0 {
		if err := json.Unmarshal(raw, &r.body); err != nil {
			e.t.Fatalf("%s %s: the body is not a JSON object: %v\n%s", method, path, err, raw)
		}
	}
	return r
}

// want fails unless the response has status (and, for errors, code).
func (r *response) want(t *testing.T, status int, code ...string) *response {
	t.Helper()
	if r.status != status {
		t.Fatalf("status %d, want %d\n%s", r.status, status, r.raw)
	}
	if len(code) > 0 && r.code() != code[0] {
		t.Fatalf("error code %q, want %q\n%s", r.code(), code[0], r.raw)
	}
	return r
}

// code is the Graph error code of an error response.
func (r *response) code() string {
	e, _ := r.body["error"].(map[string]any)
	c, _ := e["code"].(string)
	return c
}

// message is the Graph error message of an error response.
func (r *response) message() string {
	e, _ := r.body["error"].(map[string]any)
	m, _ := e["message"].(string)
	return m
}

func (r *response) str(key string) string {
	s, _ := r.body[key].(string)
	return s
}

// values is the value array of a list response.
func (r *response) values() []map[string]any {
	vs, _ := r.body["value"].([]any)
	out := make([]map[string]any, 0, len(vs))
	for _, v := range vs {
		m, _ := v.(map[string]any)
		out = append(out, m)
	}
	return out
}

// ids lists the id of each value.
func (r *response) ids() []string {
	var out []string
	for _, v := range r.values() {
		id, _ := v["id"].(string)
		out = append(out, id)
	}
	return out
}

// get sends a GET.
func (e *env) get(path, token string, headers ...string) *response {
	e.t.Helper()
	return e.do("GET", path, token, nil, headers...)
}
