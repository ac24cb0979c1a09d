package demo

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/orgdir/orgdir/internal/directory"
)

// The demo app as an OpenID Connect client: a relying party on this
// machine (docs/oidc.md, examples/oidc-demo-client).
const (
	AppRedirectURI = "http://localhost:8081/callback"
	AppHomePageURL = "http://localhost:8081/"
	AppSecretName  = "demo"
)

// client gives the app its redirect URI and home page (unless an admin
// set them) and a fresh client secret, returned to print: only its hash
// is kept, so each start replaces the previous start's demo secret with
// one it can print.
func (s *seeder) client(ctx context.Context, t *directory.Tenant, app *directory.Application) (*directory.Application, string, error) {
	var p directory.ApplicationPatch
	if !slices.Contains(app.WebRedirectURIs, AppRedirectURI) {
		uris := append(slices.Clone(app.WebRedirectURIs), AppRedirectURI)
		p.WebRedirectURIs = &uris
	}
	if app.WebHomePageURL == "" {
		home := AppHomePageURL
		p.WebHomePageURL = &home
	}
	if p.WebRedirectURIs != nil || p.WebHomePageURL != nil {
		var err error
		if app, err = s.svc.UpdateApplication(ctx, t.ID, app.ID, p); err != nil {
			return nil, "", fmt.Errorf("client settings of %s: %w", AppName, err)
		}
	}
	for _, c := range app.PasswordCredentials {
		if c.DisplayName != AppSecretName {
			continue
		}
		if err := s.svc.RemoveApplicationPassword(ctx, t.ID, app.ID, c.KeyID); err != nil {
			return nil, "", fmt.Errorf("remove the previous demo secret of %s: %w", AppName, err)
		}
	}
	secret, _, err := s.svc.AddApplicationPassword(ctx, t.ID, app.ID, AppSecretName, time.Time{})
	if err != nil {
		return nil, "", fmt.Errorf("client secret of %s: %w", AppName, err)
	}
	app, err = s.svc.GetApplication(ctx, t.ID, app.ID)
	if err != nil {
		return nil, "", err
	}
	return app, secret, nil
}
