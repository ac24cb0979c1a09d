package webui

import (
	"net/http"
	"strings"
	"time"

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
	App       *directory.Application
	Roles     []directory.AppRole
	Platforms []platformURIs
	Assignees []directory.AppAssignee
	Error     string
	// NewSecret is a client secret just added: shown this once.
	NewSecret string
	NewHint   string
	done      string // a success message shown on this very page
}

// platformURIs is one platform's redirect URIs on the page.
type platformURIs struct {
	Name, Label string
	URIs        []string
}

var platformLabels = map[string]string{directory.PlatformWeb: "Web", directory.PlatformSPA: "Single-page application",
	directory.PlatformPublicClient: "Mobile and desktop (public client)"}

func (u *UI) appPage(w http.ResponseWriter, r *http.Request, a *adminReq) error {
	return u.showApp(w, r, a, http.StatusOK, appPage{})
}

// showApp renders an application's page with status, and p's error or
// new secret.
func (u *UI) showApp(w http.ResponseWriter, r *http.Request, a *adminReq, status int, p appPage) error {
	app, err := u.svc.GetApplication(a.ctx, a.tenant.ID, r.PathValue("app"))
	if err != nil {
		return err
	}
	roles := app.AppRoles
	if len(roles) == 0 {
		roles = []directory.AppRole{{ID: directory.DefaultAppRoleID, DisplayName: "Default access"}}
	}
	if p.Assignees, err = u.svc.ListAppAssignees(a.ctx, a.tenant.ID, app.ID); err != nil {
		return err
	}
	for _, pl := range directory.Platforms {
		uris := map[string][]string{directory.PlatformWeb: app.WebRedirectURIs, directory.PlatformSPA: app.SPARedirectURIs,
			directory.PlatformPublicClient: app.PublicClientRedirectURIs}[pl]
		p.Platforms = append(p.Platforms, platformURIs{Name: pl, Label: platformLabels[pl], URIs: uris})
	}
	p.Page, p.App, p.Roles = u.adminBase(w, r, a, app.DisplayName, "apps"), app, roles
	if p.done != "" {
		p.Flash = p.done
	}
	u.render(w, r, status, "app", p)
	return nil
}

// appFormError re-renders the app page for a refusal the person can fix
// (bad input, a clash, something already gone), else passes err on.
func (u *UI) appFormError(w http.ResponseWriter, r *http.Request, a *adminReq, err error) error {
	switch directory.KindOf(err) {
	case directory.KindInvalid, directory.KindConflict:
		return u.showApp(w, r, a, http.StatusBadRequest, appPage{Error: inFormTerms(err, appFieldLabels)})
	case directory.KindNotFound:
		if _, gerr := u.svc.GetApplication(a.ctx, a.tenant.ID, r.PathValue("app")); gerr == nil {
			return u.showApp(w, r, a, http.StatusNotFound, appPage{Error: directory.AsError(err).Message})
		}
	}
	return err
}

var appFieldLabels = map[string]string{
	"web.redirectUris": "The redirect URI", "spa.redirectUris": "The redirect URI", "publicClient.redirectUris": "The redirect URI",
	"web.homePageUrl": "The home page URL", "passwordCredential.displayName": "The description", "platform": "The platform",
}

func (u *UI) appAddRedirectURI(w http.ResponseWriter, r *http.Request, a *adminReq) error {
	appID := r.PathValue("app")
	if _, err := u.svc.AddRedirectURI(a.ctx, a.tenant.ID, appID, r.PostForm.Get("platform"), r.PostForm.Get("uri")); err != nil {
		return u.appFormError(w, r, a, err)
	}
	return u.redirect(w, r, a.url("apps", appID), "Added the redirect URI.")
}

func (u *UI) appRemoveRedirectURI(w http.ResponseWriter, r *http.Request, a *adminReq) error {
	appID := r.PathValue("app")
	if _, err := u.svc.RemoveRedirectURI(a.ctx, a.tenant.ID, appID, r.PostForm.Get("platform"), r.PostForm.Get("uri")); err != nil {
		return u.appFormError(w, r, a, err)
	}
	return u.redirect(w, r, a.url("apps", appID), "Removed the redirect URI.")
}

func (u *UI) appSetHomePage(w http.ResponseWriter, r *http.Request, a *adminReq) error {
	appID := r.PathValue("app")
	home := r.PostForm.Get("homePageUrl")
	if _, err := u.svc.UpdateApplication(a.ctx, a.tenant.ID, appID, directory.ApplicationPatch{WebHomePageURL: &home}); err != nil {
		return u.appFormError(w, r, a, err)
	}
	return u.redirect(w, r, a.url("apps", appID), "Saved the home page URL.")
}

func (u *UI) appSetAssignmentRequired(w http.ResponseWriter, r *http.Request, a *adminReq) error {
	appID := r.PathValue("app")
	req := r.PostForm.Get("required") == "on"
	if _, err := u.svc.UpdateApplication(a.ctx, a.tenant.ID, appID, directory.ApplicationPatch{AppRoleAssignmentRequired: &req}); err != nil {
		return u.appFormError(w, r, a, err)
	}
	msg := "Anyone in the organization may now sign in to the app."
	if req {
		msg = "Only assigned users may now sign in to the app."
	}
	return u.redirect(w, r, a.url("apps", appID), msg)
}

// appAddSecret adds a client secret and shows it on the page it answers
// with, never in a redirect or a cookie: this is the one time it is seen.
func (u *UI) appAddSecret(w http.ResponseWriter, r *http.Request, a *adminReq) error {
	secret, cred, err := u.svc.AddApplicationPassword(a.ctx, a.tenant.ID, r.PathValue("app"), strings.TrimSpace(r.PostForm.Get("displayName")), time.Time{})
	if err != nil {
		return u.appFormError(w, r, a, err)
	}
	p := appPage{NewSecret: secret, NewHint: cred.Hint, done: "Added a client secret; copy it now."}
	return u.showApp(w, r, a, http.StatusOK, p)
}

func (u *UI) appRemoveSecret(w http.ResponseWriter, r *http.Request, a *adminReq) error {
	appID := r.PathValue("app")
	if err := u.svc.RemoveApplicationPassword(a.ctx, a.tenant.ID, appID, r.PathValue("key")); err != nil {
		return u.appFormError(w, r, a, err)
	}
	return u.redirect(w, r, a.url("apps", appID), "Removed the client secret.")
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
