package webui

import (
	"net/http"

	"github.com/orgdir/orgdir/internal/directory"
)

// Data subject requests (docs/design.md rule 11): an administrator exports or
// erases one user's personal data, live or deleted. The domain decides who
// may and what goes; these pages only ask, call and report.

// liveOrDeletedUser finds a user of the tenant by id or UPN among the live
// users, else by id in Deleted users.
func (u *UI) liveOrDeletedUser(a *adminReq, ref string) (*directory.User, error) {
	user, err := u.svc.GetUser(a.ctx, a.tenant.ID, ref)
	if directory.IsKind(err, directory.KindNotFound) && directory.ValidID(ref) {
		return u.svc.GetDeletedUser(a.ctx, a.tenant.ID, ref)
	}
	return user, err
}

// exportUserData sends what the tenant holds about one user as a JSON
// file: the document of the API's /users/{id}/exportPersonalData, as the
// person's own "Download my data" is. The export is audited.
func (u *UI) exportUserData(w http.ResponseWriter, r *http.Request, a *adminReq) error {
	data, err := u.svc.ExportUserData(a.ctx, a.tenant.ID, r.PathValue("user"))
	if err != nil {
		return err
	}
	name := "personal-data.json"
	if len(data.Memberships) == 1 && data.Memberships[0].User != nil {
		// An id, never the UPN: it is safe in a header and names no one.
		name = "personal-data-" + data.Memberships[0].User.ID + ".json"
	}
	return u.sendExport(w, name, data)
}

type eraseUserPage struct {
	Page
	User *directory.User
	// Back is the page the admin came from: the user's page, or Deleted
	// users for a deleted user.
	Back string
}

// eraseUserConfirm says what erasing takes away, and that it cannot be
// undone, before anything happens.
func (u *UI) eraseUserConfirm(w http.ResponseWriter, r *http.Request, a *adminReq) error {
	user, err := u.liveOrDeletedUser(a, r.PathValue("user"))
	if err != nil {
		return err
	}
	back := a.url("users", user.ID)
	section := "users"
	if user.Deleted() {
		back, section = a.url("deleted"), "deleted"
	}
	p := eraseUserPage{Page: u.adminBase(w, r, a, "Erase the personal data of "+user.DisplayName+"?", section), User: user, Back: back}
	u.render(w, r, http.StatusOK, "user_erase", p)
	return nil
}

// eraseUser erases the user at once, live or deleted, and goes back to the
// list the user was in, where they no longer are.
func (u *UI) eraseUser(w http.ResponseWriter, r *http.Request, a *adminReq) error {
	user, err := u.liveOrDeletedUser(a, r.PathValue("user"))
	if err != nil {
		return err
	}
	if err := u.svc.EraseUser(a.ctx, a.tenant.ID, user.ID); err != nil {
		return err
	}
	back := a.url("users")
	if user.Deleted() {
		back = a.url("deleted")
	}
	return u.redirect(w, r, back, "Erased "+user.DisplayName+": the account and its personal data are gone.")
}
