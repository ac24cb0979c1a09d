package webui

import (
	"context"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/orgdir/orgdir/internal/directory"
)

// TestOutboxShowsEachMessagesStateAttemptsAndLastError delivers three
// invitations as the deliverer would (one sent, one refused for good, one
// to be tried again) and reads the E-mail outbox page.
func TestOutboxShowsEachMessagesStateAttemptsAndLastError(t *testing.T) {
	s := newSite(t, func(o *Options) { o.MailDelivered = true })
	tid := s.demo.Contoso.ID
	admin := s.admin(t)
	admin.get("/admin/" + tid + "/invite")
	for _, to := range []string{"sent@example.net", "refused@example.net", "later@example.net"} {
		must(t, admin.post("/admin/"+tid+"/invite", url.Values{"email": {to}}), http.StatusOK, "Invitation sent")
	}
	sys := directory.WithActor(context.Background(), directory.SystemActor("webui test deliverer"))
	claimed, err := s.svc.ClaimMail(sys, directory.MailClaim{Limit: 100, Lease: time.Minute, MaxAttempts: 8})
	if err != nil {
		t.Fatal(err)
	}
	now := s.clock.Now()
	outcomes := map[string]directory.MailOutcome{
		"sent@example.net":    {State: directory.MailSent},
		"refused@example.net": {State: directory.MailFailed, Error: "smtp: RCPT TO: 550 5.1.1 <refused@example.net>: no such mailbox"},
		"later@example.net":   {State: directory.MailPending, RetryAt: now.Add(2 * time.Hour), Error: "smtp: RCPT TO: 451 4.2.1 try later"},
	}
	seen := 0
	for _, m := range claimed {
		o, ok := outcomes[m.To]
		if !ok {
			o = directory.MailOutcome{State: directory.MailSent}
		} else {
			seen++
		}
		if err := s.svc.FinishMailAttempt(sys, m.ID, m.Attempts, o); err != nil {
			t.Fatal(err)
		}
	}
	if seen != 3 {
		t.Fatalf("claimed %d of the 3 invitations", seen)
	}
	p := admin.get("/admin/" + tid + "/outbox")
	must(t, p, http.StatusOK, "delivery log",
		"To sent@example.net · "+now.Format("2006-01-02 15:04 UTC")+` · <span class="mail-state">sent `+now.Format("2006-01-02 15:04 UTC")+"</span> · 1 attempt",
		`To refused@example.net · `+now.Format("2006-01-02 15:04 UTC")+` · <span class="mail-state">failed</span> · 1 attempt`,
		"Last error: <code>smtp: RCPT TO: 550 5.1.1 &lt;refused@example.net&gt;: no such mailbox</code>",
		`<span class="mail-state">will retry `+now.Add(2*time.Hour).Format("2006-01-02 15:04 UTC")+"</span> · 1 attempt",
		"Last error: <code>smtp: RCPT TO: 451 4.2.1 try later</code>")
}
