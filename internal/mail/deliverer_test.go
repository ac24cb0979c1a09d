package mail

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/orgdir/orgdir/internal/directory"
)

var t0 = time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)

func quietDeliverer(in *instance, srv *smtpServer, clock directory.Clock, r results) *Deliverer {
	return &Deliverer{Queue: in.svc, Transport: &Sender{Config: srv.config()}, Clock: clock,
		Log: slog.New(slog.DiscardHandler), Record: r.record}
}

func TestDelivererSendsDueMailThroughSMTPAndMarksItSent(t *testing.T) {
	onEachDatabase(t, func(t *testing.T, db database) {
		srv := startSMTP(t)
		clock := directory.NewFixedClock(t0)
		in := db.open(t, clock.Now)
		msgs := in.enqueue(t, t0, "ada@fabrikam.example", "bob@example.net")
		r := results{}
		d := quietDeliverer(in, srv, clock.Now, r)
		n, err := d.DeliverOnce(context.Background())
		if err != nil || n != 2 {
			t.Fatalf("DeliverOnce = %d, %v; want 2 sent", n, err)
		}
		got := srv.messages()
		if len(got) != 2 || got[0].to[0] != "ada@fabrikam.example" || got[1].to[0] != "bob@example.net" {
			t.Fatalf("server received %+v, want ada's then bob's message", got)
		}
		for _, m := range msgs {
			m = in.message(t, m)
			if m.State != directory.MailSent || m.Attempts != 1 || m.SentAt == nil || !m.SentAt.Equal(t0) {
				t.Fatalf("message to %s: %s after %d attempts, sent %v; want sent at %v after 1", m.To, m.State, m.Attempts, m.SentAt, t0)
			}
		}
		if n, _ := d.DeliverOnce(context.Background()); n != 0 || len(srv.messages()) != 2 {
			t.Fatal("a second round must send nothing")
		}
		if r[ResultSent] != 2 || len(r) != 1 {
			t.Fatalf("recorded %v, want 2 sent", r)
		}
	})
}

// TestARefusedMessageFailsAndDoesNotHoldBackTheRest runs the queue against
// a real SMTP server that refuses nobody@ for good (550) and busy@ for now
// (451) every time, and accepts the rest. Rounds run until nothing is due,
// the clock jumping past each backoff.
func TestARefusedMessageFailsAndDoesNotHoldBackTheRest(t *testing.T) {
	onEachDatabase(t, func(t *testing.T, db database) {
		srv := startSMTP(t)
		clock := directory.NewFixedClock(t0)
		in := db.open(t, clock.Now)
		// The refused come first, more of them than a round takes: before
		// the queue, they held back everything behind them.
		msgs := in.enqueue(t, t0, "nobody@b.example", "nobody@c.example", "nobody@d.example", "busy@e.example",
			"grace@example.org", "ada@fabrikam.example", "bob@example.net")
		r := results{}
		d := quietDeliverer(in, srv, clock.Now, r)
		d.Batch = 2
		for round := 0; round < 40; round++ {
			if _, err := d.DeliverOnce(context.Background()); err != nil && !strings.Contains(err.Error(), "451") {
				t.Fatalf("round %d: %v", round, err)
			}
			clock.Advance(2 * time.Hour) // the longest backoff
		}
		got := receivedBy(srv)
		for _, to := range []string{"grace@example.org", "ada@fabrikam.example", "bob@example.net"} {
			if got[to] != 1 {
				t.Errorf("%s received %d messages, want 1", to, got[to])
			}
		}
		if len(got) != 3 {
			t.Errorf("server received %v, want only the three accepted", got)
		}
		for _, m := range msgs[:3] {
			m = in.message(t, m)
			if m.State != directory.MailFailed || m.Attempts != 1 || !strings.Contains(m.LastError, "550") || !strings.Contains(m.LastError, "no such mailbox") {
				t.Errorf("refused message: %s after %d attempts (%q); want failed after 1 with the 550 reply", m.State, m.Attempts, m.LastError)
			}
		}
		busy := in.message(t, msgs[3])
		if busy.State != directory.MailFailed || busy.Attempts != 8 || !strings.Contains(busy.LastError, "451") {
			t.Errorf("busy message: %s after %d attempts (%q); want failed after 8 with the 451 reply", busy.State, busy.Attempts, busy.LastError)
		}
		if r[ResultFailed] != 4 || r[ResultRetry] != 7 || r[ResultSent] != 3 {
			t.Errorf("recorded %v, want 4 failed, 7 retries, 3 sent", r)
		}
		// Failed mail is final: newer mail goes out in the next round.
		late := in.enqueue(t, clock.Now(), "late@example.org")
		if n, err := d.DeliverOnce(context.Background()); n != 1 || err != nil {
			t.Fatalf("DeliverOnce after the failures = %d, %v; want the new message sent", n, err)
		}
		if m := in.message(t, late[0]); m.State != directory.MailSent {
			t.Fatalf("new message is %s", m.State)
		}
	})
}

