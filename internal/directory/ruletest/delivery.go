package ruletest

import (
	"testing"

	"github.com/orgdir/orgdir/internal/directory"
)

// testMailDelivery pins the deliverer's two operations: only the system
// reads every tenant's unsent mail and marks it sent.
func testMailDelivery(t *testing.T, ns NewStore) {
	w := newWorld(t, ns)
	must(w.svc.Invite(w.as(w.contosoAdmin), w.contoso.ID, directory.InviteRequest{
		InvitedUserEmailAddress: "mo@example.net", InviteRedirectURL: "https://apps.example/", SendInvitationMessage: true,
	}))(t) // an invitation e-mail waits
	_, err := w.svc.PendingMail(w.as(w.contosoAdmin), 10)
	wantKind(t, err, directory.KindForbidden)
	pending := must(w.svc.PendingMail(w.sys, 10))(t)
	if len(pending) == 0 {
		t.Fatal("the invitation's e-mail is not pending")
	}
	wantKind(t, w.svc.MarkMailSent(w.as(w.contosoAdmin), pending[0].ID), directory.KindForbidden)
	ok(t, w.svc.MarkMailSent(w.sys, pending[0].ID))
	for _, m := range must(w.svc.PendingMail(w.sys, 10))(t) {
		if m.ID == pending[0].ID {
			t.Fatal("a message marked sent is still pending")
		}
	}
	wantKind(t, w.svc.MarkMailSent(w.sys, directory.NewID()), directory.KindNotFound)
	_, err = w.svc.PendingMail(w.sys, 0)
	wantKind(t, err, directory.KindInvalid)
}
