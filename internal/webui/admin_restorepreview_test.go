package webui

import (
	"context"
	"net/http"
	"net/url"
	"testing"

	"github.com/orgdir/orgdir/internal/directory"
)

// TestRestorePreviewBlockedByMail: a live user took the deleted guest's
// mail, so the preview says so, names that user and offers no Restore;
// a confirm posted anyway is refused and restores nothing.
func TestRestorePreviewBlockedByMail(t *testing.T) {
	s := newSite(t)
	d := s.demo
	tid := d.Contoso.ID
	ada := directory.WithActor(context.Background(), directory.UserActor(d.Fabrikam.ID, d.Ada.ID))
	if err := s.svc.Leave(ada, tid); err != nil {
		t.Fatal(err)
	}
	other, err := s.svc.CreateUser(s.system(), tid, directory.NewUser{UserPrincipalName: "other@contoso.example", DisplayName: "Other", Mail: d.AdaGuest.Mail})
	if err != nil {
		t.Fatal(err)
	}
	admin := s.admin(t)
	admin.get("/admin/" + tid + "/deleted")
	p := admin.post("/admin/"+tid+"/deleted/restore", url.Values{"id": {d.AdaGuest.ID}})
	must(t, p, http.StatusConflict, "Restore Ada Lovelace?", "already has the mail "+d.AdaGuest.Mail, "/admin/"+tid+"/users/"+other.ID)
	mustNot(t, p, `id="confirm-restore"`)

	p = admin.post("/admin/"+tid+"/deleted/restore", url.Values{"id": {d.AdaGuest.ID}, "confirm": {"yes"}})
	if p.status != http.StatusConflict {
		t.Fatalf("confirm despite the clash: %d:\n%s", p.status, p.body)
	}
	if _, err := s.svc.GetDeletedUser(s.system(), tid, d.AdaGuest.ID); err != nil {
		t.Fatalf("the guest must still be deleted: %v", err)
	}
	// Without the CSRF token, neither the preview nor the restore runs.
	must(t, admin.post("/admin/"+tid+"/deleted/restore", url.Values{"id": {d.AdaGuest.ID}, "csrf": {""}}), http.StatusForbidden)
}
