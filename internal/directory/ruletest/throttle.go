package ruletest

import (
	"context"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/orgdir/orgdir/internal/directory"
)

// Addresses of the throttle tests.
const (
	attackerAddr = "198.51.100.7"
	ownerAddr    = "203.0.113.20"
	thePassword  = "correct horse battery"
)

// countingHasher counts the passwords it checks, to tell a refused attempt
// (never checked) from a wrong one.
type countingHasher struct {
	plainHasher
	verified *atomic.Int64
}

func (h countingHasher) Verify(hash, p string) (bool, error) {
	h.verified.Add(1)
	return h.plainHasher.Verify(hash, p)
}

// signIn is one password sign-in attempt on svc.
func signIn(svc *directory.Service, upn, password, addr string) error {
	_, err := svc.SignInWithPassword(context.Background(), upn, password, addr)
	return err
}

// wantWait fails unless err is a refusal that asks to wait exactly d.
func wantWait(t *testing.T, err error, d time.Duration) *directory.Error {
	t.Helper()
	e := wantKind(t, err, directory.KindRateLimited)
	if e.RetryAfter != d {
		t.Fatalf("refusal %q asks to wait %v, want %v", e.Message, e.RetryAfter, d)
	}
	return e
}

// failUntilRefused makes wrong attempts from addr until one is refused,
// and returns how many were checked (and failed) before.
func failUntilRefused(t *testing.T, svc *directory.Service, upn, addr string) int {
	t.Helper()
	for n := 0; n < 1000; n++ {
		err := signIn(svc, upn, "wrong "+fmt.Sprint(n), addr)
		if directory.IsKind(err, directory.KindRateLimited) {
			return n
		}
		wantKind(t, err, directory.KindUnauthenticated)
	}
	t.Fatal("no attempt was ever refused")
	return 0
}

