package webui

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/orgdir/orgdir/internal/demo"
	"github.com/orgdir/orgdir/internal/directory"
	"github.com/orgdir/orgdir/internal/webhook"
)

// hookReceiver is a real webhook endpoint: it answers Graph's validation
// request and then each notification with status (0: 202).
type hookReceiver struct {
	srv    *httptest.Server
	mu     sync.Mutex
	status int
	got    int
}

func newHookReceiver(t *testing.T) *hookReceiver {
	h := &hookReceiver{}
	h.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if tok := r.URL.Query().Get("validationToken"); tok != "" {
			w.Header().Set("Content-Type", "text/plain")
			_, _ = io.WriteString(w, tok)
			return
		}
		_, _ = io.Copy(io.Discard, r.Body)
		h.mu.Lock()
		defer h.mu.Unlock()
		if h.status != 0 {
			w.WriteHeader(h.status)
			return
		}
		h.got++
		w.WriteHeader(http.StatusAccepted)
	}))
	t.Cleanup(h.srv.Close)
	return h
}

func (h *hookReceiver) answer(status int) {
	h.mu.Lock()
	h.status = status
	h.mu.Unlock()
}

func newWebhookSite(t *testing.T) *site {
	return newSiteWith(t, func(o *directory.Options) { o.Webhooks = &webhook.Validator{AllowPrivate: true} })
}

func (s *site) subscribe(t *testing.T, tenantID, userID, resource, notifyURL string) *directory.Subscription {
	t.Helper()
	ctx := directory.WithActor(context.Background(), directory.UserActor(tenantID, userID))
	sub, err := s.svc.CreateSubscription(ctx, tenantID, directory.NewSubscription{
		Resource: resource, ChangeType: "created,updated", NotificationURL: notifyURL,
		ExpirationDateTime: s.clock.Now().Add(48 * time.Hour),
	})
	if err != nil {
		t.Fatal(err)
	}
	return sub
}

// TestSubscriptionsPageShowsTheTenantsSubscriptionsWithTheirDeliveryState
// subscribes Contoso's admin (with a credential in the URL's query) and
// Fabrikam's admin, makes changes and delivers them with the real
// dispatcher to a receiver that accepts, then fails: the Contoso page
// shows its own subscription only, its last delivery, failures, last
// error and backlog, and never the query.
func TestSubscriptionsPageShowsTheTenantsSubscriptionsWithTheirDeliveryState(t *testing.T) {
	s := newWebhookSite(t)
	rcv := newHookReceiver(t)
	tid := s.demo.Contoso.ID
	s.subscribe(t, tid, s.demo.ContosoAdmin.ID, "users", rcv.srv.URL+"/contoso-hook?code=s3cret-token")
	s.subscribe(t, s.demo.Fabrikam.ID, s.demo.FabrikamAdmin.ID, "groups", rcv.srv.URL+"/fabrikam-hook")
	admin := s.admin(t)

	p := admin.get("/admin/" + tid + "/subscriptions")
	must(t, p, http.StatusOK, `aria-current="page">Subscriptions</a>`, "<code>users</code>", "created, updated",
		"/contoso-hook?…", `<span class="tag">User</span> <a href="/admin/`+tid+`/users/`+s.demo.ContosoAdmin.ID+`">Contoso Admin</a>`, "<span class=\"muted\">never</span>",
		`<td class="sub-backlog">0</td>`)
	mustNot(t, p, "s3cret-token", "fabrikam-hook")

	if _, err := s.svc.CreateUser(s.system(), tid, directory.NewUser{UserPrincipalName: "new1@contoso.example", DisplayName: "New One"}); err != nil {
		t.Fatal(err)
	}
	must(t, admin.get("/admin/"+tid+"/subscriptions"), http.StatusOK, `<td class="sub-backlog">1</td>`)

	d := &webhook.Dispatcher{Queue: s.svc, AllowPrivate: true, Clock: s.clock.Now}
	if _, err := d.DeliverOnce(context.Background()); err != nil {
		t.Fatal(err)
	}
	if rcv.got != 1 {
		t.Fatalf("the receiver accepted %d notifications, want 1", rcv.got)
	}
	now := s.clock.Now().Format("2006-01-02 15:04 UTC")
	p = admin.get("/admin/" + tid + "/subscriptions")
	must(t, p, http.StatusOK, `<td class="sub-backlog">0</td>`, "<td>"+now+"</td>", `<td class="sub-failures">0</td>`)

	rcv.answer(http.StatusServiceUnavailable)
	if _, err := s.svc.CreateUser(s.system(), tid, directory.NewUser{UserPrincipalName: "new2@contoso.example", DisplayName: "New Two"}); err != nil {
		t.Fatal(err)
	}
	if _, err := d.DeliverOnce(context.Background()); err != nil {
		t.Fatal(err)
	}
	must(t, admin.get("/admin/"+tid+"/subscriptions"), http.StatusOK, `<td class="sub-backlog">1</td>`,
		`<span class="tag bad">1 in a row</span> since `+now, "Last error: <code>the notification URL answered 503</code>")
}

