package oidcprovider

import (
	"embed"
	"net/http"
	"net/url"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"
	"github.com/orgdir/orgdir/internal/directory"
)

//go:embed templates/*.html
var templateFS embed.FS

type logoutPage struct {
	AppName string
	Action  string
	CSRF    string
	Fields  []formField
}

// logout is RP-initiated logout (OpenID Connect RP-Initiated Logout 1.0):
// it ends the browser's orgdir session and returns to a post-logout URI
// the client registered (a redirect URI or web.logoutUrl). Without an
// id_token_hint naming this very session, the person confirms first, so
// that a link on another site cannot sign them out.
func (p *Provider) logout(w http.ResponseWriter, r *http.Request, t *directory.IssuerTenant) error {
	f := r.Form
	hint := p.idTokenHint(r, t, f.Get("id_token_hint"))
	clientID := f.Get("client_id")
	if clientID == "" && hint != nil && len(hint.Audience) == 1 {
		clientID = hint.Audience[0]
	}
	var client *directory.AppClient
	if clientID != "" {
		c, err := p.svc.GetAppClient(r.Context(), t.ID, clientID)
		if err != nil {
			return err
		}
		client = c
	}
	target := f.Get("post_logout_redirect_uri")
	if target != "" && (client == nil || !(client.RedirectURIRegistered(target) || target == client.WebLogoutURL)) {
		return &protoError{Err: errInvalidRequest("AADSTS50011: the post_logout_redirect_uri is not registered for the application")}
	}
	ws, err := p.sessions.Load(w, r)
	if err != nil {
		return err
	}
	if ws.Session != nil {
		confirmed := hint != nil && hint.SessionID == ws.Session.ID
		if r.Method == http.MethodPost {
			if !p.sessions.CSRFOK(r, ws) {
				return &protoError{Err: errInvalidRequest("this form has expired or did not come from this site"), Status: http.StatusForbidden}
			}
			confirmed = true
		}
		if !confirmed {
			page := logoutPage{Action: r.URL.Path, CSRF: p.sessions.CSRFToken(ws)}
			if client != nil {
				page.AppName = client.DisplayName
			}
			for _, k := range []string{"client_id", "post_logout_redirect_uri", "state"} {
				if v := f.Get(k); v != "" {
					page.Fields = append(page.Fields, formField{k, v})
				}
			}
			if clientID != "" && f.Get("client_id") == "" {
				page.Fields = append(page.Fields, formField{"client_id", clientID})
			}
			p.render(w, http.StatusOK, "logout_confirm.html", page)
			return nil
		}
		if err := p.sessions.End(r.Context(), w, ws.Session); err != nil {
			return err
		}
	}
	if target == "" {
		p.render(w, http.StatusOK, "signedout.html", nil)
		return nil
	}
	u, err := url.Parse(target)
	if err != nil {
		return directory.Internal(err)
	}
	if s := f.Get("state"); s != "" {
		q := u.Query()
		q.Set("state", s)
		u.RawQuery = q.Encode()
	}
	http.Redirect(w, r, u.String(), http.StatusFound)
	return nil
}

// idTokenHint is the verified claims of an ID token this tenant issued,
// expired or not (a hint names a past sign-in), or nil.
func (p *Provider) idTokenHint(r *http.Request, t *directory.IssuerTenant, raw string) *tokenClaims {
	if raw == "" || len(raw) > 16<<10 {
		return nil
	}
	tok, err := jwt.ParseSigned(raw, []jose.SignatureAlgorithm{jose.RS256})
	if err != nil || len(tok.Headers) != 1 {
		return nil
	}
	if typ, _ := tok.Headers[0].ExtraHeaders[jose.HeaderType].(string); typ != typeIDToken {
		return nil
	}
	set, err := p.svc.SigningKeys(r.Context())
	if err != nil {
		return nil
	}
	for _, k := range set.Verify {
		if k.ID != tok.Headers[0].KeyID {
			continue
		}
		priv, err := p.rsaKey(k)
		if err != nil {
			return nil
		}
		var c tokenClaims
		if err := tok.Claims(&priv.PublicKey, &c); err != nil {
			return nil
		}
		if c.Issuer != p.svc.Issuer(t.ID) {
			return nil
		}
		return &c
	}
	return nil
}
