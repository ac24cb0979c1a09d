package httpapi

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/orgdir/orgdir/internal/httpx"
)

type batchReply struct {
	ID      string            `json:"id"`
	Status  int               `json:"status"`
	Headers map[string]string `json:"headers"`
	Body    map[string]any    `json:"body"`
}

// batch posts requests to $batch with token and returns the answers by id,
// checking there is one per request.
func (e *env) batch(base, token string, requests ...map[string]any) map[string]batchReply {
	e.t.Helper()
	r := e.do("POST", base+"/v1.0/$batch", token, map[string]any{"requests": requests}).want(e.t, http.StatusOK)
	var body struct{ Responses []batchReply }
	decodeJSON(e.t, r.raw, &body)
	out := map[string]batchReply{}
	for _, a := range body.Responses {
		out[a.ID] = a
	}
	if len(out) != len(requests) || len(body.Responses) != len(requests) {
		e.t.Fatalf("%d responses to %d requests:\n%s", len(body.Responses), len(requests), r.raw)
	}
	return out
}

func req(id, method, url string, more ...any) map[string]any {
	m := map[string]any{"id": id, "method": method, "url": url}
	for i := 0; i+1 < len(more); i += 2 {
		m[more[i].(string)] = more[i+1]
	}
	return m
}

var jsonHeaders = map[string]string{"Content-Type": "application/json"}

func (a batchReply) code() string {
	e, _ := a.Body["error"].(map[string]any)
	c, _ := e["code"].(string)
	return c
}

func TestABatchAnswersEachRequestAsIfItCameAlone(t *testing.T) {
	e := newEnv(t)
	got := e.batch(e.srv.URL, e.adminToken,
		req("me", "GET", "/me?$select=displayName"),
		req("create", "POST", "users", "headers", jsonHeaders,
			"body", map[string]any{"displayName": "Batch Bea", "userPrincipalName": "bea@contoso.example"}),
		req("bad", "POST", "/users", "headers", jsonHeaders, "body", map[string]any{"displayName": "No UPN"}),
		req("other", "GET", "/users/"+e.ada.ID),
		req("nowhere", "GET", "/nowhere"),
		req("count", "GET", "/users?$count=true&$top=1", "headers", map[string]string{"ConsistencyLevel": "eventual"}),
	)
	if a := got["me"]; a.Status != 200 || a.Body["displayName"] != "Contoso Admin" || !strings.HasPrefix(a.Headers["Content-Type"], "application/json") {
		t.Fatalf("GET /me in a batch: %+v", a)
	}
	created := got["create"]
	if created.Status != 201 || created.Body["userPrincipalName"] != "bea@contoso.example" || !strings.HasSuffix(created.Headers["Location"], "/v1.0/users/"+created.Body["id"].(string)) {
		t.Fatalf("POST /users in a batch: %+v", created)
	}
	// The user exists, as if created alone.
	e.get("/v1.0/users/bea@contoso.example", e.adminToken).want(t, http.StatusOK)

	// Each error is the one a direct request gets, status and code.
	for id, direct := range map[string]*response{
		"bad":     e.do("POST", "/v1.0/users", e.adminToken, map[string]any{"displayName": "No UPN"}),
		"other":   e.get("/v1.0/users/"+e.ada.ID, e.adminToken),
		"nowhere": e.get("/v1.0/nowhere", e.adminToken),
	} {
		if a := got[id]; a.Status != direct.status || a.code() != direct.code() || a.Status < 400 {
			t.Fatalf("%s: batch answered %d %s, alone %d %s", id, a.Status, a.code(), direct.status, direct.code())
		}
	}
	// The request's own headers reach its handler.
	if c := got["count"]; c.Status != 200 || c.Body["@odata.count"] != float64(2) {
		t.Fatalf("$count with ConsistencyLevel in a batch: %+v", c)
	}
}

func TestABodyThatIsNotJSONComesBackBase64(t *testing.T) {
	c := newCapture()
	c.Header().Set("Content-Type", "text/plain")
	_, _ = c.Write([]byte("hello"))
	a := c.answer("1")
	if a.Status != 200 || string(a.Body) != `"aGVsbG8="` {
		t.Fatalf("answer %d %s; want 200 and the base64 string", a.Status, a.Body)
	}
	c = newCapture()
	c.WriteHeader(http.StatusNoContent)
	if a := c.answer("2"); a.Status != 204 || a.Body != nil {
		t.Fatalf("a 204: %d %s", a.Status, a.Body)
	}
}

func decodeJSON(t *testing.T, raw []byte, v any) {
	t.Helper()
	if err := json.Unmarshal(raw, v); err != nil {
		t.Fatalf("%v\n%s", err, raw)
	}
}

