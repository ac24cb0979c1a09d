package websession

import "net/http"

// Cookie names (before the __Host- prefix of https).
const (
	CookieSession = "orgdir_session"
	CookieAnon    = "orgdir_csrf"
	CookieFlash   = "orgdir_flash"
)

// Cookies sets and reads orgdir's cookies: HttpOnly, SameSite=Lax, for the
// whole site; over https Secure and with the __Host- prefix, which browsers
// accept only from this very host, so that a sibling subdomain cannot
// plant a session or a CSRF cookie here.
type Cookies struct {
	Secure bool
}

// Name is the name a cookie goes by.
func (c Cookies) Name(name string) string {
	if c.Secure {
		return "__Host-" + name
	}
	return name
}

// Get returns the cookie's value, or "".
func (c Cookies) Get(r *http.Request, name string) string {
	k, err := r.Cookie(c.Name(name))
	if err != nil {
		return ""
	}
	return k.Value
}

// Set sets a cookie; maxAge 0 makes it last the browser session.
func (c Cookies) Set(w http.ResponseWriter, name, value string, maxAge int) {
	http.SetCookie(w, &http.Cookie{Name: c.Name(name), Value: value, Path: "/", MaxAge: maxAge,
		HttpOnly: true, Secure: c.Secure, SameSite: http.SameSiteLaxMode})
}

// Clear removes a cookie.
func (c Cookies) Clear(w http.ResponseWriter, name string) { c.Set(w, name, "", -1) }
