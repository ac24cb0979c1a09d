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
	"EnqueueThenListPerTenantNewestFirst": func(t *testing.T, f *fx) {
		a, b := f.tenant(), f.tenant()
		// Ids are random: the order must come from the creation time, and
		// equal times fall back on the id.
		oldest := f.mail(a.ID, "x@example.test", base)
		newest := f.mail(a.ID, "y@example.test", base.Add(2*time.Minute))
		tie1, tie2 := f.mail(a.ID, "t1@example.test", base.Add(time.Minute)), f.mail(a.ID, "t2@example.test", base.Add(time.Minute))
		if tie1.ID < tie2.ID {
			tie1, tie2 = tie2, tie1
		}
		other := f.mail(b.ID, "z@example.test", base.Add(time.Hour))
		noTenant := f.mail("", "otp@example.test", base)
		want := []*directory.OutboxMessage{newest, tie1, tie2, oldest}
		f.read(func(tx directory.Tx) error {
			got, err := tx.ListOutbox(f.ctx, a.ID, directory.Page{})
			wantNoErr(t, err)
			sameJSON(t, got, want)
			// Keyset paging, two at a time, walks the same order.
			var paged []*directory.OutboxMessage
			after := ""
			for range 3 {
				page, err := tx.ListOutbox(f.ctx, a.ID, directory.Page{Limit: 2, AfterID: after})
				wantNoErr(t, err)
				if len(page) == 0 {
					break
				}
				paged = append(paged, page...)
				after = page[len(page)-1].ID
			}
			sameJSON(t, paged, want)
			// Another tenant's message is no cursor here.
			got, err = tx.ListOutbox(f.ctx, a.ID, directory.Page{AfterID: other.ID})
			wantNoErr(t, err)
			sameJSON(t, got, []*directory.OutboxMessage(nil))
			got, err = tx.ListOutbox(f.ctx, "", directory.Page{})
			wantNoErr(t, err)
			sameJSON(t, got, []*directory.OutboxMessage{noTenant})
			return nil
		})
	},
	"UnsentMailOldestFirstUntilSent": func(t *testing.T, f *fx) {
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
		f.markSent(first, base.Add(time.Hour))
		// The others were claimed beside it and given back, one attempt on.
		sameJSON(t, ids(unsent(10)), ids([]*directory.OutboxMessage{second, third}))
		f.read(func(tx directory.Tx) error {
			got, err := tx.ListOutbox(f.ctx, b.ID, directory.Page{})
			wantNoErr(t, err)
			if len(got) != 1 || got[0].SentAt == nil || !got[0].SentAt.Equal(base.Add(time.Hour)) {
				t.Fatalf("sent message = %+v, want SentAt %v", got, base.Add(time.Hour))
			}
			return nil
		})
		wantKind(t, f.tryWrite(func(tx directory.Tx) error {
			return tx.FinishMailAttempt(f.ctx, directory.NewID(), 1, base, directory.MailOutcome{State: directory.MailSent})
		}), directory.KindNotFound)
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
	"ListMailToFindsOneTenantsMessagesToTheAddressOldestFirst": func(t *testing.T, f *fx) {
		a, b := f.tenant(), f.tenant()
		later := f.mail(a.ID, "Person@Example.test", base.Add(time.Minute))
		first := f.mail(a.ID, "person@example.test", base)
		f.mail(a.ID, "someone.else@example.test", base)
		f.mail(b.ID, "person@example.test", base)
		otp := f.mail("", "PERSON@example.test", base)
		f.read(func(tx directory.Tx) error {
			got, err := tx.ListMailTo(f.ctx, a.ID, "person@EXAMPLE.test")
			wantNoErr(t, err)
			sameJSON(t, got, []*directory.OutboxMessage{first, later})
			got, err = tx.ListMailTo(f.ctx, "", "person@example.test")
			wantNoErr(t, err)
			sameJSON(t, got, []*directory.OutboxMessage{otp})
			got, err = tx.ListMailTo(f.ctx, a.ID, "nobody@example.test")
			wantNoErr(t, err)
			if len(got) != 0 {
				t.Fatalf("ListMailTo(nobody) = %+v, want none", got)
			}
			return nil
		})
	},
	"DeleteMailToOfNoTenantKeepsTenantMessages": func(t *testing.T, f *fx) {
		a := f.tenant()
		f.mail("", "person@example.test", base)
		inTenant := f.mail(a.ID, "person@example.test", base)
		f.write(func(tx directory.Tx) error { return tx.DeleteMailTo(f.ctx, "", "Person@example.test") })
		f.read(func(tx directory.Tx) error {
			got, err := tx.ListMailTo(f.ctx, "", "person@example.test")
			wantNoErr(t, err)
			if len(got) != 0 {
				t.Fatalf("messages of no tenant after DeleteMailTo = %+v", got)
			}
			got, err = tx.ListMailTo(f.ctx, a.ID, "person@example.test")
			wantNoErr(t, err)
			sameJSON(t, got, []*directory.OutboxMessage{inTenant})
			return nil
		})
	},
}
