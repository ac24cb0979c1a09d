package webui

import (
	"context"
	"net/http"
	"strings"

	"github.com/orgdir/orgdir/internal/directory"
)

// adminReq is one admin portal request: the tenant, and the context that
// acts as the signed-in person's user object in it.
type adminReq struct {
	ctx    context.Context
	tenant *directory.Tenant
	userID string // the acting admin
	nav    *AdminNav
}

type adminHandler func(w http.ResponseWriter, r *http.Request, a *adminReq) error

var errNotAdmin = directory.Errorf(directory.KindForbidden,
	"The admin portal is for this organization's Global Administrators and User Administrators.")

// actingUser returns the person's user object in tenantID, if the session
// is signed in to it.
func (u *UI) actingUser(r *http.Request, tenantID string) (string, error) {
	s := state(r).sess
	if !s.SignedInTo(tenantID) {
		return "", errNotAdmin
	}
	if s.HomeTenantID == tenantID {
		return s.HomeUserID, nil
	}
	o, err := u.findOrg(r, tenantID)
	if err != nil || o.User == nil {
		return "", errNotAdmin
	}
	return o.User.ID, nil
}

// isAdmin reports whether the actor of ctx administers tenantID (Global or
// User Administrator), as the domain decides.
func (u *UI) isAdmin(ctx context.Context, tenantID string) (bool, error) {
	c, err := u.svc.Capabilities(ctx, tenantID)
	return c.Admin(), err
}

// adminTenants lists the organizations the session is signed in to where
// the person is an administrator: the ones the admin portal serves. It is
// worked out once per request (the layout asks on every page whether to
// show the portal's link).
func (u *UI) adminTenants(r *http.Request) ([]orgRow, error) {
	st := state(r)
	if st.sess == nil {
		return nil, nil
	}
	if st.adminsKnown {
		return st.admins, nil
	}
	home, others, err := u.orgRows(r)
	if err != nil {
		return nil, err
	}
	var rows []orgRow
	for _, o := range append(home, others...) {
		if !o.SignedIn || o.UserID == "" || !o.Enabled {
			continue
		}
		ok, err := u.isAdmin(actorCtx(r, directory.UserActor(o.TenantID, o.UserID)), o.TenantID)
		if err != nil {
			return nil, err
		}
		if ok {
			rows = append(rows, o)
		}
	}
	st.admins, st.adminsKnown = rows, true
	return rows, nil
}

// admin lets only the tenant's Global and User Administrators in; everyone
// else gets the 403 page. The domain still authorizes every operation: this
// gate only keeps the portal's pages from people who can use none of them.
func (u *UI) admin(h adminHandler) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		tid := r.PathValue("tenant")
		uid, err := u.actingUser(r, tid)
		if err != nil {
			return err
		}
		ctx := actorCtx(r, directory.UserActor(tid, uid))
		caps, err := u.svc.Capabilities(ctx, tid)
		if err != nil {
			return err
		}
		if !caps.Admin() {
			return errNotAdmin
		}
		t, err := u.svc.GetTenant(ctx, tid)
		if err != nil {
			return err
		}
		nav := &AdminNav{TenantID: t.ID, TenantName: t.DisplayName, Global: caps.Settings}
		return h(w, r, &adminReq{ctx: ctx, tenant: t, userID: uid, nav: nav})
	}
}

// adminBase is the common part of an admin page.
func (u *UI) adminBase(w http.ResponseWriter, r *http.Request, a *adminReq, title, section string) Page {
	p := u.base(w, r, title+" – "+a.tenant.DisplayName)
	p.Admin = a.nav
	p.Section = section
	return p
}

// formUser finds the user a form's "user" field names by user name or id;
// purpose ends the message asking for one ("enter ... the user to add").
func (u *UI) formUser(r *http.Request, a *adminReq, purpose string) (*directory.User, error) {
	name := strings.TrimSpace(r.PostForm.Get("user"))
	if name == "" {
		return nil, directory.Invalidf("user", "enter the user name of the user to %s", purpose)
	}
	return u.svc.GetUser(a.ctx, a.tenant.ID, name)
}

type adminHomePage struct {
	Page
	Tenants []orgRow
}

// adminHome lists the organizations the person administers, of those
// the session is signed in to; with only one it goes straight there, with
// none it is the 403 page.
func (u *UI) adminHome(w http.ResponseWriter, r *http.Request) error {
	rows, err := u.adminTenants(r)
	if err != nil {
		return err
	}
	switch len(rows) {
	case 0:
		return errNotAdmin
	case 1:
		http.Redirect(w, r, "/admin/"+rows[0].TenantID, http.StatusSeeOther)
		return nil
	}
	p := adminHomePage{Page: u.base(w, r, "Admin portal"), Tenants: rows}
	p.Section = "admin"
	u.render(w, r, http.StatusOK, "admin_home", p)
	return nil
}

// adminURL builds a path inside the tenant's portal.
func (a *adminReq) url(parts ...string) string {
	p := "/admin/" + a.tenant.ID
	for _, s := range parts {
		p += "/" + s
	}
	return p
}
