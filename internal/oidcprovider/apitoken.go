package oidcprovider

import (
	"context"
	"slices"
	"strings"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"

	"github.com/orgdir/orgdir/internal/directory"
)

// AuthenticateAPIToken returns the actor of one of orgdir's own access
// tokens presented to the Graph-shaped API: signed by a key of the JWKS,
// typed at+jwt, issued by its tenant's issuer (iss and tid agree), within
// exp and nbf, and with orgdir's API as its audience. Who it acts as, and
// whether that still stands, is the directory's answer
// (AuthenticateAPIAccess). Every refusal is KindUnauthenticated.
func (p *Provider) AuthenticateAPIToken(ctx context.Context, raw string) (directory.Actor, error) {
	bad := directory.Errorf(directory.KindUnauthenticated, "the access token is not valid")
	// The tenant is read before the signature is checked only to know
	// which issuer to expect; verifyAccessToken then checks both.
	tok, err := jwt.ParseSigned(raw, []jose.SignatureAlgorithm{jose.RS256})
	if err != nil {
		return directory.Actor{}, bad
	}
	var unverified struct {
		TenantID string `json:"tid"`
	}
	if err := tok.UnsafeClaimsWithoutVerification(&unverified); err != nil || !directory.ValidID(unverified.TenantID) {
		return directory.Actor{}, bad
	}
	c, err := p.verifyAccessToken(ctx, &directory.IssuerTenant{ID: unverified.TenantID}, raw)
	if err == errBadToken {
		return directory.Actor{}, bad
	}
	if err != nil {
		return directory.Actor{}, err
	}
	if !slices.Contains(c.Audience, directory.OrgdirAPIAppID) {
		return directory.Actor{}, directory.Errorf(directory.KindUnauthenticated,
			"the access token is not for orgdir's API: ask for the scope %s/.default", directory.OrgdirAPIAppID)
	}
	return p.svc.AuthenticateAPIAccess(ctx, directory.APIAccess{TenantID: c.TenantID, GrantID: c.Grant,
		UserID: c.ObjectID, AppID: c.AppID, Roles: c.Roles, Scopes: strings.Fields(c.Scope)})
}
