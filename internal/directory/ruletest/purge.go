package ruletest

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/orgdir/orgdir/internal/directory"
)

func testPurge(t *testing.T, ns NewStore) {
	t.Run("Day29KeepsDay30Removes", func(t *testing.T) {
		for _, zone := range []string{"UTC", "Europe/Stockholm", "America/Los_Angeles", "Asia/Kolkata"} {
			t.Run(strings.ReplaceAll(zone, "/", "_"), func(t *testing.T) {
				loc, err := time.LoadLocation(zone)
				if err != nil {
					t.Skipf("no time zone data for %s: %v", zone, err)
				}
				// The clock reads local time in zone; 30 days later the
				// zone's offset may differ (end of summer time).
				e := epoch()
				w := newWorldAt(t, ns, time.Date(e.Year(), e.Month(), e.Day(), 23, 30, 0, 0, loc))
				ok(t, w.svc.Leave(w.as(w.ada), w.contoso.ID))
				left := w.clock.Now()

				w.clock.Set(left.Add(29 * 24 * time.Hour))
				if n := must(w.svc.PurgeExpired(w.sys, w.clock.Now(), 10))(t); n != 0 {
					t.Fatalf("day 29 purged %d users", n)
				}
				w.clock.Set(left.Add(30*24*time.Hour - time.Second))
				if n := must(w.svc.PurgeExpired(w.sys, w.clock.Now(), 10))(t); n != 0 {
					t.Fatalf("a second before day 30 purged %d users", n)
				}
				if u := w.rawUser(w.contoso.ID, w.adaGuest.ID); u == nil || !u.Deleted() {
					t.Fatalf("before day 30 the guest is %+v, want still in Deleted users", u)
				}
				w.clock.Set(left.Add(30 * 24 * time.Hour))
				if n := must(w.svc.PurgeExpired(w.sys, w.clock.Now(), 10))(t); n != 1 {
					t.Fatalf("day 30 purged %d users, want 1", n)
				}
				if u := w.rawUser(w.contoso.ID, w.adaGuest.ID); u != nil {
					t.Fatalf("after day 30 the guest is %+v, want gone", u)
				}
				ev := w.events(w.contoso.ID, directory.ActivityHardDeleteUser, w.adaGuest.ID)
				if len(ev) != 1 || ev[0].Initiator.AppName != directory.PurgeAppName || ev[0].Initiator.UserID != "" {
					t.Errorf("purge audit = %+v, want one by %q", ev, directory.PurgeAppName)
				}
			})
		}
	})

	t.Run("NowInAnotherZoneIsTheSameInstant", func(t *testing.T) {
		w := newWorld(t, ns)
		ok(t, w.svc.Leave(w.as(w.ada), w.contoso.ID))
		kolkata := time.FixedZone("IST", 5*3600+1800)
		due := w.clock.Now().Add(30 * 24 * time.Hour)
		if n := must(w.svc.PurgeExpired(w.sys, due.Add(-time.Minute).In(kolkata), 10))(t); n != 0 {
			t.Fatalf("purged %d a minute early", n)
		}
		if n := must(w.svc.PurgeExpired(w.sys, due.In(kolkata), 10))(t); n != 1 {
			t.Fatalf("purged %d at the due instant, want 1", n)
		}
	})

	t.Run("RespectsEachTenantsRetention", func(t *testing.T) {
		w := newWorld(t, ns)
		one := 1
		must(w.svc.UpdateTenant(w.as(w.fabrikamAdmin), w.fabrikam.ID, directory.TenantPatch{RetentionDays: &one}))(t)
		bob := w.member(w.fabrikam, "bob", "Bob")
		ok(t, w.svc.DeleteUser(w.as(w.fabrikamAdmin), w.fabrikam.ID, bob.ID))
		ok(t, w.svc.Leave(w.as(w.ada), w.contoso.ID))
		w.clock.Advance(24 * time.Hour)
		if n := must(w.svc.PurgeExpired(w.sys, w.clock.Now(), 10))(t); n != 1 {
			t.Fatalf("after one day purged %d, want Bob only", n)
		}
		if w.rawUser(w.fabrikam.ID, bob.ID) != nil || w.rawUser(w.contoso.ID, w.adaGuest.ID) == nil {
			t.Error("wrong user purged")
		}
	})

	t.Run("LeavesLiveAndRestoredUsers", func(t *testing.T) {
		w := newWorld(t, ns)
		ok(t, w.svc.Leave(w.as(w.ada), w.contoso.ID))
		must(w.svc.RestoreUser(w.as(w.contosoAdmin), w.contoso.ID, w.adaGuest.ID, ""))(t)
		w.clock.Advance(400 * 24 * time.Hour)
		w.unchanged(func() {
			if n := must(w.svc.PurgeExpired(w.sys, w.clock.Now(), 10))(t); n != 0 {
				t.Fatalf("purged %d live users", n)
			}
		})
	})

	t.Run("ManyBatches", func(t *testing.T) {
		w := newWorld(t, ns)
		deleted := w.deleteMany(7)
		w.clock.Advance(30 * 24 * time.Hour)
		if n := must(w.svc.PurgeExpired(w.sys, w.clock.Now(), 3))(t); n != len(deleted) {
			t.Fatalf("purged %d, want %d", n, len(deleted))
		}
		for _, u := range deleted {
			if w.rawUser(u.TenantID, u.ID) != nil {
				t.Errorf("%s not purged", u.DisplayName)
			}
		}
	})

	t.Run("CrashBetweenBatchesLeavesNoHalfDeletedUser", func(t *testing.T) {
		// Batches of 2 over 7 users: 4 Writes (2, 2, 2, 1), each a whole
		// batch or nothing; a crash before the k-th leaves 2(k-1) gone.
		const batch = 2
		for _, okWrites := range []int{0, 1, 2, 3} {
			t.Run(fmt.Sprintf("After%dWrites", okWrites), func(t *testing.T) {
				w := newWorld(t, ns)
				deleted := w.deleteMany(7)
				w.clock.Advance(30 * 24 * time.Hour)
				crashing := &crashingStore{Store: w.store}
				svc := directory.NewService(crashing, directory.Options{Clock: w.clock.Now, PublicBaseURL: baseURL})
				crashing.arm(okWrites)
				n, err := svc.PurgeExpired(w.sys, w.clock.Now(), batch)
				if err == nil || !errors.Is(err, errCrash) {
					t.Fatalf("PurgeExpired through a crashing store = %d, %v; want the crash", n, err)
				}
				if n != batch*okWrites {
					t.Errorf("purged %d before the crash, want %d", n, batch*okWrites)
				}
				gone := w.checkWholeOrGone(deleted)
				if gone != batch*okWrites {
					t.Errorf("%d users gone after the crash, want %d", gone, batch*okWrites)
				}
				// A rerun (the next tick, or another instance) finishes.
				if n := must(w.svc.PurgeExpired(w.sys, w.clock.Now(), batch))(t); n != len(deleted)-batch*okWrites {
					t.Errorf("rerun purged %d, want %d", n, len(deleted)-batch*okWrites)
				}
				if gone := w.checkWholeOrGone(deleted); gone != len(deleted) {
					t.Errorf("after the rerun %d of %d users are gone", gone, len(deleted))
				}
			})
		}
	})

	t.Run("CancelledContextStopsBetweenBatches", func(t *testing.T) {
		w := newWorld(t, ns)
		deleted := w.deleteMany(7)
		w.clock.Advance(30 * 24 * time.Hour)
		ctx, cancel := context.WithCancel(w.sys)
		defer cancel()
		// Cancelled after the second of four batches of 2.
		cs := &cancellingStore{Store: w.store, okWrites: 2, cancel: cancel}
		svc := directory.NewService(cs, directory.Options{Clock: w.clock.Now})
		n, err := svc.PurgeExpired(ctx, w.clock.Now(), 2)
		if err == nil {
			t.Fatalf("PurgeExpired with a cancelled context = %d, nil", n)
		}
		if gone := w.checkWholeOrGone(deleted); gone != n || n != 4 {
			t.Errorf("%d users gone, PurgeExpired reported %d; want 4 (two batches)", gone, n)
		}
		if n2 := must(w.svc.PurgeExpired(w.sys, w.clock.Now(), 2))(t); n+n2 != len(deleted) {
			t.Errorf("purged %d then %d, want %d in all", n, n2, len(deleted))
		}
	})

	t.Run("WithoutItsAuditRecordsNothingIsPurged", func(t *testing.T) {
		w := newWorld(t, ns)
		w.deleteMany(3)
		ok(t, w.svc.Leave(w.as(w.ada), w.contoso.ID))
		w.clock.Advance(31 * 24 * time.Hour)
		svc := directory.NewService(auditFailingStore{w.store}, directory.Options{Clock: w.clock.Now, PublicBaseURL: baseURL})
		w.unchanged(func() {
			if n, err := svc.PurgeExpired(w.sys, w.clock.Now(), 10); err == nil || n != 0 {
				t.Fatalf("PurgeExpired without the audit log = %d, %v; want nothing purged and an error", n, err)
			}
		})
	})

	t.Run("BadBatchRefused", func(t *testing.T) {
		w := newWorld(t, ns)
		for _, b := range []int{0, -1, 100000} {
			_, err := w.svc.PurgeExpired(w.sys, w.clock.Now(), b)
			wantField(t, err, "batch")
		}
	})

	t.Run("OnlyTheSystem", func(t *testing.T) {
		w := newWorld(t, ns)
		ok(t, w.svc.Leave(w.as(w.ada), w.contoso.ID))
		w.clock.Advance(31 * 24 * time.Hour)
		w.unchanged(func() {
			_, err := w.svc.PurgeExpired(w.as(w.contosoAdmin), w.clock.Now(), 10)
			wantKind(t, err, directory.KindForbidden)
			_, err = w.svc.PurgeExpired(context.Background(), w.clock.Now(), 10)
			wantKind(t, err, directory.KindUnauthenticated)
		})
	})
}

