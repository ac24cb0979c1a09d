package odata

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/orgdir/orgdir/internal/directory"
)

func cmp(p string, op directory.CmpOp, v any) directory.Compare {
	return directory.Compare{Property: p, Op: op, Value: v}
}

func TestParseFilterBuildsTheTree(t *testing.T) {
	ts := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	tests := []struct {
		in   string
		want directory.Filter
	}{
		{"userType eq 'Guest'", cmp("userType", directory.OpEq, "Guest")},
		{"accountEnabled ne false", cmp("accountEnabled", directory.OpNe, false)},
		{"accountEnabled eq true", cmp("accountEnabled", directory.OpEq, true)},
		{"mail eq null", cmp("mail", directory.OpEq, nil)},
		{"displayName eq 'O''Brien'", cmp("displayName", directory.OpEq, "O'Brien")},
		{"displayName eq ''", cmp("displayName", directory.OpEq, "")},
		{"startswith(displayName,'Ad')", cmp("displayName", directory.OpStartsWith, "Ad")},
		{"startswith( mail , 'a''b' )", cmp("mail", directory.OpStartsWith, "a'b")},
		{"deletedDateTime ge 2026-01-02T03:04:05Z", cmp("deletedDateTime", directory.OpGe, ts)},
		{"deletedDateTime lt 2026-01-02T04:04:05+01:00", cmp("deletedDateTime", directory.OpLt, ts)},
		{"deletedDateTime gt 2026-01-02T03:04:05.5Z", cmp("deletedDateTime", directory.OpGt, ts.Add(500*time.Millisecond))},
		{"deletedDateTime le 2026-01-02T03:04:05Z", cmp("deletedDateTime", directory.OpLe, ts)},
		{"a eq 'x' and b eq 'y' or c eq 'z'", directory.Or{
			Left:  directory.And{Left: cmp("a", directory.OpEq, "x"), Right: cmp("b", directory.OpEq, "y")},
			Right: cmp("c", directory.OpEq, "z")}},
		{"a eq 'x' or b eq 'y' and c eq 'z'", directory.Or{
			Left:  cmp("a", directory.OpEq, "x"),
			Right: directory.And{Left: cmp("b", directory.OpEq, "y"), Right: cmp("c", directory.OpEq, "z")}}},
		{"(a eq 'x' or b eq 'y') and c eq 'z'", directory.And{
			Left:  directory.Or{Left: cmp("a", directory.OpEq, "x"), Right: cmp("b", directory.OpEq, "y")},
			Right: cmp("c", directory.OpEq, "z")}},
		{"not a eq 'x' and b eq 'y'", directory.And{
			Left: directory.Not{X: cmp("a", directory.OpEq, "x")}, Right: cmp("b", directory.OpEq, "y")}},
		{"not (a eq 'x' and b eq 'y')", directory.Not{X: directory.And{
			Left: cmp("a", directory.OpEq, "x"), Right: cmp("b", directory.OpEq, "y")}}},
		{"a eq 'x' and b eq 'y' and c eq 'z'", directory.And{
			Left:  directory.And{Left: cmp("a", directory.OpEq, "x"), Right: cmp("b", directory.OpEq, "y")},
			Right: cmp("c", directory.OpEq, "z")}},
		{"((a eq 'x'))", cmp("a", directory.OpEq, "x")},
		{"a eq 'héllo wörld'", cmp("a", directory.OpEq, "héllo wörld")},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseFilter(tt.in)
			if err != nil {
				t.Fatalf("ParseFilter(%q): %v", tt.in, err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("ParseFilter(%q)\n got  %#v\n want %#v", tt.in, got, tt.want)
			}
			again, err := ParseFilter(Format(got))
			if err != nil || !reflect.DeepEqual(again, got) {
				t.Fatalf("reprint %q parsed to %#v, %v", Format(got), again, err)
			}
		})
	}
}

