package storetest

import (
	"testing"
	"time"

	"github.com/orgdir/orgdir/internal/directory"
)

func (f *fx) subscription(tenantID string) *directory.Subscription {
	f.t.Helper()
	s := &directory.Subscription{
		ID: directory.NewID(), TenantID: tenantID, OwnerAppID: directory.NewID(), Resource: "users",
		ChangeTypes:     []directory.ChangeType{directory.ChangeUpdated, directory.ChangeDeleted},
		NotificationURL: "https://hooks.example/n", ClientState: "state", Secret: "whsec_x",
		ExpiresAt: base.Add(24 * time.Hour), CreatedAt: base, NextAttemptAt: base,
	}
	f.write(func(tx directory.Tx) error { return tx.CreateSubscription(f.ctx, s) })
	return s
}

func (f *fx) claimSubs(now time.Time) []*directory.Subscription {
	f.t.Helper()
	var out []*directory.Subscription
	f.write(func(tx directory.Tx) error {
		var err error
		out, err = tx.ClaimSubscriptions(f.ctx, now, 10, time.Minute)
		return err
	})
	return out
}

// claimSubsN is claimSubs, trying again (up to 15 s) until it claims at
// least n: a change is due on PostgreSQL once every older transaction of
// the server has ended.
func (f *fx) claimSubsN(now time.Time, n int) []*directory.Subscription {
	f.t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		got := f.claimSubs(now)
		if len(got) >= n || time.Now().After(deadline) {
			return got
		}
		time.Sleep(20 * time.Millisecond)
	}
}

var subscriptionTests = map[string]func(*testing.T, *fx){
	"ReadBackUpdatedAndDeletedInItsTenantOnly": func(t *testing.T, f *fx) {
		a, b := f.tenant(), f.tenant()
		s := f.subscription(a.ID)
		f.read(func(tx directory.Tx) error {
			got, err := tx.GetSubscription(f.ctx, a.ID, s.ID)
			wantNoErr(t, err)
			sameJSON(t, got, s)
			_, err = tx.GetSubscription(f.ctx, b.ID, s.ID)
			wantKind(t, err, directory.KindNotFound)
			list, err := tx.ListSubscriptions(f.ctx, b.ID)
			if len(list) != 0 {
				t.Errorf("tenant b lists %d subscriptions of a", len(list))
			}
			return err
		})
		s.ExpiresAt, s.NotificationURL = base.Add(48*time.Hour), "https://hooks.example/m"
		f.write(func(tx directory.Tx) error { return tx.UpdateSubscription(f.ctx, s) })
		other := *s
		other.TenantID = b.ID
		wantKind(t, f.tryWrite(func(tx directory.Tx) error { return tx.UpdateSubscription(f.ctx, &other) }), directory.KindNotFound)
		wantKind(t, f.tryWrite(func(tx directory.Tx) error { return tx.DeleteSubscription(f.ctx, b.ID, s.ID) }), directory.KindNotFound)
		f.read(func(tx directory.Tx) error {
			list, err := tx.ListSubscriptions(f.ctx, a.ID)
			if len(list) != 1 {
				t.Fatalf("listed %d, want 1", len(list))
			}
			sameJSON(t, list[0], s)
			return err
		})
		f.write(func(tx directory.Tx) error { return tx.DeleteSubscription(f.ctx, a.ID, s.ID) })
		wantKind(t, f.tryWrite(func(tx directory.Tx) error { return tx.DeleteSubscription(f.ctx, a.ID, s.ID) }), directory.KindNotFound)
	},

	"AClaimTakesDueSubscriptionsWithChangesOnceUntilTheLeaseEnds": func(t *testing.T, f *fx) {
		a, b := f.tenant(), f.tenant()
		s := f.subscription(a.ID)
		idle := f.subscription(b.ID)
		if got := f.claimSubs(base); len(got) != 0 {
			t.Fatalf("claimed %d without any change", len(got))
		}
		f.write(func(tx directory.Tx) error {
			return tx.AppendChanges(f.ctx, []*directory.Change{change(a.ID, "u", directory.ChangeUpdated)})
		})
		got := f.claimSubsN(base, 1)
		if len(got) != 1 || got[0].ID != s.ID || got[0].Claims != 1 || !got[0].NextAttemptAt.Equal(base.Add(time.Minute)) {
			t.Fatalf("claimed %+v, want a's subscription once, leased a minute", got)
		}
		if again := f.claimSubs(base.Add(30 * time.Second)); len(again) != 0 {
			t.Fatalf("claimed again within the lease")
		}
		cs := f.changesN(a.ID, directory.ChangePos{}, 1)
		done := *got[0]
		done.Cursor, done.NextAttemptAt = cs[0].Pos, base
		f.write(func(tx directory.Tx) error { return tx.FinishSubscriptionClaim(f.ctx, &done, 1) })
		wantKind(t, f.tryWrite(func(tx directory.Tx) error { return tx.FinishSubscriptionClaim(f.ctx, &done, 0) }), directory.KindConflict)
		if again := f.claimSubs(base.Add(2 * time.Minute)); len(again) != 0 {
			t.Fatalf("claimed %d past its cursor's last change", len(again))
		}
		// Expired subscriptions are due even without changes.
		got = f.claimSubs(idle.ExpiresAt)
		if len(got) != 2 || (got[0].ID != idle.ID && got[1].ID != idle.ID) {
			t.Fatalf("expired claim took %d, want both, the idle one too", len(got))
		}
	},

	"AReminderDueMakesASubscriptionDueAndIsWrittenBack": func(t *testing.T, f *fx) {
		a := f.tenant()
		s := f.subscription(a.ID)
		at := base.Add(time.Hour)
		s.RemindAt = &at
		f.write(func(tx directory.Tx) error { return tx.UpdateSubscription(f.ctx, s) })
		if got := f.claimSubs(at.Add(-time.Second)); len(got) != 0 {
			t.Fatal("claimed before the reminder is due")
		}
		got := f.claimSubs(at)
		if len(got) != 1 || got[0].RemindAt == nil || !got[0].RemindAt.Equal(at) {
			t.Fatalf("claimed %+v", got)
		}
		got[0].RemindAt, got[0].NextAttemptAt = nil, at
		f.write(func(tx directory.Tx) error { return tx.FinishSubscriptionClaim(f.ctx, got[0], got[0].Claims) })
		if again := f.claimSubs(at.Add(time.Minute)); len(again) != 0 {
			t.Fatal("claimed again once the reminder was sent")
		}
	},

	"ALeaseThatRanOutPassesToTheNextClaimWhichFencesTheFirst": func(t *testing.T, f *fx) {
		a := f.tenant()
		f.subscription(a.ID)
		f.write(func(tx directory.Tx) error {
			return tx.AppendChanges(f.ctx, []*directory.Change{change(a.ID, "u", directory.ChangeUpdated)})
		})
		claimed := f.claimSubsN(base, 1)
		if len(claimed) != 1 {
			t.Fatalf("claimed %d", len(claimed))
		}
		first := claimed[0]
		second := f.claimSubs(base.Add(2 * time.Minute))
		if len(second) != 1 || second[0].Claims != 2 {
			t.Fatalf("second claim = %+v", second)
		}
		wantKind(t, f.tryWrite(func(tx directory.Tx) error { return tx.FinishSubscriptionClaim(f.ctx, first, 1) }), directory.KindConflict)
		f.write(func(tx directory.Tx) error { return tx.FinishSubscriptionClaim(f.ctx, second[0], 2) })
	},
}
