package cli

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/orgdir/orgdir/internal/auth"
	"github.com/orgdir/orgdir/internal/directory"
	"github.com/orgdir/orgdir/internal/store/sqlite"
)

// authenticate checks a token against the database file, as the API does.
func authenticate(t *testing.T, db, secret string) error {
	t.Helper()
	st, err := sqlite.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	_, err = auth.Authenticate(context.Background(), st, time.Now(), secret)
	return err
}

func TestTokenCreateThenRevoke(t *testing.T) {
	db := filepath.Join(t.TempDir(), "orgdir.db")
	for _, args := range [][]string{
		{"tenant", "create", "--database", db, "--name", "Contoso", "--domain", "contoso.example"},
		{"user", "create", "--database", db, "--tenant", "contoso.example", "--upn", "admin@contoso.example", "--name", "Admin"},
	} {
		if _, stderr, err := run(t, args...); err != nil {
			t.Fatalf("%v: %v %s", args, err, stderr)
		}
	}
	out, stderr, err := run(t, "token", "create", "--database", db, "--tenant", "contoso.example", "--user", "admin@contoso.example", "--expires", "2d")
	if err != nil {
		t.Fatalf("token create: %v %s", err, stderr)
	}
	secret := strings.TrimSpace(out)
	if !strings.HasPrefix(secret, auth.TokenPrefix) || strings.Contains(secret, "\n") {
		t.Fatalf("stdout %q: want the token alone", out)
	}
	if !strings.Contains(stderr, "admin@contoso.example") {
		t.Fatalf("stderr %q does not say whom the token acts as", stderr)
	}
	if err := authenticate(t, db, secret); err != nil {
		t.Fatalf("the new token does not authenticate: %v", err)
	}
	if _, stderr, err := run(t, "token", "revoke", "--database", db, "--token", secret); err != nil {
		t.Fatalf("token revoke: %v %s", err, stderr)
	}
	if err := authenticate(t, db, secret); !directory.IsKind(err, directory.KindUnauthenticated) {
		t.Fatalf("a revoked token: %v; want KindUnauthenticated", err)
	}
}

func TestTokenCreateRefusesABadLifetime(t *testing.T) {
	for _, expires := range []string{"0d", "soon", "-3h", "0", "731d", "17521h", "99999999999d"} {
		_, stderr, err := run(t, "token", "create", "--database", filepath.Join(t.TempDir(), "o.db"), "--tenant", "x.example", "--user", "a@x.example", "--expires", expires)
		if ExitCode(err) != 2 || !strings.Contains(stderr, "--expires") {
			t.Errorf("--expires %s: %v %q; want a usage error naming --expires", expires, err, stderr)
		}
	}
}

func TestTokenLifetimeBeyondTheMaximumIsRefusedInDays(t *testing.T) {
	_, err := parseLifetime("1000d")
	if err == nil || !strings.Contains(err.Error(), "at most 730d") {
		t.Fatalf("parseLifetime(1000d) = %v; want a refusal that says at most 730d", err)
	}
	if got, err := parseLifetime("730d"); err != nil || got != auth.MaxTokenTTL {
		t.Fatalf("parseLifetime(730d) = %v, %v; want the maximum, %v", got, err, auth.MaxTokenTTL)
	}
}

func TestParseLifetime(t *testing.T) {
	for in, want := range map[string]time.Duration{"30d": 30 * 24 * time.Hour, "12h": 12 * time.Hour, " 1d ": 24 * time.Hour} {
		if got, err := parseLifetime(in); err != nil || got != want {
			t.Errorf("parseLifetime(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
}
