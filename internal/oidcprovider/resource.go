package oidcprovider

import (
	"net/http"
	"strings"

	"github.com/orgdir/orgdir/internal/directory"
	"github.com/zitadel/oidc/v3/pkg/oidc"
)

// bearer is the access token of a userinfo request: the Authorization
// header, or access_token in a posted form (RFC 6750 §2.2).
func bearer(r *http.Request) string {
	if h := r.Header.Get("Authorization"); h != "" {
		scheme, tok, ok := strings.Cut(h, " ")
		if ok && strings.EqualFold(scheme, "Bearer") {
			return strings.TrimSpace(tok)
		}
		return ""
	}
	if r.Method == http.MethodPost {
		return r.PostForm.Get("access_token")
	}
	return ""
}

// invalidToken is userinfo's 401 (RFC 6750 §3).
func invalidToken(w http.ResponseWriter, desc string) error {
	w.Header().Set("WWW-Authenticate", `Bearer error="invalid_token", error_description="`+desc+`"`)
	return &protoError{Err: &oidc.Error{ErrorType: "invalid_token", Description: desc}, Status: http.StatusUnauthorized}
}

// userinfo answers the claims of a user's access token, read again now:
// once the grant ended (leave, delete, disable, revocation) it is 401.
func (p *Provider) userinfo(w http.ResponseWriter, r *http.Request, t *directory.IssuerTenant) error {
	c, err := p.verifyAccessToken(r.Context(), t, bearer(r))
	if err == errBadToken {
		return invalidToken(w, "the access token is not valid")
	}
	if err != nil {
		return err
	}
	if c.Grant == "" {
		return invalidToken(w, "an app-only token has no user")
	}
	in, err := p.svc.GrantSignIn(r.Context(), t.ID, c.Grant)
	if e := directory.AsError(err); err != nil && e.Code == directory.CodeInvalidGrant {
		return invalidToken(w, e.Message)
	}
	if err != nil {
		return err
	}
	out := map[string]any{"sub": in.Subject, "name": in.Name, "preferred_username": in.PreferredUsername,
		"oid": in.UserID, "tid": in.TenantID}
	if in.Email != "" {
		out["email"] = in.Email
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// introspect is RFC 7662 for resource servers, which authenticate as a
// confidential client of the tenant. An access token is active while its
// signature, lifetime and grant (or, app-only, its application) stand; a
// refresh token is not introspected (it answers inactive).
func (p *Provider) introspect(w http.ResponseWriter, r *http.Request, t *directory.IssuerTenant) error {
	c, basic, err := clientAuth(r)
	if err != nil {
		return err
	}
	if _, err := p.svc.AuthenticateClient(r.Context(), t.ID, c.ID, c.Secret); err != nil {
		return &protoError{Err: oidc.ErrInvalidClient().WithDescription("the client id or secret is not valid"), Status: http.StatusUnauthorized, Basic: basic}
	}
	inactive := map[string]any{"active": false}
	claims, err := p.verifyAccessToken(r.Context(), t, r.PostForm.Get("token"))
	if err == errBadToken {
		writeJSON(w, http.StatusOK, inactive)
		return nil
	}
	if err != nil {
		return err
	}
	if claims.Grant != "" {
		_, err = p.svc.GrantSignIn(r.Context(), t.ID, claims.Grant)
	} else {
		err = p.svc.AppTokenValid(r.Context(), t.ID, claims.AppID)
	}
	if e := directory.AsError(err); err != nil && (e.Code == directory.CodeInvalidGrant || e.Code == directory.CodeInvalidClient) {
		writeJSON(w, http.StatusOK, inactive)
		return nil
	}
	if err != nil {
		return err
	}
	out := map[string]any{"active": true, "token_type": oidc.BearerToken, "iss": claims.Issuer, "sub": claims.Subject,
		"aud": claims.Audience, "client_id": claims.AuthorizedParty, "exp": claims.Expiry.Time().Unix(),
		"iat": claims.IssuedAt.Time().Unix(), "nbf": claims.NotBefore.Time().Unix(), "jti": claims.ID,
		"tid": claims.TenantID, "oid": claims.ObjectID}
	if claims.Scope != "" {
		out["scope"] = claims.Scope
	}
	if len(claims.Roles) > 0 {
		out["roles"] = claims.Roles
	}
	if claims.PreferredUsername != "" {
		out["username"] = claims.PreferredUsername
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// revoke is RFC 7009: a refresh token's grant ends, with every token it
// gave. An access token cannot be recalled (it lives until exp); the
// answer is 200 for it, as for an unknown token (§2.2).
func (p *Provider) revoke(w http.ResponseWriter, r *http.Request, t *directory.IssuerTenant) error {
	c, basic, err := clientAuth(r)
	if err != nil {
		return err
	}
	if c.Secret != "" {
		if _, err := p.svc.AuthenticateClient(r.Context(), t.ID, c.ID, c.Secret); err != nil {
			return &protoError{Err: oidc.ErrInvalidClient().WithDescription("the client id or secret is not valid"), Status: http.StatusUnauthorized, Basic: basic}
		}
	}
	tok := r.PostForm.Get("token")
	if tok == "" {
		return &protoError{Err: errInvalidRequest("the request has no token")}
	}
	if err := p.svc.RevokeRefreshToken(r.Context(), t.ID, c, tok); err != nil {
		return withBasic(err, basic)
	}
	w.WriteHeader(http.StatusOK)
	return nil
}
