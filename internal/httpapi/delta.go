package httpapi

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/orgdir/orgdir/internal/directory"
	"github.com/orgdir/orgdir/internal/graphjson"
	"github.com/orgdir/orgdir/internal/odata"
)

// deltaState is what a delta link carries: positions in the change log,
// not server state, so it survives restarts and works on every instance.
// It is not signed: it names the caller's own tenant and positions in it,
// and the tenant is checked, so a forged one shows nothing new.
type deltaState struct {
	Resource  string              `json:"r"`
	Tenant    string              `json:"t"`
	After     directory.ChangePos `json:"a"`            // the round reports changes after this
	Until     directory.ChangePos `json:"u,omitzero"`   // and up to this (set from its second page)
	AfterID   string              `json:"i,omitempty"`  // keyset within the page walk
	AfterName string              `json:"in,omitempty"` // groups walk by displayName, id
	Walk      bool                `json:"w,omitempty"`  // the first round: the current state
	Latest    bool                `json:"-"`            // $deltatoken=latest: no walk
	Select    []string            `json:"s,omitempty"`
	Top       int                 `json:"n"`
	Taken     int64               `json:"at"` // when After (or Until) was taken, Unix seconds
}

func (d *deltaState) encode() string {
	b, _ := json.Marshal(d) // cannot fail: strings and numbers
	return base64.RawURLEncoding.EncodeToString(b)
}

var deltaResources = map[string]directory.ChangeKind{"users": directory.ChangeUser, "groups": directory.ChangeGroup}

// deltaSpecs: what the first request of a walk takes; users select what
// /users does, groups also "members" (members@delta).
var deltaSpecs = map[string]odata.Spec{
	"users":  {Resource: "users", Properties: userProperties, Paged: true},
	"groups": {Resource: "groups", Properties: append(slices.Clone(groupProperties), "members"), Paged: true},
}

func syncStateNotFound(message string) *apiError {
	return &apiError{status: http.StatusGone, code: "syncStateNotFound", message: message}
}

// deltaRequest reads the walk's state: from $deltatoken or $skiptoken,
// else a new walk from the query options.
func (a *API) deltaRequest(r *http.Request, resource string) (*deltaState, error) {
	v, err := queryValues(r)
	if err != nil {
		return nil, err
	}
	var token string
	for k, vs := range v {
		name := strings.ToLower(strings.TrimPrefix(k, "$"))
		if name != "deltatoken" && name != "skiptoken" {
			continue
		}
		if token != "" || len(vs) != 1 {
			return nil, badRequest(k, "give one $deltatoken or $skiptoken; follow @odata.nextLink and @odata.deltaLink as given")
		}
		token = vs[0]
		delete(v, k)
	}
	if token == "" || token == "latest" {
		q, err := odata.Parse(v, false, deltaSpecs[resource])
		if err != nil {
			return nil, err
		}
		if q.Filter != nil {
			return nil, &odata.Error{Option: "$filter", Unsupported: true, Message: "$filter is not supported on delta"}
		}
		// $deltatoken=latest, as Graph: no walk, just the link to what
		// changes from now on.
		d := &deltaState{Resource: resource, Tenant: tenant(r), Walk: true, Latest: token == "latest", Select: q.Select, Top: q.Top}
		if d.Select != nil && !slices.Contains(d.Select, "id") {
			d.Select = append([]string{"id"}, d.Select...)
		}
		d.After, err = a.svc.DeltaStart(r.Context(), tenant(r), deltaResources[resource])
		d.Taken = a.opts.Clock().Unix()
		return d, err
	}
	if len(v) > 0 {
		return nil, badRequest("", "a delta link carries its query; follow it as given, without other options")
	}
	raw, err := base64.RawURLEncoding.DecodeString(token)
	var d deltaState
	if err == nil {
		err = json.Unmarshal(raw, &d)
	}
	switch {
	case err != nil || d.Resource != resource || d.Top < 1 || d.Top > directory.MaxPageSize:
		return nil, badRequest("$deltatoken", "the delta token is malformed or of another resource; follow @odata.deltaLink as given")
	case d.Tenant != tenant(r):
		return nil, badRequest("$deltatoken", "the delta token belongs to another organization")
	case a.opts.Clock().Sub(time.Unix(d.Taken, 0)) > directory.DeltaTokenLifetime:
		return nil, syncStateNotFound("The delta token has expired (after " +
			strconv.Itoa(int(directory.DeltaTokenLifetime/(24*time.Hour))) + " days); start over with a request without a token.")
	}
	return &d, nil
}

