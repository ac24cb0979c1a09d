package odata

import (
	"errors"
	"net/url"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/orgdir/orgdir/internal/directory"
)

var usersSpec = Spec{
	Resource:   "users",
	Properties: []string{"id", "displayName", "mail", "userPrincipalName", "userType", "accountEnabled", "deletedDateTime"},
	Filter: map[string]Type{
		"displayName": String, "mail": String, "userType": String,
		"accountEnabled": Bool, "deletedDateTime": DateTime,
	},
	OrderBy: []string{"displayName", "deletedDateTime"},
	Search:  []string{"displayName", "mail"},
	Count:   true,
	Paged:   true,
}

func mustParse(t *testing.T, raw string, eventual bool) *Query {
	t.Helper()
	v, err := url.ParseQuery(raw)
	if err != nil {
		t.Fatal(err)
	}
	q, err := Parse(v, eventual, usersSpec)
	if err != nil {
		t.Fatalf("Parse(%q): %v", raw, err)
	}
	return q
}

func TestParseAppliesDefaults(t *testing.T) {
	q := mustParse(t, "", false)
	if q.Top != directory.DefaultPageSize || q.Filter != nil || q.Select != nil || q.OrderBy != "" || q.Count || q.Cursor != nil {
		t.Fatalf("defaults: %+v", q)
	}
}

func TestParseReadsEveryOption(t *testing.T) {
	q := mustParse(t, "$top=5&$select=displayName,MAIL&$orderby=displayName desc&$count=true&$search=\"displayName:ada\"&$filter=usertype eq 'Guest'", true)
	if q.Top != 5 || !q.Desc || q.OrderBy != "displayName" || !q.Count || q.Search != "ada" || q.SearchIn != "displayName" {
		t.Fatalf("got %+v", q)
	}
	if !reflect.DeepEqual(q.Select, []string{"displayName", "mail"}) {
		t.Fatalf("select %v: names are matched case-insensitively and returned in Graph's spelling", q.Select)
	}
	if want := cmp("userType", directory.OpEq, "Guest"); !reflect.DeepEqual(q.Filter, want) {
		t.Fatalf("filter %#v, want %#v", q.Filter, want)
	}
}

func TestParseAcceptsOptionsWithoutDollar(t *testing.T) {
	q := mustParse(t, "top=7", false)
	if q.Top != 7 {
		t.Fatalf("top = %d", q.Top)
	}
}

func TestParseRefuses(t *testing.T) {
	tests := []struct {
		name, raw   string
		eventual    bool
		option      string
		unsupported bool
		contains    string
	}{
		{"top zero", "$top=0", false, "$top", false, "from 1 to 999"},
		{"top too big", "$top=1000", false, "$top", false, "from 1 to 999"},
		{"top not a number", "$top=ten", false, "$top", false, `"ten" is not a page size`},
		{"expand", "$expand=memberOf", false, "$expand", true, "$expand is not supported"},
		{"skip", "$skip=10", false, "$skip", true, "$skip is not supported"},
		{"unknown option", "$frob=1", false, "$frob", true, "unknown query option $frob"},
		{"repeated option", "$top=1&$top=2", false, "$top", false, "more than once"},
		{"select unknown property", "$select=displayName,shoeSize", false, "$select", false, `"shoeSize"`},
		{"orderby unsupported property", "$orderby=mail", false, "$orderby", true, "ordering users by mail is not supported"},
		{"orderby two keys", "$orderby=displayName,mail", false, "$orderby", true, "more than one property"},
		{"orderby bad direction", "$orderby=displayName up", false, "$orderby", false, `"up" is not asc or desc`},
		{"count without header", "$count=true", false, "$count", false, "without the request header ConsistencyLevel: eventual"},
		{"search too long", `$search="displayName:` + strings.Repeat("a", 5000) + `"`, true, "$search", false, "longer than 4096 characters"},
		{"select too long", "$select=" + strings.Repeat("id,", 2000), false, "$select", false, "longer than 4096 characters"},
		{"count bad value", "$count=yes", true, "$count", false, `"yes" is not true or false`},
		{"search without header", `$search="displayName:a"`, false, "$search", true, "ConsistencyLevel: eventual"},
		{"search without quotes", "$search=displayName:a", true, "$search", false, "double quotes"},
		{"search unsupported property", `$search="userType:a"`, true, "$search", true, "searching users by userType"},
		{"search empty term", `$search="displayName:"`, true, "$search", false, "empty"},
		{"search several clauses", `$search="displayName:a" OR "mail:b"`, true, "$search", true, "several search clauses"},
		{"filter unknown property", "$filter=shoeSize eq 'x'", false, "$filter", true, "filtering users on shoeSize is not supported"},
		{"filter wrong type", "$filter=accountEnabled eq 'yes'", false, "$filter", false, "accountEnabled is a Boolean property; it cannot be compared with a String literal"},
		{"filter ge on string", "$filter=displayName ge 'a'", false, "$filter", true, "the operator ge is not supported on displayName"},
		{"filter startswith on time", "$filter=startswith(deletedDateTime,'2026')", false, "$filter", false, "DateTimeOffset property"},
		{"filter null on bool", "$filter=accountEnabled eq null", false, "$filter", true, "null is not supported"},
		{"filter syntax", "$filter=displayName eq", false, "$filter", false, "expected a literal"},
		{"skiptoken garbage", "$skiptoken=%%%", false, "$skiptoken", false, "malformed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, err := url.ParseQuery(tt.raw)
			if err != nil {
				v = url.Values{"$skiptoken": {"%%%"}}
			}
			q, err := Parse(v, tt.eventual, usersSpec)
			var oe *Error
			if !errors.As(err, &oe) {
				t.Fatalf("Parse(%q) = %+v, %v; want an *Error", tt.raw, q, err)
			}
			if oe.Option != tt.option || oe.Unsupported != tt.unsupported || !strings.Contains(oe.Message, tt.contains) {
				t.Fatalf("got %q %v %q; want %q %v containing %q", oe.Option, oe.Unsupported, oe.Message, tt.option, tt.unsupported, tt.contains)
			}
		})
	}
}