func testSignInThrottle(t *testing.T, ns NewStore) {
	// withPassword is a world whose Contoso admin has thePassword.
	withPassword := func(t *testing.T) *world {
		w := newWorld(t, ns)
		ok(t, w.svc.SetPassword(w.as(w.contosoAdmin), w.contoso.ID, w.contosoAdmin.ID, thePassword))
		return w
	}

	t.Run("RightPasswordFromCleanAddressWorksDuringAttack", func(t *testing.T) {
		w := withPassword(t)
		victim := w.contosoAdmin.UserPrincipalName
		// The attacker makes 100 wrong guesses from one address, waiting
		// out every delay as told (almost a day of them).
		for failed := 0; failed < 100; {
			err := signIn(w.svc, victim, fmt.Sprintf("guess %d", failed), attackerAddr)
			if directory.IsKind(err, directory.KindRateLimited) {
				w.clock.Advance(directory.AsError(err).RetryAfter)
				continue
			}
			wantKind(t, err, directory.KindUnauthenticated)
			failed++
		}
		// The attacker's address is held back, even with the right password...
		wantKind(t, signIn(w.svc, victim, thePassword, attackerAddr), directory.KindRateLimited)
		// ...but the owner, from their own address, signs in at once.
		u, err := w.svc.SignInWithPassword(context.Background(), strings.ToUpper(victim), thePassword, ownerAddr)
		ok(t, err)
		if u.ID != w.contosoAdmin.ID {
			t.Fatalf("signed in as %s", u.ID)
		}
		// And a mistyped password of theirs does not lock them out either.
		wantKind(t, signIn(w.svc, victim, "typo", ownerAddr), directory.KindUnauthenticated)
		ok(t, signIn(w.svc, victim, thePassword, ownerAddr))
	})

	t.Run("GrowingDelayPerAccountAndAddress", func(t *testing.T) {
		w := withPassword(t)
		var checked atomic.Int64
		svc := directory.NewService(w.store, directory.Options{Clock: w.clock.Now, PasswordHasher: countingHasher{verified: &checked}})
		upn := w.contosoAdmin.UserPrincipalName
		if n := failUntilRefused(t, svc, upn, attackerAddr); n != directory.SignInFreeFailures {
			t.Fatalf("%d failures before the first wait, want %d", n, directory.SignInFreeFailures)
		}
		// While waiting, even the right password is refused, unchecked,
		// and the refusals count nothing.
		before := checked.Load()
		for range 10 {
			e := wantWait(t, signIn(svc, upn, thePassword, attackerAddr), time.Second)
			if !strings.Contains(e.Message, "too many sign-in attempts; try again in 1 second") {
				t.Errorf("refusal says %q", e.Message)
			}
		}
		if checked.Load() != before {
			t.Fatalf("a refused attempt checked the password (%d checks)", checked.Load()-before)
		}
		// Each further failure doubles the wait, up to 15 minutes.
		wait := time.Second
		for wait < directory.ThrottleMaxWait {
			w.clock.Advance(wait)
			wantKind(t, signIn(svc, upn, "still wrong", attackerAddr), directory.KindUnauthenticated)
			wait = min(2*wait, directory.ThrottleMaxWait)
			wantWait(t, signIn(svc, upn, "too soon", attackerAddr), wait)
		}
		w.clock.Advance(wait)
		wantKind(t, signIn(svc, upn, "still wrong", attackerAddr), directory.KindUnauthenticated)
		e := wantWait(t, signIn(svc, upn, "too soon", attackerAddr), directory.ThrottleMaxWait)
		if !strings.Contains(e.Message, "try again in 15 minutes") {
			t.Errorf("refusal says %q", e.Message)
		}
		// Another account from the same address is not held back.
		bob := w.member(w.contoso, "bob", "Bob")
		ok(t, w.svc.SetPassword(w.as(bob), w.contoso.ID, bob.ID, "bobs password"))
		ok(t, signIn(svc, bob.UserPrincipalName, "bobs password", attackerAddr))
	})

	t.Run("PerAddressAcrossAccounts", func(t *testing.T) {
		w := withPassword(t)
		// One wrong guess each for many accounts, from one address.
		for i := range directory.SignInAddressFreeFailures {
			wantKind(t, signIn(w.svc, fmt.Sprintf("user%d@contoso.example", i), "guess", attackerAddr), directory.KindUnauthenticated)
		}
		e := wantWait(t, signIn(w.svc, w.contosoAdmin.UserPrincipalName, thePassword, attackerAddr), time.Second)
		if !strings.Contains(e.Message, "from your network") {
			t.Errorf("refusal says %q", e.Message)
		}
		// An IPv6 address counts by its /64: the next address over is the
		// same network.
		for i := range directory.SignInAddressFreeFailures {
			wantKind(t, signIn(w.svc, fmt.Sprintf("user%d@contoso.example", i), "guess", fmt.Sprintf("2001:db8:1:2::%x", i+1)), directory.KindUnauthenticated)
		}
		wantKind(t, signIn(w.svc, "someone@contoso.example", "guess", "2001:db8:1:2:ffff::1"), directory.KindRateLimited)
		// Other addresses sign in as ever.
		ok(t, signIn(w.svc, w.contosoAdmin.UserPrincipalName, thePassword, ownerAddr))
		ok(t, signIn(w.svc, w.contosoAdmin.UserPrincipalName, thePassword, "2001:db8:1:3::1"))
		// Once the wait is over, the right password works from there too.
		w.clock.Advance(time.Second)
		ok(t, signIn(w.svc, w.contosoAdmin.UserPrincipalName, thePassword, attackerAddr))
	})

	t.Run("SuccessResets", func(t *testing.T) {
		w := withPassword(t)
		upn := w.contosoAdmin.UserPrincipalName
		for range directory.SignInFreeFailures - 1 {
			wantKind(t, signIn(w.svc, upn, "typo", ownerAddr), directory.KindUnauthenticated)
		}
		ok(t, signIn(w.svc, upn, thePassword, ownerAddr))
		// The failures before the success are forgotten: the free ones
		// start again.
		if n := failUntilRefused(t, w.svc, upn, ownerAddr); n != directory.SignInFreeFailures {
			t.Fatalf("%d failures after a success before the first wait, want %d", n, directory.SignInFreeFailures)
		}
	})

	t.Run("ForgottenAfterWindow", func(t *testing.T) {
		w := withPassword(t)
		upn := w.contosoAdmin.UserPrincipalName
		failUntilRefused(t, w.svc, upn, attackerAddr)
		// Within the window the failures still count: the next one, once
		// the wait is over, brings a longer wait.
		w.clock.Advance(directory.ThrottleWindow)
		wantKind(t, signIn(w.svc, upn, "wrong", attackerAddr), directory.KindUnauthenticated)
		wantWait(t, signIn(w.svc, upn, "wrong", attackerAddr), 2*time.Second)
		// A window of quiet after the wait: forgotten, the free ones are back.
		w.clock.Advance(2*time.Second + directory.ThrottleWindow)
		if n := failUntilRefused(t, w.svc, upn, attackerAddr); n != directory.SignInFreeFailures {
			t.Fatalf("%d failures after the window before the first wait, want %d", n, directory.SignInFreeFailures)
		}
	})

	t.Run("GuessesSentAtOnceAreCountedBeforeChecking", func(t *testing.T) {
		w := withPassword(t)
		const n = 20
		errs := make(chan error, n)
		for i := range n {
			go func() {
				errs <- signIn(w.svc, w.contosoAdmin.UserPrincipalName, fmt.Sprintf("burst %d", i), attackerAddr)
			}()
		}
		checked := 0
		for range n {
			err := <-errs
			if directory.IsKind(err, directory.KindUnauthenticated) {
				checked++
			} else {
				wantKind(t, err, directory.KindRateLimited)
			}
		}
		if checked != directory.SignInFreeFailures {
			t.Fatalf("%d of %d guesses sent at once were checked, want %d", checked, n, directory.SignInFreeFailures)
		}
	})

	t.Run("SharedAcrossInstances", func(t *testing.T) {
		w := withPassword(t)
		other := directory.NewService(w.store, directory.Options{Clock: w.clock.Now, PasswordHasher: plainHasher{}})
		throttleSharedBy(t, w, w.svc, other)
	})

	t.Run("PasscodesPerAddress", func(t *testing.T) {
		w := withPassword(t)
		for i := range directory.PasscodeAddressFreeAttempts {
			if err := directory.AdmitPasscodeAttempt(context.Background(), w.store, w.clock.Now(), attackerAddr); err != nil {
				t.Fatalf("attempt %d: %v", i+1, err)
			}
		}
		err := directory.AdmitPasscodeAttempt(context.Background(), w.store, w.clock.Now(), attackerAddr)
		if e := wantWait(t, err, time.Second); !strings.Contains(e.Message, "too many attempts from your network") {
			t.Errorf("refusal says %q", e.Message)
		}
		ok(t, directory.AdmitPasscodeAttempt(context.Background(), w.store, w.clock.Now(), ownerAddr))
		// Passcode attempts and password sign-ins are counted apart.
		ok(t, signIn(w.svc, w.contosoAdmin.UserPrincipalName, thePassword, attackerAddr))
		w.clock.Advance(time.Second)
		ok(t, directory.AdmitPasscodeAttempt(context.Background(), w.store, w.clock.Now(), attackerAddr))
	})
}

