package auth

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

type otpFixture struct {
	o     *OneTimeCodes
	st    *memStore
	clock *directory.FixedClock
}

func newOTP(t *testing.T) otpFixture {
	t.Helper()
	st := newMemStore()
	clock := directory.NewFixedClock(time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC))
	return otpFixture{o: &OneTimeCodes{Store: st, Clock: clock.Now}, st: st, clock: clock}
}

// lastCode returns the code in the newest e-mail to address.
func (f otpFixture) lastCode(t *testing.T, address string) string {
	t.Helper()
	for i := len(f.st.outbox) - 1; i >= 0; i-- {
		if f.st.outbox[i].To == address {
			code := codeInMail.FindString(f.st.outbox[i].Body)
			if code == "" {
				t.Fatalf("no code in the e-mail %q", f.st.outbox[i].Body)
			}
			return code
		}
	}
	t.Fatalf("no e-mail to %s in the outbox", address)
	return ""
}

func wrong(code string) string {
	if code == "00000000" {
		return "00000001"
	}
	return "00000000"
}

func TestOneTimeCodes(t *testing.T) {
	ctx := context.Background()
	const ada = "ada@example.net"

	t.Run("MailedCodeSignsInOnce", func(t *testing.T) {
		f := newOTP(t)
		if err := f.o.Send(ctx, "Ada@Example.net", "1.2.3.4"); err != nil {
			t.Fatal(err)
		}
		code := f.lastCode(t, ada)
		if strings.Contains(string(f.st.codes[0].CodeHash), code) {
			t.Fatal("the store must keep a hash of the code, not the code")
		}
		if err := f.o.Verify(ctx, ada, code, "1.2.3.4"); err != nil {
			t.Fatalf("the right code was refused: %v", err)
		}
		if err := f.o.Verify(ctx, ada, code, "1.2.3.4"); !directory.IsKind(err, directory.KindUnauthenticated) {
			t.Fatalf("second use err = %v, want unauthenticated (single use)", err)
		}
	})

	t.Run("ExpiresAfterTenMinutes", func(t *testing.T) {
		f := newOTP(t)
		_ = f.o.Send(ctx, ada, "ip")
		code := f.lastCode(t, ada)
		f.clock.Advance(10 * time.Minute)
		if err := f.o.Verify(ctx, ada, code, "ip"); !directory.IsKind(err, directory.KindUnauthenticated) {
			t.Fatalf("err = %v, want unauthenticated after 10 minutes", err)
		}
	})

	t.Run("DeadAfterFiveWrongTries", func(t *testing.T) {
		f := newOTP(t)
		_ = f.o.Send(ctx, ada, "ip")
		code := f.lastCode(t, ada)
		for i := range OTPMaxAttempts {
			if err := f.o.Verify(ctx, ada, wrong(code), "ip"); !directory.IsKind(err, directory.KindUnauthenticated) {
				t.Fatalf("wrong try %d err = %v, want unauthenticated", i+1, err)
			}
		}
		if err := f.o.Verify(ctx, ada, code, "ip"); !directory.IsKind(err, directory.KindUnauthenticated) {
			t.Fatalf("err = %v: the right code must be refused after %d wrong tries", err, OTPMaxAttempts)
		}
	})

	t.Run("OnlyTheNewestCodeCounts", func(t *testing.T) {
		f := newOTP(t)
		_ = f.o.Send(ctx, ada, "ip")
		first := f.lastCode(t, ada)
		_ = f.o.Send(ctx, ada, "ip")
		second := f.lastCode(t, ada)
		if first == second {
			t.Skip("two random codes collided; nothing to tell apart")
		}
		if err := f.o.Verify(ctx, ada, first, "ip"); err == nil {
			t.Fatal("an older code must not sign in once a newer one was sent")
		}
		if err := f.o.Verify(ctx, ada, second, "ip"); err != nil {
			t.Fatal(err)
		}
	})

	t.Run("RateLimitedPerAddress", func(t *testing.T) {
		f := newOTP(t)
		for i := range OTPMaxPerAddress {
			if err := f.o.Send(ctx, ada, "ip"); err != nil {
				t.Fatalf("send %d: %v", i+1, err)
			}
		}
		if err := f.o.Send(ctx, ada, "ip"); !directory.IsKind(err, directory.KindRateLimited) {
			t.Fatalf("err = %v, want rate limited", err)
		}
		if len(f.st.outbox) != OTPMaxPerAddress {
			t.Fatalf("%d e-mails queued, want %d", len(f.st.outbox), OTPMaxPerAddress)
		}
		f.clock.Advance(OTPSendWindow + time.Second)
		if err := f.o.Send(ctx, ada, "ip"); err != nil {
			t.Fatalf("after the window a code must be sent again: %v", err)
		}
	})

	t.Run("RateLimitedPerClientAddress", func(t *testing.T) {
		f := newOTP(t)
		// Sends and checks count alike, whatever the e-mail address.
		for i := range directory.PasscodeAddressFreeAttempts {
			addr := fmt.Sprintf("a%d@example.net", i)
			var err error
			if i%2 == 0 {
				err = f.o.Send(ctx, addr, "9.9.9.9")
			} else {
				err = f.o.Verify(ctx, addr, "12345678", "9.9.9.9")
			}
			if directory.IsKind(err, directory.KindRateLimited) {
				t.Fatalf("attempt %d refused: %v", i+1, err)
			}
		}
		for _, try := range []func() error{
			func() error { return f.o.Send(ctx, "c@example.net", "9.9.9.9") },
			func() error { return f.o.Verify(ctx, "a0@example.net", f.lastCode(t, "a0@example.net"), "9.9.9.9") },
		} {
			err := try()
			if e := directory.AsError(err); e.Kind != directory.KindRateLimited || e.RetryAfter != time.Second ||
				!strings.Contains(e.Message, "too many attempts from your network") {
				t.Fatalf("err = %v (retry after %v), want rate limited for a second", err, e.RetryAfter)
			}
		}
		if err := f.o.Send(ctx, "c@example.net", "8.8.8.8"); err != nil {
			t.Fatalf("another client address must not be limited: %v", err)
		}
		f.clock.Advance(time.Second)
		if err := f.o.Verify(ctx, "a0@example.net", f.lastCode(t, "a0@example.net"), "9.9.9.9"); err != nil {
			t.Fatalf("after the wait the right code must work: %v", err)
		}
	})

	t.Run("BadAddressRefusedAndNothingStored", func(t *testing.T) {
		f := newOTP(t)
		for _, a := range []string{"", "not an address", "Ada <ada@example.net>", "ada@example.net\r\nBcc: x@y"} {
			err := f.o.Send(ctx, a, "ip")
			if !directory.IsKind(err, directory.KindInvalid) || !strings.Contains(directory.AsError(err).Message, "e-mail") {
				t.Fatalf("Send(%q) err = %v, want invalid naming the e-mail", a, err)
			}
		}
		if len(f.st.codes) != 0 || len(f.st.outbox) != 0 {
			t.Fatal("a refused send must store nothing")
		}
	})
}
