package directory

import (
	"strings"
	"testing"
)

func TestValidateEmail(t *testing.T) {
	for _, in := range []string{
		"ada@fabrikam.example", "Ada.L+x@Fabrikam.Example", "o'brien@mail.example", "a@b.co",
		"x!#$%&*/=?^_`{|}~-@mail.example", "ada@xn--fbrikam-bua.example", "ada@mail2.example.org",
		strings.Repeat("a", 64) + "@x.example", "a@" + strings.Repeat("d", 63) + "." + strings.Repeat("e", 63) + ".example",
	} {
		if got, err := ValidateEmail("mail", in); err != nil || got != in {
			t.Errorf("ValidateEmail(%q) = %q, %v; want it accepted unchanged", in, got, err)
		}
	}
	for _, in := range []string{
		"", "ada", "ada@", "@fabrikam.example", "ada@localhost", "a@b", "Ada <ada@fabrikam.example>",
		"<ada@fabrikam.example>", `"a b"@fabrikam.example`, `"ada"@fabrikam.example`, "ada@fab_rikam.example", "ada@-fab.example",
		"ada@fabrikam..example", "ada@fabrikam.example.", "a@b.c, d@e.f", strings.Repeat("a", 250) + "@x.example",
		strings.Repeat("a", 65) + "@x.example", strings.Repeat("a", 300) + "@x.example",
		"x@[127.0.0.1]", "x@127.0.0.1", "x@[IPv6:::1]", "a..b@x.example", ".a@x.example", "a.@x.example",
		" a@x.example", "a@x.example ", "a b@x.example", "a@x.example\n", "a\x00@x.example", "a@x.exa\tmple",
		"a@b@x.example", "adé@x.example", "ada@fäbrikam.example", "a\u202e@x.example", "a@x.example\x7f",
		"a(comment)@x.example", "a\\b@x.example", "a@" + strings.Repeat("d", 64) + ".example",
	} {
		_, err := ValidateEmail("mail", in)
		if e, ok := err.(*Error); !ok || e.Kind != KindInvalid || e.Field != "mail" || !strings.Contains(e.Message, "mail") {
			t.Errorf("ValidateEmail(%q) = %v, want KindInvalid naming mail", in, err)
		}
	}
}

func TestTextRefusesControlAndBidiCharacters(t *testing.T) {
	for _, in := range []string{"Ada Lovelace", "Zoë Ångström", "日本語", "a\ufffdb", "tab-free, café — ok"} {
		if err := validText("displayName", in); err != nil {
			t.Errorf("validText(%q) = %v, want accepted", in, err)
		}
	}
	for _, in := range []string{"a\x00b", "a\x07b", "a\nb", "a\tb", "a\rb", "a\x1bb", "a\x7fb", "a\u0085b", "a\u009fb",
		"a\u202eb", "a\u202ab", "a\u2066b", "a\u2069b", "a\u200eb", "a\u200fb", "a\u061cb", "a\u2028b", "a\ufeffb",
		"a\xffb", "a\xc3b"} {
		err := validText("displayName", in)
		if e, ok := err.(*Error); !ok || e.Kind != KindInvalid || e.Field != "displayName" || !strings.Contains(e.Message, "displayName") {
			t.Errorf("validText(%q) = %v, want KindInvalid naming displayName", in, err)
		}
	}
	if err := validMultilineText("body", "Hello,\r\n\tsee you\n"); err != nil {
		t.Errorf("a multi-line text with line breaks and a tab was refused: %v", err)
	}
	for _, in := range []string{"a\x00b", "a\u202eb", "a\x0bb", "a\u2028b"} {
		if err := validMultilineText("body", in); !IsKind(err, KindInvalid) {
			t.Errorf("validMultilineText(%q) = %v, want invalid", in, err)
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