func TestSelectNamesEachPropertyOnce(t *testing.T) {
	q := mustParse(t, "$select=displayName,id,DISPLAYNAME,id", false)
	if !slices.Equal(q.Select, []string{"displayName", "id"}) {
		t.Fatalf("select %v", q.Select)
	}
}

func TestParseRefusesWhatTheResourceDoesNotSupport(t *testing.T) {
	bare := Spec{Resource: "memberOf", Properties: []string{"id", "displayName"}}
	for _, raw := range []string{"$top=3", "$filter=displayName eq 'x'", "$orderby=displayName", "$skiptoken=abc", "$count=true", `$search="displayName:x"`} {
		v, _ := url.ParseQuery(raw)
		_, err := Parse(v, true, bare)
		var oe *Error
		if !errors.As(err, &oe) || !oe.Unsupported {
			t.Errorf("Parse(%q) on a bare resource = %v; want an unsupported-query error", raw, err)
		}
	}
}

func TestSkipTokenRoundTripsWithinTheSameQuery(t *testing.T) {
	q := mustParse(t, "$filter=userType eq 'Guest'&$orderby=deletedDateTime desc&$top=2", false)
	at := time.Date(2026, 3, 4, 5, 6, 7, 8, time.UTC)
	tok := q.SkipToken(Cursor{ID: "u1", Name: "Ada", Time: &at})

	// $top and $select may change between pages; the walk stays valid.
	next := mustParse(t, "$filter=userType eq 'Guest'&$orderby=deletedDateTime desc&$top=5&$select=id&$skiptoken="+tok, false)
	if next.Cursor == nil || next.Cursor.ID != "u1" || next.Cursor.Name != "Ada" || !next.Cursor.Time.Equal(at) {
		t.Fatalf("cursor %+v", next.Cursor)
	}
}

func TestSkipTokenFromAnotherQueryIsRefused(t *testing.T) {
	q := mustParse(t, "$filter=userType eq 'Guest'", false)
	tok := q.SkipToken(Cursor{ID: "u1"})
	for _, other := range []string{
		"$filter=userType eq 'Member'",
		"$filter=userType eq 'Guest'&$orderby=displayName",
		"",
	} {
		v, _ := url.ParseQuery(other)
		v.Set("$skiptoken", tok)
		_, err := Parse(v, false, usersSpec)
		var oe *Error
		if !errors.As(err, &oe) || !strings.Contains(oe.Message, "another query") {
			t.Errorf("token replayed on %q: %v; want it refused as another query's", other, err)
		}
	}
	deleted := usersSpec
	deleted.Resource = "deletedUsers"
	v := url.Values{"$filter": {"userType eq 'Guest'"}, "$skiptoken": {tok}}
	if _, err := Parse(v, false, deleted); err == nil {
		t.Error("a users token was accepted on deleted users")
	}
}

func TestSkipTokenOfASearchIsRefusedOnASearchInAnotherProperty(t *testing.T) {
	q := mustParse(t, `$search="displayName:ada"`, true)
	tok := q.SkipToken(Cursor{ID: "u1"})
	v := url.Values{"$search": {`"mail:ada"`}, "$skiptoken": {tok}}
	if _, err := Parse(v, true, usersSpec); err == nil || !strings.Contains(err.Error(), "another query") {
		t.Errorf("a displayName search's token on a mail search: %v; want it refused", err)
	}
	v.Set("$search", `"displayName:ada"`)
	if _, err := Parse(v, true, usersSpec); err != nil {
		t.Errorf("the token on its own search: %v", err)
	}
}
