package oidcprovider

import (
	"crypto/rand"
	"encoding/base64"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/orgdir/orgdir/internal/directory"
	"github.com/zitadel/oidc/v3/pkg/oidc"
)

// maxNext is the longest return address the web UI's sign-in page takes
// back (its safe-redirect check refuses longer ones).
const maxNext = 2048

// authResponse answers an authorization request at its redirect URI,
// once that URI is known to be one the client registered.
type authResponse struct {
	redirectURI string
	formPost    bool
	state       string
	issuer      string
}

// authorize is the authorization endpoint (code flow, PKCE S256). Until
// the client and its redirect URI are known good, errors are a page;
// after, they go back to the client (RFC 6749 §4.1.2.1).
func (p *Provider) authorize(w http.ResponseWriter, r *http.Request, t *directory.IssuerTenant) error {
	q := r.Form
	clientID := q.Get("client_id")
	if clientID == "" {
		return &protoError{Err: errInvalidRequest("AADSTS900144: the request has no client_id")}
	}
	client, err := p.svc.GetAppClient(r.Context(), t.ID, clientID)
	if err != nil {
		return err
	}
	redirectURI := q.Get("redirect_uri")
	if redirectURI == "" || !client.RedirectURIRegistered(redirectURI) {
		return &protoError{Err: oidc.ErrInvalidRequestRedirectURI().WithDescription(
			"AADSTS50011: the redirect URI of the request is not one registered for %s", client.DisplayName), Contact: t.Contact}
	}
	resp := &authResponse{redirectURI: redirectURI, state: q.Get("state"), issuer: p.svc.Issuer(t.ID)}
	switch q.Get("response_mode") {
	case "", string(oidc.ResponseModeQuery):
	case string(oidc.ResponseModeFormPost):
		resp.formPost = true
	default:
		return p.fail(w, r, resp, errInvalidRequest("AADSTS900144: response_mode must be query or form_post"))
	}
	if q.Get("response_type") != string(oidc.ResponseTypeCode) {
		return p.fail(w, r, resp, &oidc.Error{ErrorType: "unsupported_response_type",
			Description: "AADSTS700054: only response_type=code is supported"})
	}
	if q.Get("request") != "" || q.Get("request_uri") != "" {
		return p.fail(w, r, resp, oidc.ErrRequestNotSupported().WithDescription("request objects are not supported"))
	}
	prompts := strings.Fields(q.Get("prompt"))
	none := slices.Contains(prompts, "none")
	again := slices.Contains(prompts, "login") || slices.Contains(prompts, "select_account")
	if none && len(prompts) > 1 {
		return p.fail(w, r, resp, errInvalidRequest("prompt=none cannot be combined with another prompt"))
	}
	if m := q.Get("code_challenge_method"); m != "" && m != directory.PKCEMethodS256 {
		return p.fail(w, r, resp, errInvalidRequest("AADSTS501491: code_challenge_method must be S256"))
	}
	maxAge := -1
	if v := q.Get("max_age"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return p.fail(w, r, resp, errInvalidRequest("max_age must be a number of seconds"))
		}
		maxAge = n
	}
	ws, err := p.sessions.Load(w, r)
	if err != nil {
		return err
	}
	// max_age: a sign-in older than that many seconds asks again (OpenID
	// Connect Core §3.1.2.1), as prompt=login does.
	if ws.Session != nil && maxAge >= 0 && p.now().Sub(ws.Session.CreatedAt) > time.Duration(maxAge)*time.Second {
		again = true
	}
	if ws.Session == nil || again {
		if none {
			return p.fail(w, r, resp, oidc.ErrLoginRequired().WithDescription("AADSTS50058: nobody is signed in"))
		}
		return p.toSignIn(w, r, resp)
	}
	code, _, err := p.svc.IssueAuthCode(r.Context(), ws.Session, t.ID, clientID, directory.AuthCodeRequest{
		RedirectURI: redirectURI, Scopes: strings.Fields(q.Get("scope")), Nonce: q.Get("nonce"),
		CodeChallenge: q.Get("code_challenge"), CodeChallengeMethod: q.Get("code_challenge_method")})
	if err != nil {
		e := directory.AsError(err)
		switch {
		case e.Kind == directory.KindUnauthenticated && none:
			return p.fail(w, r, resp, oidc.ErrLoginRequired().WithDescription("AADSTS50058: %s", e.Message))
		case e.Kind == directory.KindUnauthenticated:
			return p.toSignIn(w, r, resp)
		case e.Kind == directory.KindInvalid && e.Field == "redirect_uri":
			return err // a page: never redirect to it
		case e.Kind == directory.KindInvalid:
			return p.fail(w, r, resp, errInvalidRequest(e.Message))
		case e.Kind == directory.KindAppSignInRefused && none:
			return p.fail(w, r, resp, oidc.ErrAccessDenied().WithDescription("%s", e.Message))
		}
		return err // a refusal a person must read, or a failure: a page
	}
	return p.respond(w, r, resp, url.Values{"code": {code}})
}

