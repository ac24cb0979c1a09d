package auth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"fmt"
	"math/big"
	"strings"
	"time"

	"github.com/orgdir/orgdir/internal/directory"
)

// One-time passcode limits.
const (
	OTPDigits        = 8                // 6+ as asked; 8 makes guessing within 5 tries hopeless
	OTPTTL           = 10 * time.Minute // a code is valid this long
	OTPMaxAttempts   = 5                // wrong tries before a code is dead
	OTPMaxPerAddress = 5                // codes sent to one address per OTPSendWindow
	OTPSendWindow    = time.Hour
)

// OneTimeCodes sends and verifies e-mailed passcodes for people whose home
// identity is an e-mail address. Codes are random, stored hashed, valid for
// OTPTTL, single use and dead after OTPMaxAttempts wrong tries. Sending is
// limited per address, and sending and checking per client address
// (directory.AdmitPasscodeAttempt), both in the store, so across instances.
type OneTimeCodes struct {
	Store   directory.Store
	Clock   directory.Clock // default time.Now
	Product string          // name in the e-mail, default "orgdir"
	// Echo, when set, also receives every passcode e-mail once it is
	// queued: the demo without an SMTP server prints them on the console,
	// since no tenant's outbox shows a passcode.
	Echo      func(m *directory.OutboxMessage)
	newCodeFn func() (string, error)
}

func (o *OneTimeCodes) now() time.Time {
	if o.Clock == nil {
		return time.Now().UTC()
	}
	return o.Clock().UTC()
}

// NormalizeEmail checks s with the domain's one rule for addresses
// (directory.ValidateEmail), the rule of e-mail identities too, so that no
// code goes to an address sign-in would refuse; it returns s in lower case.
func NormalizeEmail(s string) (string, error) {
	addr, err := directory.ValidateEmail("email", s)
	if err != nil {
		return "", err
	}
	return strings.ToLower(addr), nil
}

func newCode() (string, error) {
	max := big.NewInt(1)
	for range OTPDigits {
		max.Mul(max, big.NewInt(10))
	}
	n, err := rand.Int(rand.Reader, max)
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("%0*d", OTPDigits, n), nil
}

func hashCode(id, code string) []byte {
	h := sha256.Sum256([]byte("orgdir-otp\x00" + id + "\x00" + code))
	return h[:]
}

// Send creates a code for address and puts the e-mail that carries it in
// the outbox, in one transaction.
func (o *OneTimeCodes) Send(ctx context.Context, address, clientIP string) error {
	email, err := NormalizeEmail(address)
	if err != nil {
		return err
	}
	if err := directory.AdmitPasscodeAttempt(ctx, o.Store, o.now(), clientIP); err != nil {
		return err
	}
	gen := o.newCodeFn
	if gen == nil {
		gen = newCode
	}
	code, err := gen()
	if err != nil {
		return directory.Internal(err)
	}
	now := o.now()
	product := o.Product
	if product == "" {
		product = "orgdir"
	}
	var msg *directory.OutboxMessage
	err = o.Store.Write(ctx, func(tx directory.Tx) error {
		n, err := tx.CountOneTimeCodesSince(ctx, email, now.Add(-OTPSendWindow))
		if err != nil {
			return err
		}
		if n >= OTPMaxPerAddress {
			return directory.Errorf(directory.KindRateLimited, "too many codes were sent to %s; wait an hour and try again", email)
		}
		c := &directory.OneTimeCode{ID: directory.NewID(), Email: email, CreatedAt: now, ExpiresAt: now.Add(OTPTTL)}
		c.CodeHash = hashCode(c.ID, code)
		if err := tx.CreateOneTimeCode(ctx, c); err != nil {
			return err
		}
		msg = &directory.OutboxMessage{
			ID:        directory.NewID(),
			To:        email,
			Subject:   "Your " + product + " sign-in code",
			Body:      fmt.Sprintf("Your one-time code is %s\n\nIt is valid for %d minutes and can be used once. If you did not ask for it, ignore this e-mail.\n", code, int(OTPTTL/time.Minute)),
			CreatedAt: now,
		}
		return tx.EnqueueMail(ctx, msg)
	})
	if err == nil && o.Echo != nil {
		o.Echo(msg)
	}
	return err
}

// Verify checks code against the newest code sent to address and spends
// it. A wrong, used, expired or exhausted code is KindUnauthenticated; a
// wrong try counts even though the call fails.
func (o *OneTimeCodes) Verify(ctx context.Context, address, code, clientIP string) error {
	email, err := NormalizeEmail(address)
	if err != nil {
		return err
	}
	code = strings.TrimSpace(code)
	if code == "" {
		return directory.Invalidf("code", "enter the code from the e-mail")
	}
	if err := directory.AdmitPasscodeAttempt(ctx, o.Store, o.now(), clientIP); err != nil {
		return err
	}
	now := o.now()
	var refusal error
	err = o.Store.Write(ctx, func(tx directory.Tx) error {
		refusal = nil
		c, err := tx.GetLatestOneTimeCode(ctx, email)
		if directory.IsKind(err, directory.KindNotFound) {
			refusal = directory.Errorf(directory.KindUnauthenticated, "no code was sent to %s; ask for a new one", email)
			return nil
		}
		if err != nil {
			return err
		}
		switch {
		case c.UsedAt != nil:
			refusal = directory.Errorf(directory.KindUnauthenticated, "this code was already used; ask for a new one")
			return nil
		case !now.Before(c.ExpiresAt):
			refusal = directory.Errorf(directory.KindUnauthenticated, "this code has expired; ask for a new one")
			return nil
		case c.Attempts >= OTPMaxAttempts:
			refusal = directory.Errorf(directory.KindUnauthenticated, "too many wrong tries; ask for a new code")
			return nil
		}
		if subtle.ConstantTimeCompare(c.CodeHash, hashCode(c.ID, code)) != 1 {
			c.Attempts++
			// The failed try is committed (this closure returns nil) so
			// that guessing spends the code's tries.
			refusal = directory.Errorf(directory.KindUnauthenticated, "the code is wrong (%d of %d tries left)", OTPMaxAttempts-c.Attempts, OTPMaxAttempts)
			return tx.UpdateOneTimeCode(ctx, c)
		}
		c.UsedAt = &now
		return tx.UpdateOneTimeCode(ctx, c)
	})
	if err != nil {
		return err
	}
	return refusal
}
