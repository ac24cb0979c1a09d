package mail

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/orgdir/orgdir/internal/directory"
)

// outboxStore is an outbox in memory, as the directory service offers it
// to the Deliverer.
type outboxStore struct {
	mu   sync.Mutex
	msgs []*directory.OutboxMessage
}

func (s *outboxStore) PendingMail(_ context.Context, limit int) ([]*directory.OutboxMessage, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []*directory.OutboxMessage
	for _, m := range s.msgs {
		if m.SentAt == nil && len(out) < limit {
			c := *m
			out = append(out, &c)
		}
	}
	return out, nil
}

func (s *outboxStore) MarkMailSent(_ context.Context, id string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, m := range s.msgs {
		if m.ID == id {
			at := time.Now()
			m.SentAt = &at
			return nil
		}
	}
	return directory.Errorf(directory.KindNotFound, "no message %s", id)
}

func TestDelivererSendsUnsentMailThroughSMTPAndMarksIt(t *testing.T) {
	srv := startSMTP(t)
	sentBefore := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	st := &outboxStore{msgs: []*directory.OutboxMessage{
		{ID: "1", To: "ada@fabrikam.example", Subject: "Invitation", Body: "Open http://x/redeem?token=abc"},
		{ID: "2", To: "old@fabrikam.example", Subject: "Old", Body: "already sent", SentAt: &sentBefore},
		{ID: "3", To: "bob@example.net", Subject: "Your code", Body: "12345678"},
	}}
	now := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	d := &Deliverer{Outbox: st, Transport: &Sender{Config: srv.config()}, Clock: func() time.Time { return now }}
	n, err := d.DeliverOnce(context.Background())
	if err != nil || n != 2 {
		t.Fatalf("DeliverOnce = %d, %v; want 2 sent", n, err)
	}
	got := srv.messages()
	if len(got) != 2 || got[0].to[0] != "ada@fabrikam.example" || got[1].to[0] != "bob@example.net" {
		t.Fatalf("server received %+v, want ada's then bob's message", got)
	}
	for _, m := range st.msgs {
		if m.SentAt == nil {
			t.Fatalf("message %s is still unsent", m.ID)
		}
	}
	if !st.msgs[1].SentAt.Equal(sentBefore) {
		t.Fatal("an already sent message must not be sent again")
	}
	if n, _ := d.DeliverOnce(context.Background()); n != 0 || len(srv.messages()) != 2 {
		t.Fatal("a second round must send nothing")
	}
}

type failingTransport struct{ calls int }

func (f *failingTransport) Send(context.Context, *directory.OutboxMessage, time.Time) error {
	f.calls++
	return errors.New("connection refused")
}

func TestDelivererKeepsMessageUnsentWhenSendingFails(t *testing.T) {
	st := &outboxStore{msgs: []*directory.OutboxMessage{{ID: "1", To: "a@b.example"}, {ID: "2", To: "c@d.example"}}}
	tr := &failingTransport{}
	d := &Deliverer{Outbox: st, Transport: tr}
	n, err := d.DeliverOnce(context.Background())
	if err == nil || n != 0 {
		t.Fatalf("DeliverOnce = %d, %v; want 0 and the error", n, err)
	}
	if tr.calls != 1 {
		t.Fatalf("tried %d messages, want to stop after the first failure", tr.calls)
	}
	if st.msgs[0].SentAt != nil || st.msgs[1].SentAt != nil {
		t.Fatal("failed messages must stay unsent for the next round")
	}
}

// rejectingTransport refuses the messages to one address for good.
type rejectingTransport struct {
	bad  string
	sent []string
}

func (r *rejectingTransport) Send(_ context.Context, m *directory.OutboxMessage, _ time.Time) error {
	if m.To == r.bad {
		return &RejectedError{Err: errors.New("550 no such mailbox")}
	}
	r.sent = append(r.sent, m.To)
	return nil
}

func TestDelivererSkipsAMessageTheServerRejectsForGood(t *testing.T) {
	st := &outboxStore{msgs: []*directory.OutboxMessage{{ID: "1", To: "gone@b.example"}, {ID: "2", To: "c@d.example"}}}
	tr := &rejectingTransport{bad: "gone@b.example"}
	d := &Deliverer{Outbox: st, Transport: tr, Log: slog.New(slog.DiscardHandler)}
	n, err := d.DeliverOnce(context.Background())
	if err != nil || n != 1 || len(tr.sent) != 1 || tr.sent[0] != "c@d.example" {
		t.Fatalf("DeliverOnce = %d, %v, sent %v; want the second message sent past the rejected first", n, err, tr.sent)
	}
	if st.msgs[0].SentAt != nil || st.msgs[1].SentAt == nil {
		t.Fatal("the rejected message must stay unsent, the other be marked sent")
	}
}