// toSignIn sends the browser to the web UI's sign-in page, which brings
// it back here (through its safe-redirect check) once signed in. The way
// back drops prompt=login and max_age, which the sign-in has just
// honoured.
func (p *Provider) toSignIn(w http.ResponseWriter, r *http.Request, resp *authResponse) error {
	back := url.Values{}
	for k, v := range r.Form {
		if k != "prompt" && k != "max_age" {
			back[k] = v
		}
	}
	next := r.URL.Path + "?" + back.Encode()
	if len(next) > maxNext {
		return p.fail(w, r, resp, errInvalidRequest("the authorization request is too long"))
	}
	target := url.Values{"next": {next}}
	if hint := r.Form.Get("login_hint"); hint != "" && len(hint) <= 256 {
		target.Set("login_hint", hint)
	}
	http.Redirect(w, r, "/signin?"+target.Encode(), http.StatusFound)
	return nil
}

// fail answers the client with an error at its redirect URI.
func (p *Provider) fail(w http.ResponseWriter, r *http.Request, resp *authResponse, e *oidc.Error) error {
	v := url.Values{"error": {string(e.ErrorType)}}
	if e.Description != "" {
		v.Set("error_description", e.Description)
	}
	return p.respond(w, r, resp, v)
}

type formField struct{ Name, Value string }

type formPostPage struct {
	Action string
	Fields []formField
	Nonce  string
}

// respond sends params (with state and iss, RFC 9207) to the client's
// redirect URI: in its query, or as a form the browser posts.
func (p *Provider) respond(w http.ResponseWriter, r *http.Request, resp *authResponse, params url.Values) error {
	if resp.state != "" {
		params.Set("state", resp.state)
	}
	params.Set("iss", resp.issuer)
	if resp.formPost {
		nonce := make([]byte, 16)
		_, _ = rand.Read(nonce)
		n := base64.RawStdEncoding.EncodeToString(nonce)
		w.Header().Set("Content-Security-Policy", "default-src 'none'; script-src 'nonce-"+n+"'; form-action "+formAction(resp.redirectURI)+"; frame-ancestors 'none'")
		page := formPostPage{Action: resp.redirectURI, Nonce: n}
		keys := make([]string, 0, len(params))
		for k := range params {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			page.Fields = append(page.Fields, formField{k, params.Get(k)})
		}
		p.render(w, http.StatusOK, "form_post.html", page)
		return nil
	}
	u, err := url.Parse(resp.redirectURI)
	if err != nil {
		return directory.Internal(err)
	}
	q := u.Query()
	for k, v := range params {
		q[k] = v
	}
	u.RawQuery = q.Encode()
	http.Redirect(w, r, u.String(), http.StatusFound)
	return nil
}

// formAction is the CSP source of a form_post target: its origin.
func formAction(redirectURI string) string {
	u, err := url.Parse(redirectURI)
	if err != nil {
		return "'none'"
	}
	return u.Scheme + "://" + u.Host
}
