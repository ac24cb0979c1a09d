package directory

import (
	"context"
	"encoding/json"
)

// Target types of audit records.
const (
	targetUser             = "User"
	targetGroup            = "Group"
	targetApplication      = "Application"
	targetServicePrincipal = "ServicePrincipal"
	targetPolicy           = "Policy"
	targetOther            = "Other"
)

// Operation types of audit records.
const (
	opAdd      = "Add"
	opUpdate   = "Update"
	opDelete   = "Delete"
	opAssign   = "Assign"
	opUnassign = "Unassign"
	opOther    = "Other"
)

// event builds a successful audit record of the op, initiated by the caller.
func (o *op) event(tenantID, activity, category, opType string, targets ...AuditTarget) *AuditEvent {
	return &AuditEvent{
		ID:            o.s.newID(),
		TenantID:      tenantID,
		Time:          o.now,
		Activity:      activity,
		Category:      category,
		OperationType: opType,
		CorrelationID: o.corr,
		Initiator:     o.c.initiator(),
		Result:        ResultSuccess,
		Targets:       targets,
	}
}

// audit appends e in the op's transaction, together with the change it
// records and its change log entries; a bulk operation's batch holds them
// (o.held) for one multi-row write before its transaction ends.
func (o *op) audit(e *AuditEvent) error {
	if o.held != nil {
		*o.held = append(*o.held, e)
		return nil
	}
	return o.appendAudits([]*AuditEvent{e})
}

func userTarget(u *User, props ...ModifiedProperty) AuditTarget {
	return AuditTarget{ID: u.ID, Type: targetUser, DisplayName: u.DisplayName, UPN: u.UserPrincipalName, ModifiedProperties: props}
}

func groupTarget(g *Group) AuditTarget {
	return AuditTarget{ID: g.ID, Type: targetGroup, DisplayName: g.DisplayName}
}

func appTarget(a *Application) AuditTarget {
	return AuditTarget{ID: a.ID, Type: targetApplication, DisplayName: a.DisplayName}
}

// changed returns the modified property name old→new, JSON-encoded as
// Graph does, and whether the value changed.
func changed[T comparable](name string, old, new T) (ModifiedProperty, bool) {
	if old == new {
		return ModifiedProperty{}, false
	}
	return ModifiedProperty{DisplayName: name, OldValue: jsonValue(old), NewValue: jsonValue(new)}, true
}

func jsonValue(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return ""
	}
	return string(b)
}

// ListAudit returns the tenant's audit events, newest first (Global and
// User Administrators).
func (s *Service) ListAudit(ctx context.Context, tenantID string, q AuditQuery) ([]*AuditEvent, error) {
	if err := validLimit("limit", q.Limit); err != nil {
		return nil, err
	}
	if err := validAuditQuery(q); err != nil {
		return nil, err
	}
	if q.TargetID != "" && !ValidID(q.TargetID) {
		return nil, Invalidf("targetId", "targetId %q is not an object id", q.TargetID)
	}
	var out []*AuditEvent
	err := s.read(ctx, func(o *op) error {
		if err := o.c.require(tenantID, permReadAudit); err != nil {
			return err
		}
		if _, err := o.tenant(tenantID); err != nil {
			return err
		}
		var err error
		out, err = o.tx.ListAudit(o.ctx, tenantID, q)
		return err
	})
	return out, err
}

// GetAudit returns one audit event of the tenant.
func (s *Service) GetAudit(ctx context.Context, tenantID, id string) (*AuditEvent, error) {
	var out *AuditEvent
	err := s.read(ctx, func(o *op) error {
		if err := o.c.requireObjectTo(tenantID, permReadAudit, "read", "audit event"); err != nil {
			return err
		}
		if !ValidID(id) {
			return notFound("audit event")
		}
		e, err := o.tx.GetAudit(o.ctx, tenantID, id)
		if IsKind(err, KindNotFound) {
			return notFound("audit event")
		}
		out = e
		return err
	})
	return out, err
}
