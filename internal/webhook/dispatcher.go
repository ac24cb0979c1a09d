package webhook

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"sync"
	"time"

	"github.com/orgdir/orgdir/internal/directory"
)

// Queue is the part of the directory service the Dispatcher needs.
type Queue interface {
	ClaimDeliveries(ctx context.Context, limit int, lease time.Duration) ([]*directory.Delivery, error)
	FinishDelivery(ctx context.Context, d *directory.Delivery, out directory.DeliveryOutcome) error
}

const dispatchActor = "orgdir change notifications"

// Lifecycle events orgdir sends.
const (
	EventMissed              = "missed"
	EventSubscriptionRemoved = "subscriptionRemoved"
	EventReauthorization     = "reauthorizationRequired"
)

// Results of a batch, as the Recorder sees them.
const (
	ResultDelivered = "delivered"
	ResultRetried   = "retried" // failed; tried again after a backoff
	ResultDropped   = "dropped" // failed for MaxRetry; a missed lifecycle notification follows
)

// Recorder learns how deliveries end (the metrics package).
type Recorder interface {
	// Notifications: n change notifications of one batch ended so.
	Notifications(result string, n int)
	// Lifecycle: one lifecycle notification was sent, or failed.
	Lifecycle(event string, sent bool)
}

// Dispatcher delivers the change log to subscriptions. Each delivery
// claims a subscription with a lease (a write), POSTs its next batch
// outside any transaction, and records the outcome under the claim's
// number (another write): several instances share the work and a batch is
// in flight on at most one of them. One subscription's batches go one at
// a time, in log order, so that its receiver sees every object's changes
// in order; different subscriptions are delivered at once, each on its
// own worker, so a slow receiver holds up only itself.
type Dispatcher struct {
	Queue        Queue
	Client       *http.Client // default NewClient(AllowPrivate)
	AllowPrivate bool
	Clock        directory.Clock // default time.Now
	Interval     time.Duration   // between claims; default 1 s
	Workers      int             // deliveries at once; default 16
	Lease        time.Duration   // default 1 minute (a send takes Timeout at most)
	Timeout      time.Duration   // a receiver answers 2xx within it; default 3 s
	// MaxRetry is how long a batch is retried before it is dropped with a
	// missed lifecycle notification; default 4 hours, as Graph.
	MaxRetry   time.Duration
	Backoff    time.Duration // first retry after; default 10 s, doubling
	MaxBackoff time.Duration // default 30 minutes
	Jitter     func() float64
	Log        *slog.Logger
	Record     Recorder // optional

	once   sync.Once
	client *http.Client
	wake   chan struct{}
}

// Wake makes Run claim at once instead of at its next tick: the service's
// OnChange calls it when a change commits on this instance (others find
// it at their tick). It never blocks.
func (d *Dispatcher) Wake() {
	d.init()
	select {
	case d.wake <- struct{}{}:
	default:
	}
}

func or[T comparable](v, def T) T {
	var zero T
	if v == zero {
		return def
	}
	return v
}

func (d *Dispatcher) now() time.Time {
	if d.Clock == nil {
		return time.Now().UTC()
	}
	return d.Clock().UTC()
}

func (d *Dispatcher) logger() *slog.Logger { return or(d.Log, slog.Default()) }

func (d *Dispatcher) init() {
	d.once.Do(func() {
		d.client = d.Client
		if d.client == nil {
			d.client = NewClient(d.AllowPrivate)
		}
		d.wake = make(chan struct{}, 1)
	})
}

func (d *Dispatcher) httpClient() *http.Client {
	d.init()
	return d.client
}

func (d *Dispatcher) record(r string, n int) {
	if d.Record != nil {
		d.Record.Notifications(r, n)
	}
}

