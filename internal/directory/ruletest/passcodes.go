package ruletest

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/orgdir/orgdir/internal/directory"
)

var codeInMail = regexp.MustCompile(`\b\d{8}\b`)

// mailbox keeps the passcode e-mails a world's SendPasscode echoes.
type mailbox struct{ sent []*directory.OutboxMessage }

func (m *mailbox) mail() directory.PasscodeMail {
	return directory.PasscodeMail{Echo: func(msg *directory.OutboxMessage) { m.sent = append(m.sent, msg) }}
}

// lastCode returns the code in the newest e-mail to address.
func (m *mailbox) lastCode(t *testing.T, address string) string {
	t.Helper()
	for i := len(m.sent) - 1; i >= 0; i-- {
		if m.sent[i].To == address {
			code := codeInMail.FindString(m.sent[i].Body)
			if code == "" {
				t.Fatalf("no code in the e-mail %q", m.sent[i].Body)
			}
			return code
		}
	}
	t.Fatalf("no e-mail to %s", address)
	return ""
}

func wrongCode(code string) string {
	if code == "00000000" {
		return "00000001"
	}
	return "00000000"
}

func testPasscodes(t *testing.T, ns NewStore) {
	ctx := context.Background()
	const ada = "ada@example.net"
	setup := func(t *testing.T) (*world, *mailbox) {
		return newWorld(t, ns), &mailbox{}
	}

	t.Run("MailedCodeSignsInOnce", func(t *testing.T) {
		w, mb := setup(t)
		ok(t, w.svc.SendPasscode(ctx, "Ada@Example.net", "1.2.3.4", mb.mail()))
		code := mb.lastCode(t, ada)
		ok(t, w.store.Read(ctx, func(tx directory.Tx) error {
			c, err := tx.GetLatestOneTimeCode(ctx, ada)
			if err == nil && strings.Contains(string(c.CodeHash), code) {
				t.Error("the store must keep a hash of the code, not the code")
			}
			return err
		}))
		ok(t, w.svc.VerifyPasscode(ctx, ada, code, "1.2.3.4"))
		wantKind(t, w.svc.VerifyPasscode(ctx, ada, code, "1.2.3.4"), directory.KindUnauthenticated)
	})

	t.Run("ExpiresAfterTenMinutes", func(t *testing.T) {
		w, mb := setup(t)
		ok(t, w.svc.SendPasscode(ctx, ada, "ip", mb.mail()))
		code := mb.lastCode(t, ada)
		w.clock.Advance(directory.PasscodeTTL)
		wantKind(t, w.svc.VerifyPasscode(ctx, ada, code, "ip"), directory.KindUnauthenticated)
	})

	t.Run("DeadAfterFiveWrongTries", func(t *testing.T) {
		w, mb := setup(t)
		ok(t, w.svc.SendPasscode(ctx, ada, "ip", mb.mail()))
		code := mb.lastCode(t, ada)
		for range directory.PasscodeMaxAttempts {
			wantKind(t, w.svc.VerifyPasscode(ctx, ada, wrongCode(code), "ip"), directory.KindUnauthenticated)
		}
		wantKind(t, w.svc.VerifyPasscode(ctx, ada, code, "ip"), directory.KindUnauthenticated)
	})

	t.Run("OnlyTheNewestCodeCounts", func(t *testing.T) {
		w, mb := setup(t)
		ok(t, w.svc.SendPasscode(ctx, ada, "ip", mb.mail()))
		first := mb.lastCode(t, ada)
		w.clock.Advance(time.Second) // the store orders codes by their time
		ok(t, w.svc.SendPasscode(ctx, ada, "ip", mb.mail()))
		second := mb.lastCode(t, ada)
		if first == second {
			t.Skip("two random codes collided; nothing to tell apart")
		}
		if err := w.svc.VerifyPasscode(ctx, ada, first, "ip"); err == nil {
			t.Fatal("an older code must not sign in once a newer one was sent")
		}
		ok(t, w.svc.VerifyPasscode(ctx, ada, second, "ip"))
	})

	t.Run("RateLimitedPerAddress", func(t *testing.T) {
		w, mb := setup(t)
		for range directory.PasscodeMaxPerAddress {
			ok(t, w.svc.SendPasscode(ctx, ada, "ip", mb.mail()))
		}
		wantKind(t, w.svc.SendPasscode(ctx, ada, "ip", mb.mail()), directory.KindRateLimited)
		if len(mb.sent) != directory.PasscodeMaxPerAddress {
			t.Fatalf("%d e-mails queued, want %d", len(mb.sent), directory.PasscodeMaxPerAddress)
		}
		w.clock.Advance(directory.PasscodeSendWindow + time.Second)
		ok(t, w.svc.SendPasscode(ctx, ada, "ip", mb.mail()))
	})

	t.Run("RateLimitedPerClientAddress", func(t *testing.T) {
		w, mb := setup(t)
		// Sends and checks count alike, whatever the e-mail address.
		for i := range directory.PasscodeAddressFreeAttempts {
			addr := fmt.Sprintf("a%d@example.net", i)
			var err error
			if i%2 == 0 {
				err = w.svc.SendPasscode(ctx, addr, "9.9.9.9", mb.mail())
			} else {
				err = w.svc.VerifyPasscode(ctx, addr, "12345678", "9.9.9.9")
			}
			if directory.IsKind(err, directory.KindRateLimited) {
				t.Fatalf("attempt %d refused: %v", i+1, err)
			}
		}
		for _, try := range []func() error{
			func() error { return w.svc.SendPasscode(ctx, "c@example.net", "9.9.9.9", mb.mail()) },
			func() error {
				return w.svc.VerifyPasscode(ctx, "a0@example.net", mb.lastCode(t, "a0@example.net"), "9.9.9.9")
			},
		} {
			err := try()
			if e := directory.AsError(err); e.Kind != directory.KindRateLimited || e.RetryAfter != time.Second ||
				!strings.Contains(e.Message, "too many attempts from your network") {
				t.Fatalf("err = %v (retry after %v), want rate limited for a second", err, e.RetryAfter)
			}
		}
		ok(t, w.svc.SendPasscode(ctx, "c@example.net", "8.8.8.8", mb.mail()))
		w.clock.Advance(time.Second)
		ok(t, w.svc.VerifyPasscode(ctx, "a0@example.net", mb.lastCode(t, "a0@example.net"), "9.9.9.9"))
	})

	t.Run("BadAddressRefusedAndNothingStored", func(t *testing.T) {
		w, mb := setup(t)
		bad := []string{"", "not an address", "Ada <ada@example.net>", "ada@example.net\r\nBcc: x@y"}
		for _, a := range bad {
			err := w.svc.SendPasscode(ctx, a, "ip", mb.mail())
			if !directory.IsKind(err, directory.KindInvalid) || !strings.Contains(directory.AsError(err).Message, "e-mail") {
				t.Fatalf("SendPasscode(%q) err = %v, want invalid naming the e-mail", a, err)
			}
		}
		if len(mb.sent) != 0 {
			t.Fatal("a refused send must send nothing")
		}
		ok(t, w.store.Read(ctx, func(tx directory.Tx) error {
			for _, a := range bad {
				if n, err := tx.CountOneTimeCodesSince(ctx, strings.ToLower(a), epoch().Add(-time.Hour)); err != nil || n != 0 {
					t.Errorf("%d codes for %q (%v), want none", n, a, err)
				}
			}
			return nil
		}))
	})
}
