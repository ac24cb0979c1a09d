package httpapi

import (
	"net/http"

	"github.com/orgdir/orgdir/internal/directory"
	"github.com/orgdir/orgdir/internal/graphjson"
	"github.com/orgdir/orgdir/internal/odata"
)

var auditProperties = graphjson.DirectoryAudit(&directory.AuditEvent{}).Keys()

// auditSpec: directoryAudits come newest first; $orderby is not offered.
var auditSpec = odata.Spec{
	Resource:   "directoryAudits",
	Properties: auditProperties,
	Filter:     directory.AuditFilter,
	Paged:      true,
}

var auditEntitySpec = odata.Spec{Resource: "directoryAudit", Properties: auditProperties}

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
	return a.writeList(w, r, q, keysetPage("auditLogs/directoryAudits", events, q.Top, graphjson.DirectoryAudit, func(last *directory.AuditEvent) *odata.Cursor {
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
	return writeJSON(w, http.StatusOK, graphjson.DirectoryAudit(e).Pick(q.Select).With("@odata.context", a.entity(r, "auditLogs/directoryAudits", q.Select)))
}
