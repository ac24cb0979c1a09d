package webui

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"io"
	"io/fs"
	"log/slog"
	"mime"
	"net/http"
	"net/url"
	"path"
	"strings"
	"sync"
	"time"

	"github.com/orgdir/orgdir/internal/clientaddr"
	"github.com/orgdir/orgdir/internal/directory"
	"github.com/orgdir/orgdir/internal/websession"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// Options are what the UI needs from the server.
type Options struct {
	Service *directory.Service
	Logger  *slog.Logger    // default: discard
	Clock   directory.Clock // default: the service's clock
	// BaseURL is the public URL; an https one makes cookies Secure.
	BaseURL string
	// SecureCookies forces Secure cookies (TLS terminated here).
	SecureCookies bool
	// MailDelivered says an SMTP server sends the outbox; the admin portal
	// then presents the outbox as a delivery log rather than the place to
	// read mail.
	MailDelivered bool
	// Product names orgdir in pages and e-mails.
	Product string
	// EchoPasscodes, when set, also gets every passcode e-mail: without an
	// SMTP server no page shows them, so the demo prints them here.
	EchoPasscodes io.Writer
	// TrustedProxies are the reverse proxies whose X-Forwarded-For names
	// the client (the sign-in throttle counts by it); none by default.
	TrustedProxies clientaddr.Proxies
}

// UI serves the web pages.
type UI struct {
	svc      *directory.Service
	log      *slog.Logger
	now      directory.Clock
	baseURL  string
	secure   bool
	mailSent bool
	product  string
	pages    map[string]*template.Template
	passcode directory.PasscodeMail
	proxies  clientaddr.Proxies
	cookies  websession.Cookies
	sessions *websession.Manager
	handler  http.Handler
}

// New parses every template and returns the UI's handler.
func New(o Options) (*UI, error) {
	if o.Service == nil {
		return nil, errors.New("webui: a Service is required")
	}
	u := &UI{
		svc:      o.Service,
		log:      o.Logger,
		now:      o.Clock,
		baseURL:  strings.TrimRight(o.BaseURL, "/"),
		secure:   o.SecureCookies || strings.HasPrefix(o.BaseURL, "https://"),
		mailSent: o.MailDelivered,
		product:  o.Product,
		proxies:  o.TrustedProxies,
	}
	if u.log == nil {
		u.log = slog.New(slog.DiscardHandler)
	}
	if u.now == nil {
		u.now = o.Service.Now
	}
	if u.product == "" {
		u.product = "orgdir"
	}
	u.cookies = websession.Cookies{Secure: u.secure}
	u.sessions = &websession.Manager{Service: o.Service, Cookies: u.cookies}
	u.passcode = directory.PasscodeMail{Product: u.product}
	if w := o.EchoPasscodes; w != nil {
		var mu sync.Mutex
		u.passcode.Echo = func(m *directory.OutboxMessage) {
			mu.Lock()
			defer mu.Unlock()
			fmt.Fprintf(w, "E-mail to %s: %s\n%s\n", m.To, m.Subject, m.Body)
		}
	}
	pages, err := parseTemplates()
	if err != nil {
		return nil, err
	}
	u.pages = pages
	u.handler = u.secureHeaders(u.routes())
	return u, nil
}

// ServeHTTP serves every page.
func (u *UI) ServeHTTP(w http.ResponseWriter, r *http.Request) { u.handler.ServeHTTP(w, r) }

// parseTemplates parses layout.html and partials.html with each page.
func parseTemplates() (map[string]*template.Template, error) {
	names, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil {
		return nil, err
	}
	pages := map[string]*template.Template{}
	for _, n := range names {
		base := path.Base(n)
		if base == "layout.html" || base == "partials.html" {
			continue
		}
		t, err := template.New(base).Funcs(funcs).ParseFS(templateFS, "templates/layout.html", "templates/partials.html", n)
		if err != nil {
			return nil, fmt.Errorf("webui: template %s: %w", base, err)
		}
		pages[strings.TrimSuffix(base, ".html")] = t
	}
	return pages, nil
}

var funcs = template.FuncMap{
	"sentence": sentence,
	"when": func(t any) string {
		switch v := t.(type) {
		case time.Time:
			return v.UTC().Format("2006-01-02 15:04 UTC")
		case *time.Time:
			if v == nil {
				return ""
			}
			return v.UTC().Format("2006-01-02 15:04 UTC")
		}
		return ""
	},
}

// inFormTerms is the message of a refused form: a validation error names
// the field as the domain and the API do (invitedUserEmailAddress,
// retentionDays), which a person filling in the form never sees, so the
// field's label on the page replaces it. labels maps a domain field to the
// label, written to start a sentence ("The e-mail address").
func inFormTerms(err error, labels map[string]string) string {
	de := directory.AsError(err)
	if de.Kind == directory.KindInvalid {
		if label, ok := labels[de.Field]; ok {
			if rest, ok := strings.CutPrefix(de.Message, de.Field+" "); ok {
				return label + " " + rest
			}
		}
	}
	return de.Message
}

// sentence starts a domain message with a capital letter.
func sentence(s string) string {
	if s == "" {
		return s
	}
	r := []rune(s)
	return strings.ToUpper(string(r[0])) + string(r[1:])
}

