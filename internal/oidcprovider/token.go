package oidcprovider

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/go-jose/go-jose/v4/jwt"

	"github.com/orgdir/orgdir/internal/directory"
	"github.com/zitadel/oidc/v3/pkg/oidc"
)

// clientAuth reads how the client authenticates at the token, revoke
// and introspect endpoints: HTTP Basic (form-urlencoded id and secret,
// RFC 6749 §2.3.1) or client_id and client_secret in the body; one only.
func clientAuth(r *http.Request) (directory.ClientAuth, bool, error) {
	c := directory.ClientAuth{ID: r.PostForm.Get("client_id"), Secret: r.PostForm.Get("client_secret")}
	id, secret, basic := r.BasicAuth()
	if basic {
		if c.Secret != "" {
			return c, basic, &protoError{Err: errInvalidRequest("the client authenticated in more than one way")}
		}
		var err1, err2 error
		id, err1 = url.QueryUnescape(id)
		secret, err2 = url.QueryUnescape(secret)
		if err1 != nil || err2 != nil || (c.ID != "" && c.ID != id) {
			return c, basic, &protoError{Err: oidc.ErrInvalidClient().WithDescription("the client credentials are not valid"), Status: http.StatusUnauthorized, Basic: true}
		}
		c = directory.ClientAuth{ID: id, Secret: secret}
	}
	if c.ID == "" {
		return c, basic, &protoError{Err: errInvalidRequest("AADSTS900144: the request has no client_id"), Status: http.StatusBadRequest}
	}
	return c, basic, nil
}

// token is the token endpoint: authorization_code, refresh_token and
// client_credentials.
func (p *Provider) token(w http.ResponseWriter, r *http.Request, t *directory.IssuerTenant) error {
	if r.URL.RawQuery != "" && (r.URL.Query().Has("client_secret") || r.URL.Query().Has("code")) {
		return &protoError{Err: errInvalidRequest("the token request must be in the body, not the URL")}
	}
	c, basic, err := clientAuth(r)
	if err != nil {
		return err
	}
	f := r.PostForm
	var resp *oidc.AccessTokenResponse
	switch gt := f.Get("grant_type"); oidc.GrantType(gt) {
	case oidc.GrantTypeCode:
		if f.Get("code") == "" {
			return &protoError{Err: errInvalidRequest("AADSTS900144: the request has no code")}
		}
		issue, err := p.svc.RedeemAuthCode(r.Context(), t.ID, c, f.Get("code"), f.Get("redirect_uri"), f.Get("code_verifier"))
		if err != nil {
			return withBasic(err, basic)
		}
		resp, err = p.signInTokens(r, t, issue, true)
		if err != nil {
			return err
		}
	case oidc.GrantTypeRefreshToken:
		if f.Get("refresh_token") == "" {
			return &protoError{Err: errInvalidRequest("AADSTS900144: the request has no refresh_token")}
		}
		issue, err := p.svc.RefreshGrant(r.Context(), t.ID, c, f.Get("refresh_token"))
		if err != nil {
			return withBasic(err, basic)
		}
		resp, err = p.signInTokens(r, t, issue, false)
		if err != nil {
			return err
		}
	case oidc.GrantTypeClientCredentials:
		app, err := p.svc.ClientCredentials(r.Context(), t.ID, c)
		if err != nil {
			return withBasic(err, basic)
		}
		resp, err = p.appToken(r, t, app, f.Get("scope"))
		if err != nil {
			return err
		}
	case "":
		return &protoError{Err: errInvalidRequest("AADSTS900144: the request has no grant_type")}
	default:
		return &protoError{Err: oidc.ErrUnsupportedGrantType().WithDescription("AADSTS70003: grant_type %s is not supported", gt)}
	}
	writeJSON(w, http.StatusOK, resp)
	return nil
}

func withBasic(err error, basic bool) error {
	pe := fromDomain(err)
	pe.Basic = basic
	return pe
}

