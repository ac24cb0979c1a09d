package graphjson

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/orgdir/orgdir/internal/directory"
)

// mustMarshal is Marshal that fails the test on an error.
func mustMarshal(t *testing.T, v any) string {
	t.Helper()
	b, err := Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestObjectKeepsPropertyOrderAndLeavesHTMLUnescaped(t *testing.T) {
	o := Object{{"z", 1}, {"a", "https://x.example/?a=1&b=<2>"}, {"m", Object{{"inner", nil}}}}
	want := `{"z":1,"a":"https://x.example/?a=1&b=<2>","m":{"inner":null}}`
	if got := mustMarshal(t, o); got != want {
		t.Errorf("got %s, want %s", got, want)
	}
}

func TestObjectMarshalNamesThePropertyThatFails(t *testing.T) {
	_, err := Marshal(Object{{"bad", func() {}}})
	if err == nil || !strings.Contains(err.Error(), "property bad") {
		t.Fatalf("error %v does not name the property", err)
	}
}

func TestPickKeepsAnnotationsAndTheSelectedPropertiesInTheirOrder(t *testing.T) {
	o := Object{{"@odata.type", "#t"}, {"id", "1"}, {"displayName", "n"}, {"mail", nil}}
	if got := mustMarshal(t, o.Pick([]string{"mail", "id"})); got != `{"@odata.type":"#t","id":"1","mail":null}` {
		t.Errorf("Pick(mail,id) = %s", got)
	}
	if got := o.Pick(nil); len(got) != len(o) {
		t.Errorf("Pick(nil) dropped properties: %v", got)
	}
}

func TestWithPrependsAndKeysListsPropertiesWithoutAnnotations(t *testing.T) {
	o := Object{{"@odata.type", "#t"}, {"id", "1"}, {"displayName", "n"}}.With("@odata.context", "ctx")
	if o[0].Key != "@odata.context" || o[0].Value != "ctx" {
		t.Errorf("With did not prepend: %v", o)
	}
	if got := o.Keys(); !slices.Equal(got, []string{"id", "displayName"}) {
		t.Errorf("Keys = %v", got)
	}
}

func TestOptionalValuesAreNullAndTimesAreUTCWholeSeconds(t *testing.T) {
	tm := time.Date(2026, 3, 4, 5, 6, 7, 890, time.FixedZone("X", 3600))
	got := mustMarshal(t, Object{{"s", StrOrNull("")}, {"t", TimestampOrNull(nil)}, {"at", TimestampOrNull(&tm)}})
	if want := `{"s":null,"t":null,"at":"2026-03-04T04:06:07Z"}`; got != want {
		t.Errorf("got %s, want %s", got, want)
	}
}

func TestContextIsTheServiceRootMetadata(t *testing.T) {
	if got := Context("https://h.example", "users/$entity"); got != "https://h.example/v1.0/$metadata#users/$entity" {
		t.Errorf("Context = %s", got)
	}
	if got := Context("", "orgdir.personalData"); got != "/v1.0/$metadata#orgdir.personalData" {
		t.Errorf("Context without a base URL = %s", got)
	}
}

func TestAppRoleAssignmentWritesTheResourceNameOrNull(t *testing.T) {
	as := &directory.AppRoleAssignment{ID: "a1", PrincipalID: "u1", ResourceID: "app1", AppRoleID: directory.DefaultAppRoleID}
	name, empty := "App", ""
	for _, c := range []struct {
		resource *string
		want     any
	}{{&name, "App"}, {&empty, ""}, {nil, nil}} {
		o := AppRoleAssignment(as, "Ada", c.resource)
		i := slices.IndexFunc(o, func(m Member) bool { return m.Key == "resourceDisplayName" })
		if i < 0 {
			t.Fatalf("no resourceDisplayName in %v", o)
		}
		v, err := Marshal(o[i].Value)
		if err != nil {
			t.Fatal(err)
		}
		want, _ := Marshal(c.want)
		if string(v) != string(want) {
			t.Errorf("resourceDisplayName %s, want %s", v, want)
		}
	}
}
