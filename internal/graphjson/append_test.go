package graphjson

import (
	"bytes"
	"encoding/json"
	"errors"
	"math"
	"strings"
	"testing"
	"time"
)

// std is what encoding/json writes for v, HTML escaping off.
func std(t *testing.T, v any) string {
	t.Helper()
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		t.Fatal(err)
	}
	return string(bytes.TrimSuffix(b.Bytes(), []byte("\n")))
}

// ref renders v as Object.MarshalJSON did before the direct writer: each
// key and value through encoding/json.
func ref(t *testing.T, v any) string {
	t.Helper()
	join := func(n int, at func(int) string) string {
		var b strings.Builder
		for i := 0; i < n; i++ {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteString(at(i))
		}
		return b.String()
	}
	switch x := v.(type) {
	case Object:
		return "{" + join(len(x), func(i int) string { return std(t, x[i].Key) + ":" + ref(t, x[i].Value) }) + "}"
	case []Object:
		if x == nil {
			return "null"
		}
		return "[" + join(len(x), func(i int) string { return ref(t, x[i]) }) + "]"
	case []any:
		return "[" + join(len(x), func(i int) string { return ref(t, x[i]) }) + "]"
	}
	return std(t, v)
}

func TestTheDirectWriterWritesWhatEncodingJSONWrites(t *testing.T) {
	strs := []string{"", "plain", `quote " and \ backslash`, "tab\tnew\nline\rcr\bbs\fff", "\x00\x01\x1f\x7f",
		"<a href='x'>&amp;</a>", "café ünïcødé 日本 🚀", "line\u2028sep\u2029para", "bad \xff\xfe utf8 \xe2\x82",
		"https://orgdir.example/v1.0/users?$top=5&$skiptoken=x"}
	var anys []any
	for _, s := range strs {
		anys = append(anys, s)
	}
	when := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	o := Object{
		{"@odata.type", "#microsoft.graph.user"},
		{"strings", strs},
		{"nilStrings", []string(nil)},
		{"anys", append(anys, nil, true, false, 42, int64(-7), 1.5, map[string]int{"b": 2, "a": 1})},
		{"nested", Object{{"deep", Object{{"deeper", []Object{{{"x", 1}}, {}}}}}}},
		{"nilObject", Object(nil)},
		{"nilObjects", []Object(nil)},
		{"time", when},
		{"ptr", &when},
		{"struct", struct {
			A string `json:"a"`
			B *int   `json:"b"`
		}{A: "<&>"}},
	}
	for _, s := range strs {
		o = append(o, Member{s, s}) // keys are escaped as values are
	}
	got, err := Marshal(o)
	if err != nil {
		t.Fatal(err)
	}
	if want := ref(t, o); string(got) != want {
		t.Fatalf("direct:\n%s\nencoding/json:\n%s", got, want)
	}
	if !json.Valid(got) {
		t.Fatalf("not valid JSON: %s", got)
	}
	// Inside a value encoding/json writes, through MarshalJSON: the same.
	if inner := std(t, map[string]any{"o": o}); inner != `{"o":`+string(got)+`}` {
		t.Fatalf("through encoding/json:\n%s", inner)
	}
}

func TestAValueJSONCannotWriteNamesItsProperty(t *testing.T) {
	_, err := Marshal(Object{{"id", "1"}, {"score", math.Inf(1)}})
	var ue *json.UnsupportedValueError
	if err == nil || !errors.As(err, &ue) || err.Error() != "property score: json: unsupported value: +Inf" {
		t.Fatalf("error %v", err)
	}
}
