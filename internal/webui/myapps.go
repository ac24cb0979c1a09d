package webui

import (
	"net/http"

	"github.com/orgdir/orgdir/internal/directory"
)

// myAppsPage is My Apps: the tiles of one tenant and the switcher to the
// person's other organizations.
type myAppsPage struct {
	Page
	Tenant   orgRow
	SignedIn bool // the session is signed in to Tenant
	Orgs     []orgRow
	Apps     []directory.MyApp
}

// myApps shows the apps the person is assigned to in the tenant chosen by
// ?tenant= (default: home, else the first organization). A tenant the
// session is not signed in to offers to sign in first, as Organizations.
func (u *UI) myApps(w http.ResponseWriter, r *http.Request) error {
	home, others, err := u.orgRows(r)
	if err != nil {
		return err
	}
	orgs := append(home, others...)
	p := myAppsPage{Page: u.base(w, r, "My Apps"), Orgs: orgs}
	p.Section = "myapps"
	want := r.URL.Query().Get("tenant")
	found := false
	for _, o := range orgs {
		if want == "" && o.SignedIn || o.TenantID == want {
			p.Tenant, found = o, true
			break
		}
	}
	if !found {
		if want != "" {
			return directory.Errorf(directory.KindNotFound, "You don't belong to this organization (any more).")
		}
		u.render(w, r, http.StatusOK, "myapps", p)
		return nil
	}
	p.SignedIn = state(r).sess.SignedInTo(p.Tenant.TenantID)
	if p.SignedIn {
		if p.Apps, err = u.svc.MyApps(homeCtx(r), p.Tenant.TenantID); err != nil {
			return err
		}
	}
	u.render(w, r, http.StatusOK, "myapps", p)
	return nil
}
