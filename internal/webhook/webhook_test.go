package webhook_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/orgdir/orgdir/internal/directory"
	"github.com/orgdir/orgdir/internal/webhook"
)

func TestTheValidationHandshake(t *testing.T) {
	w := newWorld(t)
	r := newReceiver(t)
	t.Run("Good", func(t *testing.T) {
		s := w.subscribe(r, "users", "deleted", "")
		if s.NotificationURL != r.url() {
			t.Fatalf("subscribed at %s", s.NotificationURL)
		}
	})
	t.Run("WrongAnswer", func(t *testing.T) {
		r.setAnswer(func(string) string { return "not the token" })
		defer r.setAnswer(nil)
		_, err := w.svc.CreateSubscription(w.as(w.admin), w.contoso.ID, directory.NewSubscription{
			Resource: "users", ChangeType: "deleted", NotificationURL: r.url(), ExpirationDateTime: w.clock.Now().Add(time.Hour)})
		if directory.KindOf(err) != directory.KindInvalid || !strings.Contains(err.Error(), "must exactly match validationToken") {
			t.Fatalf("a wrong answer: %v", err)
		}
	})
	t.Run("Timeout", func(t *testing.T) {
		slow := newReceiver(t)
		slow.setAnswer(func(tok string) string { time.Sleep(700 * time.Millisecond); return tok })
		v := &webhook.Validator{AllowPrivate: true, Timeout: 200 * time.Millisecond}
		err := v.ValidateWebhook(context.Background(), slow.url())
		if err == nil || !strings.Contains(err.Error(), "did not answer within 200ms") {
			t.Fatalf("a receiver too slow: %v", err)
		}
	})
	t.Run("PrivateAddressRefusedByDefault", func(t *testing.T) {
		v := &webhook.Validator{}
		err := v.ValidateWebhook(context.Background(), r.url())
		if err == nil || !strings.Contains(err.Error(), "https") {
			t.Fatalf("an http URL: %v", err)
		}
		err = v.ValidateWebhook(context.Background(), strings.Replace(r.url(), "http://", "https://", 1))
		if !errors.Is(err, webhook.ErrPrivateAddress) {
			t.Fatalf("https://127.0.0.1: %v", err)
		}
		// A name that resolves to loopback is refused at dial time.
		err = (&webhook.Validator{AllowPrivate: false}).ValidateWebhook(context.Background(),
			"https://localhost:"+r.url()[strings.LastIndex(r.url(), ":")+1:])
		if err == nil || !strings.Contains(err.Error(), "public addresses only") {
			t.Fatalf("https://localhost: %v", err)
		}
	})
}

func TestAGuestLeavesAndAppsAreToldOnceSignedAndSoftDeleteToldFromPermanent(t *testing.T) {
	w := newWorld(t)
	r := newReceiver(t)
	s := w.subscribe(r, "users", "created,updated,deleted", "")
	d := w.dispatcher()
	if n := w.deliver(d); n != 0 {
		t.Fatalf("%d deliveries before any change", n)
	}
	started := time.Now()
	if err := w.svc.Leave(w.as(w.ada), w.contoso.ID); err != nil {
		t.Fatal(err)
	}
	if time.Since(started) > time.Second {
		t.Errorf("the leave took %v", time.Since(started))
	}
	if len(r.deliveries()) != 0 {
		t.Fatal("delivered inside the change's request")
	}
	w.deliver(d)
	w.deliver(d) // nothing more
	got := r.deliveries()
	if len(got) != 1 || len(got[0].value) != 1 {
		t.Fatalf("deliveries %v, want one with one notification", r.notifications())
	}
	n := got[0].value[0]
	want := map[string]string{
		"subscriptionId": s.ID, "changeType": "deleted", "resource": "Users/" + w.guest.ID, "clientState": "state-users",
		"tenantId": w.contoso.ID, "subscriptionExpirationDateTime": s.ExpiresAt.Format(time.RFC3339),
	}
	for k, v := range want {
		if str(n, k) != v {
			t.Errorf("%s = %q, want %q", k, str(n, k), v)
		}
	}
	if str(n, "resourceData", "@odata.type") != "#Microsoft.Graph.User" || str(n, "resourceData", "id") != w.guest.ID ||
		str(n, "resourceData", "@odata.id") != "Users/"+w.guest.ID || str(n, "resourceData", "@removed", "reason") != "changed" {
		t.Errorf("resourceData %v", n["resourceData"])
	}
	for _, personal := range []string{"Ada", w.ada.Mail, "fabrikam"} {
		if strings.Contains(string(got[0].body), personal) {
			t.Errorf("the notification names %q: %s", personal, got[0].body)
		}
	}
	h := got[0].header
	if !verify(s.Secret, h, got[0].body) {
		t.Fatalf("the signature does not verify: %v", h)
	}
	if h.Get("webhook-timestamp") != fmt.Sprint(w.clock.Now().Unix()) || !strings.HasPrefix(h.Get("webhook-id"), "msg_") {
		t.Errorf("headers %v", h)
	}
	if verify(s.Secret, h, append([]byte(" "), got[0].body...)) || verify("whsec_"+strings.Repeat("A", 44), h, got[0].body) {
		t.Fatal("a changed body or another secret verifies")
	}

	// Restore: created (documented). Permanent delete: deleted, "deleted".
	must(w.svc.RestoreUser(w.as(w.admin), w.contoso.ID, w.guest.ID, ""))(t)
	if err := w.svc.DeleteUser(w.as(w.admin), w.contoso.ID, w.guest.ID); err != nil {
		t.Fatal(err)
	}
	if err := w.svc.PermanentlyDeleteUser(w.as(w.admin), w.contoso.ID, w.guest.ID); err != nil {
		t.Fatal(err)
	}
	w.deliver(d)
	all := r.notifications()
	var seq []string
	for _, n := range all[1:] {
		seq = append(seq, str(n, "changeType")+"/"+str(n, "resourceData", "@removed", "reason"))
	}
	if strings.Join(seq, " ") != "created/ deleted/changed deleted/deleted" {
		t.Fatalf("after the leave: %v", seq)
	}
}

