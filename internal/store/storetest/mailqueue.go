package storetest

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/orgdir/orgdir/internal/directory"
)

var claim = directory.MailClaim{Limit: 10, Lease: 5 * time.Minute, MaxAttempts: 3}

// claimAt claims in a Write at now.
func (f *fx) claimAt(now time.Time, c directory.MailClaim) []*directory.OutboxMessage {
	f.t.Helper()
	var got []*directory.OutboxMessage
	f.write(func(tx directory.Tx) error {
		var err error
		got, err = tx.ClaimMail(f.ctx, now, c)
		return err
	})
	return got
}

func (f *fx) finish(m *directory.OutboxMessage, attempt int, at time.Time, o directory.MailOutcome) error {
	return f.tryWrite(func(tx directory.Tx) error { return tx.FinishMailAttempt(f.ctx, m.ID, attempt, at, o) })
}

// markSent claims m (and whatever else is due) and records it sent at at.
func (f *fx) markSent(m *directory.OutboxMessage, at time.Time) {
	f.t.Helper()
	for _, c := range f.claimAt(at, directory.MailClaim{Limit: 100, Lease: time.Minute, MaxAttempts: 8}) {
		o := directory.MailOutcome{State: directory.MailSent}
		if c.ID != m.ID {
			o = directory.MailOutcome{State: directory.MailPending, RetryAt: c.NextAttemptAt.Add(-time.Minute)}
		}
		wantNoErr(f.t, f.finish(c, c.Attempts, at, o))
	}
}

// outboxMessage reads one message back through ListOutbox.
func (f *fx) outboxMessage(m *directory.OutboxMessage) *directory.OutboxMessage {
	f.t.Helper()
	var got *directory.OutboxMessage
	f.read(func(tx directory.Tx) error {
		all, err := tx.ListOutbox(f.ctx, m.TenantID, directory.Page{Limit: 100})
		for _, x := range all {
			if x.ID == m.ID {
				got = x
			}
		}
		return err
	})
	if got == nil {
		f.t.Fatalf("message %s is not in the outbox", m.ID)
	}
	return got
}

func ids(ms []*directory.OutboxMessage) []string {
	out := []string{}
	for _, m := range ms {
		out = append(out, m.ID)
	}
	return out
}

func wantState(t *testing.T, m *directory.OutboxMessage, state directory.MailState, attempts int, lastError string) {
	t.Helper()
	if m.State != state || m.Attempts != attempts || m.LastError != lastError {
		t.Fatalf("message %s is %s after %d attempts (%q); want %s after %d (%q)",
			m.ID, m.State, m.Attempts, m.LastError, state, attempts, lastError)
	}
}

