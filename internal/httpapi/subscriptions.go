package httpapi

import (
	"net/http"
	"strings"
	"time"

	"github.com/orgdir/orgdir/internal/directory"
	"github.com/orgdir/orgdir/internal/graphjson"
	"github.com/orgdir/orgdir/internal/odata"
)

var subscriptionProperties = subscriptionJSON(&directory.Subscription{}, false).Keys()

var subscriptionsSpec = odata.Spec{Resource: "subscriptions", Properties: subscriptionProperties}

// subscriptionRequest is Graph's POST /subscriptions and PATCH body. Of
// the optional Graph properties, rich notifications (includeResourceData)
// are not offered; the TLS version is accepted and ignored.
type subscriptionRequest struct {
	ODataType                 *string `json:"@odata.type"`
	ChangeType                *string `json:"changeType"`
	NotificationURL           *string `json:"notificationUrl"`
	LifecycleNotificationURL  *string `json:"lifecycleNotificationUrl"`
	Resource                  *string `json:"resource"`
	ExpirationDateTime        *string `json:"expirationDateTime"`
	ClientState               *string `json:"clientState"`
	LatestSupportedTLSVersion *string `json:"latestSupportedTlsVersion"`
	IncludeResourceData       *bool   `json:"includeResourceData"`
}

// subscriptionJSON is Graph's subscription; extension_orgdir_signingSecret
// (the Standard Webhooks secret) is in the creation's answer only.
func subscriptionJSON(s *directory.Subscription, withSecret bool) graphjson.Object {
	types := make([]string, len(s.ChangeTypes))
	for i, t := range s.ChangeTypes {
		types[i] = string(t)
	}
	creator := s.OwnerUserID
	if creator == "" {
		creator = s.OwnerAppID
	}
	o := graphjson.Object{
		{"id", s.ID},
		{"resource", s.Resource},
		{"applicationId", graphjson.StrOrNull(s.OwnerAppID)},
		{"changeType", strings.Join(types, ",")},
		{"clientState", graphjson.StrOrNull(s.ClientState)},
		{"notificationUrl", s.NotificationURL},
		{"notificationQueryOptions", nil},
		{"lifecycleNotificationUrl", graphjson.StrOrNull(s.LifecycleNotificationURL)},
		{"expirationDateTime", graphjson.Timestamp(s.ExpiresAt)},
		{"creatorId", creator},
		{"includeResourceData", false},
		{"latestSupportedTlsVersion", "v1_2"},
		{"encryptionCertificate", nil},
		{"encryptionCertificateId", nil},
		{"notificationUrlAppId", nil},
	}
	if withSecret {
		o = append(o, graphjson.Member{"extension_orgdir_signingSecret", s.Secret})
	}
	return o
}

func parseExpiry(s *string) (time.Time, error) {
	if s == nil {
		return time.Time{}, directory.Invalidf("expirationDateTime", "expirationDateTime is required")
	}
	t, err := time.Parse(time.RFC3339Nano, *s)
	if err != nil {
		return time.Time{}, directory.Invalidf("expirationDateTime", "expirationDateTime %q is not an ISO 8601 date and time with its offset", *s)
	}
	return t, nil
}

func (a *API) handleCreateSubscription(w http.ResponseWriter, r *http.Request) error {
	var req subscriptionRequest
	if err := a.decode(w, r, &req, false); err != nil {
		return err
	}
	if err := checkODataType(req.ODataType, "#microsoft.graph.subscription"); err != nil {
		return err
	}
	switch {
	case req.Resource == nil:
		return directory.Invalidf("resource", "resource is required")
	case req.ChangeType == nil:
		return directory.Invalidf("changeType", "changeType is required")
	case req.NotificationURL == nil:
		return directory.Invalidf("notificationUrl", "notificationUrl is required")
	case req.IncludeResourceData != nil && *req.IncludeResourceData:
		return directory.Invalidf("includeResourceData", "notifications with resource data are not supported; notifications carry ids only")
	}
	exp, err := parseExpiry(req.ExpirationDateTime)
	if err != nil {
		return err
	}
	s, err := a.svc.CreateSubscription(r.Context(), tenant(r), directory.NewSubscription{
		Resource: *req.Resource, ChangeType: *req.ChangeType, NotificationURL: *req.NotificationURL,
		LifecycleNotificationURL: deref(req.LifecycleNotificationURL), ClientState: deref(req.ClientState),
		ExpirationDateTime: exp,
	})
	if err != nil {
		return err
	}
	w.Header().Set("Location", a.baseURL(r)+"/v1.0/subscriptions/"+s.ID)
	return writeJSON(w, http.StatusCreated, subscriptionJSON(s, true).With("@odata.context", a.metadata(r, "subscriptions/$entity")))
}

func (a *API) handleListSubscriptions(w http.ResponseWriter, r *http.Request) error {
	q, err := parseQuery(r, subscriptionsSpec)
	if err != nil {
		return err
	}
	subs, err := a.svc.ListSubscriptions(r.Context(), tenant(r))
	if err != nil {
		return err
	}
	value := make([]graphjson.Object, len(subs))
	for i, s := range subs {
		value[i] = subscriptionJSON(s, false).Pick(q.Select)
	}
	ctx := "subscriptions"
	if q.Select != nil {
		ctx += "(" + strings.Join(q.Select, ",") + ")"
	}
	return writeJSON(w, http.StatusOK, graphjson.Object{{"@odata.context", a.metadata(r, ctx)}, {"value", value}})
}

func (a *API) handleGetSubscription(w http.ResponseWriter, r *http.Request) error {
	q, err := parseQuery(r, subscriptionsSpec)
	if err != nil {
		return err
	}
	s, err := a.svc.GetSubscription(r.Context(), tenant(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, subscriptionJSON(s, false).Pick(q.Select).With("@odata.context", a.entity(r, "subscriptions", q.Select)))
}

func (a *API) handleUpdateSubscription(w http.ResponseWriter, r *http.Request) error {
	var req subscriptionRequest
	if err := a.decode(w, r, &req, false); err != nil {
		return err
	}
	if err := checkODataType(req.ODataType, "#microsoft.graph.subscription"); err != nil {
		return err
	}
	switch {
	case req.Resource != nil, req.ChangeType != nil, req.ClientState != nil, req.LifecycleNotificationURL != nil, req.IncludeResourceData != nil:
		return directory.Invalidf("subscription", "only expirationDateTime and notificationUrl can be changed; create a new subscription for the rest")
	}
	var p directory.SubscriptionPatch
	if req.ExpirationDateTime != nil {
		exp, err := parseExpiry(req.ExpirationDateTime)
		if err != nil {
			return err
		}
		p.ExpirationDateTime = &exp
	}
	p.NotificationURL = req.NotificationURL
	s, err := a.svc.UpdateSubscription(r.Context(), tenant(r), r.PathValue("id"), p)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, subscriptionJSON(s, false).With("@odata.context", a.metadata(r, "subscriptions/$entity")))
}

func (a *API) handleDeleteSubscription(w http.ResponseWriter, r *http.Request) error {
	if err := a.svc.DeleteSubscription(r.Context(), tenant(r), r.PathValue("id")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
