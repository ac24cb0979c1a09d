package directory

import (
	"strings"
	"testing"
)

func TestValidEmail(t *testing.T) {
	good := map[string]string{
		"ada@fabrikam.example":        "ada@fabrikam.example",
		"  Ada.L+x@Fabrikam.Example ": "Ada.L+x@Fabrikam.Example",
		"o'brien@mail.example":        "o'brien@mail.example",
	}
	for in, want := range good {
		if got, err := validEmail("mail", in); err != nil || got != want {
			t.Errorf("validEmail(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, in := range []string{
		"", "ada", "ada@", "@fabrikam.example", "ada@localhost", "Ada <ada@fabrikam.example>",
		"<ada@fabrikam.example>", `"a b"@fabrikam.example`, "ada@fab_rikam.example", "ada@-fab.example",
		"ada@fabrikam..example", "ada@fabrikam.example.", "a@b.c, d@e.f", strings.Repeat("a", 250) + "@x.example",
	} {
		_, err := validEmail("mail", in)
		if e, ok := err.(*Error); !ok || e.Kind != KindInvalid || e.Field != "mail" {
			t.Errorf("validEmail(%q) = %v, want KindInvalid naming mail", in, err)
		}
	}
}

func TestValidDomainLowercasesAndRefusesBadLabels(t *testing.T) {
	if got, err := validDomain("d", " Contoso.EXAMPLE "); err != nil || got != "contoso.example" {
		t.Errorf("got %q, %v", got, err)
	}
	for _, in := range []string{"contoso", ".contoso.example", "contoso-.example", "con toso.example", "contoso.example/x",
		strings.Repeat("a", 64) + ".example", strings.Repeat("abcdefghi.", 26) + "example"} {
		if _, err := validDomain("d", in); !IsKind(err, KindInvalid) {
			t.Errorf("validDomain(%q) = %v, want invalid", in, err)
		}
	}
}

func TestMemberUPNMustUseTenantDomainAndNoExtMarker(t *testing.T) {
	if got, err := validMemberUPN("upn", "Bob.Smith@CONTOSO.example", "contoso.example"); err != nil || got != "Bob.Smith@contoso.example" {
		t.Errorf("got %q, %v", got, err)
	}
	for _, in := range []string{"bob@fabrikam.example", "bob", "@contoso.example", "bob#EXT#@contoso.example",
		".bob@contoso.example", "bo..b@contoso.example", strings.Repeat("b", 65) + "@contoso.example"} {
		if _, err := validMemberUPN("upn", in, "contoso.example"); !IsKind(err, KindInvalid) {
			t.Errorf("validMemberUPN(%q) = %v, want invalid", in, err)
		}
	}
}

func TestGuestUPNFollowsEntraForm(t *testing.T) {
	upn := guestUPN("Ada@Fabrikam.example", "contoso.example")
	if upn != "Ada_Fabrikam.example#EXT#@contoso.example" {
		t.Fatalf("guestUPN = %s", upn)
	}
	if got, err := validGuestUPN("upn", upn, "contoso.example"); err != nil || got != upn {
		t.Errorf("validGuestUPN(%q) = %q, %v", upn, got, err)
	}
	if _, err := validGuestUPN("upn", "ada#EXT#@fabrikam.example", "contoso.example"); !IsKind(err, KindInvalid) {
		t.Errorf("a guest UPN of another domain passed: %v", err)
	}
}

func TestStatementURL(t *testing.T) {
	for _, in := range []string{"https://contoso.example/privacy", "http://contoso.example"} {
		if _, err := validHTTPURL("u", in); err != nil {
			t.Errorf("validHTTPURL(%q) = %v", in, err)
		}
	}
	for _, in := range []string{"", "contoso.example/privacy", "ftp://contoso.example", "javascript:alert(1)", "https://",
		"https://contoso.example/" + strings.Repeat("p", 232)} {
		if _, err := validHTTPURL("u", in); !IsKind(err, KindInvalid) {
			t.Errorf("validHTTPURL(%q) = %v, want invalid", in, err)
		}
	}
}

func TestRetentionBounds(t *testing.T) {
	for days, valid := range map[int]bool{0: false, 1: true, 30: true, 365: true, 366: false, 10000: false, -5: false} {
		if err := validRetention("r", days); (err == nil) != valid {
			t.Errorf("validRetention(%d) = %v, want valid=%v", days, err, valid)
		}
	}
}

func TestRedeemTokenIsRandomAndStoredAsHash(t *testing.T) {
	a, ha, err := newToken()
	if err != nil {
		t.Fatal(err)
	}
	b, _, _ := newToken()
	if a == b || len(a) < 43 {
		t.Errorf("tokens %q and %q: want distinct, >= 32 bytes", a, b)
	}
	if string(ha) == a || len(ha) != 32 || string(hashToken(a)) != string(ha) {
		t.Errorf("hash of the token is not its SHA-256")
	}
}
