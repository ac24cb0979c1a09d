package httpapi

import (
	"net/http"

	"github.com/orgdir/orgdir/internal/directory"
	"github.com/orgdir/orgdir/internal/odata"
)

var auditProperties = auditObject(&directory.AuditEvent{}).keys()

// auditSpec: directoryAudits come newest first; $orderby is not offered.
var auditSpec = odata.Spec{
	Resource:   "directoryAudits",
	Properties: auditProperties,
	Filter: map[string]odata.Type{
		"activityDateTime": odata.DateTime, "activityDisplayName": odata.String,
		"category": odata.String, "result": odata.String,
	},
	Paged: true,
}

var auditEntitySpec = odata.Spec{Resource: "directoryAudit", Properties: auditProperties}

// auditObject renders Graph's microsoft.graph.directoryAudit.
func auditObject(e *directory.AuditEvent) object {
	var initiator object
	if e.Initiator.UserID != "" {
		initiator = object{{"app", nil}, {"user", object{
			{"id", e.Initiator.UserID},
			{"displayName", strOrNull(e.Initiator.DisplayName)},
			{"userPrincipalName", strOrNull(e.Initiator.UPN)},
		}}}
	} else {
		initiator = object{{"app", object{{"appId", nil}, {"displayName", strOrNull(e.Initiator.AppName)}}}, {"user", nil}}
	}
	targets := make([]object, 0, len(e.Targets))
	for _, t := range e.Targets {
		mods := make([]object, 0, len(t.ModifiedProperties))
		for _, m := range t.ModifiedProperties {
			mods = append(mods, object{{"displayName", m.DisplayName}, {"oldValue", strOrNull(m.OldValue)}, {"newValue", strOrNull(m.NewValue)}})
		}
		targets = append(targets, object{
			{"id", t.ID},
			{"displayName", strOrNull(t.DisplayName)},
			{"type", t.Type},
			{"userPrincipalName", strOrNull(t.UPN)},
			{"modifiedProperties", mods},
		})
	}
	details := make([]object, 0, len(e.AdditionalDetails))
	for _, kv := range e.AdditionalDetails {
		details = append(details, object{{"key", kv.Key}, {"value", kv.Value}})
	}
	return object{
		{"@odata.type", "#microsoft.graph.directoryAudit"},
		{"id", e.ID},
		{"category", e.Category},
		{"correlationId", strOrNull(e.CorrelationID)},
		{"result", e.Result},
		{"resultReason", e.ResultReason},
		{"activityDisplayName", e.Activity},
		{"activityDateTime", timestamp(e.Time)},
		{"loggedByService", "Core Directory"},
		{"operationType", e.OperationType},
		{"initiatedBy", initiator},
		{"targetResources", targets},
		{"additionalDetails", details},
	}
}

func (a *API) handleListAudit(w http.ResponseWriter, r *http.Request) error {
	q, err := parseQuery(r, auditSpec)
	if err != nil {
		return err
	}
	aq := directory.AuditQuery{Filter: q.Filter, Limit: fetchLimit(q.Top)}
	if c := q.Cursor; c != nil && c.Time != nil {
		aq.After = &directory.AuditEvent{ID: c.ID, Time: *c.Time}
	}
	events, err := a.svc.ListAudit(r.Context(), tenant(r), aq)
	if err != nil {
		return err
	}
	return a.writeList(w, r, q, keysetPage("auditLogs/directoryAudits", events, q.Top, auditObject, func(last *directory.AuditEvent) *odata.Cursor {
		t := last.Time
		return &odata.Cursor{ID: last.ID, Time: &t}
	}))
}

func (a *API) handleGetAudit(w http.ResponseWriter, r *http.Request) error {
	q, err := parseQuery(r, auditEntitySpec)
	if err != nil {
		return err
	}
	e, err := a.svc.GetAudit(r.Context(), tenant(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, auditObject(e).pick(q.Select).with("@odata.context", a.entity(r, "auditLogs/directoryAudits", q.Select)))
}
