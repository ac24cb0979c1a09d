package webui

import (
	"net/http"
	"strings"
	"testing"
)

// TestUserPageShowsLastSignIn: the admin's own page shows the sign-in the
// admin just made; a pending guest's says Never.
func TestUserPageShowsLastSignIn(t *testing.T) {
	s := newSite(t)
	tid := s.demo.Contoso.ID
	at := s.clock.Now().UTC().Format("2006-01-02 15:04 UTC")
	admin := s.admin(t)

	p := admin.get("/admin/" + tid + "/users/" + s.demo.ContosoAdmin.ID)
	must(t, p, http.StatusOK)
	if !strings.Contains(p.body, `id="last-sign-in" title="Kept to the hour">`+at+`<`) {
		t.Errorf("the admin's page does not show the sign-in at %s", at)
	}
	p = admin.get("/admin/" + tid + "/users/" + s.demo.Grace.ID)
	must(t, p, http.StatusOK)
	if !strings.Contains(p.body, `id="last-sign-in" title="Kept to the hour">Never<`) ||
		!strings.Contains(p.body, `id="last-token-use" title="Kept to the hour">Never<`) {
		t.Error("a pending guest's page does not say Never")
	}
}
