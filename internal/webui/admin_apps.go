package webui

import (
	"net/http"
	"strings"

	"github.com/orgdir/orgdir/internal/directory"
)

type appsPage struct {
	Page
	Apps  []*directory.Application
	Error string
	Form  struct{ Name, Roles string }
}

func (u *UI) apps(w http.ResponseWriter, r *http.Request, a *adminReq) error {
	return u.showApps(w, r, a, http.StatusOK, appsPage{})
}

// showApps renders the tenant's applications with status, and p's error
// and form when a create was refused.
func (u *UI) showApps(w http.ResponseWriter, r *http.Request, a *adminReq, status int, p appsPage) error {
	list, err := u.svc.ListApplications(a.ctx, a.tenant.ID, directory.Page{Limit: directory.MaxPageSize})
	if err != nil {
		return err
	}
	p.Page, p.Apps = u.adminBase(w, r, a, "Applications", "apps"), list
	u.render(w, r, status, "apps", p)
	return nil
}

// parseRoles reads one role per line, "Display name" or "Display name = value".
func parseRoles(text string) []directory.AppRole {
	var roles []directory.AppRole
	for line := range strings.SplitSeq(text, "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		name, value, ok := strings.Cut(line, "=")
		name, value = strings.TrimSpace(name), strings.TrimSpace(value)
		if !ok || value == "" {
			value = strings.ReplaceAll(name, " ", ".")
		}
		roles = append(roles, directory.AppRole{ID: directory.NewID(), DisplayName: name, Value: value})
	}
	return roles
}

func (u *UI) createApp(w http.ResponseWriter, r *http.Request, a *adminReq) error {
	name := strings.TrimSpace(r.PostForm.Get("displayName"))
	rolesText := r.PostForm.Get("roles")
	app, err := u.svc.CreateApplication(a.ctx, a.tenant.ID, name, parseRoles(rolesText))
	if k := directory.KindOf(err); k == directory.KindInvalid || k == directory.KindConflict {
		p := appsPage{Error: inFormTerms(err, map[string]string{"displayName": "The name"})}
		p.Form.Name, p.Form.Roles = name, rolesText
		return u.showApps(w, r, a, http.StatusBadRequest, p)
	}
	if err != nil {
		return err
	}
	return u.redirect(w, r, a.url("apps", app.ID), "Created the application "+app.DisplayName+".")
}

type appPage struct {
	Page
	App   *directory.Application
	Roles []directory.AppRole
}

func (u *UI) appPage(w http.ResponseWriter, r *http.Request, a *adminReq) error {
	app, err := u.svc.GetApplication(a.ctx, a.tenant.ID, r.PathValue("app"))
	if err != nil {
		return err
	}
	roles := app.AppRoles
	if len(roles) == 0 {
		roles = []directory.AppRole{{ID: directory.DefaultAppRoleID, DisplayName: "Default access"}}
	}
	u.render(w, r, http.StatusOK, "app", appPage{Page: u.adminBase(w, r, a, app.DisplayName, "apps"), App: app, Roles: roles})
	return nil
}

// appAssign assigns one of the app's roles to a user named by user name.
func (u *UI) appAssign(w http.ResponseWriter, r *http.Request, a *adminReq) error {
	appID := r.PathValue("app")
	user, err := u.formUser(r, a, "assign")
	if err != nil {
		return err
	}
	if _, err := u.svc.AssignAppRole(a.ctx, a.tenant.ID, user.ID, appID, r.PostForm.Get("role")); err != nil {
		return err
	}
	return u.redirect(w, r, a.url("apps", appID), "Assigned the role to "+user.DisplayName+".")
}
