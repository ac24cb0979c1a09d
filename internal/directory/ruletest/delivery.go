package ruletest

import (
	"testing"
	"time"

	"github.com/orgdir/orgdir/internal/directory"
)

// testMailDelivery pins the deliverer's two operations: only the system
// claims every tenant's due mail and records how an attempt ended, and a
// claim needs sane bounds.
func testMailDelivery(t *testing.T, ns NewStore) {
	w := newWorld(t, ns)
	must(w.svc.Invite(w.as(w.contosoAdmin), w.contoso.ID, directory.InviteRequest{
		InvitedUserEmailAddress: "mo@example.net", InviteRedirectURL: "https://apps.example/", SendInvitationMessage: true,
	}))(t) // an invitation e-mail waits
	c := directory.MailClaim{Limit: 10, Lease: time.Minute, MaxAttempts: 8}
	_, err := w.svc.ClaimMail(w.as(w.contosoAdmin), c)
	wantKind(t, err, directory.KindForbidden)
	claimed := must(w.svc.ClaimMail(w.sys, c))(t)
	if len(claimed) == 0 {
		t.Fatal("the invitation's e-mail is not due")
	}
	m := claimed[0]
	if m.State != directory.MailSending || m.Attempts != 1 {
		t.Fatalf("claimed message is %s after %d attempts, want sending after 1", m.State, m.Attempts)
	}
	sent := directory.MailOutcome{State: directory.MailSent}
	wantKind(t, w.svc.FinishMailAttempt(w.as(w.contosoAdmin), m.ID, 1, sent), directory.KindForbidden)
	wantKind(t, w.svc.FinishMailAttempt(w.sys, m.ID, 1, directory.MailOutcome{State: directory.MailSending}), directory.KindInvalid)
	ok(t, w.svc.FinishMailAttempt(w.sys, m.ID, 1, sent))
	wantKind(t, w.svc.FinishMailAttempt(w.sys, m.ID, 1, sent), directory.KindConflict)
	for _, x := range must(w.svc.ListOutbox(w.as(w.contosoAdmin), w.contoso.ID, directory.Page{}))(t) {
		if x.ID == m.ID && (x.State != directory.MailSent || x.SentAt == nil) {
			t.Fatalf("message after its sent outcome: %+v", x)
		}
	}
	wantKind(t, w.svc.FinishMailAttempt(w.sys, directory.NewID(), 1, sent), directory.KindNotFound)
	for _, bad := range []directory.MailClaim{{Limit: 0, Lease: time.Minute, MaxAttempts: 1},
		{Limit: 1, Lease: 0, MaxAttempts: 1}, {Limit: 1, Lease: time.Minute, MaxAttempts: 0}} {
		_, err = w.svc.ClaimMail(w.sys, bad)
		wantKind(t, err, directory.KindInvalid)
	}
}
