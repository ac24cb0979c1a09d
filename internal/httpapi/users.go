package httpapi

import (
	"net/http"

	"github.com/orgdir/orgdir/internal/directory"
	"github.com/orgdir/orgdir/internal/graphjson"
	"github.com/orgdir/orgdir/internal/odata"
)

// userProperties are every property of a user orgdir returns, in order;
// $select takes any of them. signInActivity is returned only when $select
// names it, as Graph.
var userProperties = append(graphjson.User(&directory.User{}).Keys(), graphjson.SignInActivityProperty)

var usersSpec = odata.Spec{
	Resource:   "users",
	Properties: userProperties,
	Filter:     directory.UserFilter,
	OrderBy:    []string{directory.OrderByDisplayName},
	Search:     directory.UserSearchProperties,
	Count:      true,
	Paged:      true,
}

var userEntitySpec = odata.Spec{Resource: "user", Properties: userProperties}

// userCursor is the keyset position after u in a listing ordered by order.
func userCursor(u *directory.User, order string) *odata.Cursor {
	c := &odata.Cursor{ID: u.ID}
	switch order {
	case directory.OrderByDisplayName:
		c.Name = u.DisplayName
	case directory.OrderByDeletedDateTime:
		c.Time = u.DeletedAt
	}
	return c
}

// listUsers serves a page of live (or deleted) users.
func (a *API) listUsers(w http.ResponseWriter, r *http.Request, deleted bool, spec odata.Spec, context string) error {
	q, err := parseQuery(r, spec)
	if err != nil {
		return err
	}
	uq := directory.UserQuery{Deleted: deleted, Filter: q.Filter, Search: q.Search, SearchIn: q.SearchIn, OrderBy: q.OrderBy, Desc: q.Desc}
	var count *int
	if q.Count && q.Cursor == nil {
		n, err := a.svc.CountUsers(r.Context(), tenant(r), uq)
		if err != nil {
			return err
		}
		count = &n
	}
	uq.Limit = fetchLimit(q.Top)
	if c := q.Cursor; c != nil {
		uq.After = &directory.User{ID: c.ID, DisplayName: c.Name, DeletedAt: c.Time}
	}
	users, err := a.svc.ListUsers(r.Context(), tenant(r), uq)
	if err != nil {
		return err
	}
	l := keysetPage(context, users, q.Top, graphjson.UserFor(q.Select), func(last *directory.User) *odata.Cursor { return userCursor(last, q.OrderBy) })
	l.count = count
	return a.writeList(w, r, q, l)
}

func (a *API) handleListUsers(w http.ResponseWriter, r *http.Request) error {
	return a.listUsers(w, r, false, usersSpec, "users")
}

// writeUser writes one user of set with $select applied.
func (a *API) writeUser(w http.ResponseWriter, r *http.Request, status int, set string, u *directory.User) error {
	q, err := parseQuery(r, userEntitySpec)
	if err != nil {
		return err
	}
	return writeJSON(w, status, graphjson.UserFor(q.Select)(u).Pick(q.Select).With("@odata.context", a.entity(r, set, q.Select)))
}

func (a *API) handleGetUser(w http.ResponseWriter, r *http.Request) error {
	if _, err := parseQuery(r, userEntitySpec); err != nil {
		return err // refuse a bad query before touching the store
	}
	u, err := a.svc.GetUser(r.Context(), tenant(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	return a.writeUser(w, r, http.StatusOK, "users", u)
}

// createUserRequest is Graph's POST /users body. mailNickname and
// forceChangePasswordNextSignIn are accepted for compatibility and not
// stored (docs/api.md).
type createUserRequest struct {
	ODataType         *string `json:"@odata.type"`
	AccountEnabled    *bool   `json:"accountEnabled"`
	DisplayName       *string `json:"displayName"`
	MailNickname      *string `json:"mailNickname"`
	UserPrincipalName *string `json:"userPrincipalName"`
	Mail              *string `json:"mail"`
	PasswordProfile   *struct {
		Password                      *string `json:"password"`
		ForceChangePasswordNextSignIn *bool   `json:"forceChangePasswordNextSignIn"`
	} `json:"passwordProfile"`
}

func (a *API) handleCreateUser(w http.ResponseWriter, r *http.Request) error {
	var req createUserRequest
	if err := a.decode(w, r, &req, false); err != nil {
		return err
	}
	if err := checkODataType(req.ODataType, "#microsoft.graph.user"); err != nil {
		return err
	}
	if req.DisplayName == nil {
		return directory.Invalidf("displayName", "displayName is required")
	}
	if req.UserPrincipalName == nil {
		return directory.Invalidf("userPrincipalName", "userPrincipalName is required")
	}
	nu := directory.NewUser{
		UserPrincipalName: *req.UserPrincipalName,
		DisplayName:       *req.DisplayName,
		Mail:              deref(req.Mail),
		AccountEnabled:    req.AccountEnabled,
	}
	if req.PasswordProfile != nil {
		nu.Password = deref(req.PasswordProfile.Password)
	}
	u, err := a.svc.CreateUser(r.Context(), tenant(r), nu)
	if err != nil {
		return asProperties(err, map[string]string{"password": "passwordProfile.password"})
	}
	w.Header().Set("Location", a.baseURL(r)+"/v1.0/users/"+u.ID)
	return writeJSON(w, http.StatusCreated, graphjson.User(u).With("@odata.context", a.metadata(r, "users/$entity")))
}

// updateUserRequest is what PATCH /users/{id} may change.
type updateUserRequest struct {
	ODataType      *string `json:"@odata.type"`
	DisplayName    *string `json:"displayName"`
	Mail           *string `json:"mail"`
	AccountEnabled *bool   `json:"accountEnabled"`
}

func (a *API) handleUpdateUser(w http.ResponseWriter, r *http.Request) error {
	var req updateUserRequest
	if err := a.decode(w, r, &req, false); err != nil {
		return err
	}
	if err := checkODataType(req.ODataType, "#microsoft.graph.user"); err != nil {
		return err
	}
	_, err := a.svc.UpdateUser(r.Context(), tenant(r), r.PathValue("id"), directory.UserPatch{
		DisplayName: req.DisplayName, Mail: req.Mail, AccountEnabled: req.AccountEnabled,
	})
	if err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent) // as Graph: PATCH answers 204
	return nil
}

func (a *API) handleDeleteUser(w http.ResponseWriter, r *http.Request) error {
	if err := a.svc.DeleteUser(r.Context(), tenant(r), r.PathValue("id")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// checkODataType accepts a body's @odata.type when it is absent or the
// resource's own.
func checkODataType(got *string, want string) error {
	if got != nil && *got != want && "#"+*got != want {
		return directory.Invalidf("@odata.type", "@odata.type must be %s, not %q", want, *got)
	}
	return nil
}

func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}
