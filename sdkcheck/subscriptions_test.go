package sdkcheck

import (
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/microsoftgraph/msgraph-sdk-go/models"
)

// The SDK's subscription builders: create (orgdir validates the URL as
// Graph does), get, renew, list, delete.
func TestGraphSDKManagesSubscriptions(t *testing.T) {
	f := newFixture(t)
	ctx := f.ctx
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		_, _ = io.WriteString(w, r.URL.Query().Get("validationToken"))
	}))
	t.Cleanup(hook.Close)

	sub := models.NewSubscription()
	resource, types, url, state := "users", "updated,deleted", hook.URL+"/notify", "sdk-state"
	exp := time.Now().Add(48 * time.Hour).UTC().Truncate(time.Second)
	sub.SetResource(&resource)
	sub.SetChangeType(&types)
	sub.SetNotificationUrl(&url)
	sub.SetClientState(&state)
	sub.SetExpirationDateTime(&exp)
	created, err := f.client.Subscriptions().Post(ctx, sub, nil)
	check(t, err)
	id := deref(created.GetId())
	if deref(created.GetResource()) != "users" || deref(created.GetChangeType()) != types || deref(created.GetClientState()) != state ||
		created.GetExpirationDateTime() == nil || !created.GetExpirationDateTime().Equal(exp) {
		t.Fatalf("created %s %s %s %v", deref(created.GetResource()), deref(created.GetChangeType()), deref(created.GetClientState()), created.GetExpirationDateTime())
	}
	if secret, ok := created.GetAdditionalData()["extension_orgdir_signingSecret"]; !ok || secret == nil {
		t.Fatalf("no signing secret among the SDK's additional data: %v", created.GetAdditionalData())
	}

	renew := models.NewSubscription()
	later := exp.Add(24 * time.Hour)
	renew.SetExpirationDateTime(&later)
	renewed, err := f.client.Subscriptions().BySubscriptionId(id).Patch(ctx, renew, nil)
	check(t, err)
	if !renewed.GetExpirationDateTime().Equal(later) {
		t.Fatalf("renewed to %v", renewed.GetExpirationDateTime())
	}
	got, err := f.client.Subscriptions().BySubscriptionId(id).Get(ctx, nil)
	check(t, err)
	if deref(got.GetNotificationUrl()) != url {
		t.Fatalf("got %s", deref(got.GetNotificationUrl()))
	}
	list, err := f.client.Subscriptions().Get(ctx, nil)
	check(t, err)
	if len(list.GetValue()) != 1 {
		t.Fatalf("listed %d", len(list.GetValue()))
	}
	check(t, f.client.Subscriptions().BySubscriptionId(id).Delete(ctx, nil))
	if _, err := f.client.Subscriptions().BySubscriptionId(id).Get(ctx, nil); err == nil {
		t.Fatal("deleted, still there")
	}
}
