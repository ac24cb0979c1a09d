package webui

import (
	"net/http"
	"net/url"
	"sort"
	"strings"
	"time"

	"github.com/orgdir/orgdir/internal/directory"
)

// activities are the audit log's activity filter choices.
var activities = []string{
	directory.ActivityInviteExternalUser, directory.ActivityRedeemInvite, directory.ActivityLeaveOrganization,
	directory.ActivityDeleteUser, directory.ActivityRestoreUser, directory.ActivityHardDeleteUser,
	directory.ActivityAddUser, directory.ActivityUpdateUser, directory.ActivityDisableAccount, directory.ActivityEnableAccount,
	directory.ActivityResetPassword, directory.ActivityAddGroup, directory.ActivityAddMemberToGroup,
	directory.ActivityRemoveMemberFromGroup, directory.ActivityAddApplication, directory.ActivityAddAppRoleAssignment,
	directory.ActivityRemoveAppRoleAssign, directory.ActivityAddRoleMember, directory.ActivityRemoveRoleMember,
	directory.ActivityUpdateTenant, directory.ActivityUpdatePolicy, directory.ActivityExportPersonalData,
}

type auditPage struct {
	Page
	Activities []string
	Activity   string
	From, To   string
	Target     string
	Events     []*directory.AuditEvent
	Next       string
	First      string
}

// auditLog lists the tenant's audit events, newest first, filtered by
// activity, date range (whole days, UTC) and target object id.
func (u *UI) auditLog(w http.ResponseWriter, r *http.Request, a *adminReq) error {
	qs := r.URL.Query()
	p := auditPage{Page: u.adminBase(w, r, a, "Audit log", "audit"), Activities: activities,
		Activity: qs.Get("activity"), From: qs.Get("from"), To: qs.Get("to"), Target: strings.TrimSpace(qs.Get("target"))}
	var f directory.Filter
	and := func(c directory.Filter) {
		if f == nil {
			f = c
		} else {
			f = directory.And{Left: f, Right: c}
		}
	}
	if p.Activity != "" {
		and(directory.Compare{Property: "activityDisplayName", Op: directory.OpEq, Value: p.Activity})
	}
	if p.From != "" {
		t, err := time.Parse("2006-01-02", p.From)
		if err != nil {
			return directory.Invalidf("from", "the From date %q is not a date (YYYY-MM-DD)", p.From)
		}
		and(directory.Compare{Property: "activityDateTime", Op: directory.OpGe, Value: t})
	}
	if p.To != "" {
		t, err := time.Parse("2006-01-02", p.To)
		if err != nil {
			return directory.Invalidf("to", "the To date %q is not a date (YYYY-MM-DD)", p.To)
		}
		// The whole To day is included.
		and(directory.Compare{Property: "activityDateTime", Op: directory.OpLt, Value: t.Add(24 * time.Hour)})
	}
	after, ok := decodeCursor(qs.Get("after"))
	if !ok {
		return directory.Invalidf("after", "the page link is damaged; start from the first page")
	}
	q := directory.AuditQuery{Filter: f, TargetID: p.Target, Limit: pageSize + 1}
	if after != nil {
		q.After = &directory.AuditEvent{ID: after.ID, Time: after.Time}
	}
	events, err := u.svc.ListAudit(a.ctx, a.tenant.ID, q)
	if err != nil {
		return err
	}
	v := url.Values{"activity": {p.Activity}, "from": {p.From}, "to": {p.To}, "target": {p.Target}}
	if len(events) > pageSize {
		events = events[:pageSize]
		last := events[pageSize-1]
		next := url.Values{"activity": {p.Activity}, "from": {p.From}, "to": {p.To}, "target": {p.Target},
			"after": {cursor{ID: last.ID, Time: last.Time}.encode()}}
		p.Next = a.url("audit") + "?" + next.Encode()
	}
	if after != nil {
		p.First = a.url("audit") + "?" + v.Encode()
	}
	p.Events = events
	u.render(w, r, http.StatusOK, "audit", p)
	return nil
}

type outboxPage struct {
	Page
	Messages  []*directory.OutboxMessage
	Delivered bool
	Next      string
}

// outbox shows the tenant's e-mail: the place to read it when no SMTP
// server is configured, a delivery log otherwise.
func (u *UI) outbox(w http.ResponseWriter, r *http.Request, a *adminReq) error {
	after := r.URL.Query().Get("after")
	if after != "" && !directory.ValidID(after) {
		return directory.Invalidf("after", "the page link is damaged; start from the first page")
	}
	msgs, err := u.svc.ListOutbox(a.ctx, a.tenant.ID, directory.Page{Limit: pageSize + 1, AfterID: after})
	if err != nil {
		return err
	}
	p := outboxPage{Page: u.adminBase(w, r, a, "E-mail outbox", "outbox"), Delivered: u.mailSent}
	if len(msgs) > pageSize {
		msgs = msgs[:pageSize]
		p.Next = a.url("outbox") + "?after=" + msgs[pageSize-1].ID
	}
	// The store pages by id; within a page, newest first reads best.
	sort.SliceStable(msgs, func(i, j int) bool { return msgs[i].CreatedAt.After(msgs[j].CreatedAt) })
	p.Messages = msgs
	u.render(w, r, http.StatusOK, "outbox", p)
	return nil
}
