package directory

import (
	"context"
	"slices"
	"strings"
	"time"
)

// What the protocol layer (internal/oidcprovider) asks of the domain
// before anybody has signed in: which tenant a path names, and what an
// application registered as a client. Neither needs an actor; neither
// tells more than a discovery document or an authorization request
// would.

// IssuerTenant is a tenant as its issuer shows it.
type IssuerTenant struct {
	ID          string
	DisplayName string
	Contact     *Contact
	// AccessTokenLifetime is how long the tenant's access and ID tokens
	// live: its setting, within the service's TokenMaxLifetime.
	AccessTokenLifetime time.Duration
}

// ResolveIssuerTenant finds the tenant that ref names in a protocol path:
// its id or its domain. An unknown one is KindAppSignInRefused with
// CodeTenantNotFound (AADSTS90002), as Entra answers.
func (s *Service) ResolveIssuerTenant(ctx context.Context, ref string) (*IssuerTenant, error) {
	notFound := appRefusal(CodeTenantNotFound, nil, "no organization "+ref+" is known here")
	if len(ref) > 255 {
		return nil, appRefusal(CodeTenantNotFound, nil, "no such organization is known here")
	}
	var t *Tenant
	err := s.store.Read(ctx, func(tx Tx) error {
		var err error
		switch {
		case ValidID(ref):
			t, err = tx.GetTenant(ctx, ref)
		case validDomainSyntax(strings.ToLower(ref)) == nil:
			t, err = tx.GetTenantByDomain(ctx, strings.ToLower(ref))
		default:
			return notFound
		}
		if IsKind(err, KindNotFound) {
			return notFound
		}
		return err
	})
	if err != nil {
		return nil, wrap(err)
	}
	ttl := min(time.Duration(t.Settings.AccessTokenMinutes)*time.Minute, s.opts.TokenMaxLifetime)
	return &IssuerTenant{ID: t.ID, DisplayName: t.DisplayName, Contact: t.Contact(), AccessTokenLifetime: ttl}, nil
}

// AppClient is an application as an OpenID Connect client sees itself:
// nothing secret.
type AppClient struct {
	TenantID                 string
	AppID                    string
	DisplayName              string
	WebRedirectURIs          []string
	SPARedirectURIs          []string
	PublicClientRedirectURIs []string
	WebLogoutURL             string
	HasSecrets               bool
}

// RedirectURIRegistered reports whether uri is one of the client's
// redirect URIs, exactly (case included).
func (c *AppClient) RedirectURIRegistered(uri string) bool {
	return slices.Contains(c.WebRedirectURIs, uri) || slices.Contains(c.SPARedirectURIs, uri) ||
		slices.Contains(c.PublicClientRedirectURIs, uri)
}

// GetAppClient returns application clientID of tenantID as a client; an
// unknown one, or one of another tenant, is KindAppSignInRefused with
// CodeAppNotFound (AADSTS700016).
func (s *Service) GetAppClient(ctx context.Context, tenantID, clientID string) (*AppClient, error) {
	var out *AppClient
	err := s.store.Read(ctx, func(tx Tx) error {
		t, err := tx.GetTenant(ctx, tenantID)
		if err != nil {
			return err
		}
		refused := appRefusal(CodeAppNotFound, t.Contact(), "application "+clientID+" was not found in "+t.DisplayName)
		if !ValidID(clientID) {
			return refused
		}
		a, err := tx.GetApplication(ctx, tenantID, clientID)
		if IsKind(err, KindNotFound) {
			return refused
		}
		if err != nil {
			return err
		}
		out = &AppClient{TenantID: a.TenantID, AppID: a.ID, DisplayName: a.DisplayName,
			WebRedirectURIs: slices.Clone(a.WebRedirectURIs), SPARedirectURIs: slices.Clone(a.SPARedirectURIs),
			PublicClientRedirectURIs: slices.Clone(a.PublicClientRedirectURIs), WebLogoutURL: a.WebLogoutURL,
			HasSecrets: len(a.PasswordCredentials) > 0}
		return nil
	})
	if err != nil {
		return nil, wrap(err)
	}
	return out, nil
}

// GrantSignIn is the sign-in of grant grantID of tenantID as it stands
// now, for userinfo and introspection: it fails as a refresh would
// (invalid_grant, with Entra's code) when the grant was ended, expired,
// or its user may no longer sign in to the app.
func (s *Service) GrantSignIn(ctx context.Context, tenantID, grantID string) (*AppSignIn, error) {
	var out *AppSignIn
	err := s.store.Read(ctx, func(tx Tx) error {
		o := s.newOp(ctx, tx, nil)
		if !ValidID(grantID) {
			return invalidGrant("the token is not valid")
		}
		g, err := tx.GetOAuthGrant(ctx, grantID)
		if IsKind(err, KindNotFound) {
			return invalidGrant("the grant was ended")
		}
		if err != nil {
			return err
		}
		switch {
		case g.TenantID != tenantID:
			return invalidGrant("the token is not valid")
		case g.RevokedAt != nil:
			return invalidGrant("the grant was ended")
		case !o.now.Before(g.ExpiresAt):
			return invalidGrant("AADSTS700082: the grant has expired")
		}
		out, err = o.grantSignIn(g)
		return err
	})
	if err != nil {
		return nil, wrap(err)
	}
	return out, nil
}

// AppTokenValid reports whether an app-only token of application appID
// of tenantID may still be honoured: the application still exists.
func (s *Service) AppTokenValid(ctx context.Context, tenantID, appID string) error {
	if !ValidID(appID) || !ValidID(tenantID) {
		return invalidClient()
	}
	err := s.store.Read(ctx, func(tx Tx) error {
		_, err := tx.GetApplication(ctx, tenantID, appID)
		if IsKind(err, KindNotFound) {
			return invalidGrant(CodeAppNotFound + ": the application no longer exists")
		}
		return err
	})
	return wrap(err)
}

// RevokeRefreshToken ends the grant of refreshToken (RFC 7009) when it
// was issued to client of tenantID; an unknown token is no error (RFC
// 7009 §2.2), a token of another client is invalid_grant (not revoked).
func (s *Service) RevokeRefreshToken(ctx context.Context, tenantID string, client ClientAuth, refreshToken string) error {
	if len(refreshToken) > maxSecretLen || !strings.HasPrefix(refreshToken, RefreshTokenPrefix) {
		return nil
	}
	var grant *OAuthGrant
	err := s.store.Read(ctx, func(tx Tx) error {
		rt, err := tx.GetRefreshToken(ctx, HashSecret(refreshToken))
		if err != nil {
			return err
		}
		grant, err = tx.GetOAuthGrant(ctx, rt.GrantID)
		return err
	})
	if IsKind(err, KindNotFound) {
		return nil
	}
	if err != nil {
		return wrap(err)
	}
	if err := s.clientOf(ctx, tenantID, client, grant); err != nil {
		return err
	}
	return wrap(s.store.Write(ctx, func(tx Tx) error {
		err := tx.RevokeOAuthGrant(ctx, grant.ID, s.clock())
		if IsKind(err, KindNotFound) {
			return nil
		}
		return err
	}))
}
