package directory

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/netip"
	"strings"
	"time"
)

// Sign-in throttling, as Entra's smart lockout and Keycloak's brute-force
// detection do it: failures are counted per (account, client address) and
// per client address, never per account alone, so that whoever knows a
// user name cannot lock its owner out; the right password from an address
// that has not been failing always works. Beyond a number of free failures
// each further attempt must wait a delay that doubles with every failure,
// up to ThrottleMaxWait; an attempt made while waiting is refused without
// checking the password. The counters live in the store, so n instances
// allow no more than one.
//
// An attempt is counted before the password is checked and uncounted when
// it matches, so that attempts sent all at once cannot pass the check
// together before any of them is recorded.
const (
	// SignInFreeFailures is how many failures one account may have from
	// one client address before waits begin. A success forgets them.
	SignInFreeFailures = 5
	// SignInAddressFreeFailures is how many failures one client address
	// may have over all accounts before waits begin (generous: an office
	// or a carrier-grade NAT shares one address). A success does not
	// forget them.
	SignInAddressFreeFailures = 50
	// PasscodeAddressFreeAttempts is how many passcode sends and checks
	// one client address may make before waits begin.
	PasscodeAddressFreeAttempts = 60
	// ThrottleFirstWait is the wait after the first failure beyond the
	// free ones; each further failure doubles it.
	ThrottleFirstWait = time.Second
	// ThrottleMaxWait caps the wait.
	ThrottleMaxWait = 15 * time.Minute
	// ThrottleWindow is how long a counter is kept after its last failure
	// and its wait have passed; then it is forgotten.
	ThrottleWindow = 15 * time.Minute
)

// throttleRule is one kind of counter.
type throttleRule struct {
	kind    string // part of the key, so that kinds never share a counter
	free    int
	refusal string // what a waiting attempt is told, before "try again in …"
}

var (
	accountAddressRule = throttleRule{kind: "password-account-address", free: SignInFreeFailures, refusal: "too many sign-in attempts"}
	addressRule        = throttleRule{kind: "password-address", free: SignInAddressFreeFailures, refusal: "too many sign-in attempts from your network"}
	passcodeRule       = throttleRule{kind: "passcode-address", free: PasscodeAddressFreeAttempts, refusal: "too many attempts from your network"}
)

// sweepBatch is how many expired counters each counted attempt removes.
const sweepBatch = 100

// key is the counter's key for subject (a UPN, or "") seen from
// clientAddr: a SHA-256, so that the store holds neither in clear.
func (r throttleRule) key(subject, clientAddr string) string {
	h := sha256.Sum256([]byte(r.kind + "|" + strings.ToLower(strings.TrimSpace(subject)) + "|" + addressKey(clientAddr)))
	return hex.EncodeToString(h[:])
}

// addressKey is the part of a key that names the client address: an IPv6
// address counts by its /64 network, which one subscriber usually holds
// whole (else each of its 2^64 addresses would be a fresh start).
func addressKey(clientAddr string) string {
	a, err := netip.ParseAddr(strings.TrimSpace(clientAddr))
	if err != nil {
		return strings.ToLower(strings.TrimSpace(clientAddr))
	}
	a = a.Unmap().WithZone("")
	if a.Is6() {
		return netip.PrefixFrom(a, 64).Masked().String()
	}
	return a.String()
}

// wait is how long the next attempt must wait after failures failures.
func (r throttleRule) wait(failures int) time.Duration {
	beyond := failures - r.free
	if beyond < 0 {
		return 0
	}
	if beyond >= 20 { // 2^20 s is far beyond the cap; no overflow
		return ThrottleMaxWait
	}
	return min(ThrottleFirstWait<<beyond, ThrottleMaxWait)
}

// waiting is how long an attempt at now must still wait; 0 when it may be
// tried.
func waiting(c *ThrottleCounter, now time.Time) time.Duration {
	if c == nil || !c.ExpiresAt.After(now) || !c.WaitUntil.After(now) {
		return 0
	}
	return c.WaitUntil.Sub(now)
}

// count records one failure at now: an expired counter starts again.
func (r throttleRule) count(c *ThrottleCounter, now time.Time) {
	if !c.ExpiresAt.After(now) {
		c.Failures = 0
	}
	c.Failures++
	c.LastFailureAt = now
	c.WaitUntil = now.Add(r.wait(c.Failures))
	c.ExpiresAt = c.WaitUntil.Add(ThrottleWindow)
}

// uncount takes back one counted attempt that turned out to succeed; the
// wait is that of the failures left, from the last of them.
func (r throttleRule) uncount(c *ThrottleCounter) {
	if c.Failures == 0 {
		return
	}
	c.Failures--
	c.WaitUntil = c.LastFailureAt.Add(r.wait(c.Failures))
}

// refuse is the KindRateLimited answer to an attempt that must wait.
func (r throttleRule) refuse(wait time.Duration) error {
	e := Errorf(KindRateLimited, "%s; try again in %s", r.refusal, humanWait(wait))
	e.RetryAfter = wait
	return e
}

// humanWait rounds a wait up to whole seconds, or minutes beyond two.
func humanWait(d time.Duration) string {
	secs := int((d + time.Second - 1) / time.Second)
	switch {
	case secs <= 1:
		return "1 second"
	case secs < 120:
		return fmt.Sprintf("%d seconds", secs)
	}
	return fmt.Sprintf("%d minutes", (secs+59)/60)
}

// throttleKeys are the counters of one kind of attempt, in the order they
// are locked (always the same, so that two transactions never wait for
// each other in a circle).
type throttleKeys []struct {
	rule throttleRule
	key  string
}

