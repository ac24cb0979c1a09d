package demo

import (
	"bytes"
	"context"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestSeedMakesTheAppAClientWithAPrintedSecret(t *testing.T) {
	path := filepath.Join(t.TempDir(), "orgdir.db")
	svc := newService(t, path)
	d := seed(t, svc)
	ctx := context.Background()
	if !slices.Contains(d.App.WebRedirectURIs, AppRedirectURI) || d.App.WebHomePageURL != AppHomePageURL {
		t.Fatalf("app = %+v", d.App)
	}
	if _, err := svc.AuthenticateClient(ctx, d.Contoso.ID, d.App.ID, d.AppSecret); err != nil {
		t.Fatalf("the seeded secret does not authenticate: %v", err)
	}
	for _, c := range d.App.PasswordCredentials {
		if bytes.Contains(c.SecretHash, []byte(d.AppSecret)) || c.Hint != d.AppSecret[:3] {
			t.Errorf("stored credential %+v: want the hash and hint only", c)
		}
	}
	var out bytes.Buffer
	d.Print(&out, publicURL)
	for _, want := range []string{d.App.ID, d.AppSecret, AppRedirectURI, publicURL + "/" + d.Contoso.ID + "/v2.0"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("Print does not say %q:\n%s", want, out.String())
		}
	}
	// The next start replaces the demo secret: one secret, the new one.
	again := seed(t, svc)
	if len(again.App.PasswordCredentials) != 1 || len(again.App.WebRedirectURIs) != 1 {
		t.Errorf("after a second seed: %+v", again.App)
	}
	if _, err := svc.AuthenticateClient(ctx, d.Contoso.ID, d.App.ID, d.AppSecret); err == nil {
		t.Error("the previous start's secret still authenticates")
	}
	if _, err := svc.AuthenticateClient(ctx, d.Contoso.ID, d.App.ID, again.AppSecret); err != nil {
		t.Errorf("the new secret does not authenticate: %v", err)
	}
}
