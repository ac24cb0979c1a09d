package webui

import (
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/orgdir/orgdir/internal/directory"
)

const pageSize = 50

// userFilters are the Users page's filter choices.
var userFilters = []struct{ Value, Label string }{
	{"all", "All users"}, {"members", "Members"}, {"guests", "Guests"}, {"disabled", "Disabled"}, {"pending", "Pending acceptance"},
}

func userFilter(show string) directory.Filter {
	switch show {
	case "members":
		return directory.Compare{Property: "userType", Op: directory.OpEq, Value: string(directory.Member)}
	case "guests":
		return directory.Compare{Property: "userType", Op: directory.OpEq, Value: string(directory.Guest)}
	case "disabled":
		return directory.Compare{Property: "accountEnabled", Op: directory.OpEq, Value: false}
	case "pending":
		return directory.Compare{Property: "externalUserState", Op: directory.OpEq, Value: string(directory.PendingAcceptance)}
	}
	return nil
}

type usersPage struct {
	Page
	Q       string
	Show    string
	Filters []struct{ Value, Label string }
	Users   []*directory.User
	Next    string // the URL of the next page, if any
	Prev    string // the URL of the previous page, if any
	First   string // the URL of the first page, when not on it
}

// users lists the tenant's live users by name: search, filters, and keyset
// paging both ways ("after" the last user of a page, "before" the first).
func (u *UI) users(w http.ResponseWriter, r *http.Request, a *adminReq) error {
	qs := r.URL.Query()
	q := strings.TrimSpace(qs.Get("q"))
	show := qs.Get("show")
	if userFilter(show) == nil {
		show = "all"
	}
	after, ok := decodeCursor(qs.Get("after"))
	before, ok2 := decodeCursor(qs.Get("before"))
	if !ok || !ok2 {
		return directory.Invalidf("after", "the page link is damaged; start from the first page")
	}
	uq := directory.UserQuery{Search: q, Filter: userFilter(show), OrderBy: directory.OrderByDisplayName, Limit: pageSize + 1}
	switch {
	case after != nil:
		uq.After = &directory.User{ID: after.ID, DisplayName: after.Name}
	case before != nil:
		// Walk backwards from the first user of the page after this one.
		uq.After, uq.Desc = &directory.User{ID: before.ID, DisplayName: before.Name}, true
	}
	list, err := u.svc.ListUsers(a.ctx, a.tenant.ID, uq)
	if err != nil {
		return err
	}
	more := len(list) > pageSize
	if more {
		list = list[:pageSize]
	}
	if uq.Desc {
		slices.Reverse(list)
	}
	p := usersPage{Page: u.adminBase(w, r, a, "Users", "users"), Q: q, Show: show, Filters: userFilters, Users: list}
	link := func(key string, c *directory.User) string {
		v := url.Values{"q": {q}, "show": {show}, key: {cursor{ID: c.ID, Name: c.DisplayName}.encode()}}
		return a.url("users") + "?" + v.Encode()
	}
	// Going forward there are more after when the page overflowed; going
	// back there is always the page we came from.
	if len(list) > 0 && (more && !uq.Desc || before != nil) {
		p.Next = link("after", list[len(list)-1])
	}
	if len(list) > 0 && (after != nil || more && uq.Desc) {
		p.Prev = link("before", list[0])
	}
	if after != nil || before != nil {
		p.First = a.url("users") + "?" + url.Values{"q": {q}, "show": {show}}.Encode()
	}
	u.render(w, r, http.StatusOK, "users", p)
	return nil
}

type newUserPage struct {
	Page
	Domain string
	Form   struct{ UPN, Name, Mail string }
	Error  string
}

func (u *UI) newUserPage(w http.ResponseWriter, r *http.Request, a *adminReq) error {
	p := newUserPage{Page: u.adminBase(w, r, a, "New user", "users"), Domain: a.tenant.InitialDomain}
	u.render(w, r, http.StatusOK, "user_new", p)
	return nil
}

