package sqlstore

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/orgdir/orgdir/internal/directory"
)

// TestIdentitiesReadAsEncodingJSONReadsThem: whatever toJSON wrote, the
// direct reader gives what encoding/json gives.
func TestIdentitiesReadAsEncodingJSONReadsThem(t *testing.T) {
	values := []string{"", "userPrincipalName", "contoso.example", `quote"inside`, `back\slash`,
		"<html>&amp;", "ünïcödé", "emoji 😀", "comma,}]", `{"SignInType":"x"}`, "\u2028"}
	var cases [][]directory.ObjectIdentity
	cases = append(cases, nil, []directory.ObjectIdentity{})
	for i, v := range values {
		w := values[(i+3)%len(values)]
		cases = append(cases,
			[]directory.ObjectIdentity{{SignInType: v, Issuer: w, IssuerAssignedID: v + w}},
			[]directory.ObjectIdentity{{SignInType: "federated", Issuer: v}, {SignInType: w, IssuerAssignedID: v}})
	}
	for _, c := range cases {
		s, err := toJSON(c)
		if err != nil {
			t.Fatal(err)
		}
		got, err := identitiesFromJSON(s)
		if err != nil {
			t.Fatalf("%s: %v", s, err)
		}
		want, err := fromJSON[directory.ObjectIdentity](s)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: read %#v, encoding/json reads %#v", s, got, want)
		}
	}
	// Other spellings of valid JSON are read too (by encoding/json).
	for _, s := range []string{` [ {"Issuer":"b","SignInType":"a","IssuerAssignedID":"c"} ] `, `[{"signintype":"a","issuer":"b","issuerassignedid":"c"}]`} {
		got, err := identitiesFromJSON(s)
		var want []directory.ObjectIdentity
		if jerr := json.Unmarshal([]byte(s), &want); jerr != nil || err != nil || !reflect.DeepEqual(got, want) {
			t.Errorf("%s: read %#v (%v), want %#v (%v)", s, got, err, want, jerr)
		}
	}
	if _, err := identitiesFromJSON(`[{"SignInType":"a"`); err == nil {
		t.Error("a cut column was read without an error")
	}
}

func BenchmarkIdentitiesFromJSON(b *testing.B) {
	s, _ := toJSON([]directory.ObjectIdentity{{SignInType: "userPrincipalName", Issuer: "contoso.example", IssuerAssignedID: "someone@contoso.example"}})
	b.Run("direct", func(b *testing.B) {
		for b.Loop() {
			_, _ = identitiesFromJSON(s)
		}
	})
	b.Run("encoding/json", func(b *testing.B) {
		for b.Loop() {
			_, _ = fromJSON[directory.ObjectIdentity](s)
		}
	})
}