// backoff is the wait after the n-th failure in a row: Backoff·2^(n-1),
// at most MaxBackoff, less a random half so that receivers that failed
// together do not all come back together.
func (d *Dispatcher) backoff(n int) time.Duration {
	wait, top := or(d.Backoff, 10*time.Second), or(d.MaxBackoff, 30*time.Minute)
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

// Run delivers until ctx ends, then waits for the deliveries in flight.
// It claims at every tick, when woken, and when a delivery ends (its
// subscription may have more, and a worker is free).
func (d *Dispatcher) Run(ctx context.Context) {
	d.init()
	ctx = directory.WithActor(ctx, directory.SystemActor(dispatchActor))
	workers := or(d.Workers, 16)
	slots := make(chan struct{}, workers)
	var wg sync.WaitGroup
	defer wg.Wait()
	t := time.NewTicker(or(d.Interval, time.Second))
	defer t.Stop()
	var lastClaim time.Time
	for {
		if free := workers - len(slots); free > 0 {
			lastClaim = time.Now()
			ds, err := d.Queue.ClaimDeliveries(ctx, free, or(d.Lease, time.Minute))
			if err != nil && ctx.Err() == nil {
				d.logger().Warn("claiming change notifications failed", "err", err)
			}
			for _, del := range ds {
				slots <- struct{}{}
				wg.Add(1)
				go func() {
					defer func() { <-slots; wg.Done(); d.Wake() }()
					d.deliver(ctx, del)
				}()
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		case <-d.wake:
			// Wakes come with every committed change: claiming (a write
			// transaction) for each would double the database's writes
			// under load, so claims come at most every wakeGap, which is
			// all that a change waits longer.
			if wait := wakeGap - time.Since(lastClaim); wait > 0 {
				select {
				case <-ctx.Done():
					return
				case <-time.After(wait):
				}
			}
		}
	}
}

// wakeGap is the least time between two claims that wakes cause.
const wakeGap = 25 * time.Millisecond

// DeliverOnce claims up to Workers subscriptions, delivers their batches
// at once and returns how many were claimed.
func (d *Dispatcher) DeliverOnce(ctx context.Context) (int, error) {
	ctx = directory.WithActor(ctx, directory.SystemActor(dispatchActor))
	ds, err := d.Queue.ClaimDeliveries(ctx, or(d.Workers, 16), or(d.Lease, time.Minute))
	var wg sync.WaitGroup
	for _, del := range ds {
		wg.Go(func() { d.deliver(ctx, del) })
	}
	wg.Wait()
	return len(ds), err
}

// deliver sends one batch and records the outcome.
func (d *Dispatcher) deliver(ctx context.Context, del *directory.Delivery) {
	s := del.Subscription
	if del.Removed {
		d.lifecycle(ctx, s, EventSubscriptionRemoved)
		return
	}
	if del.Remind {
		d.lifecycle(ctx, s, EventReauthorization)
	}
	var err error
	if len(del.Notifications) > 0 {
		var body []byte
		body, err = changeNotifications(del)
		if err == nil {
			err = d.post(ctx, s.NotificationURL, s.Secret, messageID(del), body)
		}
	}
	out := directory.DeliveryOutcome{Delivered: err == nil}
	if err != nil {
		out.Error = reason(err)
		since := d.now()
		if s.FailingSince != nil {
			since = *s.FailingSince
		}
		if d.now().Sub(since) >= or(d.MaxRetry, 4*time.Hour) {
			out.Missed = true
		} else {
			out.RetryAt = d.now().Add(d.backoff(s.Failures + 1))
		}
	}
	// Recorded even when a shutdown cut the send: a retry, not a lease
	// left to run out.
	if err := d.Queue.FinishDelivery(context.WithoutCancel(ctx), del, out); err != nil {
		// KindConflict: the send outlived its lease and another
		// dispatcher has the batch; it records it.
		d.logger().Warn("recording a change notification delivery failed", "subscription", s.ID, "err", err)
		return
	}
	switch {
	case out.Delivered && len(del.Notifications) == 0:
	case out.Delivered:
		d.record(ResultDelivered, len(del.Notifications))
	case out.Missed:
		d.record(ResultDropped, len(del.Notifications))
		d.logger().Warn("change notifications dropped after retrying", "subscription", s.ID, "err", out.Error)
		d.lifecycle(ctx, s, EventMissed)
	default:
		d.record(ResultRetried, len(del.Notifications))
		d.logger().Info("change notification delivery failed; will retry", "subscription", s.ID, "retry_at", out.RetryAt, "err", out.Error)
	}
}

// Removed sends subscriptionRemoved for a subscription an administrator
// deleted (the service's OnSubscriptionRemoved, after commit): in the
// background, best effort as every lifecycle notification; it never
// blocks.
func (d *Dispatcher) Removed(s *directory.Subscription) {
	d.init()
	go d.lifecycle(context.Background(), s, EventSubscriptionRemoved)
}

// lifecycle sends a lifecycle event once, if the subscription has a
// lifecycle URL: best effort, as nothing waits on it.
func (d *Dispatcher) lifecycle(ctx context.Context, s *directory.Subscription, event string) {
	if s.LifecycleNotificationURL == "" {
		return
	}
	body, err := lifecycleNotification(s, event)
	if err == nil {
		id := fmt.Sprintf("msg_%s_%s_%d", s.ID, event, d.now().UnixMicro())
		err = d.post(ctx, s.LifecycleNotificationURL, s.Secret, id, body)
	}
	if d.Record != nil {
		d.Record.Lifecycle(event, err == nil)
	}
	if err != nil {
		d.logger().Warn("lifecycle notification failed", "subscription", s.ID, "event", event, "err", reason(err))
	}
}

// post sends one signed POST; only a 2xx within Timeout is success.
func (d *Dispatcher) post(ctx context.Context, url, secret, id string, body []byte) error {
	if err := checkURL(url, d.AllowPrivate); err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, or(d.Timeout, 3*time.Second))
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	if err := setSignature(req, secret, id, d.now(), body); err != nil {
		return err
	}
	resp, err := d.httpClient().Do(req)
	if err != nil {
		return err
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10)) // reuse the connection
	resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("the notification URL answered %d", resp.StatusCode)
	}
	return nil
}
