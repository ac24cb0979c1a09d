package directory

import (
	"context"
	"time"
	"unicode/utf8"
)

// OutboxMessage is an e-mail waiting for (or done with) delivery. Messages
// are written in the transaction that causes them and sent afterwards, by
// a deliverer that claims them from the store (see MailState).
type OutboxMessage struct {
	ID        string
	TenantID  string // empty for messages of no tenant (one-time passcodes)
	To        string
	Subject   string
	Body      string
	CreatedAt time.Time
	SentAt    *time.Time
	State     MailState
	// Attempts counts delivery attempts begun; the latest is the claim's
	// fencing token (MailOutcome is refused for an older one).
	Attempts int
	// NextAttemptAt is when a pending message is due, and when the lease
	// of a sending one ends (it is then due again).
	NextAttemptAt time.Time
	LastError     string // why the latest attempt failed; empty once sent
}

// MailState is where a message is in the delivery queue.
type MailState string

const (
	MailPending MailState = "pending" // waiting for NextAttemptAt
	MailSending MailState = "sending" // claimed by one deliverer until NextAttemptAt
	MailSent    MailState = "sent"
	MailFailed  MailState = "failed" // given up: LastError says why
)

// MailClaim is what a deliverer asks of the queue.
type MailClaim struct {
	Limit int // messages to claim, 1 to MaxPageSize
	// Lease is how long the claim holds: longer than one send takes. A
	// deliverer that dies mid-send loses the message to the next claim
	// after it, so a message is sent at least once.
	Lease time.Duration
	// MaxAttempts ends a message whose last lease ran out unrecorded (the
	// deliverer died each time) as failed instead of claiming it again.
	MaxAttempts int
}

// MailOutcome is how one delivery attempt ended.
type MailOutcome struct {
	State   MailState // MailSent, MailPending (try again at RetryAt) or MailFailed
	RetryAt time.Time
	Error   string // the failure, kept as LastError (cut to MaxMailError bytes)
}

// MaxMailError bounds a kept delivery error: an SMTP reply is short, and
// the outbox page shows it whole.
const MaxMailError = 500

// ListOutbox lists the tenant's e-mail (Global Administrators), for
// instances without an SMTP server.
func (s *Service) ListOutbox(ctx context.Context, tenantID string, p Page) ([]*OutboxMessage, error) {
	if err := validLimit("limit", p.Limit); err != nil {
		return nil, err
	}
	if err := validPage(p); err != nil {
		return nil, err
	}
	var out []*OutboxMessage
	err := s.read(ctx, func(o *op) error {
		if err := o.c.require(tenantID, permSettings); err != nil {
			return err
		}
		if _, err := o.tenant(tenantID); err != nil {
			return err
		}
		var err error
		out, err = o.tx.ListOutbox(o.ctx, tenantID, p)
		return err
	})
	return out, err
}

// ClaimMail leases up to c.Limit due messages of every tenant, soonest due
// first, to the calling deliverer (the system only). Each claimed message
// is in state MailSending with one more attempt; no other claim returns it
// before the lease ends.
func (s *Service) ClaimMail(ctx context.Context, c MailClaim) ([]*OutboxMessage, error) {
	if c.Limit < 1 || c.Limit > MaxPageSize {
		return nil, Invalidf("limit", "limit must be 1 to %d, not %d", MaxPageSize, c.Limit)
	}
	if c.Lease < time.Second {
		return nil, Invalidf("lease", "the lease must be at least a second, not %v", c.Lease)
	}
	if c.MaxAttempts < 1 {
		return nil, Invalidf("maxAttempts", "at least one attempt is needed, not %d", c.MaxAttempts)
	}
	return writeResult(s, ctx, func(o *op) ([]*OutboxMessage, error) {
		if !o.c.system() {
			return nil, Errorf(KindForbidden, "mail delivery is orgdir's own")
		}
		return o.tx.ClaimMail(o.ctx, o.now, c)
	})
}

// FinishMailAttempt records how attempt number attempt of message id ended
// (the system only). An attempt whose lease another deliverer has since
// taken is KindConflict: that deliverer records the outcome.
func (s *Service) FinishMailAttempt(ctx context.Context, id string, attempt int, out MailOutcome) error {
	switch out.State {
	case MailSent, MailFailed, MailPending:
	default:
		return Invalidf("state", "an attempt ends sent, pending or failed, not %q", out.State)
	}
	out.Error = cutUTF8(out.Error, MaxMailError)
	return s.write(ctx, func(o *op) error {
		if !o.c.system() {
			return Errorf(KindForbidden, "mail delivery is orgdir's own")
		}
		if out.State == MailPending && out.RetryAt.Before(o.now) {
			out.RetryAt = o.now
		}
		return o.tx.FinishMailAttempt(o.ctx, id, attempt, o.now, out)
	})
}

// cutUTF8 shortens s to at most n bytes without splitting a character.
func cutUTF8(s string, n int) string {
	if len(s) <= n {
		return s
	}
	s = s[:n]
	for len(s) > 0 && !utf8.ValidString(s) {
		s = s[:len(s)-1]
	}
	return s
}
