package mail

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/orgdir/orgdir/internal/directory"
)

// Transport sends one message; *Sender is the SMTP one.
type Transport interface {
	Send(ctx context.Context, m *directory.OutboxMessage, now time.Time) error
}

// Outbox is the part of the directory service the Deliverer needs.
type Outbox interface {
	PendingMail(ctx context.Context, limit int) ([]*directory.OutboxMessage, error)
	MarkMailSent(ctx context.Context, id string) error
}

// deliveryActor is who the Deliverer acts as.
const deliveryActor = "orgdir mail delivery"

// Deliverer sends the outbox's unsent messages, oldest first, and marks
// each sent. A message that fails stays unsent and is tried again on the
// next round. With several instances, two may send the same message once
// in a while (at-least-once): the store marks, it does not lock, messages.
type Deliverer struct {
	Outbox    Outbox
	Transport Transport
	Clock     directory.Clock // default time.Now
	Interval  time.Duration   // default 10s
	Batch     int             // default 50
	Log       *slog.Logger    // default slog.Default()
	// Record, when set, learns each attempt's result: "sent" or "failed".
	Record func(result string)
}

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

// DeliverOnce sends up to one batch and returns how many were sent. A
// message the server rejects for good (RejectedError) is logged and left
// unsent, and the others still go; any other failure stops the round and
// is returned: the server is likely down.
func (d *Deliverer) DeliverOnce(ctx context.Context) (int, error) {
	batch := d.Batch
	if batch <= 0 {
		batch = 50
	}
	ctx = directory.WithActor(ctx, directory.SystemActor(deliveryActor))
	msgs, err := d.Outbox.PendingMail(ctx, batch)
	if err != nil {
		return 0, err
	}
	sent := 0
	for _, m := range msgs {
		if err := d.Transport.Send(ctx, m, d.now()); err != nil {
			d.record("failed")
			var rej *RejectedError
			if errors.As(err, &rej) {
				d.logger().Warn("mail rejected; it stays in the outbox", "id", m.ID, "err", err)
				continue
			}
			return sent, err
		}
		if err := d.Outbox.MarkMailSent(ctx, m.ID); err != nil {
			return sent, err
		}
		d.record("sent")
		sent++
	}
	return sent, nil
}

func (d *Deliverer) logger() *slog.Logger {
	if d.Log == nil {
		return slog.Default()
	}
	return d.Log
}

// Run delivers every Interval until ctx ends.
func (d *Deliverer) Run(ctx context.Context) {
	interval := d.Interval
	if interval <= 0 {
		interval = 10 * time.Second
	}
	log := d.logger()
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		n, err := d.DeliverOnce(ctx)
		if err != nil && ctx.Err() == nil {
			log.Error("mail delivery failed; will retry", "sent", n, "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
