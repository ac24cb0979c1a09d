package webui

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/orgdir/orgdir/internal/directory"
)

var notFoundPage = directory.Errorf(directory.KindNotFound, "There is no page at this address.")

// home sends people to My Account, or to sign in.
func (u *UI) home(w http.ResponseWriter, r *http.Request) error {
	if state(r).sess == nil {
		http.Redirect(w, r, "/signin", http.StatusSeeOther)
		return nil
	}
	http.Redirect(w, r, "/myaccount", http.StatusSeeOther)
	return nil
}

type signinPage struct {
	Page
	Next    string
	UPN     string
	Email   string
	Error   string
	Contact *directory.Contact // whom to ask, when the account is disabled
}

func (u *UI) signinPage(w http.ResponseWriter, r *http.Request) error {
	// login_hint comes from an app's authorization request (OpenID
	// Connect): it only fills the user name in.
	hint := r.URL.Query().Get("login_hint")
	if len(hint) > 256 {
		hint = ""
	}
	p := signinPage{Page: u.base(w, r, "Sign in"), Next: r.URL.Query().Get("next"), UPN: hint}
	u.render(w, r, http.StatusOK, "signin", p)
	return nil
}

// signinPassword signs a member in with their user name and password.
func (u *UI) signinPassword(w http.ResponseWriter, r *http.Request) error {
	upn := strings.TrimSpace(r.PostForm.Get("username"))
	pw := r.PostForm.Get("password")
	next := r.PostForm.Get("next")
	again := func(status int, msg string) error {
		p := signinPage{Page: u.base(w, r, "Sign in"), Next: next, UPN: upn, Error: msg}
		u.render(w, r, status, "signin", p)
		return nil
	}
	if upn == "" || pw == "" {
		return again(http.StatusBadRequest, "Enter your user name and your password.")
	}
	user, err := u.svc.SignInWithPassword(actorCtx(r, directory.SystemActor("orgdir web sign-in")), upn, pw, u.clientAddr(r))
	switch directory.KindOf(err) {
	case directory.KindRateLimited:
		e := directory.AsError(err)
		setRetryAfter(w, e)
		return again(http.StatusTooManyRequests, sentence(e.Message)+".")
	case directory.KindUnauthenticated, directory.KindNotFound:
		if err != nil {
			return again(http.StatusUnauthorized, "Your user name or password is incorrect.")
		}
	case directory.KindAccountDisabled:
		p := signinPage{Page: u.base(w, r, "Sign in"), Next: next, UPN: upn, Contact: directory.AsError(err).Contact,
			Error: "Your account is disabled. Contact your organization's administrator."}
		u.render(w, r, http.StatusForbidden, "signin", p)
		return nil
	}
	if err != nil {
		return err
	}
	if err := u.startSession(w, r, user.TenantID, user.ID, ""); err != nil {
		return err
	}
	return u.redirect(w, r, safeNext(next), "")
}

// startSession replaces any current session with a new one (a fresh
// cookie at every sign-in: no session fixation).
func (u *UI) startSession(w http.ResponseWriter, r *http.Request, tenantID, userID, emailID string) error {
	person := directory.UserActor(tenantID, userID)
	if emailID != "" {
		person = directory.EmailActor(emailID)
	}
	return u.sessions.Start(actorCtx(r, person), w, state(r).sess)
}

// sendCode e-mails a one-time passcode.
func (u *UI) sendCode(w http.ResponseWriter, r *http.Request) error {
	email := strings.TrimSpace(r.PostForm.Get("email"))
	next := r.PostForm.Get("next")
	if err := u.svc.SendPasscode(r.Context(), email, u.clientAddr(r), u.passcode); err != nil {
		if k := directory.KindOf(err); k == directory.KindInvalid || k == directory.KindRateLimited {
			status := http.StatusBadRequest
			if k == directory.KindRateLimited {
				status = http.StatusTooManyRequests
				setRetryAfter(w, directory.AsError(err))
			}
			p := signinPage{Page: u.base(w, r, "Sign in"), Next: next, Email: email, Error: directory.AsError(err).Message}
			u.render(w, r, status, "signin", p)
			return nil
		}
		return err
	}
	q := url.Values{"email": {email}, "next": {next}}
	return u.redirect(w, r, "/signin/code?"+q.Encode(), "We sent a code to "+email+". It is valid for 10 minutes.")
}

type codePage struct {
	Page
	Email, Next, Error string
}

func (u *UI) codePage(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	u.render(w, r, http.StatusOK, "code", codePage{Page: u.base(w, r, "Enter your code"), Email: q.Get("email"), Next: q.Get("next")})
	return nil
}

// verifyCode checks the passcode and signs the person in with their
// e-mail identity.
func (u *UI) verifyCode(w http.ResponseWriter, r *http.Request) error {
	email := strings.TrimSpace(r.PostForm.Get("email"))
	code := r.PostForm.Get("code")
	next := r.PostForm.Get("next")
	if err := u.svc.VerifyPasscode(r.Context(), email, code, u.clientAddr(r)); err != nil {
		switch k := directory.KindOf(err); k {
		case directory.KindInvalid, directory.KindUnauthenticated, directory.KindRateLimited:
			status := http.StatusUnauthorized
			switch k {
			case directory.KindRateLimited:
				status = http.StatusTooManyRequests
				setRetryAfter(w, directory.AsError(err))
			case directory.KindInvalid:
				// A malformed address or an empty code, as sending answers
				// it; no code was looked at.
				status = http.StatusBadRequest
			}
			p := codePage{Page: u.base(w, r, "Enter your code"), Email: email, Next: next, Error: directory.AsError(err).Message}
			u.render(w, r, status, "code", p)
			return nil
		}
		return err
	}
	addr, _ := directory.NormalizeEmail(email)
	id, err := u.svc.EnsureEmailIdentity(actorCtx(r, directory.SystemActor("orgdir passcode sign-in")), addr)
	if err != nil {
		return err
	}
	if err := u.startSession(w, r, "", "", id.ID); err != nil {
		return err
	}
	return u.redirect(w, r, safeNext(next), "")
}

// signout ends the session everywhere.
func (u *UI) signout(w http.ResponseWriter, r *http.Request) error {
	if err := u.sessions.End(r.Context(), w, state(r).sess); err != nil {
		return err
	}
	return u.redirect(w, r, "/signin", "You have signed out.")
}

// setRetryAfter tells the client how long to wait, in whole seconds (at
// least one), when the refusal says.
func setRetryAfter(w http.ResponseWriter, e *directory.Error) {
	if e.RetryAfter > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(int((e.RetryAfter+time.Second-1)/time.Second)))
	}
}
