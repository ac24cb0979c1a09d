package httpapi

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/orgdir/orgdir/internal/directory"
	"github.com/orgdir/orgdir/internal/graphjson"
	"github.com/orgdir/orgdir/internal/odata"
)

var groupProperties = graphjson.Group(&directory.Group{}).Keys()

var groupsSpec = odata.Spec{
	Resource:   "groups",
	Properties: groupProperties,
	Filter:     directory.GroupFilter,
	Paged:      true,
}

var groupEntitySpec = odata.Spec{Resource: "group", Properties: groupProperties}

// membersSpec: members are users (orgdir has no nested groups), paged by id.
var membersSpec = odata.Spec{Resource: "members", Properties: userProperties, Paged: true}

// memberOfSpec: a user's groups, paged by id.
var memberOfSpec = odata.Spec{Resource: "memberOf", Properties: groupProperties, Paged: true}

func (a *API) handleListGroups(w http.ResponseWriter, r *http.Request) error {
	q, err := parseQuery(r, groupsSpec)
	if err != nil {
		return err
	}
	gq := directory.GroupQuery{Filter: q.Filter, Limit: fetchLimit(q.Top)}
	if c := q.Cursor; c != nil {
		gq.After = &directory.Group{ID: c.ID, DisplayName: c.Name}
	}
	groups, err := a.svc.ListGroups(r.Context(), tenant(r), gq)
	if err != nil {
		return err
	}
	return a.writeList(w, r, q, keysetPage("groups", groups, q.Top, graphjson.Group, func(last *directory.Group) *odata.Cursor {
		return &odata.Cursor{ID: last.ID, Name: last.DisplayName}
	}))
}

func (a *API) handleGetGroup(w http.ResponseWriter, r *http.Request) error {
	q, err := parseQuery(r, groupEntitySpec)
	if err != nil {
		return err
	}
	g, err := a.svc.GetGroup(r.Context(), tenant(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, graphjson.Group(g).Pick(q.Select).With("@odata.context", a.entity(r, "groups", q.Select)))
}

// createGroupRequest is Graph's POST /groups body. orgdir's groups are
// security groups: mailEnabled must be false, securityEnabled true and
// groupTypes empty when given; mailNickname is accepted and not stored.
type createGroupRequest struct {
	ODataType       *string  `json:"@odata.type"`
	DisplayName     *string  `json:"displayName"`
	Description     *string  `json:"description"`
	MailEnabled     *bool    `json:"mailEnabled"`
	MailNickname    *string  `json:"mailNickname"`
	SecurityEnabled *bool    `json:"securityEnabled"`
	GroupTypes      []string `json:"groupTypes"`
}

func (a *API) handleCreateGroup(w http.ResponseWriter, r *http.Request) error {
	var req createGroupRequest
	if err := a.decode(w, r, &req, false); err != nil {
		return err
	}
	switch {
	case checkODataType(req.ODataType, "#microsoft.graph.group") != nil:
		return checkODataType(req.ODataType, "#microsoft.graph.group")
	case req.DisplayName == nil:
		return directory.Invalidf("displayName", "displayName is required")
	case req.MailEnabled != nil && *req.MailEnabled:
		return directory.Invalidf("mailEnabled", "mail-enabled groups are not supported; set mailEnabled to false")
	case req.SecurityEnabled != nil && !*req.SecurityEnabled:
		return directory.Invalidf("securityEnabled", "orgdir's groups are security groups; set securityEnabled to true")
	case len(req.GroupTypes) > 0:
		return directory.Invalidf("groupTypes", "groupTypes %v are not supported; leave groupTypes empty", req.GroupTypes)
	}
	g, err := a.svc.CreateGroup(r.Context(), tenant(r), *req.DisplayName, deref(req.Description))
	if err != nil {
		return err
	}
	w.Header().Set("Location", a.baseURL(r)+"/v1.0/groups/"+g.ID)
	return writeJSON(w, http.StatusCreated, graphjson.Group(g).With("@odata.context", a.metadata(r, "groups/$entity")))
}

func (a *API) handleListMembers(w http.ResponseWriter, r *http.Request) error {
	q, err := parseQuery(r, membersSpec)
	if err != nil {
		return err
	}
	users, err := a.svc.ListGroupMembers(r.Context(), tenant(r), r.PathValue("id"), idPage(q))
	if err != nil {
		return err
	}
	return a.writeList(w, r, q, keysetPage("directoryObjects", users, q.Top, graphjson.UserFor(q.Select), func(last *directory.User) *odata.Cursor {
		return &odata.Cursor{ID: last.ID}
	}))
}

// refRequest is the body of POST .../$ref.
type refRequest struct {
	ODataID *string `json:"@odata.id"`
}

// refID takes the object id from an @odata.id such as
// https://graph.microsoft.com/v1.0/directoryObjects/{id}: only the id
// matters, so SDKs that build the URL from their own base work.
func refID(ref *string) (string, error) {
	if ref == nil || *ref == "" {
		return "", directory.Invalidf("@odata.id", "@odata.id is required, e.g. https://<host>/v1.0/directoryObjects/{id}")
	}
	u, err := url.Parse(*ref)
	if err != nil {
		return "", directory.Invalidf("@odata.id", "@odata.id %q is not a URL", *ref)
	}
	segs := strings.Split(strings.Trim(u.Path, "/"), "/")
	if len(segs) < 2 || (segs[len(segs)-2] != "directoryObjects" && segs[len(segs)-2] != "users") {
		return "", directory.Invalidf("@odata.id", "@odata.id %q does not end in directoryObjects/{id}", *ref)
	}
	return segs[len(segs)-1], nil
}

func (a *API) handleAddMember(w http.ResponseWriter, r *http.Request) error {
	var req refRequest
	if err := a.decode(w, r, &req, false); err != nil {
		return err
	}
	id, err := refID(req.ODataID)
	if err != nil {
		return err
	}
	err = a.svc.AddGroupMember(r.Context(), tenant(r), r.PathValue("id"), id)
	if directory.IsKind(err, directory.KindConflict) {
		return badRequest("members", "One or more added object references already exist for the following modified properties: 'members'.")
	}
	if err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (a *API) handleRemoveMember(w http.ResponseWriter, r *http.Request) error {
	if err := a.svc.RemoveGroupMember(r.Context(), tenant(r), r.PathValue("id"), r.PathValue("memberId")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// memberOf serves the groups userID is directly in.
func (a *API) memberOf(w http.ResponseWriter, r *http.Request, userID string) error {
	q, err := parseQuery(r, memberOfSpec)
	if err != nil {
		return err
	}
	groups, err := a.svc.ListMemberOf(r.Context(), tenant(r), userID)
	if err != nil {
		return err
	}
	groups, next := pageInMemory(groups, func(g *directory.Group) string { return g.ID }, q)
	l := list{context: "directoryObjects", next: next}
	for _, g := range groups {
		l.values = append(l.values, graphjson.Group(g))
	}
	return a.writeList(w, r, q, l)
}

func (a *API) handleMemberOf(w http.ResponseWriter, r *http.Request) error {
	id, err := a.userID(r, r.PathValue("id"))
	if err != nil {
		return err
	}
	return a.memberOf(w, r, id)
}

// userID resolves an id or userPrincipalName of the path to the id, for
// the Service calls that take an id only.
func (a *API) userID(r *http.Request, idOrUPN string) (string, error) {
	if directory.ValidID(idOrUPN) {
		return idOrUPN, nil
	}
	u, err := a.svc.GetUser(r.Context(), tenant(r), idOrUPN)
	if err != nil {
		return "", err
	}
	return u.ID, nil
}
