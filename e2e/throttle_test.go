package e2e

import (
	"io"
	"net/http"
	"strings"
	"testing"
)

// apiGet sends GET path with a bearer token and returns the response.
func (s *server) apiGet(t *testing.T, path, token string) *http.Response {
	t.Helper()
	req, _ := http.NewRequest("GET", s.URL+path, nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp
}

func (in *instance) adminToken() string {
	in.t.Helper()
	in.must("tenant", "create", "--name", "Contoso", "--domain", "contoso.example")
	in.must("user", "create", "--tenant", "contoso.example", "--upn", "admin@contoso.example", "--name", "Admin")
	return strings.TrimSpace(in.must("token", "create", "--tenant", "contoso.example", "--user", "admin@contoso.example", "--expires", "2d"))
}

func TestServeThrottlesTheAPIAsItsFlagsAndEnvironmentSay(t *testing.T) {
	in := newInstance(t)
	token := in.adminToken()
	// The burst from the environment, the rate from the command line; the
	// test's clock stands still, so nothing refills.
	in.env["ORGDIR_API_BURST"] = "2"
	srv := in.serve("--api-rate", "0.5")
	for i := 0; i < 2; i++ {
		if r := srv.apiGet(t, "/v1.0/me", token); r.StatusCode != http.StatusOK {
			t.Fatalf("request %d within the burst: %s", i+1, r.Status)
		}
	}
	r := srv.apiGet(t, "/v1.0/me", token)
	if r.StatusCode != http.StatusTooManyRequests || r.Header.Get("Retry-After") != "2" {
		t.Fatalf("past the burst: %s, Retry-After %q; want 429 and 2 (0.5/s)", r.Status, r.Header.Get("Retry-After"))
	}
	if err := srv.Stop(); err != nil {
		t.Fatal(err)
	}

	in.env["ORGDIR_API_BURST"] = ""
	off := in.serve("--api-rate", "0")
	for i := 0; i < 20; i++ {
		if r := off.apiGet(t, "/v1.0/me", token); r.StatusCode != http.StatusOK {
			t.Fatalf("request %d with --api-rate 0: %s; want no throttling", i+1, r.Status)
		}
	}
}

func TestServeRefusesANegativeAPIRate(t *testing.T) {
	in := newInstance(t)
	r := in.run("serve", "--api-burst", "-1")
	if r.exitCode() != 2 || !strings.Contains(r.stderr, "--api-rate and --api-burst must not be negative") {
		t.Fatalf("exit %d, stderr %q", r.exitCode(), r.stderr)
	}
}
