package webui

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/orgdir/orgdir/internal/directory"
)

// subscriptionRow is one subscription as the Subscriptions page shows it.
type subscriptionRow struct {
	*directory.SubscriptionState
	ChangeTypes string
	Endpoint    string
}

type subscriptionsPage struct {
	Page
	Subscriptions []subscriptionRow
}

type subscriptionDeletePage struct {
	Page
	Sub subscriptionRow
}

func newSubscriptionRow(s *directory.SubscriptionState) subscriptionRow {
	types := make([]string, len(s.ChangeTypes))
	for i, t := range s.ChangeTypes {
		types[i] = string(t)
	}
	return subscriptionRow{SubscriptionState: s, ChangeTypes: strings.Join(types, ", "), Endpoint: shownURL(s.NotificationURL)}
}

// shownURL is a notification URL without what may be a credential: a
// receiver may take a token in its query or user info (Graph shows the
// whole URL, but only to its owner), while scheme, host and path say
// where the notifications go.
func shownURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return ""
	}
	shown := u.Scheme + "://" + u.Host + u.EscapedPath()
	if u.RawQuery != "" {
		shown += "?…"
	}
	return shown
}

// subscriptions lists the tenant's change notification subscriptions,
// whoever made them, with their delivery state.
func (u *UI) subscriptions(w http.ResponseWriter, r *http.Request, a *adminReq) error {
	subs, err := u.svc.ListTenantSubscriptions(a.ctx, a.tenant.ID)
	if err != nil {
		return err
	}
	p := subscriptionsPage{Page: u.adminBase(w, r, a, "Subscriptions", "subscriptions")}
	for _, s := range subs {
		p.Subscriptions = append(p.Subscriptions, newSubscriptionRow(s))
	}
	u.render(w, r, http.StatusOK, "subscriptions", p)
	return nil
}

// deleteSubscriptionConfirm asks before ending a subscription.
func (u *UI) deleteSubscriptionConfirm(w http.ResponseWriter, r *http.Request, a *adminReq) error {
	s, err := u.svc.GetTenantSubscription(a.ctx, a.tenant.ID, r.PathValue("sub"))
	if err != nil {
		return err
	}
	p := subscriptionDeletePage{Page: u.adminBase(w, r, a, "Delete subscription?", "subscriptions"), Sub: newSubscriptionRow(s)}
	u.render(w, r, http.StatusOK, "subscription_delete", p)
	return nil
}

func (u *UI) deleteSubscription(w http.ResponseWriter, r *http.Request, a *adminReq) error {
	if err := u.svc.DeleteTenantSubscription(a.ctx, a.tenant.ID, r.PathValue("sub")); err != nil {
		return err
	}
	return u.redirect(w, r, a.url("subscriptions"), "The subscription was deleted; its application gets no more notifications.")
}
