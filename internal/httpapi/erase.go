package httpapi

import "net/http"

// handleErasePersonalData is orgdir's POST /users/{id}/erasePersonalData:
// a data subject's erasure in one call. Graph has no such action (there it
// is DELETE /users/{id}, then DELETE /directory/deletedItems/{id}); orgdir
// erases a live or deleted user at once, in one transaction, and answers
// 204 as Graph's deletes do. Who may, and what goes, is the domain's
// EraseUser.
func (a *API) handleErasePersonalData(w http.ResponseWriter, r *http.Request) error {
	if err := noQuery(r, "erasePersonalData"); err != nil {
		return err
	}
	// The action takes no parameters: no body, or {}.
	var none struct{}
	if err := a.decode(w, r, &none, true); err != nil {
		return err
	}
	if err := a.svc.EraseUser(r.Context(), tenant(r), r.PathValue("id")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