func TestParseFilterNamesWhereItFailed(t *testing.T) {
	tests := []struct {
		in          string
		contains    string
		unsupported bool
	}{
		{"", "empty", false},
		{"displayName eq 'abc", "position 16: the string literal is not closed", false},
		{"displayName eq", "position 15: expected a literal", false},
		{"displayName foo 'x'", "position 13: expected a comparison operator (eq, ne, gt, ge, lt, le) after 'displayName', found 'foo'", false},
		{"(a eq 'x'", "expected ')' to close the '(' at position 1", false},
		{"a eq 'x')", "position 9: expected 'and', 'or' or the end", false},
		{"a eq 'x' and", "expected a property name", false},
		{"a eq 'x' b eq 'y'", "position 10", false},
		{"a eq #", "position 6: unexpected character '#'", false},
		{"deletedDateTime ge 2026-13-02T03:04:05Z", "is not a DateTimeOffset", false},
		{"deletedDateTime ge 2026-01-02", "neither a number nor a DateTimeOffset", false},
		{"frobnicate(a,'x')", "unknown function 'frobnicate'", false},
		{"startswith(a 'x')", "expected ',' after 'a'", false},
		{"startswith(a,'x'", "expected ')' to close startswith", false},
		{"endswith(mail,'@x')", "the function endswith is not supported", true},
		{"contains(mail,'x')", "the function contains is not supported", true},
		{"identities/any(i:i/issuer eq 'x')", "property paths and lambda operators such as identities/any are not supported", true},
		{"a eq 4.2", "the number 4.2 is not supported; only whole numbers (Int64) are", true},
		{"a in ('x','y')", "the operator in is not supported", true},
		{strings.Repeat("(", 40) + "a eq 'x'" + strings.Repeat(")", 40), "nested more than 32 levels", false},
		{strings.Repeat("not ", 40) + "a eq 'x'", "nested more than 32 levels", false},
		{"a eq '\xff'", "not valid UTF-8", false},
		{"a eq '" + strings.Repeat("x", 5000) + "'", "longer than 4096 characters", false},
		{strings.Repeat("a eq 'x' or ", 100) + "a eq 'x'", "more than 100 comparisons", false},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			f, err := ParseFilter(tt.in)
			var oe *Error
			if !errors.As(err, &oe) {
				t.Fatalf("ParseFilter(%q) = %#v, %v; want an *Error", tt.in, f, err)
			}
			if !strings.Contains(oe.Message, tt.contains) {
				t.Fatalf("message %q does not contain %q", oe.Message, tt.contains)
			}
			if oe.Unsupported != tt.unsupported || oe.Option != "$filter" {
				t.Fatalf("got option %q unsupported %v; want $filter, %v", oe.Option, oe.Unsupported, tt.unsupported)
			}
		})
	}
}

func TestFormatParenthesisesOnlyWherePrecedenceNeedsIt(t *testing.T) {
	x, y, z := cmp("a", directory.OpEq, "x"), cmp("b", directory.OpEq, "y"), cmp("c", directory.OpEq, "z")
	tests := []struct {
		f    directory.Filter
		want string
	}{
		{directory.And{Left: directory.And{Left: x, Right: y}, Right: z}, "a eq 'x' and b eq 'y' and c eq 'z'"},
		{directory.And{Left: x, Right: directory.And{Left: y, Right: z}}, "a eq 'x' and (b eq 'y' and c eq 'z')"},
		{directory.And{Left: directory.Or{Left: x, Right: y}, Right: z}, "(a eq 'x' or b eq 'y') and c eq 'z'"},
		{directory.Or{Left: x, Right: directory.And{Left: y, Right: z}}, "a eq 'x' or b eq 'y' and c eq 'z'"},
		{directory.Not{X: directory.Or{Left: x, Right: y}}, "not (a eq 'x' or b eq 'y')"},
		{directory.Not{X: directory.Not{X: x}}, "not not a eq 'x'"},
		{cmp("d", directory.OpStartsWith, "it's"), "startswith(d,'it''s')"},
		{cmp("t", directory.OpGe, time.Date(2026, 1, 2, 3, 4, 5, 6, time.FixedZone("x", 3600))), "t ge 2026-01-02T02:04:05.000000006Z"},
	}
	for _, tt := range tests {
		if got := Format(tt.f); got != tt.want {
			t.Errorf("Format(%#v) = %q, want %q", tt.f, got, tt.want)
		}
	}
}

func FuzzParseFilter(f *testing.F) {
	for _, s := range []string{
		"userType eq 'Guest'",
		"accountEnabled eq true and not (mail eq null or startswith(displayName,'A''b'))",
		"deletedDateTime ge 2026-01-02T03:04:05Z and deletedDateTime le 2026-02-02T03:04:05.123+02:00",
		"a eq 'x' or b ne 'y' and c gt 'z'",
		"((((a eq 'x'))))",
		"not not not a eq false",
		"endswith(mail,'x')",
		"a eq 12",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		tree, err := ParseFilter(s)
		if err != nil {
			var oe *Error
			if !errors.As(err, &oe) || oe.Message == "" {
				t.Fatalf("ParseFilter(%q) failed with %T %v; want an *Error with a message", s, err, err)
			}
			return
		}
		printed := Format(tree)
		again, err := ParseFilter(printed)
		if err != nil {
			t.Fatalf("ParseFilter(%q) parsed, but its reprint %q fails: %v", s, printed, err)
		}
		if !reflect.DeepEqual(again, tree) {
			t.Fatalf("ParseFilter(%q) = %#v\nreprint %q = %#v", s, tree, printed, again)
		}
	})
}
