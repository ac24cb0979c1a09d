package cli

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

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
	_, err = directory.NewService(st, directory.Options{}).AuthenticateAccessToken(context.Background(), secret)
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
	if !strings.HasPrefix(secret, directory.TokenPrefix) || strings.Contains(secret, "\n") {
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
	if got, err := parseLifetime("730d"); err != nil || got != directory.MaxTokenTTL {
		t.Fatalf("parseLifetime(730d) = %v, %v; want the maximum, %v", got, err, directory.MaxTokenTTL)
	}
}

func TestParseLifetime(t *testing.T) {
	for in, want := range map[string]time.Duration{"30d": 30 * 24 * time.Hour, "12h": 12 * time.Hour, " 1d ": 24 * time.Hour} {
		if got, err := parseLifetime(in); err != nil || got != want {
			t.Errorf("parseLifetime(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
}

// TestUserRevokeSessionsEndsTokensAndSetPasswordToo: both commands end
// every token issued before them; a token made after works.
func TestUserRevokeSessionsEndsTokensAndSetPasswordToo(t *testing.T) {
	db := filepath.Join(t.TempDir(), "orgdir.db")
	for _, args := range [][]string{
		{"tenant", "create", "--database", db, "--name", "Contoso", "--domain", "contoso.example"},
		{"user", "create", "--database", db, "--tenant", "contoso.example", "--upn", "bob@contoso.example", "--name", "Bob"},
	} {
		if _, stderr, err := run(t, args...); err != nil {
			t.Fatalf("%v: %v %s", args, err, stderr)
		}
	}
	token := func() string {
		t.Helper()
		out, stderr, err := run(t, "token", "create", "--database", db, "--tenant", "contoso.example", "--user", "bob@contoso.example")
		if err != nil {
			t.Fatalf("token create: %v %s", err, stderr)
		}
		return strings.TrimSpace(out)
	}
	old := token()
	out, stderr, err := run(t, "user", "revoke-sessions", "--database", db, "--tenant", "contoso.example", "--user", "bob@contoso.example")
	if err != nil || !strings.Contains(out, "revoked every session and token of bob@contoso.example") {
		t.Fatalf("user revoke-sessions: %v %q %s", err, out, stderr)
	}
	if err := authenticate(t, db, old); !directory.IsKind(err, directory.KindUnauthenticated) {
		t.Fatalf("a token issued before revoke-sessions: %v; want KindUnauthenticated", err)
	}
	fresh := token()
	if err := authenticate(t, db, fresh); err != nil {
		t.Fatalf("a token issued after revoke-sessions: %v", err)
	}
	var out2, errOut bytes.Buffer
	setPw := []string{"user", "set-password", "--database", db, "--tenant", "contoso.example", "--user", "bob@contoso.example", "--password-stdin"}
	if err := Run(context.Background(), setPw, func(string) string { return "" }, strings.NewReader("New-password-2026\n"), &out2, &errOut); err != nil {
		t.Fatalf("user set-password: %v %s", err, errOut.String())
	}
	_ = stderr
	if err := authenticate(t, db, fresh); !directory.IsKind(err, directory.KindUnauthenticated) {
		t.Fatalf("a token issued before a password reset: %v; want KindUnauthenticated", err)
	}
}
