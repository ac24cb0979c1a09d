package webui

import (
	"net/http"
	"net/url"
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
	directory.ActivityRemoveMemberFromGroup, directory.ActivityAddApplication, directory.ActivityUpdateApplication, directory.ActivityUpdateAppSecrets,
	directory.ActivityUpdateServicePrincipal, directory.ActivityAddAppRoleAssignment,
	directory.ActivityRemoveAppRoleAssign, directory.ActivityAddRoleMember, directory.ActivityRemoveRoleMember,
	directory.ActivityUpdateTenant, directory.ActivityUpdatePolicy, directory.ActivityExportPersonalData,
}

type auditPage struct {
	Page
	Activities []string
	Activity   string
	From, To   string
	Target     string
	Error      string
	Events     []*directory.AuditEvent
	Next       string
	First      string
}

// auditLog lists the tenant's audit events, newest first, filtered by
// activity, date range (whole days, UTC) and target (a user name or any
// object id). A filter that cannot be used is said on the page, with the
// filters kept for correcting.
func (u *UI) auditLog(w http.ResponseWriter, r *http.Request, a *adminReq) error {
	qs := r.URL.Query()
	p := auditPage{Page: u.adminBase(w, r, a, "Audit log", "audit"), Activities: activities,
		Activity: qs.Get("activity"), From: qs.Get("from"), To: qs.Get("to"), Target: strings.TrimSpace(qs.Get("target"))}
	q, err := u.auditQuery(a, &p, qs.Get("after"))
	if directory.IsKind(err, directory.KindInvalid) {
		p.Error = directory.AsError(err).Message
		u.render(w, r, http.StatusBadRequest, "audit", p)
		return nil
	}
	if err != nil {
		return err
	}
	events, err := u.svc.ListAudit(a.ctx, a.tenant.ID, q)
	if err != nil {
		return err
	}
	v := url.Values{"activity": {p.Activity}, "from": {p.From}, "to": {p.To}, "target": {p.Target}}
	if len(events) > pageSize {
		events = events[:pageSize]
		last := events[pageSize-1]
		v.Set("after", cursor{ID: last.ID, Time: last.Time}.encode())
		p.Next = a.url("audit") + "?" + v.Encode()
		v.Del("after")
	}
	if q.After != nil {
		p.First = a.url("audit") + "?" + v.Encode()
	}
	p.Events = events
	u.render(w, r, http.StatusOK, "audit", p)
	return nil
}

// auditQuery turns the page's filters into a query.
func (u *UI) auditQuery(a *adminReq, p *auditPage, after string) (directory.AuditQuery, error) {
	var q directory.AuditQuery
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
	var from, to time.Time
	var err error
	if p.From != "" {
		if from, err = time.Parse("2006-01-02", p.From); err != nil {
			return q, directory.Invalidf("from", "the From date %q is not a date (YYYY-MM-DD)", p.From)
		}
		and(directory.Compare{Property: "activityDateTime", Op: directory.OpGe, Value: from})
	}
	if p.To != "" {
		if to, err = time.Parse("2006-01-02", p.To); err != nil {
			return q, directory.Invalidf("to", "the To date %q is not a date (YYYY-MM-DD)", p.To)
		}
		if p.From != "" && to.Before(from) {
			return q, directory.Invalidf("to", "the To date %s is before the From date %s", p.To, p.From)
		}
		// The whole To day is included.
		and(directory.Compare{Property: "activityDateTime", Op: directory.OpLt, Value: to.Add(24 * time.Hour)})
	}
	c, ok := decodeCursor(after)
	if !ok {
		return q, directory.Invalidf("after", "the page link is damaged; start from the first page")
	}
	targetID, err := u.auditTarget(a, p.Target)
	if err != nil {
		return q, err
	}
	q = directory.AuditQuery{Filter: f, TargetID: targetID, Limit: pageSize + 1}
	if c != nil {
		q.After = &directory.AuditEvent{ID: c.ID, Time: c.Time}
	}
	return q, nil
}

// auditTarget turns the Target filter into an object id: an id as it is
// (the object may be gone, its events stay), else the user name of a live
// user of the tenant.
func (u *UI) auditTarget(a *adminReq, target string) (string, error) {
	if target == "" || directory.ValidID(target) {
		return target, nil
	}
	user, err := u.svc.GetUser(a.ctx, a.tenant.ID, target)
	if directory.IsKind(err, directory.KindNotFound) || directory.IsKind(err, directory.KindInvalid) {
		return "", directory.Invalidf("target", "no user of %s has the user name %q; enter a user name or an object id", a.tenant.DisplayName, target)
	}
	if err != nil {
		return "", err
	}
	return user.ID, nil
}

type outboxPage struct {
	Page
	Messages  []*directory.OutboxMessage
	Delivered bool
	Next      string
	First     string
}

// outbox shows the tenant's e-mail, newest first: the place to read it
// when no SMTP server is configured, a delivery log otherwise.
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
	if after != "" {
		p.First = a.url("outbox")
	}
	p.Messages = msgs
	u.render(w, r, http.StatusOK, "outbox", p)
	return nil
}