func TestABatchRunsDependentsAfterTheirDependenciesAndFailsThemWith424(t *testing.T) {
	e := newEnv(t)
	got := e.batch(e.srv.URL, e.adminToken,
		// Listed before what it depends on: still runs after it.
		req("rename", "PATCH", "/users/dora@contoso.example", "headers", jsonHeaders,
			"body", map[string]any{"displayName": "Dora Renamed"}, "dependsOn", []string{"create"}),
		req("create", "POST", "/users", "headers", jsonHeaders,
			"body", map[string]any{"displayName": "Dora", "userPrincipalName": "dora@contoso.example"}),
		req("fail", "GET", "/users/nobody@contoso.example"),
		req("after-fail", "DELETE", "/users/dora@contoso.example", "dependsOn", []string{"fail"}),
		req("after-424", "DELETE", "/users/dora@contoso.example", "dependsOn", []string{"after-fail", "create"}),
	)
	if got["create"].Status != 201 || got["rename"].Status != 204 {
		t.Fatalf("create %d, rename %d; want 201, 204 (rename after create)", got["create"].Status, got["rename"].Status)
	}
	if got["fail"].Status != 404 {
		t.Fatalf("fail: %+v", got["fail"])
	}
	for _, id := range []string{"after-fail", "after-424"} {
		if a := got[id]; a.Status != http.StatusFailedDependency || a.code() != "FailedDependency" {
			t.Fatalf("%s: %+v; want 424 FailedDependency", id, a)
		}
	}
	// Neither dependent ran: Dora is there, renamed.
	u := e.get("/v1.0/users/dora@contoso.example", e.adminToken).want(t, http.StatusOK)
	if u.str("displayName") != "Dora Renamed" {
		t.Fatalf("displayName %q", u.str("displayName"))
	}
}

func TestAMalformedBatchIsRefusedWholeAndRunsNothing(t *testing.T) {
	e := newEnv(t)
	create := req("c", "POST", "/users", "headers", jsonHeaders,
		"body", map[string]any{"displayName": "Never", "userPrincipalName": "never@contoso.example"})
	many := []map[string]any{create}
	for i := 0; i < MaxBatchRequests; i++ {
		many = append(many, req(fmt.Sprint(i), "GET", "/me"))
	}
	for name, c := range map[string]struct {
		body any
		want string
	}{
		"TooMany":        {map[string]any{"requests": many}, "at most 20"},
		"NoRequests":     {map[string]any{}, "no requests property"},
		"Empty":          {map[string]any{"requests": []any{}}, "no request"},
		"DuplicateID":    {map[string]any{"requests": []any{create, req("c", "GET", "/me")}}, `"c" is used by more than one`},
		"NoID":           {map[string]any{"requests": []any{create, req("", "GET", "/me")}}, "has no id"},
		"UnknownDepends": {map[string]any{"requests": []any{create, req("2", "GET", "/me", "dependsOn", []string{"9"})}}, `depends on "9"`},
		"Cycle": {map[string]any{"requests": []any{create, req("a", "GET", "/me", "dependsOn", []string{"b"}),
			req("b", "GET", "/me", "dependsOn", []string{"a"})}}, "cycle"},
		"AbsoluteURL":    {map[string]any{"requests": []any{create, req("2", "GET", "https://evil.example/v1.0/me")}}, "not a URL relative"},
		"LeavesVersion":  {map[string]any{"requests": []any{create, req("2", "GET", "/../healthz")}}, "leaves /v1.0"},
		"Nested":         {map[string]any{"requests": []any{create, req("2", "POST", "/$batch")}}, "do not nest"},
		"NoMethod":       {map[string]any{"requests": []any{create, req("2", "", "/me")}}, "no valid method"},
		"BodyNotObject":  {map[string]any{"requests": []any{create, req("2", "POST", "/users", "body", 42)}}, "must be a JSON object"},
		"NotJSON":        {"{requests: [", "malformed JSON"},
		"UnknownProp":    {map[string]any{"requests": []any{create}, "extra": 1}, "unknown property"},
		"RequestsNotArr": {map[string]any{"requests": "all"}, "must be an array"},
	} {
		t.Run(name, func(t *testing.T) {
			r := e.do("POST", "/v1.0/$batch", e.adminToken, c.body).want(t, http.StatusBadRequest, "Request_BadRequest")
			if !strings.Contains(r.message(), c.want) {
				t.Fatalf("message %q; want it to say %q", r.message(), c.want)
			}
		})
	}
	e.get("/v1.0/users/never@contoso.example", e.adminToken).want(t, http.StatusNotFound)
}