// createUser adds a member with an initial password.
func (u *UI) createUser(w http.ResponseWriter, r *http.Request, a *adminReq) error {
	f := r.PostForm
	nu := directory.NewUser{
		UserPrincipalName: strings.TrimSpace(f.Get("upn")),
		DisplayName:       strings.TrimSpace(f.Get("displayName")),
		Mail:              strings.TrimSpace(f.Get("mail")),
		Password:          f.Get("password"),
	}
	created, err := u.svc.CreateUser(a.ctx, a.tenant.ID, nu)
	if k := directory.KindOf(err); k == directory.KindInvalid || k == directory.KindConflict {
		p := newUserPage{Page: u.adminBase(w, r, a, "New user", "users"), Domain: a.tenant.InitialDomain, Error: inFormTerms(err, map[string]string{
			"userPrincipalName": "The user name",
			"displayName":       "The name",
			"mail":              "The e-mail",
			"password":          "The initial password",
		})}
		p.Form.UPN, p.Form.Name, p.Form.Mail = nu.UserPrincipalName, nu.DisplayName, nu.Mail
		u.render(w, r, http.StatusBadRequest, "user_new", p)
		return nil
	}
	if err != nil {
		return err
	}
	return u.redirect(w, r, a.url("users", created.ID), "Created "+created.DisplayName+".")
}

type assignmentRow struct {
	ID, AppName, RoleName string
}

type roleOption struct {
	Value, Label string
}

type userPage struct {
	Page
	User        *directory.User
	Roles       []directory.Role
	Groups      []*directory.Group
	AllGroups   []*directory.Group
	Assignments []assignmentRow
	RoleOptions []roleOption
}

// userPage shows one user with their groups and app roles and the actions.
func (u *UI) userPage(w http.ResponseWriter, r *http.Request, a *adminReq) error {
	user, err := u.svc.GetUser(a.ctx, a.tenant.ID, r.PathValue("user"))
	if err != nil {
		return err
	}
	p := userPage{Page: u.adminBase(w, r, a, user.DisplayName, "users"), User: user}
	if p.Roles, err = u.svc.ListRoles(a.ctx, a.tenant.ID, user.ID); err != nil {
		return err
	}
	if p.Groups, err = u.svc.ListMemberOf(a.ctx, a.tenant.ID, user.ID); err != nil {
		return err
	}
	all, err := u.svc.ListGroups(a.ctx, a.tenant.ID, directory.GroupQuery{Limit: directory.MaxPageSize})
	if err != nil {
		return err
	}
	// Offer only the groups the user is not in yet.
	for _, g := range all {
		if !slices.ContainsFunc(p.Groups, func(m *directory.Group) bool { return m.ID == g.ID }) {
			p.AllGroups = append(p.AllGroups, g)
		}
	}
	apps, err := u.svc.ListApplications(a.ctx, a.tenant.ID, directory.Page{Limit: directory.MaxPageSize})
	if err != nil {
		return err
	}
	as, err := u.svc.ListAppRoleAssignments(a.ctx, a.tenant.ID, user.ID)
	if err != nil {
		return err
	}
	// Offer only the app roles the user does not have yet.
	has := map[string]bool{}
	for _, x := range as {
		has[x.ResourceID+"/"+x.AppRoleID] = true
	}
	byID := map[string]*directory.Application{}
	for _, app := range apps {
		byID[app.ID] = app
		roles := app.AppRoles
		if len(roles) == 0 {
			roles = []directory.AppRole{{ID: directory.DefaultAppRoleID, DisplayName: "Default access"}}
		}
		for _, role := range roles {
			if v := app.ID + "/" + role.ID; !has[v] {
				p.RoleOptions = append(p.RoleOptions, roleOption{v, app.DisplayName + " – " + role.DisplayName})
			}
		}
	}
	for _, as := range as {
		row := assignmentRow{ID: as.ID, AppName: as.ResourceID, RoleName: "Default access"}
		if app := byID[as.ResourceID]; app != nil {
			row.AppName = app.DisplayName
			for _, role := range app.AppRoles {
				if role.ID == as.AppRoleID {
					row.RoleName = role.DisplayName
				}
			}
		}
		p.Assignments = append(p.Assignments, row)
	}
	u.render(w, r, http.StatusOK, "user", p)
	return nil
}

func (u *UI) setEnabled(w http.ResponseWriter, r *http.Request, a *adminReq, enabled bool) error {
	user, err := u.svc.UpdateUser(a.ctx, a.tenant.ID, r.PathValue("user"), directory.UserPatch{AccountEnabled: &enabled})
	if err != nil {
		return err
	}
	verb := "Disabled"
	if enabled {
		verb = "Enabled"
	}
	return u.redirect(w, r, a.url("users", user.ID), verb+" "+user.DisplayName+".")
}

