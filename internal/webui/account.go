package webui

import (
	"net/http"

	"github.com/orgdir/orgdir/internal/directory"
	"github.com/orgdir/orgdir/internal/export"
)

// person is who is signed in, as the pages show them.
type person struct {
	Name     string
	UPN      string
	Mail     string
	HomeName string // the home organization's name; "" for e-mail identities
	Email    string // for e-mail identities
}

// me loads the signed-in person for display.
func (u *UI) me(r *http.Request) (*person, error) {
	s := state(r).sess
	ctx := homeCtx(r)
	if s.HomeUserID != "" {
		user, err := u.svc.GetUser(ctx, s.HomeTenantID, s.HomeUserID)
		if err != nil {
			return nil, err
		}
		p := &person{Name: user.DisplayName, UPN: user.UserPrincipalName, Mail: user.Mail}
		if t, err := u.svc.GetTenant(ctx, s.HomeTenantID); err == nil {
			p.HomeName = t.DisplayName
		}
		return p, nil
	}
	id, err := u.svc.MyEmailIdentity(homeCtx(r))
	if err != nil {
		return nil, err
	}
	return &person{Name: id.Email, Email: id.Email}, nil
}

type profilePage struct {
	Page
	Me *person
}

func (u *UI) profile(w http.ResponseWriter, r *http.Request) error {
	me, err := u.me(r)
	if err != nil {
		return err
	}
	p := profilePage{Page: u.base(w, r, "My Account"), Me: me}
	p.Section = "profile"
	u.render(w, r, http.StatusOK, "profile", p)
	return nil
}

// downloadData sends everything orgdir holds about the person, across
// every tenant, as a JSON attachment: the document of the API's
// /me/exportPersonalData.
func (u *UI) downloadData(w http.ResponseWriter, r *http.Request) error {
	data, err := u.svc.ExportMyData(homeCtx(r))
	if err != nil {
		return err
	}
	return u.sendExport(w, "my-data.json", data)
}

// sendExport sends an export (internal/export) as a JSON file to save: a
// download, never a page, and never kept in a cache. name must be a plain
// file name.
func (u *UI) sendExport(w http.ResponseWriter, name string, d *directory.PersonalData) error {
	body, err := export.PersonalDataJSONIndent(d, u.baseURL)
	if err != nil {
		return directory.Internal(err)
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	w.Header().Set("Cache-Control", "no-store")
	_, _ = w.Write(body)
	return nil
}