var mailQueueTests = map[string]func(*testing.T, *fx){
	"ClaimLeasesDueMessagesOldestFirstUntilTheLeaseEnds": func(t *testing.T, f *fx) {
		a := f.tenant()
		second := f.mail(a.ID, "b@example.test", base.Add(time.Second))
		first := f.mail("", "a@example.test", base)
		// A message not due for an hour (as a retry is).
		later := &directory.OutboxMessage{ID: directory.NewID(), TenantID: a.ID, To: "c@example.test", Subject: "s", Body: "b",
			CreatedAt: base, State: directory.MailPending, NextAttemptAt: base.Add(time.Hour)}
		f.write(func(tx directory.Tx) error { return tx.EnqueueMail(f.ctx, later) })

		got := f.claimAt(base.Add(2*time.Second), claim)
		if fmt.Sprint(ids(got)) != fmt.Sprint(ids([]*directory.OutboxMessage{first, second})) {
			t.Fatalf("claimed %v, want the two due messages %v oldest first", ids(got), []string{first.ID, second.ID})
		}
		for _, m := range got {
			wantState(t, m, directory.MailSending, 1, "")
			if want := base.Add(2*time.Second + claim.Lease); !m.NextAttemptAt.Equal(want) {
				t.Fatalf("lease of %s ends %v, want %v", m.ID, m.NextAttemptAt, want)
			}
		}
		wantState(t, f.outboxMessage(second), directory.MailSending, 1, "")
		if again := f.claimAt(base.Add(time.Minute), claim); len(again) != 0 {
			t.Fatalf("claimed %v again while the lease holds", ids(again))
		}
		// The leases end (the deliverer died) and the hour passes: all three are due.
		again := f.claimAt(base.Add(time.Hour), claim)
		if len(again) != 3 {
			t.Fatalf("after the leases ended claimed %v, want all three", ids(again))
		}
		for _, m := range again {
			want := 2
			if m.ID == later.ID {
				want = 1
			}
			wantState(t, m, directory.MailSending, want, "")
		}
		n, oldest, err := 0, (*time.Time)(nil), error(nil)
		f.read(func(tx directory.Tx) error { n, oldest, err = tx.MailBacklog(f.ctx); return err })
		if n != 3 || oldest == nil || !oldest.Equal(base) {
			t.Fatalf("backlog = %d, oldest %v; sending messages are unsent: want 3, %v", n, oldest, base)
		}
	},
	"TheLimitBoundsAClaim": func(t *testing.T, f *fx) {
		for i := range 5 {
			f.mail("", fmt.Sprintf("p%d@example.test", i), base.Add(time.Duration(i)*time.Second))
		}
		one := directory.MailClaim{Limit: 2, Lease: time.Minute, MaxAttempts: 3}
		if got := f.claimAt(base.Add(time.Minute), one); len(got) != 2 {
			t.Fatalf("claimed %d, want the limit 2", len(got))
		}
		if got := f.claimAt(base.Add(time.Minute), claim); len(got) != 3 {
			t.Fatalf("claimed %d, want the 3 left", len(got))
		}
	},
	"AnOutcomeNeedsTheAttemptThatHoldsTheLease": func(t *testing.T, f *fx) {
		m := f.mail("", "a@example.test", base)
		f.claimAt(base, claim)
		// The lease ends; another deliverer claims attempt 2.
		f.claimAt(base.Add(claim.Lease), claim)
		wantKind(t, f.finish(m, 1, base.Add(claim.Lease), directory.MailOutcome{State: directory.MailSent}), directory.KindConflict)
		wantState(t, f.outboxMessage(m), directory.MailSending, 2, "")
		wantNoErr(t, f.finish(m, 2, base.Add(claim.Lease+time.Second), directory.MailOutcome{State: directory.MailSent}))
		got := f.outboxMessage(m)
		wantState(t, got, directory.MailSent, 2, "")
		if got.SentAt == nil || !got.SentAt.Equal(base.Add(claim.Lease+time.Second)) {
			t.Fatalf("SentAt = %v", got.SentAt)
		}
		// Sent is final: a late duplicate outcome is refused, not applied.
		wantKind(t, f.finish(m, 2, base, directory.MailOutcome{State: directory.MailFailed, Error: "late"}), directory.KindConflict)
		wantState(t, f.outboxMessage(m), directory.MailSent, 2, "")
		if got := f.claimAt(base.Add(24*time.Hour), claim); len(got) != 0 {
			t.Fatalf("a sent message was claimed again: %v", ids(got))
		}
	},
	"ARetryWaitsAndAFailureIsFinal": func(t *testing.T, f *fx) {
		m := f.mail("", "a@example.test", base)
		f.claimAt(base, claim)
		wantNoErr(t, f.finish(m, 1, base, directory.MailOutcome{State: directory.MailPending, RetryAt: base.Add(time.Hour), Error: "451 try later"}))
		wantState(t, f.outboxMessage(m), directory.MailPending, 1, "451 try later")
		if got := f.claimAt(base.Add(59*time.Minute), claim); len(got) != 0 {
			t.Fatal("claimed before its retry time")
		}
		got := f.claimAt(base.Add(time.Hour), claim)
		if len(got) != 1 {
			t.Fatal("not claimed at its retry time")
		}
		wantState(t, got[0], directory.MailSending, 2, "451 try later")
		wantNoErr(t, f.finish(m, 2, base.Add(time.Hour), directory.MailOutcome{State: directory.MailFailed, Error: "550 no such mailbox"}))
		wantState(t, f.outboxMessage(m), directory.MailFailed, 2, "550 no such mailbox")
		if got := f.claimAt(base.Add(48*time.Hour), claim); len(got) != 0 {
			t.Fatal("a failed message was claimed again")
		}
		f.read(func(tx directory.Tx) error {
			n, oldest, err := tx.MailBacklog(f.ctx)
			wantNoErr(t, err)
			unsent, err := tx.ListUnsentMail(f.ctx, 10)
			wantNoErr(t, err)
			if n != 0 || oldest != nil || len(unsent) != 0 {
				t.Fatalf("failed mail still waits: backlog %d, %v, unsent %v", n, oldest, ids(unsent))
			}
			return nil
		})
	},
	"ALeaseThatRunsOutAfterTheLastAttemptFailsTheMessage": func(t *testing.T, f *fx) {
		m := f.mail("", "a@example.test", base)
		now := base
		for attempt := 1; attempt <= claim.MaxAttempts; attempt++ {
			got := f.claimAt(now, claim)
			if len(got) != 1 || got[0].Attempts != attempt {
				t.Fatalf("claim %d: %+v", attempt, got)
			}
			now = now.Add(claim.Lease) // the deliverer dies mid-send
		}
		if got := f.claimAt(now, claim); len(got) != 0 {
			t.Fatalf("claimed after %d unfinished attempts: %v", claim.MaxAttempts, ids(got))
		}
		got := f.outboxMessage(m)
		if got.State != directory.MailFailed || got.Attempts != claim.MaxAttempts || got.LastError == "" {
			t.Fatalf("message is %s after %d attempts (%q), want failed with a reason", got.State, got.Attempts, got.LastError)
		}
	},
	"ConcurrentClaimsTakeEachMessageOnce": func(t *testing.T, f *fx) {
		const msgs, workers = 60, 4
		for i := range msgs {
			f.mail("", fmt.Sprintf("p%d@example.test", i), base.Add(time.Duration(i)*time.Millisecond))
		}
		var mu sync.Mutex
		seen := map[string]int{}
		var wg sync.WaitGroup
		errs := make([]error, workers)
		for w := range workers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for {
					var got []*directory.OutboxMessage
					err := f.s.Write(f.ctx, func(tx directory.Tx) error {
						var err error
						got, err = tx.ClaimMail(f.ctx, base.Add(time.Second), directory.MailClaim{Limit: 3, Lease: time.Hour, MaxAttempts: 3})
						return err
					})
					if err != nil || len(got) == 0 {
						errs[w] = err
						return
					}
					mu.Lock()
					for _, m := range got {
						seen[m.ID]++
					}
					mu.Unlock()
				}
			}()
		}
		wg.Wait()
		for _, err := range errs {
			wantNoErr(t, err)
		}
		if len(seen) != msgs {
			t.Fatalf("claimed %d distinct messages, want %d", len(seen), msgs)
		}
		for id, n := range seen {
			if n != 1 {
				t.Fatalf("message %s claimed %d times", id, n)
			}
		}
	},
}