func (u *UI) enableUser(w http.ResponseWriter, r *http.Request, a *adminReq) error {
	return u.setEnabled(w, r, a, true)
}

func (u *UI) disableUser(w http.ResponseWriter, r *http.Request, a *adminReq) error {
	return u.setEnabled(w, r, a, false)
}

// revokeSessions is Graph's revokeSignInSessions from the user's page:
// every session and API token of the user issued until now ends for good.
func (u *UI) revokeSessions(w http.ResponseWriter, r *http.Request, a *adminReq) error {
	id := r.PathValue("user")
	if err := u.svc.RevokeSignInSessions(a.ctx, a.tenant.ID, id); err != nil {
		return err
	}
	user, err := u.svc.GetUser(a.ctx, a.tenant.ID, id)
	if err != nil {
		return err
	}
	return u.redirect(w, r, a.url("users", user.ID), "Revoked every session of "+user.DisplayName+": they sign in again.")
}

type deleteUserPage struct {
	Page
	User          *directory.User
	RetentionDays int
}

// deleteUserConfirm asks before moving a user to Deleted users.
func (u *UI) deleteUserConfirm(w http.ResponseWriter, r *http.Request, a *adminReq) error {
	user, err := u.svc.GetUser(a.ctx, a.tenant.ID, r.PathValue("user"))
	if err != nil {
		return err
	}
	p := deleteUserPage{Page: u.adminBase(w, r, a, "Delete "+user.DisplayName+"?", "users"), User: user, RetentionDays: a.tenant.Settings.RetentionDays}
	u.render(w, r, http.StatusOK, "user_delete", p)
	return nil
}

func (u *UI) deleteUser(w http.ResponseWriter, r *http.Request, a *adminReq) error {
	user, err := u.svc.GetUser(a.ctx, a.tenant.ID, r.PathValue("user"))
	if err != nil {
		return err
	}
	if err := u.svc.DeleteUser(a.ctx, a.tenant.ID, user.ID); err != nil {
		return err
	}
	return u.redirect(w, r, a.url("users"), "Deleted "+user.DisplayName+". You can restore them from Deleted users.")
}

func (u *UI) resetPassword(w http.ResponseWriter, r *http.Request, a *adminReq) error {
	uid := r.PathValue("user")
	if err := u.svc.SetPassword(a.ctx, a.tenant.ID, uid, r.PostForm.Get("password")); err != nil {
		return err
	}
	return u.redirect(w, r, a.url("users", uid), "The password was reset.")
}

func (u *UI) userAddGroup(w http.ResponseWriter, r *http.Request, a *adminReq) error {
	uid := r.PathValue("user")
	gid := r.PostForm.Get("group")
	if gid == "" {
		return directory.Invalidf("group", "choose a group")
	}
	if err := u.svc.AddGroupMember(a.ctx, a.tenant.ID, gid, uid); err != nil {
		return err
	}
	return u.redirect(w, r, a.url("users", uid), "Added to the group.")
}

func (u *UI) userRemoveGroup(w http.ResponseWriter, r *http.Request, a *adminReq) error {
	uid := r.PathValue("user")
	if err := u.svc.RemoveGroupMember(a.ctx, a.tenant.ID, r.PathValue("group"), uid); err != nil {
		return err
	}
	return u.redirect(w, r, a.url("users", uid), "Removed from the group.")
}

func (u *UI) userAssignRole(w http.ResponseWriter, r *http.Request, a *adminReq) error {
	uid := r.PathValue("user")
	appID, roleID, ok := strings.Cut(r.PostForm.Get("approle"), "/")
	if !ok {
		return directory.Invalidf("approle", "choose an application role")
	}
	if _, err := u.svc.AssignAppRole(a.ctx, a.tenant.ID, uid, appID, roleID); err != nil {
		return err
	}
	return u.redirect(w, r, a.url("users", uid), "Assigned the app role.")
}

func (u *UI) userRemoveRole(w http.ResponseWriter, r *http.Request, a *adminReq) error {
	uid := r.PathValue("user")
	if err := u.svc.RemoveAppRoleAssignment(a.ctx, a.tenant.ID, uid, r.PathValue("assignment")); err != nil {
		return err
	}
	return u.redirect(w, r, a.url("users", uid), "Removed the app role assignment.")
}
