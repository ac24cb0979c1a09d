package webui

import (
	"fmt"
	"math"
	"net/http"
	"strings"
	"time"

	"github.com/orgdir/orgdir/internal/directory"
)

type deletedRow struct {
	User     *directory.User
	DaysLeft int
}

type deletedPage struct {
	Page
	Rows  []deletedRow
	Next  string
	First string
}

// daysLeft is how many days, rounded up, remain before the purge.
func daysLeft(purgeAt *time.Time, now time.Time) int {
	if purgeAt == nil {
		return 0
	}
	d := purgeAt.Sub(now)
	if d <= 0 {
		return 0
	}
	return int(math.Ceil(d.Hours() / 24))
}

// deletedUsers lists Deleted users, most recently deleted first.
func (u *UI) deletedUsers(w http.ResponseWriter, r *http.Request, a *adminReq) error {
	after, ok := decodeCursor(r.URL.Query().Get("after"))
	if !ok {
		return directory.Invalidf("after", "the page link is damaged; start from the first page")
	}
	q := directory.UserQuery{Deleted: true, OrderBy: directory.OrderByDeletedDateTime, Desc: true, Limit: pageSize + 1}
	if after != nil {
		t := after.Time
		q.After = &directory.User{ID: after.ID, DeletedAt: &t}
	}
	list, err := u.svc.ListUsers(a.ctx, a.tenant.ID, q)
	if err != nil {
		return err
	}
	p := deletedPage{Page: u.adminBase(w, r, a, "Deleted users", "deleted")}
	if len(list) > pageSize {
		list = list[:pageSize]
		last := list[pageSize-1]
		p.Next = a.url("deleted") + "?after=" + cursor{ID: last.ID, Time: *last.DeletedAt}.encode()
	}
	if after != nil {
		p.First = a.url("deleted")
	}
	now := u.now()
	for _, du := range list {
		p.Rows = append(p.Rows, deletedRow{User: du, DaysLeft: daysLeft(du.PurgeAt, now)})
	}
	u.render(w, r, http.StatusOK, "deleted", p)
	return nil
}

type restoreClashPage struct {
	Page
	User   *directory.User
	NewUPN string
	Error  string
	Domain string
}

// restoreUser restores a deleted user with its groups and roles, after
// the preview's confirm (or its new user name). When a live user took its
// name meanwhile, it asks for a new user name.
func (u *UI) restoreUser(w http.ResponseWriter, r *http.Request, a *adminReq) error {
	id := r.PostForm.Get("id")
	newUPN := strings.TrimSpace(r.PostForm.Get("newUserPrincipalName"))
	if newUPN == "" && r.PostForm.Get("confirm") != "yes" {
		return u.restorePreview(w, r, a, id)
	}
	restored, err := u.svc.RestoreUser(a.ctx, a.tenant.ID, id, newUPN)
	if k := directory.KindOf(err); k == directory.KindRestoreClash || (k == directory.KindInvalid && newUPN != "") || (k == directory.KindConflict && newUPN != "") {
		du, gerr := u.svc.GetDeletedUser(a.ctx, a.tenant.ID, id)
		if gerr != nil {
			return gerr
		}
		// The admin portal says "user name" where Graph says userPrincipalName.
		msg := strings.ReplaceAll(directory.AsError(err).Message, "userPrincipalName", "user name")
		p := restoreClashPage{Page: u.adminBase(w, r, a, "Restore "+du.DisplayName, "deleted"), User: du, NewUPN: newUPN, Error: msg,
			Domain: a.tenant.InitialDomain}
		u.render(w, r, http.StatusConflict, "restore_clash", p)
		return nil
	}
	if err != nil {
		return err
	}
	return u.redirect(w, r, a.url("deleted"), fmt.Sprintf("Restored %s (%s) with its groups and app roles.", restored.DisplayName, restored.UserPrincipalName))
}

type purgeFailure struct{ Name, Reason string }

// purgeDonePage says which users a permanent delete erased and which it
// could not, with why.
type purgeDonePage struct {
	Page
	Deleted []string
	Failed  []purgeFailure
}

type purgeConfirmPage struct {
	Page
	Users []*directory.User
}

// purgeUsers deletes the selected users permanently, after a confirmation
// page that says it cannot be undone.
func (u *UI) purgeUsers(w http.ResponseWriter, r *http.Request, a *adminReq) error {
	ids := r.PostForm["ids"]
	if len(ids) == 0 {
		return u.redirect(w, r, a.url("deleted"), "Select at least one user to delete permanently.")
	}
	if len(ids) > directory.MaxPageSize {
		return directory.Invalidf("ids", "select at most %d users at once", directory.MaxPageSize)
	}
	if r.PostForm.Get("confirm") != "yes" {
		p := purgeConfirmPage{Page: u.adminBase(w, r, a, "Delete permanently?", "deleted")}
		for _, id := range ids {
			du, err := u.svc.GetDeletedUser(a.ctx, a.tenant.ID, id)
			if err != nil {
				return err
			}
			p.Users = append(p.Users, du)
		}
		u.render(w, r, http.StatusOK, "purge_confirm", p)
		return nil
	}
	// Names first: once erased, a user has none to show.
	names := make(map[string]string, len(ids))
	for _, id := range ids {
		if du, err := u.svc.GetDeletedUser(a.ctx, a.tenant.ID, id); err == nil {
			names[id] = du.DisplayName + " (" + du.UserPrincipalName + ")"
		}
	}
	p := purgeDonePage{Page: u.adminBase(w, r, a, "Deleted permanently", "deleted")}
	for _, res := range u.svc.PermanentlyDeleteUsers(a.ctx, a.tenant.ID, ids) {
		name := names[res.ID]
		if name == "" {
			name = res.ID
		}
		if res.Err == nil {
			p.Deleted = append(p.Deleted, name)
		} else {
			p.Failed = append(p.Failed, purgeFailure{Name: name, Reason: directory.AsError(res.Err).Message})
		}
	}
	p.Flash = fmt.Sprintf("Permanently deleted %d user(s).", len(p.Deleted))
	switch {
	case len(p.Deleted) == 0:
		p.Flash = fmt.Sprintf("No user was deleted permanently: %d could not be deleted.", len(p.Failed))
	case len(p.Failed) > 0:
		p.Flash += fmt.Sprintf(" %d could not be deleted.", len(p.Failed))
	}
	u.render(w, r, http.StatusOK, "purge_done", p)
	return nil
}
