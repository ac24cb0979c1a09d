package httpapi

import (
	"net/http"

	"github.com/orgdir/orgdir/internal/graphjson"
)

// handleRevokeSignInSessions is Graph's POST /users/{id}/revokeSignInSessions:
// it moves the user's signInSessionsValidFromDateTime to now, so every
// session and token issued before is dead for good, and answers
// {"value": true} as Graph does. Who may is the domain's
// RevokeSignInSessions.
func (a *API) handleRevokeSignInSessions(w http.ResponseWriter, r *http.Request) error {
	return a.revokeSignInSessions(w, r, r.PathValue("id"))
}

// handleRevokeMySignInSessions is POST /me/revokeSignInSessions: a person
// ends every session and token of their own, this one included.
func (a *API) handleRevokeMySignInSessions(w http.ResponseWriter, r *http.Request) error {
	return a.revokeSignInSessions(w, r, actor(r).UserID)
}

func (a *API) revokeSignInSessions(w http.ResponseWriter, r *http.Request, idOrUPN string) error {
	if err := noQuery(r, "revokeSignInSessions"); err != nil {
		return err
	}
	var none struct{}
	if err := a.decode(w, r, &none, true); err != nil {
		return err
	}
	if err := a.svc.RevokeSignInSessions(r.Context(), tenant(r), idOrUPN); err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, graphjson.Object{
		{"@odata.context", a.metadata(r, "Edm.Boolean")},
		{"value", true},
	})
}
