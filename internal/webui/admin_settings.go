package webui

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/orgdir/orgdir/internal/directory"
)

type settingsPage struct {
	Page
	Tenant *directory.Tenant
	Form   directory.TenantSettings
	Name   string
	Retain string
	// TokenMinutes is the access token lifetime as typed.
	TokenMinutes string
	Error        string
}

func (u *UI) settingsPage(w http.ResponseWriter, r *http.Request, a *adminReq) error {
	p := settingsPage{Page: u.adminBase(w, r, a, "Tenant settings", "settings"), Tenant: a.tenant, Form: a.tenant.Settings,
		Name: a.tenant.DisplayName, Retain: strconv.Itoa(a.tenant.Settings.RetentionDays),
		TokenMinutes: strconv.Itoa(a.tenant.Settings.AccessTokenMinutes)}
	u.render(w, r, http.StatusOK, "settings", p)
	return nil
}

// saveSettings changes the name, the leave policy, the privacy contact and
// the retention; the domain checks each value.
func (u *UI) saveSettings(w http.ResponseWriter, r *http.Request, a *adminReq) error {
	f := r.PostForm
	name := strings.TrimSpace(f.Get("displayName"))
	allow := f.Get("allowLeave") == "on"
	mail := strings.TrimSpace(f.Get("contactEmail"))
	stmt := strings.TrimSpace(f.Get("statementUrl"))
	retain := strings.TrimSpace(f.Get("retentionDays"))
	tokens := strings.TrimSpace(f.Get("accessTokenMinutes"))
	p := settingsPage{Page: u.adminBase(w, r, a, "Tenant settings", "settings"), Tenant: a.tenant, Name: name, Retain: retain, TokenMinutes: tokens,
		Form: directory.TenantSettings{AllowExternalUsersToLeave: allow, PrivacyContactEmail: mail, PrivacyStatementURL: stmt}}
	days, err := strconv.Atoi(retain)
	if err != nil {
		p.Error = "Retention days must be a whole number of days."
		u.render(w, r, http.StatusBadRequest, "settings", p)
		return nil
	}
	patch := directory.TenantPatch{
		DisplayName: &name, AllowExternalUsersToLeave: &allow, PrivacyContactEmail: &mail, PrivacyStatementURL: &stmt, RetentionDays: &days,
	}
	// A form without the field (an older page still open) keeps the
	// lifetime as it is.
	if tokens != "" {
		minutes, err := strconv.Atoi(tokens)
		if err != nil {
			p.Error = "The token lifetime must be a whole number of minutes."
			u.render(w, r, http.StatusBadRequest, "settings", p)
			return nil
		}
		patch.AccessTokenMinutes = &minutes
	}
	_, err = u.svc.UpdateTenant(a.ctx, a.tenant.ID, patch)
	if directory.IsKind(err, directory.KindInvalid) {
		p.Error = inFormTerms(err, map[string]string{
			"displayName":                  "The organization name",
			"privacyContactEmail":          "The privacy contact e-mail",
			"privacyStatementUrl":          "The privacy statement URL",
			"retentionDays":                "The days a deleted user can be restored",
			"accessTokenLifetimeInMinutes": "The token lifetime",
		})
		u.render(w, r, http.StatusBadRequest, "settings", p)
		return nil
	}
	if err != nil {
		return err
	}
	return u.redirect(w, r, a.url("settings"), "Saved the settings.")
}
