package webui

import (
	"net/http"
	"net/url"
	"testing"
)

// TestRefusedFormsNameTheFieldByItsLabel: a person who typed a bad value
// into a form is told about it in the words of that form ("The e-mail
// address"), never by the API's property name (InvitedUserEmailAddress,
// RetentionDays, DisplayName), and the refused form changes nothing.
func TestRefusedFormsNameTheFieldByItsLabel(t *testing.T) {
	s := newSite(t)
	tid := s.demo.Contoso.ID
	base := "/admin/" + tid
	admin := s.admin(t)
	admin.get(base + "/invite")

	p := admin.post(base+"/invite", url.Values{"email": {"not-an-email"}})
	must(t, p, http.StatusBadRequest, "The e-mail address &#34;not-an-email&#34; is not an e-mail address")
	mustNot(t, p, "InvitedUserEmailAddress", "invitedUserEmailAddress")

	for _, days := range []string{"0", "10000"} {
		p = admin.post(base+"/settings", url.Values{"displayName": {"Contoso"}, "allowLeave": {"on"}, "retentionDays": {days}})
		must(t, p, http.StatusBadRequest, "The days a deleted user can be restored must be between 1 and 365 days, not "+days)
		mustNot(t, p, "RetentionDays", "retentionDays must")
	}
	p = admin.post(base+"/settings", url.Values{"displayName": {" "}, "allowLeave": {"on"}, "retentionDays": {"30"}})
	must(t, p, http.StatusBadRequest, "The organization name must not be empty")

	p = admin.post(base+"/users", url.Values{"upn": {"bob@contoso.example"}, "displayName": {""}})
	must(t, p, http.StatusBadRequest, "The name must not be empty")
	mustNot(t, p, "DisplayName")
	p = admin.post(base+"/users", url.Values{"upn": {"bob@other.example"}, "displayName": {"Bob"}})
	must(t, p, http.StatusBadRequest, "The user name &#34;bob@other.example&#34; must end in @contoso.example")

	tenant, err := s.svc.GetTenant(s.system(), tid)
	if err != nil {
		t.Fatal(err)
	}
	if tenant.DisplayName != "Contoso" || tenant.Settings.RetentionDays != s.demo.Contoso.Settings.RetentionDays {
		t.Fatalf("a refused settings form changed the tenant: %q, %d days", tenant.DisplayName, tenant.Settings.RetentionDays)
	}
	mustNot(t, admin.get(base+"/users"), "not-an-email", "bob@")
}

// TestABrokenRedeemLinkSaysWhatToDo: a cut-off or made-up redeem link is
// not found, and the page tells the person what to do about it.
func TestABrokenRedeemLinkSaysWhatToDo(t *testing.T) {
	s := newSite(t)
	b := s.browser(t)
	for _, path := range []string{"/redeem?token=garbage", "/redeem", "/redeem?token=" + s.demo.GraceInvite.RedeemToken[:10]} {
		p := b.get(path)
		must(t, p, http.StatusNotFound, "This invitation link is not valid", "open the whole link from the invitation e-mail")
	}
	// The whole link still works.
	must(t, b.get("/redeem?token="+s.demo.GraceInvite.RedeemToken), http.StatusOK, "Contoso")
}