// TestSubscriptionDeleteAsksNeedsTheCSRFTokenAndIsAudited deletes
// Contoso's subscription from the portal: without a token it is refused
// and the subscription stays; Fabrikam's cannot be reached from Contoso's
// portal; with the token it ends, with its audit record.
func TestSubscriptionDeleteAsksNeedsTheCSRFTokenAndIsAudited(t *testing.T) {
	s := newWebhookSite(t)
	rcv := newHookReceiver(t)
	tid := s.demo.Contoso.ID
	sub := s.subscribe(t, tid, s.demo.ContosoAdmin.ID, "users", rcv.srv.URL+"/contoso-hook")
	fab := s.subscribe(t, s.demo.Fabrikam.ID, s.demo.FabrikamAdmin.ID, "groups", rcv.srv.URL+"/fabrikam-hook")
	admin := s.admin(t)
	del := "/admin/" + tid + "/subscriptions/" + sub.ID + "/delete"

	must(t, admin.get("/admin/"+tid+"/subscriptions"), http.StatusOK, `href="`+del+`"`)
	must(t, admin.post(del, url.Values{"csrf": {""}}), http.StatusForbidden, "Request refused")
	remaining := func(tenantID string) int {
		t.Helper()
		all, err := s.svc.ListTenantSubscriptions(s.system(), tenantID)
		if err != nil {
			t.Fatal(err)
		}
		return len(all)
	}
	if remaining(tid) != 1 {
		t.Fatal("a POST without the CSRF token deleted the subscription")
	}

	// Fabrikam's subscription, through Contoso's portal: as if it did not exist.
	other := "/admin/" + tid + "/subscriptions/" + fab.ID + "/delete"
	must(t, admin.get(other), http.StatusNotFound)
	admin.get("/admin/" + tid + "/subscriptions")
	must(t, admin.post(other, nil), http.StatusNotFound)
	if remaining(s.demo.Fabrikam.ID) != 1 {
		t.Fatal("Contoso's admin deleted Fabrikam's subscription")
	}

	must(t, admin.get(del), http.StatusOK, "Delete this subscription?", "Contoso Admin", "/contoso-hook")
	p := admin.post(del, nil)
	must(t, p, http.StatusOK, "The subscription was deleted", "No subscriptions.")
	if p.url != "/admin/"+tid+"/subscriptions" {
		t.Errorf("the delete ended at %s", p.url)
	}
	if remaining(tid) != 0 || remaining(s.demo.Fabrikam.ID) != 1 {
		t.Fatal("the delete did not end exactly the one subscription")
	}
	events, err := s.svc.ListAudit(s.system(), tid, directory.AuditQuery{TargetID: sub.ID, Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	audited := false
	for _, e := range events { // the fixed clock gives the add and the delete one time
		audited = audited || (e.Activity == directory.ActivityDeleteSubscription && e.Initiator.UserID == s.demo.ContosoAdmin.ID)
	}
	if !audited {
		t.Fatalf("no audit record of the admin's delete among %d events", len(events))
	}
}

// TestSubscriptionsAreTheGlobalAdministrators lets a User Administrator
// into the portal but not to the tenant's subscriptions, nor shows the
// link (ending an app's feed is a tenant-wide decision, as a consent is).
func TestSubscriptionsAreTheGlobalAdministrators(t *testing.T) {
	s := newWebhookSite(t)
	tid := s.demo.Contoso.ID
	d := s.demo
	if err := s.svc.AddRole(s.system(), tid, d.AdaGuest.ID, directory.RoleUserAdministrator); err != nil {
		t.Fatal(err)
	}
	ua := s.browser(t)
	ua.signIn(demo.AdaUPN, demo.AdaPassword)
	must(t, ua.post("/myaccount/organizations/"+tid+"/signin", nil), http.StatusOK, "You are signed in to Contoso.")
	mustNot(t, must200(t, ua.get("/admin/"+tid+"/users")), "/subscriptions")
	p := ua.get("/admin/" + tid + "/subscriptions")
	if p.status != http.StatusForbidden || !strings.Contains(p.body, "permission") {
		t.Fatalf("a User Administrator opened the subscriptions: %d\n%s", p.status, p.body)
	}
}

func must200(t *testing.T, p page) page {
	t.Helper()
	must(t, p, http.StatusOK)
	return p
}