// throttleSharedBy checks that one, two (two instances over one database,
// w's data in it) count failures together.
func throttleSharedBy(t *testing.T, w *world, one, two *directory.Service) {
	t.Helper()
	upn := w.contosoAdmin.UserPrincipalName
	for i := range directory.SignInFreeFailures {
		svc := one
		if i%2 == 1 {
			svc = two
		}
		wantKind(t, signIn(svc, upn, "wrong", attackerAddr), directory.KindUnauthenticated)
	}
	// Five failures spread over both: each instance refuses the next.
	wantWait(t, signIn(one, upn, thePassword, attackerAddr), time.Second)
	wantWait(t, signIn(two, upn, thePassword, attackerAddr), time.Second)
	// A success on one is seen by the other.
	w.clock.Advance(time.Second)
	ok(t, signIn(two, upn, thePassword, attackerAddr))
	wantKind(t, signIn(one, upn, "wrong", attackerAddr), directory.KindUnauthenticated)
}

// ThrottleAcrossStores runs the sign-in throttle over two stores on one
// database, as two instances: failures through one count in the other.
// one and two must be empty and open on the same database.
func ThrottleAcrossStores(t *testing.T, one, two directory.Store) {
	w := newWorld(t, func(*testing.T) directory.Store { return one })
	ok(t, w.svc.SetPassword(w.as(w.contosoAdmin), w.contoso.ID, w.contosoAdmin.ID, thePassword))
	throttleSharedBy(t, w, w.svc, directory.NewService(two, directory.Options{Clock: w.clock.Now, PasswordHasher: plainHasher{}}))
}
