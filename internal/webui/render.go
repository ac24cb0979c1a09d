package webui

import (
	"bytes"
	"net/http"

	"github.com/orgdir/orgdir/internal/directory"
)

// Page is what every page's data starts with: the layout reads it.
type Page struct {
	Title    string
	Product  string
	Flash    string
	CSRF     string
	SignedIn bool
	Name     string // the signed-in person, for the name menu
	// AdminLink shows the admin portal in the navigation: the person
	// administers an organization the session is signed in to.
	AdminLink bool
	Admin     *AdminNav // set on admin portal pages
	Section   string    // the highlighted navigation entry
}

// AdminNav is the admin portal's navigation for one tenant.
type AdminNav struct {
	TenantID   string
	TenantName string
	Global     bool // a Global Administrator: the pages only they may use are linked
}

// base fills the common part of a page; it consumes the flash message.
func (u *UI) base(w http.ResponseWriter, r *http.Request, title string) Page {
	st := state(r)
	p := Page{
		Title:    title,
		Product:  u.product,
		Flash:    u.cookies.TakeFlash(w, r),
		CSRF:     u.csrfToken(st),
		SignedIn: st.sess != nil,
	}
	if p.SignedIn {
		admins, err := u.adminTenants(r)
		if err != nil {
			// Only the link is at stake: the page itself still renders.
			u.log.Warn("webui: could not tell whether to show the admin portal", "err", err)
		}
		p.AdminLink = len(admins) > 0
		if me, err := u.me(r); err == nil {
			p.Name = me.Name
		}
	}
	return p
}

// render executes a page into a buffer first, so a template error becomes
// a clean 500 rather than half a page.
func (u *UI) render(w http.ResponseWriter, r *http.Request, status int, name string, data any) {
	t, ok := u.pages[name]
	if !ok {
		u.log.Error("webui: no such page template", "page", name)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", data); err != nil {
		u.log.Error("webui: rendering failed", "page", name, "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

type errorPage struct {
	Page
	Heading string
	Message string
	Contact *directory.Contact
	Back    string // where the "Back" link goes
	SignOut bool   // offer to sign out, to sign in with another account
}

// kindPage is how the web UI answers an error kind.
type kindPage struct {
	status  int
	heading string
	back    string // where "Back" leads, when not the page before
}

// kindPages maps every error kind of the domain, once (a test walks
// directory.Kinds); KindInternal is the generic page.
var kindPages = map[directory.Kind]kindPage{
	directory.KindInvalid:                {http.StatusBadRequest, "Check what you entered", ""},
	directory.KindNotFound:               {http.StatusNotFound, "Not found", ""},
	directory.KindConflict:               {http.StatusConflict, "That clashes with something that exists", ""},
	directory.KindRestoreClash:           {http.StatusConflict, "That clashes with something that exists", ""},
	directory.KindUnauthenticated:        {http.StatusUnauthorized, "Sign in again", ""},
	directory.KindForbidden:              {http.StatusForbidden, "You don't have access", ""},
	directory.KindRateLimited:            {http.StatusTooManyRequests, "Too many attempts", ""},
	directory.KindAccountDisabled:        {http.StatusForbidden, "Your account is disabled", ""},
	directory.KindInvitationExpired:      {http.StatusGone, "This invitation can't be used", ""},
	directory.KindInvitationUsed:         {http.StatusGone, "This invitation can't be used", ""},
	directory.KindInvitationSuperseded:   {http.StatusGone, "This invitation can't be used", ""},
	directory.KindInvitationOtherAddress: {http.StatusForbidden, "This invitation is for another address", ""},
	directory.KindAppSignInRefused:       {http.StatusForbidden, "You can't sign in to this app", ""},
	directory.KindLeaveHomeOrganization:  {http.StatusForbidden, leaveRefused, "/myaccount/organizations"},
	directory.KindLeaveNotGuest:          {http.StatusForbidden, leaveRefused, "/myaccount/organizations"},
	directory.KindLeavePolicyOff:         {http.StatusForbidden, leaveRefused, "/myaccount/organizations"},
	directory.KindLeaveDisabledAtHome:    {http.StatusForbidden, leaveRefused, "/myaccount/organizations"},
	directory.KindLeaveDisabledInTenant:  {http.StatusForbidden, leaveRefused, "/myaccount/organizations"},
}

const leaveRefused = "You can't leave this organization yourself"

// fail turns an error into its page: sign-in for Unauthenticated, 403, 404,
// the refusals with the organization's contact, and a generic 500 (logged
// with its cause) for anything unexpected.
func (u *UI) fail(w http.ResponseWriter, r *http.Request, err error) {
	e := directory.AsError(err)
	p := errorPage{Page: u.base(w, r, "Error"), Message: e.Message, Contact: e.Contact, Back: backLink(r)}
	if e.Kind == directory.KindUnauthenticated && r.Method == http.MethodGet && state(r).sess == nil {
		http.Redirect(w, r, "/signin?next="+urlQuery(r.URL.RequestURI()), http.StatusSeeOther)
		return
	}
	kp, ok := kindPages[e.Kind]
	if !ok {
		// The path is not logged: it may name a person.
		u.log.Error("webui: request failed", "method", r.Method, "route", r.Pattern, "err", err)
		kp = kindPage{http.StatusInternalServerError, "Something went wrong", ""}
		p.Message = "Something went wrong on our side. Try again in a moment."
	}
	status := kp.status
	p.Heading = kp.heading
	if kp.back != "" {
		p.Back = kp.back
	}
	p.SignOut = e.Kind == directory.KindInvitationOtherAddress
	if e.Kind == directory.KindRateLimited {
		w.Header().Set("Retry-After", "60")
		setRetryAfter(w, e)
	}
	p.Title = p.Heading
	u.render(w, r, status, "error", p)
}
