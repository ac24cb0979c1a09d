package odata

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"strconv"
	"strings"
	"time"
)

// Cursor is the keyset position a page starts after: the last object of
// the previous page, reduced to the fields its ordering uses.
type Cursor struct {
	ID   string     `json:"i"`
	Name string     `json:"n,omitempty"` // displayName, when ordered by it
	Time *time.Time `json:"t,omitempty"` // deletedDateTime or activityDateTime
}

type skipToken struct {
	Key string `json:"k"`
	Cursor
}

// SkipToken returns the opaque $skiptoken of the page after c. It is only
// valid for this same query (resource, filter, search and order).
func (q *Query) SkipToken(c Cursor) string {
	b, _ := json.Marshal(skipToken{Key: q.key, Cursor: c}) // cannot fail: plain strings and a time
	return base64.RawURLEncoding.EncodeToString(b)
}

func decodeSkipToken(s, key string) (*Cursor, error) {
	raw, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return nil, badf("$skiptoken", "the skip token is malformed; follow @odata.nextLink as given")
	}
	var t skipToken
	if err := json.Unmarshal(raw, &t); err != nil || t.ID == "" {
		return nil, badf("$skiptoken", "the skip token is malformed; follow @odata.nextLink as given")
	}
	if t.Key != key {
		return nil, badf("$skiptoken", "the skip token belongs to another query; keep $filter, $search and $orderby as they were when following @odata.nextLink")
	}
	return &t.Cursor, nil
}

// queryKey identifies what a page walk depends on: a token from one query
// must not be replayed on another, where its position means something else.
func queryKey(resource string, q *Query) string {
	var b strings.Builder
	b.WriteString(resource)
	b.WriteByte(0)
	if q.Filter != nil {
		b.WriteString(Format(q.Filter))
	}
	b.WriteByte(0)
	if q.SearchIn != "" {
		b.WriteString(q.SearchIn + ":")
	}
	b.WriteString(q.Search)
	b.WriteByte(0)
	b.WriteString(q.OrderBy)
	b.WriteByte(0)
	b.WriteString(strconv.FormatBool(q.Desc))
	sum := sha256.Sum256([]byte(b.String()))
	return hex.EncodeToString(sum[:8])
}
