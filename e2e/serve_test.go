package e2e

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/orgdir/orgdir/internal/demo"
)

func TestServeDemoAnswersHealthAndReadinessAndStopsOnCancel(t *testing.T) {
	t.Parallel()
	in := newInstance(t)
	srv := in.serve("--demo")

	srv.waitFor(t, "/healthz", http.StatusOK)
	srv.waitFor(t, "/readyz", http.StatusOK)
	if code, body := srv.get(t, "/healthz"); code != http.StatusOK || body != "ok\n" {
		t.Errorf("GET /healthz = %d %q, want 200 ok", code, body)
	}

	out := srv.Stdout.String()
	for _, want := range []string{
		"FIXED, PUBLISHED passwords",
		"Sign in at " + srv.URL + "/",
		demo.ContosoAdminUPN, demo.ContosoAdminPass,
		demo.FabrikamAdminUPN, demo.FabrikamAdminPass,
		demo.AdaUPN, demo.AdaPassword,
		srv.URL + "/redeem?token=",
		"orgdir listening on " + srv.URL,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("serve --demo output lacks %q:\n%s", want, out)
		}
	}

	if err := srv.Stop(); err != nil {
		t.Errorf("serve after its context ended = %v, want nil (graceful stop)", err)
	}
	if _, err := http.Get(srv.URL + "/healthz"); err == nil {
		t.Error("the server still answers after it stopped")
	}
}

func TestServeDemoOnASeededDataDirReusesIt(t *testing.T) {
	t.Parallel()
	in := newInstance(t)
	first := in.serve("--demo", "--purge-interval", "0")
	if err := first.Stop(); err != nil {
		t.Fatalf("first serve: %v", err)
	}
	tenantsBefore := in.must("tenant", "list")

	second := in.serve("--demo", "--purge-interval", "0")
	second.waitFor(t, "/readyz", http.StatusOK)
	out := second.Stdout.String()
	if strings.Contains(out, "/redeem?token=") {
		t.Errorf("the second start invited Grace again:\n%s", out)
	}
	if !strings.Contains(out, "orgdir invite --tenant contoso.example --email "+demo.GraceEmail) {
		t.Errorf("the second start does not say how to get a new redeem link:\n%s", out)
	}
	if err := second.Stop(); err != nil {
		t.Fatalf("second serve: %v", err)
	}
	if after := in.must("tenant", "list"); after != tenantsBefore {
		t.Errorf("tenants changed on the second start:\nbefore:\n%s\nafter:\n%s", tenantsBefore, after)
	}
	users := in.must("user", "list", "--tenant", "contoso.example")
	if n := strings.Count(users, "grace_example.org#EXT#@contoso.example"); n != 1 {
		t.Errorf("Contoso lists Grace %d times after two seeds, want once:\n%s", n, users)
	}
}

func TestServeRefusesAnAddressInUse(t *testing.T) {
	t.Parallel()
	in := newInstance(t)
	first := in.serve("--purge-interval", "0")
	addr := strings.TrimPrefix(first.URL, "http://")
	r := in.run("serve", "--addr", addr, "--purge-interval", "0")
	if r.exitCode() != 1 || !strings.Contains(r.stderr, "listen on "+addr) {
		t.Errorf("second serve on %s: exit %d, stderr %q; want 1 and a line naming the address", addr, r.exitCode(), r.stderr)
	}
}

func TestServePurgesExpiredDeletedUsersAtStart(t *testing.T) {
	t.Parallel()
	in := newInstance(t)
	in.must("tenant", "create", "--name", "Contoso", "--domain", "contoso.example", "--retention-days", "1")
	in.must("user", "create", "--tenant", "contoso.example", "--upn", "gone@contoso.example", "--name", "Soon Gone")
	in.must("user", "create", "--tenant", "contoso.example", "--upn", "late@contoso.example", "--name", "Deleted Later")
	in.must("user", "delete", "--tenant", "contoso.example", "--user", "gone@contoso.example")
	in.clock.Advance(12 * time.Hour)
	in.must("user", "delete", "--tenant", "contoso.example", "--user", "late@contoso.example")
	in.clock.Advance(12 * time.Hour) // gone's day has ended; late's has not

	srv := in.serve("--purge-interval", "1h")
	deadline := time.Now().Add(10 * time.Second)
	for strings.Contains(in.must("user", "list", "--tenant", "contoso.example", "--deleted"), "gone@contoso.example") {
		if time.Now().After(deadline) {
			t.Fatalf("serve did not purge the expired user at start; log:\n%s", srv.Stderr.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
	if err := srv.Stop(); err != nil {
		t.Fatalf("serve: %v", err)
	}
	deleted := in.must("user", "list", "--tenant", "contoso.example", "--deleted")
	if !strings.Contains(deleted, "late@contoso.example") {
		t.Errorf("serve purged a user whose retention had not ended:\n%s", deleted)
	}
	if !strings.Contains(srv.Stderr.String(), "purged=1") {
		t.Errorf("the log does not count the purge:\n%s", srv.Stderr.String())
	}
}
