package webui

import (
	"net/http"

	"github.com/orgdir/orgdir/internal/directory"
)

// orgRow is one organization on the Organizations page.
type orgRow struct {
	TenantID string
	UserID   string // the person's user object there
	Name     string
	Domain   string
	Home     bool
	// SignedIn: the session is signed in to it: Leave, else "Sign in to
	// leave organization" — except for a disabled account, which cannot
	// sign in and whose Leave explains the refusal, as in Entra.
	SignedIn bool
	Enabled  bool
	Contact  *directory.Contact
}

type organizationsPage struct {
	Page
	Me     *person
	Home   []orgRow
	Others []orgRow
}

func (u *UI) orgRows(r *http.Request) (home, others []orgRow, err error) {
	orgs, err := u.svc.Organizations(homeCtx(r))
	if err != nil {
		return nil, nil, err
	}
	s := state(r).sess
	for _, o := range orgs {
		row := orgRow{TenantID: o.Tenant.ID, Name: o.Tenant.DisplayName, Domain: o.Tenant.InitialDomain,
			Home: o.Home, SignedIn: s.SignedInTo(o.Tenant.ID), Contact: o.Tenant.Contact()}
		if o.User != nil {
			row.UserID, row.Enabled = o.User.ID, o.User.AccountEnabled
		}
		if o.Home {
			home = append(home, row)
		} else {
			others = append(others, row)
		}
	}
	return home, others, nil
}

// organizations lists the Home organization first (no Leave), then the
// others, as Entra's My Account does.
func (u *UI) organizations(w http.ResponseWriter, r *http.Request) error {
	me, err := u.me(r)
	if err != nil {
		return err
	}
	home, others, err := u.orgRows(r)
	if err != nil {
		return err
	}
	p := organizationsPage{Page: u.base(w, r, "Organizations"), Me: me, Home: home, Others: others}
	p.Section = "organizations"
	u.render(w, r, http.StatusOK, "organizations", p)
	return nil
}

// findOrg returns the person's organization tenantID, or KindNotFound.
func (u *UI) findOrg(r *http.Request, tenantID string) (*directory.Organization, error) {
	orgs, err := u.svc.Organizations(homeCtx(r))
	if err != nil {
		return nil, err
	}
	for _, o := range orgs {
		if o.Tenant.ID == tenantID {
			return &o, nil
		}
	}
	return nil, directory.Errorf(directory.KindNotFound, "You don't belong to this organization (any more).")
}

// signInToTenant signs the session in to a tenant where the person is a
// guest, then comes back to the Organizations page.
func (u *UI) signInToTenant(w http.ResponseWriter, r *http.Request) error {
	tid := r.PathValue("tenant")
	if err := u.svc.AddSessionTenant(homeCtx(r), state(r).sess, tid); err != nil {
		return err
	}
	name := "the organization"
	if o, err := u.findOrg(r, tid); err == nil {
		name = o.Tenant.DisplayName
	}
	back := "/myaccount/organizations"
	if next := r.PostForm.Get("next"); next != "" {
		back = safeNext(next) // from My Apps: back to its tiles
	}
	return u.redirect(w, r, back, "You are signed in to "+name+".")
}

type leavePage struct {
	Page
	Org orgRow
}

// leaveConfirm asks to confirm, warning what leaving deletes.
func (u *UI) leaveConfirm(w http.ResponseWriter, r *http.Request) error {
	o, err := u.findOrg(r, r.PathValue("tenant"))
	if err != nil {
		return err
	}
	if o.Home {
		return directory.Errorf(directory.KindLeaveHomeOrganization, "%s is your home organization; you can't leave it here", o.Tenant.DisplayName)
	}
	if !state(r).sess.SignedInTo(o.Tenant.ID) && u.svc.LeaveRefusal(homeCtx(r), o.Tenant.ID) == nil {
		return u.redirect(w, r, "/myaccount/organizations", "Sign in to "+o.Tenant.DisplayName+" first: use “Sign in to leave organization”.")
	}
	p := leavePage{Page: u.base(w, r, "Leave "+o.Tenant.DisplayName+"?"),
		Org: orgRow{TenantID: o.Tenant.ID, Name: o.Tenant.DisplayName, Domain: o.Tenant.InitialDomain, Home: o.Home, Contact: o.Tenant.Contact()}}
	p.Section = "organizations"
	u.render(w, r, http.StatusOK, "leave", p)
	return nil
}

// leave leaves the organization; the domain decides whether that is
// allowed and says why not.
func (u *UI) leave(w http.ResponseWriter, r *http.Request) error {
	s := state(r).sess
	tid := r.PathValue("tenant")
	name := "the organization"
	if o, err := u.findOrg(r, tid); err == nil {
		name = o.Tenant.DisplayName
		if !o.Home && !s.SignedInTo(tid) {
			// A refusal needs no sign-in: say it at once, with whom to ask.
			if err := u.svc.LeaveRefusal(homeCtx(r), tid); err != nil {
				return err
			}
			return u.redirect(w, r, "/myaccount/organizations", "Sign in to "+name+" first: use “Sign in to leave organization”.")
		}
	}
	// The domain decides, whatever the lookup above found: a person
	// disabled at home cannot even list organizations, but must still get
	// the refusal with whom to contact.
	if err := u.svc.Leave(homeCtx(r), tid); err != nil {
		return err
	}
	if err := u.svc.RemoveSessionTenant(homeCtx(r), s, tid); err != nil {
		return err
	}
	return u.redirect(w, r, "/myaccount/organizations/left", "You have left "+name+".")
}

type leftPage struct {
	Page
}

func (u *UI) leftPage(w http.ResponseWriter, r *http.Request) error {
	p := leftPage{Page: u.base(w, r, "You have left the organization")}
	p.Section = "organizations"
	u.render(w, r, http.StatusOK, "left", p)
	return nil
}
