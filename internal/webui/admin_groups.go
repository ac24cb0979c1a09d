package webui

import (
	"net/http"
	"strings"

	"github.com/orgdir/orgdir/internal/directory"
)

type groupsPage struct {
	Page
	Groups []*directory.Group
	Error  string
	Form   struct{ Name, Description string }
}

func (u *UI) groups(w http.ResponseWriter, r *http.Request, a *adminReq) error {
	return u.showGroups(w, r, a, http.StatusOK, groupsPage{})
}

// showGroups renders the tenant's groups with status, and p's error and
// form when a create was refused.
func (u *UI) showGroups(w http.ResponseWriter, r *http.Request, a *adminReq, status int, p groupsPage) error {
	list, err := u.svc.ListGroups(a.ctx, a.tenant.ID, directory.GroupQuery{Limit: directory.MaxPageSize})
	if err != nil {
		return err
	}
	p.Page, p.Groups = u.adminBase(w, r, a, "Groups", "groups"), list
	u.render(w, r, status, "groups", p)
	return nil
}

func (u *UI) createGroup(w http.ResponseWriter, r *http.Request, a *adminReq) error {
	name := strings.TrimSpace(r.PostForm.Get("displayName"))
	desc := strings.TrimSpace(r.PostForm.Get("description"))
	g, err := u.svc.CreateGroup(a.ctx, a.tenant.ID, name, desc)
	if k := directory.KindOf(err); k == directory.KindInvalid || k == directory.KindConflict {
		p := groupsPage{Error: inFormTerms(err, map[string]string{"displayName": "The name", "description": "The description"})}
		p.Form.Name, p.Form.Description = name, desc
		return u.showGroups(w, r, a, http.StatusBadRequest, p)
	}
	if err != nil {
		return err
	}
	return u.redirect(w, r, a.url("groups", g.ID), "Created the group "+g.DisplayName+".")
}

type groupPage struct {
	Page
	Group   *directory.Group
	Members []*directory.User
}

func (u *UI) groupPage(w http.ResponseWriter, r *http.Request, a *adminReq) error {
	g, err := u.svc.GetGroup(a.ctx, a.tenant.ID, r.PathValue("group"))
	if err != nil {
		return err
	}
	members, err := u.svc.ListGroupMembers(a.ctx, a.tenant.ID, g.ID, directory.Page{Limit: directory.MaxPageSize})
	if err != nil {
		return err
	}
	u.render(w, r, http.StatusOK, "group", groupPage{Page: u.adminBase(w, r, a, g.DisplayName, "groups"), Group: g, Members: members})
	return nil
}

// groupAddMember adds a user named by user name (or id).
func (u *UI) groupAddMember(w http.ResponseWriter, r *http.Request, a *adminReq) error {
	gid := r.PathValue("group")
	user, err := u.formUser(r, a, "add")
	if err != nil {
		return err
	}
	if err := u.svc.AddGroupMember(a.ctx, a.tenant.ID, gid, user.ID); err != nil {
		return err
	}
	return u.redirect(w, r, a.url("groups", gid), "Added "+user.DisplayName+" to the group.")
}

func (u *UI) groupRemoveMember(w http.ResponseWriter, r *http.Request, a *adminReq) error {
	gid := r.PathValue("group")
	if err := u.svc.RemoveGroupMember(a.ctx, a.tenant.ID, gid, r.PathValue("user")); err != nil {
		return err
	}
	return u.redirect(w, r, a.url("groups", gid), "Removed the member from the group.")
}
