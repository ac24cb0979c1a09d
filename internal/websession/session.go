package websession

import (
	"context"
	"net/http"

	"github.com/orgdir/orgdir/internal/directory"
)

// Manager finds, starts and ends the browser session of a request.
type Manager struct {
	Service *directory.Service
	Cookies Cookies
}

// State is what the session cookie says about one request.
type State struct {
	Session *directory.Session // nil when not signed in
	Anon    string             // the anonymous CSRF secret, before sign-in
	Ended   string             // why the session cookie no longer works, if it does not
}

// Load looks the request's session up. A cookie that no longer works is
// cleared and Ended says why; without a session the visitor gets an
// anonymous CSRF secret (set as a cookie the first time), since the forms
// before sign-in need one too. Only a failure of the directory is an error.
func (m *Manager) Load(w http.ResponseWriter, r *http.Request) (*State, error) {
	st := &State{}
	if v := m.Cookies.Get(r, CookieSession); v != "" {
		s, err := m.Service.LookupSession(r.Context(), v)
		switch {
		case err == nil:
			st.Session = s
		case directory.IsKind(err, directory.KindUnauthenticated):
			m.Cookies.Clear(w, CookieSession)
			st.Ended = directory.AsError(err).Message
		default:
			return nil, err
		}
	}
	if st.Session == nil {
		st.Anon = m.anonSecret(w, r)
	}
	return st, nil
}

func (m *Manager) anonSecret(w http.ResponseWriter, r *http.Request) string {
	if v := m.Cookies.Get(r, CookieAnon); len(v) >= 32 {
		return v
	}
	s, err := directory.RandomSecret(32)
	if err != nil {
		return ""
	}
	m.Cookies.Set(w, CookieAnon, s, 0)
	return s
}

// CSRFToken is the token the forms of this request's pages carry.
func (m *Manager) CSRFToken(st *State) string {
	if st.Session != nil {
		return CSRFToken(st.Session.CSRFSecret, st.Session.ID)
	}
	if st.Anon == "" {
		return ""
	}
	return CSRFToken([]byte(st.Anon), "anonymous")
}

// CSRFOK checks the token of a posted form (r.PostForm parsed). A form
// posted before sign-in must carry the token of the cookie it came with;
// a fresh cookie set by this very request cannot match.
func (m *Manager) CSRFOK(r *http.Request, st *State) bool {
	tok := r.PostForm.Get("csrf")
	if st.Session != nil {
		return CheckCSRF(st.Session.CSRFSecret, st.Session.ID, tok)
	}
	return m.Cookies.Get(r, CookieAnon) == st.Anon && CheckCSRF([]byte(st.Anon), "anonymous", tok)
}

// Start replaces the request's session, if any, with a new one for the
// person acting in ctx, who has just proved who they are; the cookie is
// new at every sign-in (no session fixation).
func (m *Manager) Start(ctx context.Context, w http.ResponseWriter, old *directory.Session) error {
	if old != nil {
		_ = m.Service.EndSession(ctx, old)
	}
	secret, _, err := m.Service.StartSession(ctx)
	if err != nil {
		return err
	}
	m.Cookies.Set(w, CookieSession, secret, 0)
	m.Cookies.Clear(w, CookieAnon)
	return nil
}

// End signs the session out everywhere and clears its cookie.
func (m *Manager) End(ctx context.Context, w http.ResponseWriter, s *directory.Session) error {
	if s != nil {
		if err := m.Service.EndSession(ctx, s); err != nil {
			return err
		}
	}
	m.Cookies.Clear(w, CookieSession)
	return nil
}
