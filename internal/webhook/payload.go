package webhook

import (
	"fmt"

	"github.com/orgdir/orgdir/internal/directory"
	"github.com/orgdir/orgdir/internal/graphjson"
)

// changeNotifications is the {"value":[…]} body of a delivery, in Graph's
// changeNotificationCollection shape. A deletion's resourceData carries
// "@removed": {"reason": "changed"|"deleted"}, as delta does, to tell a
// soft delete (or a leave) from a permanent one.
func changeNotifications(d *directory.Delivery) ([]byte, error) {
	s := d.Subscription
	value := make([]graphjson.Object, len(d.Notifications))
	for i, n := range d.Notifications {
		data := graphjson.Object{
			{"@odata.type", n.ODataType},
			{"@odata.id", n.ODataID},
			{"id", n.ID},
			{"organizationId", s.TenantID},
		}
		if n.ChangeType == directory.ChangeDeleted && n.Reason != "" {
			data = append(data, graphjson.Member{"@removed", graphjson.Object{{"reason", string(n.Reason)}}})
		}
		if n.MemberID != "" {
			m := graphjson.Object{{"@odata.type", "#microsoft.graph.user"}, {"id", n.MemberID}}
			if n.MemberRemoved {
				m = append(m, graphjson.Member{"@removed", graphjson.Object{{"reason", string(directory.RemovedDeleted)}}})
			}
			data = append(data, graphjson.Member{"members@delta", []graphjson.Object{m}})
		}
		value[i] = graphjson.Object{
			{"subscriptionId", s.ID},
			{"subscriptionExpirationDateTime", graphjson.Timestamp(s.ExpiresAt)},
			{"changeType", string(n.ChangeType)},
			{"resource", n.Resource},
			{"resourceData", data},
			{"clientState", graphjson.StrOrNull(s.ClientState)},
			{"tenantId", s.TenantID},
		}
	}
	return graphjson.Marshal(graphjson.Object{{"value", value}})
}

// lifecycleNotification is a lifecycle event (missed, subscriptionRemoved)
// of s, in Graph's shape.
func lifecycleNotification(s *directory.Subscription, event string) ([]byte, error) {
	return graphjson.Marshal(graphjson.Object{{"value", []graphjson.Object{{
		{"lifecycleEvent", event},
		{"subscriptionId", s.ID},
		{"subscriptionExpirationDateTime", graphjson.Timestamp(s.ExpiresAt)},
		{"clientState", graphjson.StrOrNull(s.ClientState)},
		{"tenantId", s.TenantID},
		{"organizationId", s.TenantID},
	}}}})
}

// messageID is the webhook-id of a batch: the same batch sent again has
// the same id, so a receiver can drop a repeat.
func messageID(d *directory.Delivery) string {
	first, last := d.Notifications[0].Position, d.Notifications[len(d.Notifications)-1].Position
	return fmt.Sprintf("msg_%s_%d.%d_%d.%d", d.Subscription.ID, first.Tx, first.Seq, last.Tx, last.Seq)
}
