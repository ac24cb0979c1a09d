package directory

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"fmt"
	"math/big"
	"strings"
	"time"
)

// One-time passcode limits.
const (
	PasscodeDigits        = 8                // 6+ as asked; 8 makes guessing within 5 tries hopeless
	PasscodeTTL           = 10 * time.Minute // a code is valid this long
	PasscodeMaxAttempts   = 5                // wrong tries before a code is dead
	PasscodeMaxPerAddress = 5                // codes sent to one address per PasscodeSendWindow
	PasscodeSendWindow    = time.Hour
)

// PasscodeMail says how the passcode e-mail reads and who else sees it.
type PasscodeMail struct {
	Product string // name in the e-mail, default "orgdir"
	// Echo, when set, also receives every passcode e-mail once it is
	// queued: the demo without an SMTP server prints them on the console,
	// since no tenant's outbox shows a passcode.
	Echo func(m *OutboxMessage)
}

// NormalizeEmail checks s with the domain's one rule for addresses
// (ValidateEmail), the rule of e-mail identities too, so that no code goes
// to an address sign-in would refuse; it returns s in lower case.
func NormalizeEmail(s string) (string, error) {
	addr, err := ValidateEmail("email", s)
	if err != nil {
		return "", err
	}
	return strings.ToLower(addr), nil
}

func newPasscode() (string, error) {
	max := big.NewInt(1)
	for range PasscodeDigits {
		max.Mul(max, big.NewInt(10))
	}
	n, err := rand.Int(rand.Reader, max)
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("%0*d", PasscodeDigits, n), nil
}

func hashPasscode(id, code string) []byte {
	h := sha256.Sum256([]byte("orgdir-otp\x00" + id + "\x00" + code))
	return h[:]
}

// SendPasscode e-mails a one-time passcode to people whose home identity
// is an e-mail address: a random code, stored hashed, valid for
// PasscodeTTL, single use and dead after PasscodeMaxAttempts wrong tries.
// The code and its e-mail are written in one transaction. Sending is
// limited per address (KindRateLimited), and sending and checking per
// client address (AdmitPasscodeAttempt), both in the store, so across
// instances.
func (s *Service) SendPasscode(ctx context.Context, address, clientIP string, m PasscodeMail) error {
	email, err := NormalizeEmail(address)
	if err != nil {
		return err
	}
	if err := AdmitPasscodeAttempt(ctx, s.store, s.clock(), clientIP); err != nil {
		return err
	}
	code, err := newPasscode()
	if err != nil {
		return Internal(err)
	}
	now := s.clock()
	product := m.Product
	if product == "" {
		product = "orgdir"
	}
	var msg *OutboxMessage
	err = s.store.Write(ctx, func(tx Tx) error {
		n, err := tx.CountOneTimeCodesSince(ctx, email, now.Add(-PasscodeSendWindow))
		if err != nil {
			return err
		}
		if n >= PasscodeMaxPerAddress {
			return Errorf(KindRateLimited, "too many codes were sent to %s; wait an hour and try again", email)
		}
		c := &OneTimeCode{ID: s.newID(), Email: email, CreatedAt: now, ExpiresAt: now.Add(PasscodeTTL)}
		c.CodeHash = hashPasscode(c.ID, code)
		if err := tx.CreateOneTimeCode(ctx, c); err != nil {
			return err
		}
		msg = &OutboxMessage{
			ID:        s.newID(),
			To:        email,
			Subject:   "Your " + product + " sign-in code",
			Body:      fmt.Sprintf("Your one-time code is %s\n\nIt is valid for %d minutes and can be used once. If you did not ask for it, ignore this e-mail.\n", code, int(PasscodeTTL/time.Minute)),
			CreatedAt: now,
			State:     MailPending, NextAttemptAt: now,
		}
		return tx.EnqueueMail(ctx, msg)
	})
	if err != nil {
		return wrap(err)
	}
	if m.Echo != nil {
		m.Echo(msg)
	}
	return nil
}

