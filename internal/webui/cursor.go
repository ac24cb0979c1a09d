package webui

import (
	"encoding/base64"
	"encoding/json"
	"time"
)

// cursor is the keyset position of a listing page, carried in the "after"
// query parameter. It is only a position: a forged one shows another page
// of what the person may see anyway.
type cursor struct {
	ID   string    `json:"i"`
	Name string    `json:"n,omitempty"`
	Time time.Time `json:"t,omitzero"`
}

func (c cursor) encode() string {
	b, _ := json.Marshal(c)
	return base64.RawURLEncoding.EncodeToString(b)
}

func decodeCursor(s string) (*cursor, bool) {
	if s == "" {
		return nil, true
	}
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return nil, false
	}
	var c cursor
	if json.Unmarshal(b, &c) != nil || c.ID == "" {
		return nil, false
	}
	return &c, true
}
