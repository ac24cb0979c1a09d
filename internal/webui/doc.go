// Package webui is orgdir's web pages: sign-in (password or e-mailed
// passcode), My Account with its Organizations and Leave, invitation
// redemption, and the admin portal of each tenant.
//
// The pages are server-rendered from html/template files embedded in the
// binary and parsed at start-up, so a broken template stops the start, not
// a user. Every rule is the domain's (internal/directory): a handler parses
// the form, calls the Service as the signed-in person, and renders the
// result or the error. Every route is listed in routes.go; each page group
// has its own file. Everything works without JavaScript; the pages send a
// Content-Security-Policy that allows no inline script.
package webui
