package webhook_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/orgdir/orgdir/internal/directory"
)

func TestAReceiverDownGetsEverythingInOrderWhenBackAndMissedAfterFourHours(t *testing.T) {
	w := newWorld(t)
	r, life := newReceiver(t), newReceiver(t)
	w.subscribe(r, "users", "updated", life.url())
	d := w.dispatcher()
	renameUser := func(u *directory.User, name string) {
		t.Helper()
		must(w.svc.UpdateUser(w.as(w.admin), w.contoso.ID, u.ID, directory.UserPatch{DisplayName: &name}))(t)
	}
	rename := func(name string) { renameUser(w.guest, name) }
	r.set(http.StatusServiceUnavailable, 0)
	rename("one")
	w.deliver(d)
	renameUser(w.admin, "two")
	w.deliver(d) // not due yet: the retry waits
	if r.attemptCount() != 1 {
		t.Fatalf("%d attempts, want 1 (then a backoff)", r.attemptCount())
	}
	w.clock.Advance(5 * time.Second) // the first retry, less its jitter
	w.deliver(d)
	if r.attemptCount() != 2 {
		t.Fatalf("%d attempts after the backoff, want 2", r.attemptCount())
	}
	r.set(0, 0)
	rename("three")
	w.clock.Advance(time.Minute)
	w.deliver(d)
	var ids []string
	for _, n := range r.notifications() {
		ids = append(ids, str(n, "resourceData", "id"))
	}
	if strings.Join(ids, " ") != strings.Join([]string{w.guest.ID, w.admin.ID, w.guest.ID}, " ") {
		t.Fatalf("delivered %v, want the three updates in order", ids)
	}
	first := r.deliveries()[0].header.Get("webhook-id")
	if len(r.deliveries()) != 1 || first == "" {
		t.Fatalf("want one batch of three, got %d", len(r.deliveries()))
	}

	// Down for good: after four hours of retries, a missed lifecycle
	// notification and the batch is dropped.
	r.set(http.StatusInternalServerError, 0)
	rename("four")
	for range 40 {
		w.deliver(d)
		w.clock.Advance(10 * time.Minute)
	}
	ls := life.notifications()
	if len(ls) != 1 || str(ls[0], "lifecycleEvent") != "missed" {
		t.Fatalf("lifecycle %v, want one missed", ls)
	}
	if !verify(w.subscriptionSecret(t), life.deliveries()[0].header, life.deliveries()[0].body) {
		t.Error("the lifecycle notification is not signed")
	}
	r.set(0, 0)
	before := len(r.notifications())
	w.deliver(d)
	if len(r.notifications()) != before {
		t.Fatal("the missed batch came after all")
	}
}

func (w *world) subscriptionSecret(t *testing.T) string {
	subs := must(w.svc.ListSubscriptions(w.sys, w.contoso.ID))(t)
	return subs[0].Secret
}

func TestAnExpiredSubscriptionEndsWithSubscriptionRemoved(t *testing.T) {
	w := newWorld(t)
	r, life := newReceiver(t), newReceiver(t)
	s := w.subscribe(r, "users", "deleted", life.url())
	d := w.dispatcher()
	w.clock.Set(s.ExpiresAt)
	if err := w.svc.Leave(w.as(w.ada), w.contoso.ID); err != nil {
		t.Fatal(err)
	}
	w.deliver(d)
	if len(r.notifications()) != 0 {
		t.Fatal("an expired subscription was notified")
	}
	ls := life.notifications()
	if len(ls) != 1 || str(ls[0], "lifecycleEvent") != "subscriptionRemoved" || str(ls[0], "subscriptionId") != s.ID {
		t.Fatalf("lifecycle %v", ls)
	}
	if _, err := w.svc.GetSubscription(w.as(w.admin), w.contoso.ID, s.ID); directory.KindOf(err) != directory.KindNotFound {
		t.Fatalf("the expired subscription is still there: %v", err)
	}
	ev := must(w.svc.ListAudit(w.as(w.admin), w.contoso.ID, directory.AuditQuery{TargetID: s.ID, Limit: 10}))(t)
	if len(ev) != 2 || ev[0].Activity != directory.ActivityDeleteSubscription || ev[0].AdditionalDetails[0].Value != "expired" {
		t.Fatalf("audit of the subscription: %+v", ev)
	}
}

