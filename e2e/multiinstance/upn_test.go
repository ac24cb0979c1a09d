package multiinstance

import (
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/orgdir/orgdir/internal/directory"
)

// TestTwoInstancesCreatingOneUPNOneWins creates a member with the same
// userPrincipalName on both instances at the same moment, many times:
// exactly one create succeeds, the other is KindConflict, and the tenant
// holds one such user with one "Add user" record. Uniqueness is the
// database's partial unique index, not a look-up that both could pass.
func TestTwoInstancesCreatingOneUPNOneWins(t *testing.T) {
	db := freshDatabase(t)
	clock := directory.NewFixedClock(start)
	one, two := twoInstances(t, db, clock.Now)
	tn := mustTenant(t, one, "Contoso")
	for round := range 60 {
		upn := fmt.Sprintf("Same.Name%d@%s", round, tn.InitialDomain)
		errs := make([]error, 2)
		var wg sync.WaitGroup
		gate := make(chan struct{})
		for i, in := range []*instance{one, two} {
			// The second spells it in upper case: the index ignores case.
			spelled := upn
			if i == 1 {
				spelled = strings.ToUpper(upn)
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-gate
				_, errs[i] = in.svc.CreateUser(system(), tn.ID, directory.NewUser{UserPrincipalName: spelled, DisplayName: "Same"})
			}()
		}
		close(gate)
		wg.Wait()
		won := 0
		for i, err := range errs {
			switch {
			case err == nil:
				won++
			case directory.KindOf(err) != directory.KindConflict:
				t.Fatalf("round %d: instance %d: got %v, want success or a conflict", round, i+1, err)
			}
		}
		if won != 1 {
			t.Fatalf("round %d: %d creates succeeded (%v), want exactly 1", round, won, errs)
		}
		if n := db.count(t, `SELECT count(*) FROM users WHERE tenant_id = $1 AND lower(upn) = lower($2)`, tn.ID, upn); n != 1 {
			t.Fatalf("round %d: %d users hold %s", round, n, upn)
		}
		if n := db.count(t, `SELECT count(*) FROM audit_events e JOIN audit_targets tg ON tg.event_id = e.id
			WHERE e.tenant_id = $1 AND e.activity = $2 AND e.result = 'success' AND lower(tg.upn) = lower($3)`,
			tn.ID, directory.ActivityAddUser, upn); n != 1 {
			t.Fatalf("round %d: %d \"Add user\" records for %s, want 1", round, n, upn)
		}
	}
}
