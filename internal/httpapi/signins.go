package httpapi

import (
	"net/http"

	"github.com/orgdir/orgdir/internal/directory"
	"github.com/orgdir/orgdir/internal/graphjson"
	"github.com/orgdir/orgdir/internal/odata"
)

var signInProperties = graphjson.SignIn(&directory.SignInEvent{}).Keys()

// signInSpec: signIns come newest first, as Graph lists them; $orderby is
// not offered.
var signInSpec = odata.Spec{
	Resource:   "signIns",
	Properties: signInProperties,
	Filter:     directory.SignInFilter,
	Paged:      true,
}

var signInEntitySpec = odata.Spec{Resource: "signIn", Properties: signInProperties}

func (a *API) handleListSignIns(w http.ResponseWriter, r *http.Request) error {
	q, err := parseQuery(r, signInSpec)
	if err != nil {
		return err
	}
	sq := directory.SignInQuery{Filter: q.Filter, Limit: fetchLimit(q.Top)}
	if c := q.Cursor; c != nil && c.Time != nil {
		sq.After = &directory.SignInEvent{ID: c.ID, Time: *c.Time}
	}
	events, err := a.svc.ListSignIns(r.Context(), tenant(r), sq)
	if err != nil {
		return err
	}
	return a.writeList(w, r, q, keysetPage("auditLogs/signIns", events, q.Top, graphjson.SignIn, func(last *directory.SignInEvent) *odata.Cursor {
		t := last.Time
		return &odata.Cursor{ID: last.ID, Time: &t}
	}))
}

func (a *API) handleGetSignIn(w http.ResponseWriter, r *http.Request) error {
	q, err := parseQuery(r, signInEntitySpec)
	if err != nil {
		return err
	}
	e, err := a.svc.GetSignIn(r.Context(), tenant(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, graphjson.SignIn(e).Pick(q.Select).With("@odata.context", a.entity(r, "auditLogs/signIns", q.Select)))
}
