package browser

import (
	"regexp"
	"testing"

	"github.com/orgdir/orgdir/internal/demo"
)

var passcode = regexp.MustCompile(`E-mail to ` + regexp.QuoteMeta(demo.GraceEmail) + `: [^\n]*\nYour one-time code is (\d+)`)

// TestPasscodeGuestRedeemsAndSeesOneOrganizationsList: Grace has no home
// organization here. She opens her invitation link (printed by the demo
// and in Contoso's outbox), gets a one-time code by e-mail (the demo
// without SMTP prints it on the console), accepts, and sees one
// "Organizations" list.
func TestPasscodeGuestRedeemsAndSeesOneOrganizationsList(t *testing.T) {
	j := newJourney(t)
	link := redeemLink.FindString(j.console.String())
	if link == "" {
		t.Fatalf("the demo printed no invitation link:\n%s", j.console.String())
	}
	grace := j.person("grace")
	grace.open(link)
	grace.sees("Contoso invites you", demo.GraceEmail)
	grace.click("#send-code")
	grace.sees("Enter your code", "We sent a code to "+demo.GraceEmail)
	grace.shot("enter-code")
	m := passcode.FindStringSubmatch(j.console.String())
	if m == nil {
		t.Fatalf("no passcode for %s on the console:\n%s", demo.GraceEmail, j.console.String())
	}
	grace.fill("#code", m[1])
	grace.click("#verify-code")
	grace.sees("You are signed in as", demo.GraceEmail, "Accept invitation")
	grace.click("#accept")
	grace.sees("You accepted the invitation", "Organizations", "Contoso")
	grace.doesNotSee("Home organization", "Other organizations you collaborate with")
	grace.shot("organizations")

	// The code was single use.
	grace.open("/signin")
	grace.fill("#email", demo.GraceEmail)
	grace.click("#send-code")
	grace.fill("#code", m[1])
	grace.click("#verify-code")
	grace.sees("Enter your code")
}
