// Package websession is the browser's side of signing in, shared by every
// page that needs it (the web UI now, the OpenID Connect authorize
// endpoint next): the session cookie and what it finds in the directory,
// CSRF tokens for every form, the anonymous CSRF secret before sign-in,
// cookie names and attributes, and one-shot flash messages. One concern per
// file: cookies.go, csrf.go, session.go, flash.go. The sessions themselves
// (issue, lookup, revocation) are the directory service's.
package websession