// deleteMany creates n Contoso members, each in the team with a grant, and
// deletes them one after another, a minute apart.
func (w *world) deleteMany(n int) []*directory.User {
	w.t.Helper()
	admin := w.as(w.contosoAdmin)
	var out []*directory.User
	for i := range n {
		u := w.member(w.contoso, fmt.Sprintf("user%d", i), fmt.Sprintf("User %d", i))
		ok(w.t, w.svc.AddGroupMember(admin, w.contoso.ID, w.team.ID, u.ID))
		must(w.svc.AssignAppRole(admin, w.contoso.ID, u.ID, w.app.ID, w.app.AppRoles[0].ID))(w.t)
		ok(w.t, w.svc.DeleteUser(admin, w.contoso.ID, u.ID))
		w.clock.Advance(time.Minute)
		out = append(out, u)
	}
	return out
}

// checkWholeOrGone fails unless each user is either whole (deleted, with
// its membership and grant) or entirely gone (no row, no holdings, a hard
// delete record, no name left in the audit log); it returns how many are
// gone.
func (w *world) checkWholeOrGone(users []*directory.User) int {
	w.t.Helper()
	gone := 0
	for _, u := range users {
		raw := w.rawUser(u.TenantID, u.ID)
		h := w.holdings(u.TenantID, u.ID)
		hard := w.events(u.TenantID, directory.ActivityHardDeleteUser, u.ID)
		switch {
		case raw != nil && raw.Deleted() && len(h) == 2 && len(hard) == 0:
		case raw == nil && len(h) == 0 && len(hard) == 1:
			gone++
			for _, e := range w.audit(u.TenantID) {
				for _, tg := range e.Targets {
					if tg.ID == u.ID && (tg.DisplayName != "" || tg.UPN != "") {
						w.t.Errorf("audit %q still names purged %s", e.Activity, u.ID)
					}
				}
			}
		default:
			w.t.Errorf("%s is half-deleted: row %v, holdings %v, hard delete records %d", u.DisplayName, raw != nil, h, len(hard))
		}
	}
	return gone
}