func TestATransientFailureIsRetriedWithBackoffAndSentLater(t *testing.T) {
	onEachDatabase(t, func(t *testing.T, db database) {
		clock := directory.NewFixedClock(t0)
		in := db.open(t, clock.Now)
		msgs := in.enqueue(t, t0, "a@b.example", "c@d.example")
		tr := &flakyTransport{fails: 2}
		d := &Deliverer{Queue: in.svc, Transport: tr, Clock: clock.Now, Log: slog.New(slog.DiscardHandler),
			Jitter: func() float64 { return 0.5 }}
		// The server is down: the round stops at the first message.
		if n, err := d.DeliverOnce(context.Background()); n != 0 || err == nil {
			t.Fatalf("DeliverOnce = %d, %v; want the connection error", n, err)
		}
		first := in.message(t, msgs[0])
		// Backoff 1m for attempt 1, half of it jittered by 0.5: 45s.
		if first.State != directory.MailPending || first.Attempts != 1 || !first.NextAttemptAt.Equal(t0.Add(45*time.Second)) ||
			!strings.Contains(first.LastError, "connection refused") {
			t.Fatalf("after a failed attempt: %+v; want pending, retry at +45s, the error kept", first)
		}
		if m := in.message(t, msgs[1]); m.Attempts != 0 {
			t.Fatal("the round went on past a server that is down")
		}
		// The second message is due now, the first not yet.
		clock.Advance(time.Second)
		if n, err := d.DeliverOnce(context.Background()); n != 0 || err == nil {
			t.Fatalf("second round = %d, %v", n, err)
		}
		if tr.tried[1] != "c@d.example" {
			t.Fatalf("tried %v: the first message was tried before its retry time", tr.tried)
		}
		clock.Advance(2 * time.Minute)
		if n, err := d.DeliverOnce(context.Background()); n != 2 || err != nil {
			t.Fatalf("after the backoff = %d, %v; want both sent", n, err)
		}
		if m := in.message(t, msgs[0]); m.State != directory.MailSent || m.Attempts != 2 || m.LastError != "" {
			t.Fatalf("retried message: %+v", m)
		}
	})
}

func TestBackoffDoublesUpToTheCapWithJitter(t *testing.T) {
	d := &Deliverer{Jitter: func() float64 { return 0 }}
	for n, want := range map[int]time.Duration{1: 30 * time.Second, 2: time.Minute, 3: 2 * time.Minute, 7: 32 * time.Minute, 8: time.Hour, 30: time.Hour} {
		if got := d.backoff(n); got != want {
			t.Errorf("backoff(%d) with no jitter = %v, want %v", n, got, want)
		}
	}
	d.Jitter = func() float64 { return 0.999999 }
	if got := d.backoff(1); got < 59*time.Second || got > time.Minute {
		t.Errorf("backoff(1) with full jitter = %v, want just under a minute", got)
	}
}

// flakyTransport fails its first calls as a server that is down would.
type flakyTransport struct {
	mu    sync.Mutex
	fails int
	tried []string
}

func (f *flakyTransport) Send(_ context.Context, m *directory.OutboxMessage, _ time.Time) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.tried = append(f.tried, m.To)
	if len(f.tried) <= f.fails {
		return errors.New("smtp: connect: dial tcp 127.0.0.1:25: connection refused")
	}
	return nil
}

// TestTwoInstancesShareOneQueue runs two instances (two stores, two
// Services, two Deliverers) on one database at once: each message is sent
// exactly once, and both take part.
func TestTwoInstancesShareOneQueue(t *testing.T) {
	onEachDatabase(t, func(t *testing.T, db database) {
		srv := startSMTP(t)
		one, two := db.open(t, time.Now), db.open(t, time.Now)
		const n = 40
		var to []string
		for i := range n {
			to = append(to, fmt.Sprintf("person%d@example.org", i))
		}
		one.enqueue(t, time.Now().Add(-time.Minute), to...)
		rs := []results{{}, {}}
		var wg sync.WaitGroup
		errs := make([]error, 2)
		for i, in := range []*instance{one, two} {
			d := quietDeliverer(in, srv, time.Now, rs[i])
			d.Batch = 5
			wg.Add(1)
			go func() {
				defer wg.Done()
				for {
					sent, err := d.DeliverOnce(context.Background())
					if err != nil || sent == 0 {
						errs[i] = err
						return
					}
				}
			}()
		}
		wg.Wait()
		for _, err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
		got := receivedBy(srv)
		for _, addr := range to {
			if got[addr] != 1 {
				t.Errorf("%s received %d messages, want exactly 1", addr, got[addr])
			}
		}
		t.Logf("instance one sent %d, instance two %d", rs[0][ResultSent], rs[1][ResultSent])
		if rs[0][ResultSent]+rs[1][ResultSent] != n {
			t.Errorf("the instances recorded %v and %v, want %d sent in all", rs[0], rs[1], n)
		}
		if rs[0][ResultSent] == 0 || rs[1][ResultSent] == 0 {
			t.Errorf("one instance sent everything: the two did not share the queue")
		}
	})
}