func TestGroupMembersAddedAndRemoved(t *testing.T) {
	w := newWorld(t)
	members, groups := newReceiver(t), newReceiver(t)
	w.subscribe(members, "groups/"+w.team.ID+"/members", "created,deleted", "")
	w.subscribe(groups, "groups", "updated", "")
	if err := w.svc.AddGroupMember(w.as(w.admin), w.contoso.ID, w.team.ID, w.guest.ID); err != nil {
		t.Fatal(err)
	}
	if err := w.svc.RemoveGroupMember(w.as(w.admin), w.contoso.ID, w.team.ID, w.guest.ID); err != nil {
		t.Fatal(err)
	}
	w.deliver(w.dispatcher())
	var got []string
	for _, n := range members.notifications() {
		got = append(got, str(n, "changeType")+" "+str(n, "resource"))
	}
	res := "Groups/" + w.team.ID + "/Members/" + w.guest.ID
	if strings.Join(got, ",") != "created "+res+",deleted "+res {
		t.Fatalf("members: %v", got)
	}
	gs := groups.notifications()
	if len(gs) != 2 || str(gs[0], "changeType") != "updated" || str(gs[0], "resource") != "Groups/"+w.team.ID {
		t.Fatalf("groups: %v", gs)
	}
	delta := func(n map[string]any) map[string]any {
		l, _ := n["resourceData"].(map[string]any)["members@delta"].([]any)
		if len(l) != 1 {
			t.Fatalf("members@delta %v", n["resourceData"])
		}
		return l[0].(map[string]any)
	}
	if m := delta(gs[0]); m["id"] != w.guest.ID || m["@removed"] != nil {
		t.Errorf("added: %v", m)
	}
	if m := delta(gs[1]); m["id"] != w.guest.ID || str(m, "@removed", "reason") != "deleted" {
		t.Errorf("removed: %v", m)
	}
}

func TestASlowReceiverHoldsUpNoOtherAndTimesOutAtThreeSeconds(t *testing.T) {
	w := newWorld(t)
	slow, fast := newReceiver(t), newReceiver(t)
	w.subscribe(slow, "users", "updated", "")
	w.subscribe(fast, "users", "updated", "")
	slow.set(0, 4*time.Second)
	name := "renamed"
	must(w.svc.UpdateUser(w.as(w.admin), w.contoso.ID, w.guest.ID, directory.UserPatch{DisplayName: &name}))(t)
	d := w.dispatcher()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { d.Run(ctx); close(done) }()
	start := time.Now()
	for len(fast.notifications()) == 0 {
		if time.Since(start) > 2*time.Second {
			t.Fatal("the fast receiver waited for the slow one")
		}
		time.Sleep(10 * time.Millisecond)
	}
	slowSub := func() *directory.Subscription {
		for _, s := range must(w.svc.ListSubscriptions(w.sys, w.contoso.ID))(t) {
			if s.NotificationURL == slow.url() {
				return s
			}
		}
		t.Fatal("the slow subscription is gone")
		return nil
	}
	for slowSub().Failures == 0 && time.Since(start) < 5*time.Second {
		time.Sleep(20 * time.Millisecond)
	}
	took := time.Since(start)
	cancel()
	<-done
	if took < 2900*time.Millisecond || took > 3500*time.Millisecond {
		t.Errorf("the slow send failed after %v, want 3 s", took)
	}
	if s := slowSub(); s.Failures != 1 || !strings.Contains(s.LastError, "in time") {
		t.Errorf("the slow subscription: %d failures, %q", s.Failures, s.LastError)
	}
	if len(slow.notifications()) != 0 {
		t.Fatal("the slow receiver's late answer counted")
	}
}

