package storetest

import (
	"testing"
	"time"

	"github.com/orgdir/orgdir/internal/directory"
)

func (f *fx) mail(tenantID, to string, at time.Time) *directory.OutboxMessage {
	f.t.Helper()
	m := &directory.OutboxMessage{ID: directory.NewID(), TenantID: tenantID, To: to, Subject: "Hello", Body: "Body for " + to, CreatedAt: at}
	f.write(func(tx directory.Tx) error { return tx.EnqueueMail(f.ctx, m) })
	return m
}

var outboxTests = map[string]func(*testing.T, *fx){
	"EnqueueThenListPerTenant": func(t *testing.T, f *fx) {
		a, b := f.tenant(), f.tenant()
		m1, m2 := f.mail(a.ID, "x@example.test", base), f.mail(a.ID, "y@example.test", base)
		f.mail(b.ID, "z@example.test", base)
		noTenant := f.mail("", "otp@example.test", base)
		want := []*directory.OutboxMessage{m1, m2}
		if m2.ID < m1.ID {
			want = []*directory.OutboxMessage{m2, m1}
		}
		f.read(func(tx directory.Tx) error {
			got, err := tx.ListOutbox(f.ctx, a.ID, directory.Page{})
			wantNoErr(t, err)
			sameJSON(t, got, want)
			got, err = tx.ListOutbox(f.ctx, a.ID, directory.Page{Limit: 1, AfterID: want[0].ID})
			wantNoErr(t, err)
			sameJSON(t, got, want[1:])
			got, err = tx.ListOutbox(f.ctx, "", directory.Page{})
			wantNoErr(t, err)
			sameJSON(t, got, []*directory.OutboxMessage{noTenant})
			return nil
		})
	},
	"UnsentMailOldestFirstUntilMarkedSent": func(t *testing.T, f *fx) {
		a, b := f.tenant(), f.tenant()
		second := f.mail(a.ID, "x@example.test", base.Add(time.Minute))
		first := f.mail(b.ID, "y@example.test", base)
		third := f.mail("", "z@example.test", base.Add(2*time.Minute))
		unsent := func(limit int) []*directory.OutboxMessage {
			var got []*directory.OutboxMessage
			f.read(func(tx directory.Tx) error {
				var err error
				got, err = tx.ListUnsentMail(f.ctx, limit)
				return err
			})
			return got
		}
		sameJSON(t, unsent(2), []*directory.OutboxMessage{first, second})
		f.write(func(tx directory.Tx) error { return tx.MarkMailSent(f.ctx, first.ID, base.Add(time.Hour)) })
		sameJSON(t, unsent(10), []*directory.OutboxMessage{second, third})
		f.read(func(tx directory.Tx) error {
			got, err := tx.ListOutbox(f.ctx, b.ID, directory.Page{})
			wantNoErr(t, err)
			if len(got) != 1 || got[0].SentAt == nil || !got[0].SentAt.Equal(base.Add(time.Hour)) {
				t.Fatalf("sent message = %+v, want SentAt %v", got, base.Add(time.Hour))
			}
			return nil
		})
		wantKind(t, f.tryWrite(func(tx directory.Tx) error { return tx.MarkMailSent(f.ctx, directory.NewID(), base) }), directory.KindNotFound)
	},
	"DeleteMailToRemovesOnlyThatTenantsMessagesToTheAddress": func(t *testing.T, f *fx) {
		a, b := f.tenant(), f.tenant()
		f.mail(a.ID, "Gone@Example.test", base)
		keep := f.mail(a.ID, "stay@example.test", base)
		other := f.mail(b.ID, "gone@example.test", base)
		f.write(func(tx directory.Tx) error { return tx.DeleteMailTo(f.ctx, a.ID, "gone@EXAMPLE.test") })
		f.read(func(tx directory.Tx) error {
			got, err := tx.ListOutbox(f.ctx, a.ID, directory.Page{})
			wantNoErr(t, err)
			sameJSON(t, got, []*directory.OutboxMessage{keep})
			got, err = tx.ListOutbox(f.ctx, b.ID, directory.Page{})
			wantNoErr(t, err)
			sameJSON(t, got, []*directory.OutboxMessage{other})
			return nil
		})
	},
}