// admit counts one attempt on every counter in one Write of its own, or
// refuses it, counting nothing, when any counter must still wait (the
// longest wait is told). It also sweeps expired counters away.
func admit(ctx context.Context, st Store, now time.Time, keys throttleKeys) error {
	return wrap(st.Write(ctx, func(tx Tx) error {
		counters := make([]*ThrottleCounter, len(keys))
		var refusal error
		var longest time.Duration
		for i, k := range keys {
			c, err := tx.LockThrottle(ctx, k.key)
			if err != nil {
				return err
			}
			counters[i] = c
			if w := waiting(c, now); w > longest {
				longest, refusal = w, k.rule.refuse(w)
			}
		}
		if refusal != nil {
			return refusal // rolls back: a refused attempt counts nothing
		}
		for i, k := range keys {
			k.rule.count(counters[i], now)
			if err := tx.UpdateThrottle(ctx, counters[i]); err != nil {
				return err
			}
		}
		// Last, once this Write's own counters are current: counters locked
		// by others are skipped, so this never waits.
		_, err := tx.DeleteExpiredThrottles(ctx, now, sweepBatch)
		return err
	}))
}

// SignInWithPassword signs a member in from clientAddr (the address the
// request came from, "" when unknown): CheckPassword behind the sign-in
// throttle. An attempt that must wait is KindRateLimited with RetryAfter,
// its password unchecked. A wrong password is counted against the account
// from this address and against the address; the right one forgets the
// account's failures from this address.
func (s *Service) SignInWithPassword(ctx context.Context, upn, password, clientAddr string) (*User, error) {
	rec := s.signInRecord(ctx, "", MethodPassword, true)
	rec.ClientAddr = clientAddr
	pair := throttleKeys{
		{accountAddressRule, accountAddressRule.key(upn, clientAddr)},
		{addressRule, addressRule.key("", clientAddr)},
	}
	if err := admit(ctx, s.store, s.clock(), pair); err != nil {
		if IsKind(err, KindRateLimited) {
			s.nameTyped(ctx, rec, upn)
			return nil, s.recordRefusal(ctx, rec.failed(SignInLocked, "too many failed sign-ins from this address: the attempt was refused unchecked"), err)
		}
		return nil, err
	}
	a := s.checkPassword(ctx, upn, password)
	// A disabled account's password matched too: the guess was right.
	if a.err == nil || IsKind(a.err, KindAccountDisabled) {
		if rerr := s.forgive(ctx, pair); rerr != nil {
			return nil, rerr
		}
	}
	if a.tenant == nil {
		return a.user, a.err // no tenant to log it in (or a store failure)
	}
	rec.TenantID = a.tenant.ID
	if a.user == nil {
		s.nameTyped(ctx, rec, upn)
	} else {
		rec.naming(a.user)
	}
	if a.err != nil {
		if a.code == 0 {
			return nil, a.err // the store failed: nothing to record
		}
		if rec.UserID != "" && a.user == nil {
			a.reason = "the user is deleted"
		}
		return nil, s.recordRefusal(ctx, rec.failed(a.code, a.reason), a.err)
	}
	if err := s.recordSignIn(ctx, rec); err != nil {
		return nil, err
	}
	return a.user, nil
}

// nameTyped fills the record's tenant and user from the name typed at a
// sign-in whose password was not checked: the live user of that name, else
// a deleted one, else just the name (when it is plain text of a sane
// length). No tenant by that domain leaves the record without a tenant:
// it is not written.
func (s *Service) nameTyped(ctx context.Context, rec *SignInEvent, upn string) {
	upn = strings.TrimSpace(upn)
	at := strings.LastIndexByte(upn, '@')
	if at <= 0 || len(upn) > maxUPNLen || !plainText(upn) {
		return
	}
	_ = s.store.Read(ctx, func(tx Tx) error {
		t, err := tx.GetTenantByDomain(ctx, strings.ToLower(upn[at+1:]))
		if err != nil {
			return err
		}
		rec.TenantID, rec.UserPrincipalName = t.ID, upn
		if u, err := tx.GetUserByUPN(ctx, t.ID, upn); err == nil {
			rec.naming(u)
			return nil
		}
		deleted, err := tx.ListUsers(ctx, t.ID, UserQuery{Deleted: true, Limit: 1,
			Filter: Compare{Property: "userPrincipalName", Op: OpEq, Value: upn}})
		if err == nil && len(deleted) == 1 {
			rec.naming(deleted[0])
		}
		return nil
	})
}

// forgive takes back the attempt admit counted once the password matched:
// the account's counter from this address is forgotten, the address's
// loses the one attempt.
func (s *Service) forgive(ctx context.Context, keys throttleKeys) error {
	return wrap(s.store.Write(ctx, func(tx Tx) error {
		if err := tx.DeleteThrottle(ctx, keys[0].key); err != nil {
			return err
		}
		for _, k := range keys[1:] {
			c, err := tx.LockThrottle(ctx, k.key)
			if err != nil {
				return err
			}
			k.rule.uncount(c)
			if err := tx.UpdateThrottle(ctx, c); err != nil {
				return err
			}
		}
		return nil
	}))
}

// AdmitPasscodeAttempt counts one passcode send or check from clientAddr,
// in a Write of its own on st, and refuses it (KindRateLimited with
// RetryAfter) while the address must wait: PasscodeAddressFreeAttempts,
// then waits that double, as for passwords.
func AdmitPasscodeAttempt(ctx context.Context, st Store, now time.Time, clientAddr string) error {
	now = now.UTC().Truncate(time.Microsecond) // as every store keeps it
	return admit(ctx, st, now, throttleKeys{{passcodeRule, passcodeRule.key("", clientAddr)}})
}