func TestTheDispatcherRefusesPrivateAddressesUnlessAllowed(t *testing.T) {
	w := newWorld(t)
	r := newReceiver(t)
	w.subscribe(r, "users", "updated", "")
	name := "renamed"
	must(w.svc.UpdateUser(w.as(w.admin), w.contoso.ID, w.guest.ID, directory.UserPatch{DisplayName: &name}))(t)
	d := w.dispatcher()
	d.AllowPrivate = false
	w.deliver(d)
	if r.attemptCount() != 0 {
		t.Fatal("a notification went to 127.0.0.1")
	}
	s := must(w.svc.ListSubscriptions(w.sys, w.contoso.ID))(t)[0]
	if s.Failures != 1 || s.LastError == "" {
		t.Fatalf("failures %d, error %q", s.Failures, s.LastError)
	}
}

func TestTwoDispatchersDeliverEachNotificationOnce(t *testing.T) {
	w := newWorld(t)
	twoDispatchersOnce(t, w, w.svc)
}

// twoDispatchersOnce runs two dispatchers (over svc2, another instance's
// service, or the same) while changes are made, and checks each change
// reached the receiver exactly once.
func twoDispatchersOnce(t *testing.T, w *world, svc2 *directory.Service) {
	r := newReceiver(t)
	w.subscribe(r, "users", "updated", "")
	a := w.dispatcher()
	b := w.dispatcher()
	b.Queue = svc2
	a.Interval, b.Interval = 5*time.Millisecond, 5*time.Millisecond
	ctx, cancel := context.WithCancel(context.Background())
	doneA, doneB := make(chan struct{}), make(chan struct{})
	go func() { a.Run(ctx); close(doneA) }()
	go func() { b.Run(ctx); close(doneB) }()
	// A user of its own: on PostgreSQL the subscription may also be told
	// of the setup's changes, which were not yet readable when it began.
	u := must(w.svc.CreateUser(w.sys, w.contoso.ID, directory.NewUser{UserPrincipalName: "renamed@contoso.example", DisplayName: "R"}))(t)
	const changes = 30
	for i := range changes {
		name := fmt.Sprintf("name %d", i)
		must(w.svc.UpdateUser(w.as(w.admin), w.contoso.ID, u.ID, directory.UserPatch{DisplayName: &name}))(t)
	}
	mine := func() int {
		n := 0
		for _, x := range r.notifications() {
			if str(x, "resourceData", "id") == u.ID {
				n++
			}
		}
		return n
	}
	deadline := time.Now().Add(15 * time.Second)
	for mine() < changes && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	time.Sleep(100 * time.Millisecond) // a duplicate would arrive now
	cancel()
	<-doneA
	<-doneB
	if n := mine(); n != changes {
		t.Fatalf("%d notifications for %d changes", n, changes)
	}
}

