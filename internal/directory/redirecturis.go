package directory

import (
	"context"
	"slices"
	"strings"
)

// Platforms of redirect URIs, as Graph's application groups them.
const (
	PlatformWeb          = "web"
	PlatformSPA          = "spa"
	PlatformPublicClient = "publicClient"
)

// Platforms lists them in the order pages show them.
var Platforms = []string{PlatformWeb, PlatformSPA, PlatformPublicClient}

// platformURIs is the list of a's redirect URIs of platform, or
// KindInvalid naming the platforms there are.
func platformURIs(a *Application, platform string) (*[]string, error) {
	switch platform {
	case PlatformWeb:
		return &a.WebRedirectURIs, nil
	case PlatformSPA:
		return &a.SPARedirectURIs, nil
	case PlatformPublicClient:
		return &a.PublicClientRedirectURIs, nil
	}
	return nil, Invalidf("platform", "platform %q is not one of web, spa, publicClient", platform)
}

// AddRedirectURI adds one redirect URI to a platform of an application,
// read and written in one transaction so that two administrators adding
// at once both count. The same URI twice is KindConflict.
func (s *Service) AddRedirectURI(ctx context.Context, tenantID, appID, platform, uri string) (*Application, error) {
	uri = strings.TrimSpace(uri)
	field := platform + ".redirectUris"
	if _, err := platformURIs(&Application{}, platform); err != nil {
		return nil, err
	}
	if err := ValidRedirectURI(field, uri); err != nil {
		return nil, err
	}
	return writeResult(s, ctx, func(o *op) (*Application, error) {
		a, err := o.manageableApp(tenantID, appID)
		if err != nil {
			return nil, err
		}
		cur, _ := platformURIs(a, platform)
		if slices.Contains(*cur, uri) {
			return nil, Errorf(KindConflict, "%s already has the %s redirect URI %s", a.DisplayName, platform, uri)
		}
		if len(*cur) >= MaxRedirectURIs {
			return nil, Invalidf(field, "%s may list at most %d URIs", field, MaxRedirectURIs)
		}
		next := append(slices.Clone(*cur), uri)
		return o.updateApp(tenantID, a, platformPatch(platform, next))
	})
}

// RemoveRedirectURI removes one redirect URI from a platform of an
// application; one it does not have is KindNotFound.
func (s *Service) RemoveRedirectURI(ctx context.Context, tenantID, appID, platform, uri string) (*Application, error) {
	if _, err := platformURIs(&Application{}, platform); err != nil {
		return nil, err
	}
	return writeResult(s, ctx, func(o *op) (*Application, error) {
		a, err := o.manageableApp(tenantID, appID)
		if err != nil {
			return nil, err
		}
		cur, _ := platformURIs(a, platform)
		i := slices.Index(*cur, uri)
		if i < 0 {
			return nil, Errorf(KindNotFound, "%s has no %s redirect URI %s", a.DisplayName, platform, uri)
		}
		next := slices.Delete(slices.Clone(*cur), i, i+1)
		return o.updateApp(tenantID, a, platformPatch(platform, next))
	})
}

func platformPatch(platform string, uris []string) ApplicationPatch {
	var p ApplicationPatch
	switch platform {
	case PlatformWeb:
		p.WebRedirectURIs = &uris
	case PlatformSPA:
		p.SPARedirectURIs = &uris
	case PlatformPublicClient:
		p.PublicClientRedirectURIs = &uris
	}
	return p
}
