package ruletest

import (
	"fmt"
	"sync"
	"testing"

	"github.com/orgdir/orgdir/internal/directory"
)

// testRace runs leave, restore and permanent delete of one guest at the
// same moment, many times, and checks every outcome is one valid state
// that the audit log tells truthfully.
func testRace(t *testing.T, ns NewStore) {
	t.Run("LeaveRestorePermanentDeleteEndInOneValidState", func(t *testing.T) {
		w := newWorld(t, ns)
		admin := w.as(w.contosoAdmin)
		const rounds = 12
		outcomes := map[string]int{}
		for i := range rounds {
			bob := w.member(w.fabrikam, fmt.Sprintf("bob%d", i), fmt.Sprintf("Bob %d", i))
			g := w.inviteAndRedeem(w.contoso, bob.Mail, w.as(bob))
			ok(t, w.svc.AddGroupMember(admin, w.contoso.ID, w.team.ID, g.ID))
			must(w.svc.AssignAppRole(admin, w.contoso.ID, g.ID, w.app.ID, w.app.AppRoles[1].ID))(t)
			holdings := w.holdings(w.contoso.ID, g.ID)

			var leaveErr, restoreErr, purgeErr error
			var wg sync.WaitGroup
			start := make(chan struct{})
			wg.Add(3)
			go func() { defer wg.Done(); <-start; leaveErr = w.svc.Leave(w.as(bob), w.contoso.ID) }()
			go func() {
				defer wg.Done()
				<-start
				_, restoreErr = w.svc.RestoreUser(admin, w.contoso.ID, g.ID, "")
			}()
			go func() { defer wg.Done(); <-start; purgeErr = w.svc.PermanentlyDeleteUser(admin, w.contoso.ID, g.ID) }()
			close(start)
			wg.Wait()

			// Leave always can; restore needs a deleted user (else not
			// found); permanent delete needs one too (else conflict while
			// live, not found once gone).
			if leaveErr != nil {
				t.Fatalf("round %d: leave failed: %v", i, leaveErr)
			}
			if restoreErr != nil && !directory.IsKind(restoreErr, directory.KindNotFound) {
				t.Fatalf("round %d: restore failed oddly: %v", i, restoreErr)
			}
			if purgeErr != nil && !directory.IsKind(purgeErr, directory.KindConflict) && !directory.IsKind(purgeErr, directory.KindNotFound) {
				t.Fatalf("round %d: permanent delete failed oddly: %v", i, purgeErr)
			}
			restored, purged := restoreErr == nil, purgeErr == nil
			if restored && purged {
				// Possible only as leave, restore, …: then the user is live
				// and permanent delete must have been refused.
				t.Fatalf("round %d: both restore and permanent delete succeeded", i)
			}

			raw := w.rawUser(w.contoso.ID, g.ID)
			state := "live"
			switch {
			case purged:
				state = "gone"
				if raw != nil || len(w.holdings(w.contoso.ID, g.ID)) != 0 {
					t.Errorf("round %d: permanent delete succeeded but the user or its holdings remain", i)
				}
			case restored:
				if raw == nil || raw.Deleted() {
					t.Errorf("round %d: restore succeeded but the user is %+v", i, raw)
				}
			default:
				state = "deleted"
				if raw == nil || !raw.Deleted() {
					t.Errorf("round %d: only leave succeeded but the user is %+v", i, raw)
				}
			}
			if state != "gone" {
				if got := w.holdings(w.contoso.ID, g.ID); !equalStrings(got, holdings) {
					t.Errorf("round %d: holdings %v, want %v", i, got, holdings)
				}
			}
			count := func(activity string) int {
				n := 0
				for _, e := range w.events(w.contoso.ID, activity, g.ID) {
					if e.Result == directory.ResultSuccess {
						n++
					}
				}
				return n
			}
			if count(directory.ActivityLeaveOrganization) != 1 || count(directory.ActivityRestoreUser) != b2i(restored) ||
				count(directory.ActivityHardDeleteUser) != b2i(purged) {
				t.Errorf("round %d: audit says leave %d, restore %d, hard delete %d; the calls said 1, %d, %d", i,
					count(directory.ActivityLeaveOrganization), count(directory.ActivityRestoreUser), count(directory.ActivityHardDeleteUser),
					b2i(restored), b2i(purged))
			}
			outcomes[state]++
		}
		t.Logf("outcomes over %d rounds: %v", rounds, outcomes)
	})
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}