// pageSize is $top, or the Prefer header's odata.maxpagesize, which Graph
// honours on delta and says so in Preference-Applied.
func pageSize(w http.ResponseWriter, r *http.Request, top int) int {
	for _, pref := range strings.Split(r.Header.Get("Prefer"), ",") {
		k, val, ok := strings.Cut(strings.TrimSpace(pref), "=")
		if ok && strings.EqualFold(k, "odata.maxpagesize") {
			if n, err := strconv.Atoi(strings.TrimSpace(val)); err == nil && n >= 1 {
				n = min(n, directory.MaxPageSize)
				w.Header().Set("Preference-Applied", "odata.maxpagesize="+strconv.Itoa(n))
				return n
			}
		}
	}
	return top
}

func removed(id string, reason directory.RemovedReason) graphjson.Object {
	return graphjson.Object{{"id", id}, {"@removed", graphjson.Object{{"reason", string(reason)}}}}
}

func (a *API) handleUsersDelta(w http.ResponseWriter, r *http.Request) error {
	return a.delta(w, r, "users")
}

func (a *API) handleGroupsDelta(w http.ResponseWriter, r *http.Request) error {
	return a.delta(w, r, "groups")
}

// delta serves one page of a delta walk: the current state on the first
// round, the changes since on later ones; the last page links the next
// round.
func (a *API) delta(w http.ResponseWriter, r *http.Request, resource string) error {
	d, err := a.deltaRequest(r, resource)
	if err != nil {
		return err
	}
	top := pageSize(w, r, d.Top)
	var values []graphjson.Object
	var more bool
	switch {
	case d.Latest:
		values = []graphjson.Object{}
	case d.Walk:
		values, more, err = a.deltaWalk(r, d, top)
	default:
		values, more, err = a.deltaRound(r, d, top)
	}
	if err != nil {
		return err
	}
	ctx := resource
	if d.Select != nil {
		ctx += "(" + strings.Join(d.Select, ",") + ")"
	}
	body := graphjson.Object{{"@odata.context", a.metadata(r, ctx)}}
	link := a.baseURL(r) + r.URL.EscapedPath()
	if more {
		body = append(body, graphjson.Member{"@odata.nextLink", link + "?$skiptoken=" + d.encode()})
	} else {
		next := deltaState{Resource: d.Resource, Tenant: d.Tenant, After: d.After, Select: d.Select, Top: d.Top, Taken: d.Taken}
		if !d.Walk {
			next.After = d.Until
		}
		body = append(body, graphjson.Member{"@odata.deltaLink", link + "?$deltatoken=" + next.encode()})
	}
	body = append(body, graphjson.Member{"value", values})
	return writeJSON(w, http.StatusOK, body)
}