// secureHeaders adds the headers every response carries: no inline script,
// no framing, no referrer beyond this origin.
func (u *UI) secureHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "+
			"form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'")
		h.Set("X-Frame-Options", "DENY")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "same-origin")
		if u.secure {
			h.Set("Strict-Transport-Security", "max-age=31536000")
		}
		next.ServeHTTP(w, r)
	})
}

// handlerFunc is a page handler: it returns an error, and one place turns
// errors into pages.
type handlerFunc func(w http.ResponseWriter, r *http.Request) error

// reqState is what the session middleware learned about the request.
type reqState struct {
	sess *directory.Session
	anon string // the anonymous CSRF secret (before sign-in)
	// ended says why the session cookie no longer works, if it does not.
	ended string
	// The organizations the person administers (see adminTenants).
	admins      []orgRow
	adminsKnown bool
}

func (st *reqState) web() *websession.State {
	return &websession.State{Session: st.sess, Anon: st.anon, Ended: st.ended}
}

type stateKey struct{}

func state(r *http.Request) *reqState {
	s, _ := r.Context().Value(stateKey{}).(*reqState)
	if s == nil {
		return &reqState{}
	}
	return s
}

// maxFormBytes bounds a posted form; maxUploadBytes a form with a file
// (a bulk CSV of 100,000 rows is about 6 MB), of which at most
// uploadMemory is held in memory (the rest waits in a temporary file that
// net/http removes after the request).
const (
	maxFormBytes   = 64 << 10
	maxUploadBytes = 32 << 20
	uploadMemory   = 8 << 20
)

// parsePost reads a posted form, multipart (with a file) or not, into
// r.PostForm, where the CSRF check finds its token either way.
func parsePost(w http.ResponseWriter, r *http.Request) error {
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt == "multipart/form-data" {
		r.Body = http.MaxBytesReader(w, r.Body, maxUploadBytes)
		return r.ParseMultipartForm(uploadMemory)
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
	return r.ParseForm()
}

// page wraps a handler with the session lookup (internal/websession) and,
// on POST, the CSRF check. needSession sends people who are not signed in
// to the sign-in page.
func (u *UI) page(needSession bool, h handlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ws, err := u.sessions.Load(w, r)
		if err != nil {
			u.fail(w, r, err)
			return
		}
		st := &reqState{sess: ws.Session, anon: ws.Anon, ended: ws.Ended}
		r = r.WithContext(context.WithValue(r.Context(), stateKey{}, st))
		if r.Method == http.MethodPost {
			if err := parsePost(w, r); err != nil {
				u.fail(w, r, directory.Errorf(directory.KindInvalid, "the form could not be read"))
				return
			}
			if !u.sessions.CSRFOK(r, ws) {
				u.render(w, r, http.StatusForbidden, "error", errorPage{Page: u.base(w, r, "Request refused"),
					Heading: "Request refused", Message: "This form has expired or did not come from this site. Go back, reload the page and try again."})
				return
			}
		}
		if needSession && st.sess == nil {
			if st.ended != "" && st.ended != "not signed in" {
				// Say why: the account was disabled, or the session expired.
				u.cookies.SetFlash(w, sentence(st.ended)+".")
			}
			// After signing in, come back here; from a form, to the page
			// that held it (a POST address cannot be opened).
			next := r.URL.RequestURI()
			if r.Method != http.MethodGet {
				next = backLink(r)
			}
			http.Redirect(w, r, "/signin?next="+url.QueryEscape(next), http.StatusSeeOther)
			return
		}
		if err := h(w, r); err != nil {
			u.fail(w, r, err)
		}
	})
}

func (u *UI) csrfToken(st *reqState) string { return u.sessions.CSRFToken(st.web()) }

// redirect sends the browser to target with a success message to show
// there (Post/Redirect/Get).
func (u *UI) redirect(w http.ResponseWriter, r *http.Request, target, flash string) error {
	if flash != "" {
		u.cookies.SetFlash(w, flash)
	}
	http.Redirect(w, r, target, http.StatusSeeOther)
	return nil
}

// actorCtx is the request's context acting as a.
func actorCtx(r *http.Request, a directory.Actor) context.Context {
	return directory.WithActor(r.Context(), a)
}

// homeCtx acts as the signed-in person themselves.
func homeCtx(r *http.Request) context.Context {
	return actorCtx(r, state(r).sess.PersonActor())
}

// safeNext keeps a post-sign-in target on this site: a path, never a
// URL with a scheme or host, nor one a browser would read as such once it
// drops tabs and newlines or turns a backslash into a slash.
func safeNext(next string) string {
	const home = "/myaccount"
	if next == "" || len(next) > 2048 || !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") {
		return home
	}
	for _, c := range next {
		if c < 0x20 || c == 0x7f || c == '\\' {
			return home
		}
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || u.Opaque != "" {
		return home
	}
	return next
}

// backLink is where an error page's "Back" goes: the referring page when
// it is on this site, else nowhere (the page then offers the start page).
func backLink(r *http.Request) string {
	ref, err := url.Parse(r.Referer())
	if err != nil || ref.Host != r.Host || (ref.Scheme != "http" && ref.Scheme != "https") {
		return ""
	}
	if p := safeNext(ref.RequestURI()); p == ref.RequestURI() {
		return p
	}
	return ""
}

// clientAddr is the address the request came from, through the trusted
// proxies; the sign-in throttle counts by it.
func (u *UI) clientAddr(r *http.Request) string { return u.proxies.Of(r) }