// signInTokens are the access token, ID token (when openid was asked
// for) and next refresh token of a user's grant.
func (p *Provider) signInTokens(r *http.Request, t *directory.IssuerTenant, issue *directory.TokenIssue, withNonce bool) (*oidc.AccessTokenResponse, error) {
	now, ttl := p.now(), p.lifetime(t)
	in := issue.SignIn
	scopes := issue.Scopes
	at := p.signInClaims(in, now, ttl)
	at.ID = directory.NewID()
	at.AuthorizedParty, at.Scope, at.Grant = in.AppID, strings.Join(scopes, " "), issue.GrantID
	if forAPI(scopes) {
		// A token for orgdir's API, acting as the user there; the app's
		// roles are the app's business, not the API's.
		at.Audience, at.Roles, at.Groups = jwt.Audience{directory.OrgdirAPIAppID}, nil, nil
	}
	// An access token names no person's e-mail: resource servers ask
	// userinfo for it.
	at.Email, at.IdentityProvider, at.AuthTime = "", in.IdentityProvider, 0
	access, err := p.sign(r.Context(), typeAccessToken, at)
	if err != nil {
		return nil, err
	}
	resp := &oidc.AccessTokenResponse{AccessToken: access, TokenType: oidc.BearerToken, ExpiresIn: uint64(ttl.Seconds()), Scope: scopes}
	// As Entra: a refresh token only for offline_access. (The directory
	// keeps one for every grant; an unasked-for one is never shown.)
	if slices.Contains(scopes, oidc.ScopeOfflineAccess) {
		resp.RefreshToken = issue.RefreshToken
	}
	if slices.Contains(scopes, oidc.ScopeOpenID) {
		id := p.signInClaims(in, now, ttl)
		if withNonce {
			id.Nonce = issue.Nonce
		}
		if resp.IDToken, err = p.sign(r.Context(), typeIDToken, id); err != nil {
			return nil, err
		}
	}
	return resp, nil
}

// forAPI reports whether scopes ask for orgdir's API (its appId as the
// resource: "00000003-0000-0000-c000-000000000000/.default", or one of
// its scopes); a token for it is what the Graph-shaped API accepts.
func forAPI(scopes []string) bool {
	return slices.ContainsFunc(scopes, func(s string) bool { return strings.HasPrefix(s, directory.OrgdirAPIAppID+"/") })
}

// appToken is the access token of a client credentials grant (Entra v2.0
// app-only: sub and oid are the application, idtyp is app). Asked for
// orgdir's API, its audience is the API and its roles the application
// permissions granted to the app; otherwise its audience is the app.
func (p *Provider) appToken(r *http.Request, t *directory.IssuerTenant, app *directory.AppToken, scope string) (*oidc.AccessTokenResponse, error) {
	now, ttl := p.now(), p.lifetime(t)
	c := tokenClaims{
		Version: "2.0", TenantID: app.TenantID, ObjectID: app.AppID,
		AuthorizedParty: app.AppID, AppID: app.AppID, IDType: "app",
	}
	c.Issuer, c.Subject, c.Audience = p.svc.Issuer(app.TenantID), app.AppID, []string{app.AppID}
	if forAPI(strings.Fields(scope)) {
		c.Audience, c.Roles = []string{directory.OrgdirAPIAppID}, app.APIRoles
	}
	c.ID = directory.NewID()
	c.IssuedAt, c.NotBefore, c.Expiry = numeric(now), numeric(now), numeric(now.Add(ttl))
	tok, err := p.sign(r.Context(), typeAccessToken, c)
	if err != nil {
		return nil, err
	}
	resp := &oidc.AccessTokenResponse{AccessToken: tok, TokenType: oidc.BearerToken, ExpiresIn: uint64(ttl.Seconds())}
	if scope != "" {
		resp.Scope = strings.Fields(scope)
	}
	return resp, nil
}

// lifetime is how long t's access and ID tokens live: the tenant's
// setting, or the provider's when the tenant has none.
func (p *Provider) lifetime(t *directory.IssuerTenant) time.Duration {
	if t.AccessTokenLifetime > 0 {
		return t.AccessTokenLifetime
	}
	return p.ttl
}

func numeric(t time.Time) *jwt.NumericDate { return jwt.NewNumericDate(t) }
