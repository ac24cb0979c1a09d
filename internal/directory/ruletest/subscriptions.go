package ruletest

import (
	"testing"
	"time"

	"github.com/orgdir/orgdir/internal/directory"
)

// storeSubscription writes a subscription straight to the store, its
// cursor at the log's head (the API's create needs a live webhook, which
// the webhook package's tests run).
func (w *world) storeSubscription(tenantID, ownerUser, ownerApp, resource string) *directory.Subscription {
	w.t.Helper()
	now := w.clock.Now()
	s := &directory.Subscription{
		ID: directory.NewID(), TenantID: tenantID, OwnerUserID: ownerUser, OwnerAppID: ownerApp, Resource: resource,
		ChangeTypes: []directory.ChangeType{directory.ChangeCreated}, NotificationURL: "https://hooks.example/" + resource,
		Secret: "whsec_dGVzdA==", ExpiresAt: now.Add(48 * time.Hour), CreatedAt: now, NextAttemptAt: now,
	}
	ok(w.t, w.store.Write(w.sys, func(tx directory.Tx) error {
		var err error
		if s.Cursor, err = tx.ChangeLogHead(w.sys); err != nil {
			return err
		}
		return tx.CreateSubscription(w.sys, s)
	}))
	return s
}

// testAdminSubscriptions: a Global Administrator sees and ends every
// subscription of their tenant, whoever made it, and none of another
// tenant's; a User Administrator may not.
func testAdminSubscriptions(t *testing.T, ns NewStore) {
	w := newWorld(t, ns)
	admin := w.as(w.contosoAdmin)
	mine := w.storeSubscription(w.contoso.ID, w.contosoAdmin.ID, "", "users")
	apps := w.storeSubscription(w.contoso.ID, "", w.app.ID, "groups")
	theirs := w.storeSubscription(w.fabrikam.ID, w.fabrikamAdmin.ID, "", "users")
	w.member(w.contoso, "new", "New Member") // one created user after both cursors

	// On PostgreSQL a change is read once older transactions have ended.
	var list []*directory.SubscriptionState
	for deadline := time.Now().Add(15 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		list = must(w.svc.ListTenantSubscriptions(admin, w.contoso.ID))(t)
		if len(list) != 2 || list[0].Backlog+list[1].Backlog > 0 || time.Now().After(deadline) {
			break
		}
	}
	got := map[string]*directory.SubscriptionState{}
	for _, s := range list {
		got[s.ID] = s
	}
	if len(list) != 2 || got[mine.ID] == nil || got[apps.ID] == nil {
		t.Fatalf("Contoso's admin lists %d subscriptions, want Contoso's 2 (not Fabrikam's)", len(list))
	}
	if s := got[mine.ID]; s.OwnerName != "Contoso Admin" || s.Backlog != 1 || s.BacklogMore {
		t.Errorf("the users subscription: owner %q, backlog %d (more %v); want Contoso Admin, 1", s.OwnerName, s.Backlog, s.BacklogMore)
	}
	if s := got[apps.ID]; s.OwnerName != "Lab Notebook" || s.Backlog != 0 {
		t.Errorf("the app's groups subscription: owner %q, backlog %d; want Lab Notebook, 0 (a user was created)", s.OwnerName, s.Backlog)
	}

	// Fabrikam's, from Contoso: as if it did not exist, and untouched.
	_, err := w.svc.ListTenantSubscriptions(admin, w.fabrikam.ID)
	wantKind(t, err, directory.KindForbidden)
	_, err = w.svc.GetTenantSubscription(admin, w.contoso.ID, theirs.ID)
	wantKind(t, err, directory.KindNotFound)
	wantKind(t, w.svc.DeleteTenantSubscription(admin, w.contoso.ID, theirs.ID), directory.KindNotFound)
	wantKind(t, w.svc.DeleteTenantSubscription(admin, w.fabrikam.ID, theirs.ID), directory.KindForbidden)
	if n := len(must(w.svc.ListTenantSubscriptions(w.as(w.fabrikamAdmin), w.fabrikam.ID))(t)); n != 1 {
		t.Fatalf("Fabrikam has %d subscriptions after Contoso's attempts, want 1", n)
	}

	// A User Administrator administers users, not the tenant's feeds.
	ua := w.as(w.member(w.contoso, "ua", "User Admin", directory.RoleUserAdministrator))
	_, err = w.svc.ListTenantSubscriptions(ua, w.contoso.ID)
	wantKind(t, err, directory.KindForbidden)
	wantKind(t, w.svc.DeleteTenantSubscription(ua, w.contoso.ID, apps.ID), directory.KindForbidden)

	// The Global Administrator ends the app's subscription: audited.
	ok(t, w.svc.DeleteTenantSubscription(admin, w.contoso.ID, apps.ID))
	_, err = w.svc.GetTenantSubscription(admin, w.contoso.ID, apps.ID)
	wantKind(t, err, directory.KindNotFound)
	ev := w.events(w.contoso.ID, directory.ActivityDeleteSubscription, apps.ID)
	if len(ev) != 1 || ev[0].Initiator.UserID != w.contosoAdmin.ID || len(ev[0].AdditionalDetails) != 1 ||
		ev[0].AdditionalDetails[0].Value != "deleted by an administrator" {
		t.Fatalf("the admin's delete is audited as %+v", ev)
	}
	if n := len(must(w.svc.ListTenantSubscriptions(admin, w.contoso.ID))(t)); n != 1 {
		t.Fatalf("Contoso has %d subscriptions after one was deleted, want 1", n)
	}
}
