package multiinstance

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/orgdir/orgdir/internal/directory"
)

// TestTwoInstancesPurgeEachExpiredUserExactlyOnce runs the retention purge
// on two instances at the same moment, round after round, over a set of
// deleted users of which most are due (one exactly at now) and some are
// not yet (one a microsecond after now). Every due user must be purged by
// exactly one instance — one "Hard delete user" record each, the two
// counts adding up — and every other user must survive untouched.
func TestTwoInstancesPurgeEachExpiredUserExactlyOnce(t *testing.T) {
	db := freshDatabase(t)
	clock := directory.NewFixedClock(start)
	one, two := twoInstances(t, db, clock.Now)
	const rounds, due, notDue = 6, 150, 15
	bothWorked := 0
	for round := range rounds {
		now := clock.Now()
		tn := mustTenant(t, one, "Contoso")
		dueIDs := deletedUsers(t, one, tn.ID, due, func(i int) time.Time {
			if i == 0 {
				return now // due at exactly now: purged
			}
			return now.Add(-time.Duration(i) * time.Minute)
		})
		laterIDs := deletedUsers(t, two, tn.ID, notDue, func(i int) time.Time {
			if i == 0 {
				return now.Add(time.Microsecond) // due a moment from now: kept
			}
			return now.Add(time.Duration(i) * time.Hour)
		})

		counts := make([]int, 2)
		errs := make([]error, 2)
		var wg sync.WaitGroup
		gate := make(chan struct{})
		for i, in := range []*instance{one, two} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-gate
				// Small batches: the instances come back to the scan often.
				counts[i], errs[i] = in.svc.PurgeExpired(system(), now, 5)
			}()
		}
		close(gate)
		wg.Wait()
		for i, err := range errs {
			if err != nil {
				t.Fatalf("round %d: instance %d: purge: %v", round, i+1, err)
			}
		}
		if counts[0]+counts[1] != due {
			t.Fatalf("round %d: the instances purged %d + %d users, want %d in all", round, counts[0], counts[1], due)
		}
		if counts[0] > 0 && counts[1] > 0 {
			bothWorked++
		}
		t.Logf("round %d: instance one purged %d, instance two %d", round, counts[0], counts[1])

		hard := db.successes(t, tn.ID, directory.ActivityHardDeleteUser)
		for _, id := range dueIDs {
			if hard[id] != 1 {
				t.Errorf("round %d: due user %s has %d \"Hard delete user\" records, want exactly 1", round, id, hard[id])
			}
		}
		for _, id := range laterIDs {
			if hard[id] != 0 {
				t.Errorf("round %d: user %s, not yet due, was purged early", round, id)
			}
		}
		if n := db.count(t, `SELECT count(*) FROM users WHERE tenant_id = $1 AND purge_at <= $2`, tn.ID, now); n != 0 {
			t.Errorf("round %d: %d due users were missed", round, n)
		}
		if n := db.count(t, `SELECT count(*) FROM users WHERE tenant_id = $1`, tn.ID); n != notDue {
			t.Errorf("round %d: %d users remain, want the %d not yet due", round, n, notDue)
		}
		// The purge spans tenants: clear this round's survivors so that
		// the next round, a day later, counts only its own.
		if _, err := db.check.Exec(`DELETE FROM users WHERE tenant_id = $1`, tn.ID); err != nil {
			t.Fatal(err)
		}
		clock.Advance(24 * time.Hour)
	}
	// Both instances taking part shows their batches did not wait for each
	// other; a round where one finished before the other began is possible
	// on a busy machine, every round being so is not.
	if bothWorked == 0 {
		t.Errorf("in none of %d rounds did both instances purge users: they did not work side by side", rounds)
	}
}

// TestPurgeGoesOnPastAUserAnotherInstanceHolds has instance one hold a due
// user's row locked in an open transaction (as a purge or a restore in
// progress would) while instance two purges: two must purge every other
// due user without waiting, leave the held one alone, and purge it on its
// next pass once one lets go.
func TestPurgeGoesOnPastAUserAnotherInstanceHolds(t *testing.T) {
	db := freshDatabase(t)
	clock := directory.NewFixedClock(start)
	one, two := twoInstances(t, db, clock.Now)
	now := clock.Now()
	tn := mustTenant(t, one, "Contoso")
	ids := deletedUsers(t, one, tn.ID, 40, func(i int) time.Time { return now.Add(-time.Duration(40-i) * time.Minute) })
	held := ids[0] // the earliest due: the first every scan would reach

	locked, release, holderDone := make(chan struct{}), make(chan struct{}), make(chan error, 1)
	go func() {
		holderDone <- one.store.Write(context.Background(), func(tx directory.Tx) error {
			if _, err := tx.GetUser(context.Background(), tn.ID, held); err != nil {
				close(locked)
				return err
			}
			close(locked)
			<-release
			return nil
		})
	}()
	<-locked

	// Were the purge to wait for the lock it would hit this deadline.
	ctx, cancel := context.WithTimeout(system(), 20*time.Second)
	defer cancel()
	began := time.Now()
	n, err := two.svc.PurgeExpired(ctx, now, 10)
	took := time.Since(began)
	close(release)
	if herr := <-holderDone; herr != nil {
		t.Fatalf("the holding transaction: %v", herr)
	}
	if err != nil {
		t.Fatalf("purge beside a held row: %v (after %v)", err, took)
	}
	if n != len(ids)-1 {
		t.Fatalf("purge beside a held row purged %d users, want %d (all but the held one)", n, len(ids)-1)
	}
	if hard := db.successes(t, tn.ID, directory.ActivityHardDeleteUser); hard[held] != 0 {
		t.Fatalf("the held user was purged while another instance held it")
	}
	t.Logf("purged %d users in %v beside a held row", n, took)

	n, err = two.svc.PurgeExpired(system(), now, 10)
	if err != nil || n != 1 {
		t.Fatalf("the next pass purged %d users (%v), want the 1 that was held", n, err)
	}
	if hard := db.successes(t, tn.ID, directory.ActivityHardDeleteUser); hard[held] != 1 {
		t.Fatalf("the held user has %d \"Hard delete user\" records, want 1", hard[held])
	}
}