// VerifyPasscode checks code against the newest code sent to address and
// spends it. A wrong, used, expired or exhausted code is
// KindUnauthenticated; a wrong try counts even though the call fails.
func (s *Service) VerifyPasscode(ctx context.Context, address, code, clientIP string) error {
	err := s.verifyPasscode(ctx, address, code, clientIP)
	if IsKind(err, KindUnauthenticated) || IsKind(err, KindRateLimited) {
		s.recordPasscodeRefusal(ctx, address, clientIP, err)
	}
	return err
}

// recordPasscodeRefusal records a refused passcode in every tenant where
// the address's e-mail identity has a guest: a passcode proves no tenant,
// so those are the tenants whose guest it concerns. An address nobody
// was invited with is recorded nowhere.
func (s *Service) recordPasscodeRefusal(ctx context.Context, address, clientIP string, refusal error) {
	email, err := NormalizeEmail(address)
	if err != nil {
		return
	}
	var guests []*User
	_ = s.store.Read(ctx, func(tx Tx) error {
		e, err := tx.GetEmailIdentityByEmail(ctx, email)
		if err != nil {
			return err
		}
		guests, err = tx.ListUsersByHome(ctx, "", e.ID)
		return err
	})
	code, reason := SignInWrongPasscode, "one-time passcode refused: "+AsError(refusal).Message
	if IsKind(refusal, KindRateLimited) {
		code, reason = SignInLocked, "too many passcode attempts from this address: the attempt was refused unchecked"
	}
	seen := map[string]bool{}
	for _, g := range guests {
		if seen[g.TenantID] {
			continue
		}
		seen[g.TenantID] = true
		rec := s.signInRecord(ctx, g.TenantID, MethodPasscode, true).naming(g)
		rec.ClientAddr = clientIP
		_ = s.recordSignIn(ctx, rec.failed(code, reason))
	}
}

func (s *Service) verifyPasscode(ctx context.Context, address, code, clientIP string) error {
	email, err := NormalizeEmail(address)
	if err != nil {
		return err
	}
	code = strings.TrimSpace(code)
	if code == "" {
		return Invalidf("code", "enter the code from the e-mail")
	}
	if err := AdmitPasscodeAttempt(ctx, s.store, s.clock(), clientIP); err != nil {
		return err
	}
	now := s.clock()
	var refusal error
	err = s.store.Write(ctx, func(tx Tx) error {
		refusal = nil
		c, err := tx.GetLatestOneTimeCode(ctx, email)
		if IsKind(err, KindNotFound) {
			refusal = Errorf(KindUnauthenticated, "no code was sent to %s; ask for a new one", email)
			return nil
		}
		if err != nil {
			return err
		}
		switch {
		case c.UsedAt != nil:
			refusal = Errorf(KindUnauthenticated, "this code was already used; ask for a new one")
			return nil
		case !now.Before(c.ExpiresAt):
			refusal = Errorf(KindUnauthenticated, "this code has expired; ask for a new one")
			return nil
		case c.Attempts >= PasscodeMaxAttempts:
			refusal = Errorf(KindUnauthenticated, "too many wrong tries; ask for a new code")
			return nil
		}
		if subtle.ConstantTimeCompare(c.CodeHash, hashPasscode(c.ID, code)) != 1 {
			c.Attempts++
			// The failed try is committed (this closure returns nil) so
			// that guessing spends the code's tries.
			refusal = Errorf(KindUnauthenticated, "the code is wrong (%d of %d tries left)", PasscodeMaxAttempts-c.Attempts, PasscodeMaxAttempts)
			return tx.UpdateOneTimeCode(ctx, c)
		}
		c.UsedAt = &now
		return tx.UpdateOneTimeCode(ctx, c)
	})
	if err != nil {
		return wrap(err)
	}
	return refusal
}