// An application's subscription is the application's: the admin who
// granted it does not see it, and an app without the read permission of
// the resource cannot subscribe.
func TestAnApplicationOwnsItsSubscription(t *testing.T) {
	w := newWorld(t)
	r := newReceiver(t)
	admin := w.as(w.admin)
	app := must(w.svc.CreateApplication(admin, w.contoso.ID, "Sync", nil))(t)
	must(w.svc.AssignAppRoleTo(admin, w.contoso.ID, directory.OrgdirAPIAppID, app.ID, directory.PermUserReadAll))(t)
	asApp := directory.WithActor(context.Background(), directory.AppActor(w.contoso.ID, app.ID, []string{directory.PermUserReadAll}))
	n := directory.NewSubscription{Resource: "users", ChangeType: "deleted", NotificationURL: r.url(), ExpirationDateTime: w.clock.Now().Add(time.Hour)}
	s := must(w.svc.CreateSubscription(asApp, w.contoso.ID, n))(t)
	if s.OwnerAppID != app.ID || s.OwnerUserID != "" {
		t.Fatalf("owner %q/%q", s.OwnerUserID, s.OwnerAppID)
	}
	if l := must(w.svc.ListSubscriptions(admin, w.contoso.ID))(t); len(l) != 0 {
		t.Fatalf("the admin lists the app's subscription")
	}
	if _, err := w.svc.GetSubscription(admin, w.contoso.ID, s.ID); directory.KindOf(err) != directory.KindNotFound {
		t.Fatalf("the admin reads the app's subscription: %v", err)
	}
	if l := must(w.svc.ListSubscriptions(asApp, w.contoso.ID))(t); len(l) != 1 {
		t.Fatalf("the app lists %d", len(l))
	}
	n.Resource = "groups"
	if _, err := w.svc.CreateSubscription(asApp, w.contoso.ID, n); directory.KindOf(err) != directory.KindForbidden {
		t.Fatalf("an app without a group permission subscribed to groups: %v", err)
	}
}

// A change committed on this instance wakes the dispatcher: it does not
// wait for its next tick.
func TestACommittedChangeWakesTheDispatcher(t *testing.T) {
	w := newWorld(t)
	r := newReceiver(t)
	w.subscribe(r, "users", "updated", "")
	d := w.dispatcher()
	d.Interval = time.Hour
	svc := directory.NewService(w.store, directory.Options{Clock: w.clock.Now, OnChange: d.Wake})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { d.Run(ctx); close(done) }()
	defer func() { cancel(); <-done }()
	time.Sleep(50 * time.Millisecond) // Run's first claim finds nothing
	name := "woken"
	start := time.Now()
	must(svc.UpdateUser(w.as(w.admin), w.contoso.ID, w.guest.ID, directory.UserPatch{DisplayName: &name}))(t)
	for len(r.notifications()) == 0 {
		if time.Since(start) > 2*time.Second {
			t.Fatal("the change waited for the dispatcher's hourly tick")
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// A redirect is a failed delivery: the notification goes to the
// registered URL only.
func TestARedirectIsNotFollowed(t *testing.T) {
	w := newWorld(t)
	r, elsewhere := newReceiver(t), newReceiver(t)
	w.subscribe(r, "users", "updated", "")
	r.setIntercept(func(rw http.ResponseWriter, req *http.Request) bool {
		http.Redirect(rw, req, elsewhere.url(), http.StatusTemporaryRedirect)
		return true
	})
	name := "moved"
	must(w.svc.UpdateUser(w.as(w.admin), w.contoso.ID, w.guest.ID, directory.UserPatch{DisplayName: &name}))(t)
	w.deliver(w.dispatcher())
	if elsewhere.attemptCount() != 0 {
		t.Fatal("the redirect was followed")
	}
	s := must(w.svc.ListSubscriptions(w.sys, w.contoso.ID))(t)[0]
	if s.Failures != 1 || !strings.Contains(s.LastError, "307") {
		t.Fatalf("failures %d, error %q", s.Failures, s.LastError)
	}
}

// Many changes that match nothing are passed over in one claim, and a
// batch holds at most 100 notifications, in order, the rest following.
func TestLongBacklogsArePagedInOrder(t *testing.T) {
	w := newWorld(t)
	groups, users := newReceiver(t), newReceiver(t)
	w.subscribe(groups, "groups", "created", "")
	w.subscribe(users, "users", "created", "")
	for i := range 250 {
		must(w.svc.CreateUser(w.sys, w.contoso.ID, directory.NewUser{UserPrincipalName: fmt.Sprintf("u%d@contoso.example", i), DisplayName: "U"}))(t)
	}
	g := must(w.svc.CreateGroup(w.as(w.admin), w.contoso.ID, "Late", ""))(t)
	d := w.dispatcher()
	w.deliver(d)
	if n := groups.notifications(); len(n) != 1 || str(n[0], "resourceData", "id") != g.ID {
		t.Fatalf("the groups subscription got %d notifications after one round", len(n))
	}
	for range 3 {
		w.deliver(d)
	}
	batches := users.deliveries()
	if len(batches) != 3 || len(batches[0].value) != 100 || len(batches[2].value) != 50 {
		t.Fatalf("%d batches", len(batches))
	}
}