func TestABatchCarriesTheRightsOfItsTokenAndNoMore(t *testing.T) {
	e := newEnv(t)
	// No token: the batch itself is refused, as any request.
	e.do("POST", "/v1.0/$batch", "", map[string]any{"requests": []any{req("1", "GET", "/me")}}).
		want(t, http.StatusUnauthorized, "InvalidAuthenticationToken")
	// A member without a role: reads as alone, writes refused as alone,
	// and an Authorization header inside the batch changes nothing.
	body := map[string]any{"displayName": "Sneaky", "userPrincipalName": "sneaky@fabrikam.example"}
	got := e.batch(e.srv.URL, e.adaHomeToken,
		req("me", "GET", "/me"),
		req("create", "POST", "/users", "headers", map[string]string{"Content-Type": "application/json", "Authorization": "Bearer " + e.fabrikamAdminToken}, "body", body),
	)
	direct := e.do("POST", "/v1.0/users", e.adaHomeToken, body)
	if got["me"].Status != 200 || got["me"].Body["id"] != e.ada.ID {
		t.Fatalf("me: %+v", got["me"])
	}
	if a := got["create"]; a.Status != direct.status || a.code() != direct.code() || a.Status != http.StatusForbidden {
		t.Fatalf("create in a batch: %d %s; alone: %d %s; want 403 for both", a.Status, a.code(), direct.status, direct.code())
	}
	e.get("/v1.0/users/sneaky@fabrikam.example", e.fabrikamAdminToken).want(t, http.StatusNotFound)
}

func TestEachRequestOfABatchIsThrottled(t *testing.T) {
	e := newEnv(t)
	srv := e.serve(Options{RateLimit: RateLimit{PerSecond: 1, Burst: 3}})
	var reqs []map[string]any
	for i := 1; i <= 5; i++ {
		reqs = append(reqs, req(fmt.Sprint(i), "GET", "/me"))
	}
	got := e.batch(srv.URL, e.adminToken, reqs...)
	for i := 1; i <= 5; i++ {
		a := got[fmt.Sprint(i)]
		switch {
		case i <= 3 && a.Status != 200:
			t.Fatalf("request %d within the burst: %+v", i, a)
		case i > 3 && (a.Status != 429 || a.code() != "TooManyRequests" || a.Headers["Retry-After"] != "1"):
			t.Fatalf("request %d past the burst: %+v; want 429 with Retry-After 1", i, a)
		}
	}
	// The envelope cost nothing: after a second, one request goes through.
	e.clock.Advance(time.Second)
	e.get(srv.URL+"/v1.0/me", e.adminToken).want(t, http.StatusOK)
}

type observed struct {
	mu   sync.Mutex
	rows []string
}

func (o *observed) ObserveHTTP(route, method string, status int, _ time.Duration) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.rows = append(o.rows, fmt.Sprint(route, " ", status))
}

func TestThePipelineLogsAndCountsEveryRequestOfABatch(t *testing.T) {
	e := newEnv(t)
	var log bytes.Buffer
	obs := &observed{}
	p := &httpx.Pipeline{Log: slog.New(slog.NewTextHandler(&log, nil)), Observer: obs, Now: e.clock.Now}
	srv := httptest.NewServer(p.Wrap(New(e.svc, Options{Clock: e.clock.Now})))
	t.Cleanup(srv.Close)
	r := e.do("POST", srv.URL+"/v1.0/$batch", e.adminToken, map[string]any{"requests": []any{
		req("1", "GET", "/me"), req("2", "GET", "/users/nobody@contoso.example")}}).want(t, http.StatusOK)
	want := "GET /v1.0/me 200|GET /v1.0/users/{id} 404|POST /v1.0/$batch 200"
	if strings.Join(obs.rows, "|") != want {
		t.Fatalf("observed %q, want %q", obs.rows, want)
	}
	outer := r.header.Get(httpx.RequestIDHeader)
	if n := strings.Count(log.String(), "batch_request_id="+outer); outer == "" || n != 2 {
		t.Fatalf("%d log lines name the batch %q; want 2:\n%s", n, outer, log.String())
	}
}

func TestABase64BodyIsDecodedForItsRequest(t *testing.T) {
	e := newEnv(t)
	body := base64.StdEncoding.EncodeToString([]byte(`{"displayName": "Basil", "userPrincipalName": "basil@contoso.example"}`))
	got := e.batch(e.srv.URL, e.adminToken,
		req("1", "POST", "/users", "headers", jsonHeaders, "body", body),
		req("2", "POST", "/users", "headers", jsonHeaders, "body", "not base64!"),
	)
	if got["1"].Status != 201 || got["1"].Body["displayName"] != "Basil" {
		t.Fatalf("base64 body: %+v", got["1"])
	}
	if a := got["2"]; a.Status != 400 || a.code() != "Request_BadRequest" {
		t.Fatalf("a string that is not base64: %+v; want 400", a)
	}
}
