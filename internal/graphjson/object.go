package graphjson

import (
	"bytes"
	"encoding/json"
	"slices"
	"strings"
	"time"
)

// Member is one property of an Object. It is an unnamed struct type so
// that renderers in other packages can list properties as {"id", u.ID},
// the way Graph's documentation reads.
type Member = struct {
	Key   string
	Value any
}

// Object is a JSON object that keeps its properties in the order Graph
// writes them, @odata annotations first.
type Object []Member

// MarshalJSON writes the properties in order.
func (o Object) MarshalJSON() ([]byte, error) {
	return o.appendJSON(make([]byte, 0, 64*len(o)))
}

// Pick keeps the annotations and the properties named in sel (all of them
// when sel is nil): what $select does.
func (o Object) Pick(sel []string) Object {
	if sel == nil {
		return o
	}
	out := make(Object, 0, len(sel)+1)
	for _, m := range o {
		if strings.HasPrefix(m.Key, "@odata.") || slices.Contains(sel, m.Key) {
			out = append(out, m)
		}
	}
	return out
}

// With prepends an annotation such as @odata.context.
func (o Object) With(key string, val any) Object {
	return append(Object{{key, val}}, o...)
}

// Keys lists the properties of o, without annotations: what $select takes.
func (o Object) Keys() []string {
	var out []string
	for _, m := range o {
		if !strings.HasPrefix(m.Key, "@") {
			out = append(out, m.Key)
		}
	}
	return out
}

// Marshal is json.Marshal without HTML escaping: URLs keep their & as
// Graph writes them. An Object (every API answer) is written directly,
// without encoding/json's reflection and copies.
func Marshal(v any) ([]byte, error) {
	if o, ok := v.(Object); ok {
		return o.appendJSON(make([]byte, 0, 64*len(o)))
	}
	return marshalStd(v)
}

// Append appends v's JSON, as Marshal writes it, to b: a caller that
// keeps its buffer across responses allocates none for the next one.
func Append(b []byte, v any) ([]byte, error) {
	if o, ok := v.(Object); ok {
		return o.appendJSON(b)
	}
	j, err := marshalStd(v)
	if err != nil {
		return nil, err
	}
	return append(b, j...), nil
}

// marshalStd is encoding/json without HTML escaping.
func marshalStd(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), nil
}

// Context is the @odata.context URL of a response: the service root's
// $metadata with fragment, e.g. "users/$entity". baseURL is the server's
// public URL, without a final slash; empty, the URL is relative to the
// server, as OData allows.
func Context(baseURL, fragment string) string {
	return baseURL + "/v1.0/$metadata#" + fragment
}

// Timestamp renders a time as Graph does: UTC, RFC 3339, whole seconds.
func Timestamp(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// TimestampOrNull renders an optional time.
func TimestampOrNull(t *time.Time) any {
	if t == nil {
		return nil
	}
	return Timestamp(*t)
}

// StrOrNull renders an optional string: Graph writes null, never "".
func StrOrNull(s string) any {
	if s == "" {
		return nil
	}
	return s
}
