package sqlstore

import (
	"strings"

	"github.com/orgdir/orgdir/internal/directory"
)

// identitiesFromJSON decodes a user's identities column. Every user row
// read has one, and encoding/json took a third of a page of 100 users
// (BenchmarkUsersPage's profile), so the shape toJSON writes, with no
// escape in it, is read directly; anything else goes to fromJSON.
func identitiesFromJSON(s string) ([]directory.ObjectIdentity, error) {
	if s == "" || s == "[]" {
		return nil, nil
	}
	if ids, ok := scanIdentities(s); ok {
		return ids, nil
	}
	return fromJSON[directory.ObjectIdentity](s)
}

// scanIdentities reads [{"SignInType":"…","Issuer":"…","IssuerAssignedID":"…"},…]
// exactly as json.Marshal writes it; ok is false for anything else (an
// escape, another order, spaces), which fromJSON then reads.
func scanIdentities(s string) (ids []directory.ObjectIdentity, ok bool) {
	if strings.IndexByte(s, '\\') >= 0 {
		return nil, false
	}
	rest, found := strings.CutPrefix(s, "[")
	if !found {
		return nil, false
	}
	field := func(prefix string) (string, bool) {
		var ok bool
		if rest, ok = strings.CutPrefix(rest, prefix); !ok {
			return "", false
		}
		end := strings.IndexByte(rest, '"')
		if end < 0 {
			return "", false
		}
		v := rest[:end]
		rest = rest[end+1:]
		return v, true
	}
	for {
		var id directory.ObjectIdentity
		var ok1, ok2, ok3 bool
		id.SignInType, ok1 = field(`{"SignInType":"`)
		id.Issuer, ok2 = field(`,"Issuer":"`)
		id.IssuerAssignedID, ok3 = field(`,"IssuerAssignedID":"`)
		if !ok1 || !ok2 || !ok3 || !strings.HasPrefix(rest, "}") {
			return nil, false
		}
		ids = append(ids, id)
		rest = rest[1:]
		switch {
		case rest == "]":
			return ids, true
		case strings.HasPrefix(rest, ","):
			rest = rest[1:]
		default:
			return nil, false
		}
	}
}
