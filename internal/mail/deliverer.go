package mail

import (
	"context"
	"errors"
	"log/slog"
	"math/rand/v2"
	"net/textproto"
	"strconv"
	"time"

	"github.com/orgdir/orgdir/internal/directory"
)

// Transport sends one message; *Sender is the SMTP one.
type Transport interface {
	Send(ctx context.Context, m *directory.OutboxMessage, now time.Time) error
}

// Queue is the part of the directory service the Deliverer needs.
type Queue interface {
	ClaimMail(ctx context.Context, c directory.MailClaim) ([]*directory.OutboxMessage, error)
	FinishMailAttempt(ctx context.Context, id string, attempt int, out directory.MailOutcome) error
}

// deliveryActor is who the Deliverer acts as.
const deliveryActor = "orgdir mail delivery"

// Deliverer sends the outbox's due messages. It claims one message at a
// time with a lease (a write), sends it outside any transaction, and
// records the outcome (another write) under the attempt number of its
// claim. So several instances share one queue and a message is in flight
// on at most one of them; a deliverer that dies mid-send leaves a lease
// that runs out, and the message is sent again after it (at least once).
//
// A message the server refuses for good (a 5xx reply) fails at once;
// another failure is retried with exponential backoff and jitter, and the
// message fails after MaxAttempts.
type Deliverer struct {
	Queue     Queue
	Transport Transport
	Clock     directory.Clock // default time.Now
	Interval  time.Duration   // between rounds; default 10s
	Batch     int             // messages per round at most; default 50
	// Lease is how long a claim holds; a send is cut off at half of it so
	// that it ends before the lease does. Default 5 minutes.
	Lease       time.Duration
	MaxAttempts int           // default 8
	Backoff     time.Duration // wait before the first retry; default 1 minute, doubling
	MaxBackoff  time.Duration // default 2 hours
	// Jitter returns a number in [0, 1); default math/rand/v2.
	Jitter func() float64
	Log    *slog.Logger // default slog.Default()
	// Record, when set, learns each attempt's result: "sent", "retry" or
	// "failed" (for good).
	Record func(result string)
}

// Outcome labels, as Record sees them.
const (
	ResultSent   = "sent"
	ResultRetry  = "retry"
	ResultFailed = "failed"
)

func (d *Deliverer) record(result string) {
	if d.Record != nil {
		d.Record(result)
	}
}

func (d *Deliverer) now() time.Time {
	if d.Clock == nil {
		return time.Now().UTC()
	}
	return d.Clock().UTC()
}

func or[T comparable](v, def T) T {
	var zero T
	if v == zero {
		return def
	}
	return v
}

func (d *Deliverer) claim() directory.MailClaim {
	return directory.MailClaim{Limit: 1, Lease: or(d.Lease, 5*time.Minute), MaxAttempts: or(d.MaxAttempts, 8)}
}

// backoff is the wait after attempt n failed: Backoff·2^(n-1), at most
// MaxBackoff, of which a random half is taken off so that messages that
// failed together do not come back together.
func (d *Deliverer) backoff(n int) time.Duration {
	wait, top := or(d.Backoff, time.Minute), or(d.MaxBackoff, 2*time.Hour)
	for i := 1; i < n && wait < top; i++ {
		wait *= 2
	}
	wait = min(wait, top)
	jitter := d.Jitter
	if jitter == nil {
		jitter = rand.Float64
	}
	return wait/2 + time.Duration(jitter()*float64(wait/2))
}

// DeliverOnce sends up to one batch and returns how many were sent. A
// message refused for good is recorded failed and the others still go;
// any other failure schedules the message's retry, stops the round and is
// returned: the server is likely down.
func (d *Deliverer) DeliverOnce(ctx context.Context) (int, error) {
	ctx = directory.WithActor(ctx, directory.SystemActor(deliveryActor))
	c := d.claim()
	sent := 0
	for range or(d.Batch, 50) {
		msgs, err := d.Queue.ClaimMail(ctx, c)
		if err != nil || len(msgs) == 0 {
			return sent, err
		}
		m := msgs[0]
		out, sendErr := d.send(ctx, m, c)
		if err := d.Queue.FinishMailAttempt(ctx, m.ID, m.Attempts, out); err != nil {
			if directory.KindOf(err) != directory.KindConflict {
				return sent, err
			}
			// The send outlived its lease and another deliverer has the
			// message now; it records the outcome.
			d.logger().Warn("mail attempt outlived its lease", "id", m.ID, "attempt", m.Attempts)
			continue
		}
		switch out.State {
		case directory.MailSent:
			d.record(ResultSent)
			sent++
		case directory.MailFailed:
			d.record(ResultFailed)
			d.logger().Warn("mail failed for good; see the outbox page", "id", m.ID, "attempt", m.Attempts, "err", logSafe(sendErr))
		default:
			d.record(ResultRetry)
			d.logger().Warn("mail attempt failed; will retry", "id", m.ID, "attempt", m.Attempts, "retry_at", out.RetryAt, "err", logSafe(sendErr))
		}
		var rej *RejectedError
		if sendErr != nil && !errors.As(sendErr, &rej) {
			return sent, sendErr
		}
	}
	return sent, nil
}

// send tries m once and says how the attempt ended, and why.
func (d *Deliverer) send(ctx context.Context, m *directory.OutboxMessage, c directory.MailClaim) (directory.MailOutcome, error) {
	ctx, cancel := context.WithTimeout(ctx, c.Lease/2)
	defer cancel()
	err := d.Transport.Send(ctx, m, d.now())
	var rej *RejectedError
	switch {
	case err == nil:
		return directory.MailOutcome{State: directory.MailSent}, nil
	case errors.As(err, &rej), m.Attempts >= c.MaxAttempts:
		return directory.MailOutcome{State: directory.MailFailed, Error: err.Error()}, err
	default:
		return directory.MailOutcome{State: directory.MailPending, RetryAt: d.now().Add(d.backoff(m.Attempts)), Error: err.Error()}, err
	}
}

// logSafe is what the log may say of a send error: an SMTP server's reply
// may quote the address, so only its code is logged (the outbox page,
// for administrators, shows it whole).
func logSafe(err error) string {
	var te *textproto.Error
	if errors.As(err, &te) {
		return "SMTP reply " + strconv.Itoa(te.Code)
	}
	var rej *RejectedError
	if errors.As(err, &rej) {
		return "message refused"
	}
	if err == nil {
		return ""
	}
	return err.Error()
}

func (d *Deliverer) logger() *slog.Logger {
	if d.Log == nil {
		return slog.Default()
	}
	return d.Log
}

// Run delivers every Interval until ctx ends.
func (d *Deliverer) Run(ctx context.Context) {
	log := d.logger()
	t := time.NewTicker(or(d.Interval, 10*time.Second))
	defer t.Stop()
	for {
		n, err := d.DeliverOnce(ctx)
		if err != nil && ctx.Err() == nil {
			log.Error("mail delivery round stopped; will retry", "sent", n, "err", logSafe(err))
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
