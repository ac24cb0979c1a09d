// Package webui is orgdir's web pages: sign-in (password or e-mailed
// passcode), My Account with its Organizations, Leave and Download my data,
// invitation redemption, and the admin portal of each tenant, where an
// administrator also exports or erases a user's personal data.
//
// The pages are server-rendered from html/template files embedded in the
// binary and parsed at start-up, so a broken template stops the start, not
// a user. Every rule is the domain's (internal/directory): a handler parses
// the form, calls the Service as the signed-in person, and renders the
// result or the error. Every route is listed in routes.go; each page group
// has its own file. Everything works without JavaScript; the pages send a
// Content-Security-Policy that allows no inline script.
//
// Security, each with a test in security_test.go: every POST route of
// routeTable carries a per-session CSRF token (an HMAC of the session id);
// a new session id at every sign-in; sessions stored server-side and
// revoked at sign-out and as soon as the person's account is disabled or
// deleted; cookies HttpOnly, SameSite=Lax, and Secure with the __Host-
// prefix over https; "next" and "Back" targets kept on this site; password
// guessing throttled per (account, client address) and per client address,
// passcodes per code, per e-mail address and per client address, the client
// address read from X-Forwarded-For only behind a trusted proxy; the
// admin portal, and its link, only for Global and User Administrators of an
// organization the session is signed in to.
package webui
