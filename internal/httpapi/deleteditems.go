package httpapi

import (
	"net/http"

	"github.com/orgdir/orgdir/internal/directory"
	"github.com/orgdir/orgdir/internal/graphjson"
	"github.com/orgdir/orgdir/internal/odata"
)

// deletedUsersSpec: Graph's /directory/deletedItems/microsoft.graph.user.
var deletedUsersSpec = odata.Spec{
	Resource:   "deletedItems/microsoft.graph.user",
	Properties: userProperties,
	Filter:     directory.UserFilter,
	OrderBy:    []string{directory.OrderByDisplayName, directory.OrderByDeletedDateTime},
	Search:     directory.UserSearchProperties,
	Count:      true,
	Paged:      true,
}

func (a *API) handleListDeletedUsers(w http.ResponseWriter, r *http.Request) error {
	// Graph's documented context of a type-cast deletedItems listing is the
	// type's own entity set.
	return a.listUsers(w, r, true, deletedUsersSpec, "users")
}

func (a *API) handleGetDeletedItem(w http.ResponseWriter, r *http.Request) error {
	if _, err := parseQuery(r, userEntitySpec); err != nil {
		return err
	}
	u, err := a.svc.GetDeletedUser(r.Context(), tenant(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	return a.writeUser(w, r, http.StatusOK, "directoryObjects", u)
}

// restoreRequest is the optional body of the restore action.
type restoreRequest struct {
	NewUserPrincipalName *string `json:"newUserPrincipalName"`
}

func (a *API) handleRestore(w http.ResponseWriter, r *http.Request) error {
	if err := noQuery(r, "restore"); err != nil {
		return err
	}
	var req restoreRequest
	if err := a.decode(w, r, &req, true); err != nil {
		return err
	}
	u, err := a.svc.RestoreUser(r.Context(), tenant(r), r.PathValue("id"), deref(req.NewUserPrincipalName))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, graphjson.User(u).With("@odata.context", a.metadata(r, "directoryObjects/$entity")))
}

func (a *API) handlePermanentDelete(w http.ResponseWriter, r *http.Request) error {
	if err := a.svc.PermanentlyDeleteUser(r.Context(), tenant(r), r.PathValue("id")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
