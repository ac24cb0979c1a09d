package webui

import (
	"html/template"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/orgdir/orgdir/internal/directory"
)

type overviewPage struct {
	Page
	Tenant   *directory.Tenant
	Overview directory.TenantOverview
	Chart    template.HTML
	Succeed  int // sign-ins of the chart's week
	Failed   int
}

// overview is the tenant's first page: the counts an admin checks first
// and the sign-ins of the last week.
func (u *UI) overview(w http.ResponseWriter, r *http.Request, a *adminReq) error {
	v, err := u.svc.Overview(a.ctx, a.tenant.ID)
	if err != nil {
		return err
	}
	hours, err := u.svc.SignInActivity(a.ctx, a.tenant.ID)
	if err != nil {
		return err
	}
	p := overviewPage{Page: u.adminBase(w, r, a, "Overview", "overview"), Tenant: a.tenant, Overview: v, Chart: signInChart(hours)}
	p.Succeed, p.Failed = weekTotals(hours)
	u.render(w, r, http.StatusOK, "overview", p)
	return nil
}

func weekTotals(hours []directory.SignInHour) (ok, failed int) {
	for _, h := range hours {
		ok += h.Succeeded
		failed += h.Failed
	}
	return ok, failed
}

// Result choices of the sign-in log's filter.
const (
	resultAll     = ""
	resultSuccess = "success"
	resultFailure = "failure"
)

type signInsPage struct {
	Page
	Chart           template.HTML
	Succeed, Failed int
	Result          string
	User            string
	From, To        string
	Error           string
	Events          []*directory.SignInEvent
	Next, First     string
}

// signIns lists the tenant's sign-in records, newest first, under the
// chart, filtered by result, user and date range (whole days, UTC).
func (u *UI) signIns(w http.ResponseWriter, r *http.Request, a *adminReq) error {
	qs := r.URL.Query()
	p := signInsPage{Page: u.adminBase(w, r, a, "Sign-in logs", "signins"),
		Result: qs.Get("result"), User: strings.TrimSpace(qs.Get("user")), From: qs.Get("from"), To: qs.Get("to")}
	hours, err := u.svc.SignInActivity(a.ctx, a.tenant.ID)
	if err != nil {
		return err
	}
	p.Chart = signInChart(hours)
	p.Succeed, p.Failed = weekTotals(hours)
	q, err := u.signInQuery(a, &p, qs.Get("after"))
	if directory.IsKind(err, directory.KindInvalid) {
		p.Error = directory.AsError(err).Message
		u.render(w, r, http.StatusBadRequest, "signins", p)
		return nil
	}
	if err != nil {
		return err
	}
	events, err := u.svc.ListSignIns(a.ctx, a.tenant.ID, q)
	if err != nil {
		return err
	}
	v := url.Values{"result": {p.Result}, "user": {p.User}, "from": {p.From}, "to": {p.To}}
	if len(events) > pageSize {
		events = events[:pageSize]
		last := events[pageSize-1]
		v.Set("after", cursor{ID: last.ID, Time: last.Time}.encode())
		p.Next = a.url("signins") + "?" + v.Encode()
		v.Del("after")
	}
	if q.After != nil {
		p.First = a.url("signins") + "?" + v.Encode()
	}
	p.Events = events
	u.render(w, r, http.StatusOK, "signins", p)
	return nil
}

// signInQuery turns the page's filters into a query. A user is a user
// name (of a live user, or as typed at a failed sign-in) or an object id.
func (u *UI) signInQuery(a *adminReq, p *signInsPage, after string) (directory.SignInQuery, error) {
	var q directory.SignInQuery
	var f directory.Filter
	and := func(c directory.Filter) {
		if f == nil {
			f = c
		} else {
			f = directory.And{Left: f, Right: c}
		}
	}
	switch p.Result {
	case resultAll:
	case resultSuccess:
		and(directory.Compare{Property: "status/errorCode", Op: directory.OpEq, Value: int64(directory.SignInSucceeded)})
	case resultFailure:
		and(directory.Compare{Property: "status/errorCode", Op: directory.OpNe, Value: int64(directory.SignInSucceeded)})
	default:
		return q, directory.Invalidf("result", "the result %q is not one of success or failure", p.Result)
	}
	if p.User != "" {
		prop := "userPrincipalName"
		if directory.ValidID(p.User) {
			prop = "userId"
		}
		and(directory.Compare{Property: prop, Op: directory.OpEq, Value: p.User})
	}
	var from, to time.Time
	var err error
	if p.From != "" {
		if from, err = time.Parse("2006-01-02", p.From); err != nil {
			return q, directory.Invalidf("from", "the From date %q is not a date (YYYY-MM-DD)", p.From)
		}
		and(directory.Compare{Property: "createdDateTime", Op: directory.OpGe, Value: from})
	}
	if p.To != "" {
		if to, err = time.Parse("2006-01-02", p.To); err != nil {
			return q, directory.Invalidf("to", "the To date %q is not a date (YYYY-MM-DD)", p.To)
		}
		if p.From != "" && to.Before(from) {
			return q, directory.Invalidf("to", "the To date %s is before the From date %s", p.To, p.From)
		}
		and(directory.Compare{Property: "createdDateTime", Op: directory.OpLt, Value: to.Add(24 * time.Hour)})
	}
	c, ok := decodeCursor(after)
	if !ok {
		return q, directory.Invalidf("after", "the page link is damaged; start from the first page")
	}
	q = directory.SignInQuery{Filter: f, Limit: pageSize + 1}
	if c != nil {
		q.After = &directory.SignInEvent{ID: c.ID, Time: c.Time}
	}
	return q, nil
}
