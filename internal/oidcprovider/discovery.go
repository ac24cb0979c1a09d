package oidcprovider

import (
	"net/http"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/orgdir/orgdir/internal/directory"
	"github.com/zitadel/oidc/v3/pkg/oidc"
)

// endpoints of tenant t, in Entra's v2.0 layout: the issuer is
// {base}/{tenant-id}/v2.0, the endpoints sit beside it.
func (p *Provider) endpoint(t *directory.IssuerTenant, path string) string {
	return p.baseURL + "/" + t.ID + path
}

// discovery is the tenant's OpenID Provider metadata.
func (p *Provider) discovery(w http.ResponseWriter, r *http.Request, t *directory.IssuerTenant) error {
	w.Header().Set("Cache-Control", "public, max-age=3600")
	w.Header().Del("Pragma")
	doc := &oidc.DiscoveryConfiguration{
		Issuer:                                    p.svc.Issuer(t.ID),
		AuthorizationEndpoint:                     p.endpoint(t, "/oauth2/v2.0/authorize"),
		TokenEndpoint:                             p.endpoint(t, "/oauth2/v2.0/token"),
		IntrospectionEndpoint:                     p.endpoint(t, "/oauth2/v2.0/introspect"),
		UserinfoEndpoint:                          p.endpoint(t, "/oidc/userinfo"),
		RevocationEndpoint:                        p.endpoint(t, "/oauth2/v2.0/revoke"),
		EndSessionEndpoint:                        p.endpoint(t, "/oauth2/v2.0/logout"),
		JwksURI:                                   p.endpoint(t, "/discovery/v2.0/keys"),
		ScopesSupported:                           []string{oidc.ScopeOpenID, oidc.ScopeProfile, oidc.ScopeEmail, oidc.ScopeOfflineAccess},
		ResponseTypesSupported:                    []string{string(oidc.ResponseTypeCode)},
		ResponseModesSupported:                    []string{string(oidc.ResponseModeQuery), string(oidc.ResponseModeFormPost)},
		GrantTypesSupported:                       []oidc.GrantType{oidc.GrantTypeCode, oidc.GrantTypeRefreshToken, oidc.GrantTypeClientCredentials},
		SubjectTypesSupported:                     []string{"pairwise"},
		IDTokenSigningAlgValuesSupported:          []string{string(jose.RS256)},
		TokenEndpointAuthMethodsSupported:         []oidc.AuthMethod{oidc.AuthMethodBasic, oidc.AuthMethodPost, oidc.AuthMethodNone},
		RevocationEndpointAuthMethodsSupported:    []oidc.AuthMethod{oidc.AuthMethodBasic, oidc.AuthMethodPost, oidc.AuthMethodNone},
		IntrospectionEndpointAuthMethodsSupported: []oidc.AuthMethod{oidc.AuthMethodBasic, oidc.AuthMethodPost},
		ClaimsSupported: []string{"sub", "iss", "aud", "exp", "iat", "nbf", "auth_time", "nonce", "sid", "oid", "tid", "ver",
			"name", "preferred_username", "email", "idp", "acct", "roles"},
		CodeChallengeMethodsSupported: []oidc.CodeChallengeMethod{oidc.CodeChallengeMethodS256},
		RequestURIParameterSupported:  false,
	}
	writeJSON(w, http.StatusOK, doc)
	return nil
}

// keys is the tenant's JWKS: the key that signs now and those whose
// tokens may still be alive (every tenant shares the set).
func (p *Provider) keys(w http.ResponseWriter, r *http.Request, t *directory.IssuerTenant) error {
	keys, err := p.publicKeys(r.Context())
	if err != nil {
		return err
	}
	// A relying party may cache it a little; after a rotation it fetches
	// again on the unknown kid.
	w.Header().Set("Cache-Control", "public, max-age=300")
	w.Header().Del("Pragma")
	writeJSON(w, http.StatusOK, jose.JSONWebKeySet{Keys: keys})
	return nil
}
