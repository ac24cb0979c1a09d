package export

import (
	"bytes"
	"encoding/json"
	"fmt"
	"time"
)

// member is one property of an object.
type member struct {
	key string
	val any
}

// object is a JSON object that keeps its properties in the order Graph
// writes them, @odata annotations first.
type object []member

func (o object) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, m := range o {
		if i > 0 {
			b.WriteByte(',')
		}
		k, _ := marshal(m.key)
		b.Write(k)
		b.WriteByte(':')
		v, err := marshal(m.val)
		if err != nil {
			return nil, fmt.Errorf("property %s: %w", m.key, err)
		}
		b.Write(v)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// marshal is json.Marshal without HTML escaping: URLs keep their & as the
// API writes them.
func marshal(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), nil
}

// timestamp renders a time as Graph does: UTC, RFC 3339, whole seconds.
func timestamp(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// timestampOrNull renders an optional time.
func timestampOrNull(t *time.Time) any {
	if t == nil {
		return nil
	}
	return timestamp(*t)
}

// strOrNull renders an optional string: Graph writes null, never "".
func strOrNull(s string) any {
	if s == "" {
		return nil
	}
	return s
}