// deltaWalk pages through the current state as /users (by id) and
// /groups (by displayName, id) do; it sets the keyset of the next page.
func (a *API) deltaWalk(r *http.Request, d *deltaState, top int) ([]graphjson.Object, bool, error) {
	var out []graphjson.Object
	if d.Resource == "users" {
		q := directory.UserQuery{Limit: fetchLimit(top)}
		if d.AfterID != "" {
			q.After = &directory.User{ID: d.AfterID}
		}
		users, err := a.svc.ListUsers(r.Context(), tenant(r), q)
		if err != nil {
			return nil, false, err
		}
		users, more := hasMore(users, top)
		for _, u := range users {
			out = append(out, graphjson.User(u).Pick(d.Select))
			d.AfterID = u.ID
		}
		return out, more, nil
	}
	q := directory.GroupQuery{Limit: fetchLimit(top)}
	if d.AfterID != "" {
		q.After = &directory.Group{ID: d.AfterID, DisplayName: d.AfterName}
	}
	groups, err := a.svc.ListGroups(r.Context(), tenant(r), q)
	if err != nil {
		return nil, false, err
	}
	groups, more := hasMore(groups, top)
	for _, g := range groups {
		o := graphjson.Group(g).Pick(d.Select)
		if wantMembers(d.Select) {
			members, err := a.allMembers(r, g.ID)
			if err != nil {
				return nil, false, err
			}
			o = append(o, graphjson.Member{"members@delta", members})
		}
		out = append(out, o)
		d.AfterID, d.AfterName = g.ID, g.DisplayName
	}
	return out, more, nil
}

// deltaRound pages through the objects changed in the round, by id.
func (a *API) deltaRound(r *http.Request, d *deltaState, top int) ([]graphjson.Object, bool, error) {
	round := &directory.DeltaRound{After: d.After, Until: d.Until, AfterID: d.AfterID, Limit: top}
	if d.Until == (directory.ChangePos{}) {
		// The round's first page fixes its end; the next round's token
		// is as old as that.
		d.Taken = a.opts.Clock().Unix()
	}
	var out []graphjson.Object
	var ids []string
	if d.Resource == "users" {
		changed, err := a.svc.UsersDelta(r.Context(), tenant(r), round)
		if err != nil {
			return nil, false, err
		}
		for _, c := range changed {
			ids = append(ids, c.ID)
			if c.User == nil {
				out = append(out, removed(c.ID, c.Removed))
			} else {
				out = append(out, graphjson.User(c.User).Pick(d.Select))
			}
		}
	} else {
		changed, err := a.svc.GroupsDelta(r.Context(), tenant(r), round)
		if err != nil {
			return nil, false, err
		}
		for _, c := range changed {
			ids = append(ids, c.ID)
			if c.Group == nil {
				out = append(out, removed(c.ID, c.Removed))
				continue
			}
			o := graphjson.Group(c.Group).Pick(d.Select)
			if wantMembers(d.Select) && len(c.Members) > 0 {
				var ms []graphjson.Object
				for _, m := range c.Members {
					mo := graphjson.Object{{"@odata.type", "#microsoft.graph.user"}, {"id", m.UserID}}
					if m.Removed != "" {
						mo = append(mo, graphjson.Member{"@removed", graphjson.Object{{"reason", string(m.Removed)}}})
					}
					ms = append(ms, mo)
				}
				o = append(o, graphjson.Member{"members@delta", ms})
			}
			out = append(out, o)
		}
	}
	d.Until = round.Until
	more := len(out) > top
	if more {
		out, ids = out[:top], ids[:top]
		d.AfterID = ids[top-1]
	}
	return out, more, nil
}

func wantMembers(sel []string) bool { return sel == nil || slices.Contains(sel, "members") }

// allMembers lists a group's members as members@delta entries.
func (a *API) allMembers(r *http.Request, groupID string) ([]graphjson.Object, error) {
	out := []graphjson.Object{}
	for after := ""; ; {
		users, err := a.svc.ListGroupMembers(r.Context(), tenant(r), groupID, directory.Page{Limit: directory.MaxPageSize, AfterID: after})
		if err != nil {
			return nil, err
		}
		for _, u := range users {
			out = append(out, graphjson.Object{{"@odata.type", "#microsoft.graph.user"}, {"id", u.ID}})
		}
		if len(users) < directory.MaxPageSize {
			return out, nil
		}
		after = users[len(users)-1].ID
	}
}