// The owner's permission is checked at every delivery: an admin who is
// deleted, or an app whose permission is taken back, learns nothing more.
func TestASubscriptionEndsWhenItsOwnerMayNoLongerRead(t *testing.T) {
	w := newWorld(t)
	r, life := newReceiver(t), newReceiver(t)
	admin := w.as(w.admin)
	other := must(w.svc.CreateUser(w.sys, w.contoso.ID, directory.NewUser{UserPrincipalName: "ops@contoso.example", DisplayName: "Ops"}))(t)
	if err := w.svc.AddRole(w.sys, w.contoso.ID, other.ID, directory.RoleGlobalAdministrator); err != nil {
		t.Fatal(err)
	}
	s := must(w.svc.CreateSubscription(w.as(other), w.contoso.ID, directory.NewSubscription{
		Resource: "users", ChangeType: "updated,deleted", NotificationURL: r.url(), LifecycleNotificationURL: life.url(),
		ExpirationDateTime: w.clock.Now().Add(time.Hour)}))(t)
	if err := w.svc.DeleteUser(admin, w.contoso.ID, other.ID); err != nil {
		t.Fatal(err)
	}
	w.deliver(w.dispatcher())
	if len(r.notifications()) != 0 {
		t.Fatalf("a deleted owner was told of its own deletion: %v", r.notifications())
	}
	if ls := life.notifications(); len(ls) != 1 || str(ls[0], "lifecycleEvent") != "subscriptionRemoved" || str(ls[0], "subscriptionId") != s.ID {
		t.Fatalf("lifecycle %v", ls)
	}
}

// An hour before expiry the lifecycle URL is told reauthorizationRequired,
// once; a renewal (PATCH) schedules the next reminder.
func TestReauthorizationRequiredAnHourBeforeExpiry(t *testing.T) {
	w := newWorld(t)
	r, life := newReceiver(t), newReceiver(t)
	s := w.subscribe(r, "users", "updated", life.url())
	d := w.dispatcher()
	w.clock.Set(s.ExpiresAt.Add(-directory.ReauthorizationLead - time.Minute))
	w.deliver(d)
	if len(life.notifications()) != 0 {
		t.Fatal("reminded early")
	}
	w.clock.Advance(2 * time.Minute)
	w.deliver(d)
	w.clock.Advance(time.Minute)
	w.deliver(d)
	ls := life.notifications()
	if len(ls) != 1 || str(ls[0], "lifecycleEvent") != "reauthorizationRequired" || str(ls[0], "subscriptionId") != s.ID {
		t.Fatalf("lifecycle %v, want one reauthorizationRequired", ls)
	}
	exp := w.clock.Now().Add(48 * time.Hour)
	must(w.svc.UpdateSubscription(w.as(w.admin), w.contoso.ID, s.ID, directory.SubscriptionPatch{ExpirationDateTime: &exp}))(t)
	w.clock.Set(exp.Add(-directory.ReauthorizationLead))
	w.deliver(d)
	if n := len(life.notifications()); n != 2 {
		t.Fatalf("%d lifecycle notifications after the renewal's reminder, want 2", n)
	}
	if got := must(w.svc.GetSubscription(w.as(w.admin), w.contoso.ID, s.ID))(t); got.LastDeliveryAt != nil {
		t.Error("a reminder counted as a delivery")
	}
}

// An administrator's delete is not the owner's: the owner's lifecycle URL
// is told subscriptionRemoved, signed, as for an expired subscription.
func TestAnAdministratorsDeleteSendsSubscriptionRemoved(t *testing.T) {
	w := newWorld(t)
	r, life := newReceiver(t), newReceiver(t)
	d := w.dispatcher()
	svc := directory.NewService(w.store, directory.Options{Clock: w.clock.Now, PublicBaseURL: "https://orgdir.test",
		Webhooks: w.validate, OnSubscriptionRemoved: d.Removed})
	dev := must(svc.CreateUser(w.sys, w.contoso.ID, directory.NewUser{UserPrincipalName: "dev@contoso.example", DisplayName: "Dev"}))(t)
	s := must(svc.CreateSubscription(w.as(dev), w.contoso.ID, directory.NewSubscription{
		Resource: "users", ChangeType: "updated", NotificationURL: r.url(), LifecycleNotificationURL: life.url(),
		ExpirationDateTime: w.clock.Now().Add(time.Hour)}))(t)
	if err := svc.DeleteTenantSubscription(w.as(w.admin), w.contoso.ID, s.ID); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for len(life.notifications()) == 0 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	ls := life.notifications()
	if len(ls) != 1 || str(ls[0], "lifecycleEvent") != "subscriptionRemoved" || str(ls[0], "subscriptionId") != s.ID {
		t.Fatalf("lifecycle %v, want one subscriptionRemoved of %s", ls, s.ID)
	}
	if !verify(s.Secret, life.deliveries()[0].header, life.deliveries()[0].body) {
		t.Error("the subscriptionRemoved notification is not signed")
	}
	if _, err := svc.GetSubscription(w.as(dev), w.contoso.ID, s.ID); directory.KindOf(err) != directory.KindNotFound {
		t.Fatalf("the deleted subscription is still there: %v", err)
	}
}
